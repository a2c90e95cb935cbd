// The `anthropic` AI provider: the real SDK, PDFs as cited document blocks, prompt caching, cost per call.
import Anthropic from "@anthropic-ai/sdk";
import { log } from "@steno/shared";
import { type AiProvider, withUsage } from "../provider.ts";
import { EXTRACTION_SYSTEM, extractionInstruction, parseFactLines } from "./extraction.ts";
import { NARRATIVE_SYSTEM, narrativePrompt, parseNarrative } from "./narrative.ts";
import { toAiUsage } from "./usage.ts";

export type AnthropicEnv = { ANTHROPIC_API_KEY: string; AI_MODEL: string; ANTHROPIC_BASE_URL?: string };

const EXTRACTION_MAX_TOKENS = 16_000;
const NARRATIVE_MAX_TOKENS = 4_000;

/** Base64 without Node's Buffer; chunked so large PDFs do not overflow the argument list. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function createAnthropicProvider(env: AnthropicEnv): AiProvider {
  const model = env.AI_MODEL || "claude-haiku-4-5";
  const client = new Anthropic({
    apiKey: env.ANTHROPIC_API_KEY,
    baseURL: env.ANTHROPIC_BASE_URL || "https://api.anthropic.com",
    // 408/409/429/5xx (529 overloaded included) and connection errors are retried with
    // exponential backoff, honouring retry-after.
    maxRetries: 3,
    // Per attempt, until the response headers; a long PDF can take a minute or two to answer.
    // Four attempts at most still fit in a Queue consumer's 15 minutes.
    timeout: 180_000,
  });

  return {
    name: "anthropic",
    model,

    async extractFacts({ pdf, pages, filename }) {
      const started = performance.now();
      const message = await client.messages.create({
        model,
        max_tokens: EXTRACTION_MAX_TOKENS,
        system: [{ type: "text", text: EXTRACTION_SYSTEM, cache_control: { type: "ephemeral" } }],
        messages: [
          {
            role: "user",
            content: [
              {
                type: "document",
                source: { type: "base64", media_type: "application/pdf", data: toBase64(pdf) },
                title: filename,
                citations: { enabled: true },
                // The PDF is the bulk of the prompt; a re-run on the same file reads it from the cache.
                cache_control: { type: "ephemeral" },
              },
              { type: "text", text: extractionInstruction(filename, pages.length) },
            ],
          },
        ],
      });
      const usage = toAiUsage(message.model || model, message.usage, performance.now() - started);
      if (message.stop_reason === "max_tokens") {
        log("warn", "fact extraction answer cut at the token limit", {
          filename,
          maxTokens: EXTRACTION_MAX_TOKENS,
        });
      }
      try {
        if (message.stop_reason === "refusal") {
          throw new Error("The model declined to read this document");
        }
        return { facts: parseFactLines(message.content, pages), usage: [usage] };
      } catch (error) {
        throw withUsage(error, [usage]);
      }
    },

    async draftNarrative(input, onText) {
      const started = performance.now();
      const stream = client.messages.stream({
        model,
        max_tokens: NARRATIVE_MAX_TOKENS,
        system: [{ type: "text", text: NARRATIVE_SYSTEM, cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: narrativePrompt(input) }],
      });
      if (onText) stream.on("text", (delta) => onText(delta));
      const message = await stream.finalMessage();
      const usage = toAiUsage(message.model || model, message.usage, performance.now() - started);
      try {
        if (message.stop_reason === "refusal") throw new Error("The model declined to draft this letter");
        const text = message.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
        return { sections: parseNarrative(text), usage: [usage] };
      } catch (error) {
        throw withUsage(error, [usage]);
      }
    },
  };
}
