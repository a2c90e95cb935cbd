import { type AiProvider, createAnthropicProvider, createLocalProvider } from "@steno/ai";

type AiEnv = Pick<
  Cloudflare.Env,
  "AI_PROVIDER" | "AI_EXTRACTION_MODEL" | "AI_DRAFTING_MODEL" | "ANTHROPIC_API_KEY" | "ANTHROPIC_BASE_URL"
>;

export const usesAnthropic = (env: AiEnv) =>
  env.AI_PROVIDER === "anthropic" && Boolean(env.ANTHROPIC_API_KEY);

/**
 * The configured provider: Anthropic when selected and a key is set, otherwise the offline
 * local provider (so the product works without network or key, and says so in the UI).
 */
export function getProvider(env: AiEnv): AiProvider {
  if (usesAnthropic(env)) {
    return createAnthropicProvider({
      ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY,
      AI_EXTRACTION_MODEL: env.AI_EXTRACTION_MODEL,
      AI_DRAFTING_MODEL: env.AI_DRAFTING_MODEL,
      ANTHROPIC_BASE_URL: env.ANTHROPIC_BASE_URL || undefined,
    });
  }
  return createLocalProvider();
}
