import type {
  ContentBlockParam,
  MessageCreateParamsNonStreaming,
} from "@anthropic-ai/sdk/resources/messages";
import type { RewritePreset } from "@steno/shared";
import type { RewriteInput } from "../provider.ts";
import { factsDocument } from "./narrative.ts";

// "Rewrite with AI": one passage of the letter rewritten as the attorney asked, from the case's
// reviewed facts. The answer is checked (figures, dates, names) before the editor offers it.

export const REWRITE_SYSTEM = `You revise one passage of a personal-injury demand letter that an attorney is editing. The attorney tells you how to rewrite it.

The case's approved facts are given to you as a document, one fact per content block. The passage and those facts are the only sources you may use.

- Keep every fact the passage states, unless the instruction is to shorten it; then keep what the argument needs.
- Add no fact, figure, date, name, diagnosis, code, count or percentage that is not in the passage or the approved facts. Write no dollar amount the passage does not state.
- Plain, professional prose in paragraphs: no bullet points, no headings, no bold.
- Answer with the rewritten passage only: no preamble, no explanation, no quotation marks around it.`;

export const PRESET_INSTRUCTIONS: Record<RewritePreset, string> = {
  firmer:
    "Make it firmer: state what the records establish in an advocate's voice, without the firm's own hedging (we believe, in our opinion, requests where a demand is meant). Keep uncertainty the passage or the records state (may have, appears, allegedly): firmness is in the voice, not in the facts.",
  shorter: "Make it shorter: say the same in fewer words.",
  plainer: "Make it plainer: everyday words and short sentences, no legal jargon.",
};

const PASSAGE = /<passage>\n?([\s\S]*?)\n?<\/passage>/;

export function rewritePrompt(input: RewriteInput): string {
  const instruction =
    input.instruction.kind === "preset"
      ? PRESET_INSTRUCTIONS[input.instruction.preset]
      : `The attorney's instruction: ${input.instruction.text}`;
  return [
    `Client: ${input.clientName}`,
    input.heading ? `Section of the letter: ${input.heading}` : null,
    instruction,
    "",
    `<passage>\n${input.text}\n</passage>`,
  ]
    .filter((line) => line !== null)
    .join("\n");
}

export function rewriteRequest(
  input: RewriteInput,
  model: string,
  maxTokens: number,
): MessageCreateParamsNonStreaming {
  const content: ContentBlockParam[] = factsDocument(input.facts, { citations: false });
  content.push({ type: "text", text: rewritePrompt(input) });
  return { model, max_tokens: maxTokens, system: REWRITE_SYSTEM, messages: [{ role: "user", content }] };
}

/** The rewritten passage from the model's answer: tags or quotes around it taken off. */
export function parseRewrite(text: string): string {
  const inner = PASSAGE.exec(text)?.[1] ?? text;
  return inner
    .trim()
    .replace(/^["“](.*)["”]$/s, "$1")
    .trim();
}
