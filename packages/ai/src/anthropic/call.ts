// One model call as the app makes it: streamed, every HTTP attempt seen, every billed attempt
// priced, errors sorted into "split the request", "fails for good" and "try again later".
import type Anthropic from "@anthropic-ai/sdk";
import { APIError, type Middleware } from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages";
import { log, PermanentJobError } from "@steno/shared";
import { type AiUsage, withUsage } from "../provider.ts";
import { toAiUsage } from "./usage.ts";

/** The request is over a limit (context, 32 MB, PDF pages): a smaller one can succeed. */
export class TooLargeError extends PermanentJobError {
  constructor(message: string) {
    super(message);
    this.name = "TooLargeError";
  }
}

type Attempt = { status: number | "timeout" | "failed"; requestId: string | null; ms: number };

/** What the rate-limit headers last said, per model, in this isolate. */
const capacity = new Map<string, { inputRemaining: number; resetAt: number }>();
/** The longest the provider waits for a rate-limit window to reset before sending anyway. */
const MAX_CAPACITY_WAIT_MS = 30_000;

function rememberCapacity(model: string, headers: Headers) {
  const remaining = Number(headers.get("anthropic-ratelimit-input-tokens-remaining"));
  const reset = Date.parse(headers.get("anthropic-ratelimit-input-tokens-reset") ?? "");
  if (Number.isFinite(remaining) && Number.isFinite(reset)) {
    capacity.set(model, { inputRemaining: remaining, resetAt: reset });
  }
}

/**
 * Waits for the input-token window to reset when the headers of the last answer said this call
 * would not fit, instead of sending it into a 429 (whose retries the SDK spaces by guesswork).
 */
export async function waitForCapacity(
  model: string,
  inputTokens: number,
  clock: Clock = realClock,
): Promise<number> {
  const state = capacity.get(model);
  if (!state || inputTokens <= state.inputRemaining) return 0;
  const wait = state.resetAt - clock.now();
  capacity.delete(model);
  if (wait <= 0 || wait > MAX_CAPACITY_WAIT_MS) return 0;
  log("info", "waiting for the model's rate-limit window", { model, waitMs: wait, inputTokens });
  await clock.sleep(wait);
  return wait;
}

/** Time as the provider waits on it; tests pass their own so nothing waits in real time. */
export type Clock = { now: () => number; sleep: (ms: number) => Promise<void> };

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Sorts an API error. Over a limit → TooLargeError (the caller splits the request); refused for
 * a reason no retry fixes (bad request, key, model) → PermanentJobError with a readable reason;
 * anything else (429, 5xx, 529, connection, timeout, an error mid-stream) is returned as it is,
 * for the queue to try again later.
 */
export function classify(error: unknown, model: string): unknown {
  if (!(error instanceof APIError) || error.status === undefined) return error;
  const detail = (error.apiMessage ?? "").slice(0, 200);
  const request = error.requestID ? ` (request ${error.requestID})` : "";
  if (error.status === 413) {
    return new TooLargeError(`The request was larger than the Anthropic API accepts${request}`);
  }
  if (error.status === 400 && /prompt is too long|maximum of \d+ PDF pages|too many/i.test(detail)) {
    return new TooLargeError(`The pages are too long for ${model}: ${detail}${request}`);
  }
  if (error.status === 400 || error.status === 422) {
    return new PermanentJobError(
      `The Anthropic API refused the request: ${detail || "invalid request"}${request}`,
    );
  }
  if (error.status === 401 || error.status === 403) {
    return new PermanentJobError(`The Anthropic API key was refused (${error.status})${request}`);
  }
  if (error.status === 404) {
    return new PermanentJobError(`The model ${model} is not available to this API key${request}`);
  }
  return error;
}

export type CallResult = { message: Message; usage: AiUsage[]; requestId: string | null };

/**
 * Streams one call to its final message (a long answer never meets the per-attempt timeout,
 * which only runs until the response headers). Every billed attempt is in `usage`: the answered
 * one; one that failed mid-stream, with the tokens its message_start reported; one that timed
 * out after it was sent, at `countedTokens` (the input the API may have processed and billed,
 * as counted before sending: the worst case, since the SDK cannot know). Attempts refused with
 * an error status are not billed and not recorded; they are logged with their request-id.
 */
export async function streamCall(
  client: Anthropic,
  params: MessageCreateParamsNonStreaming,
  context: { countedTokens?: number; purpose: string; onText?: (delta: string) => void },
): Promise<CallResult> {
  const model = params.model;
  const attempts: Attempt[] = [];
  const recorder: Middleware = async (request, next) => {
    const started = performance.now();
    try {
      const response = await next(request);
      attempts.push({
        status: response.status,
        requestId: response.headers.get("request-id"),
        ms: performance.now() - started,
      });
      rememberCapacity(model, response.headers);
      return response;
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "AbortError" || /timed? ?out/i.test(error.message));
      attempts.push({
        status: timedOut ? "timeout" : "failed",
        requestId: null,
        ms: performance.now() - started,
      });
      throw error;
    }
  };
  const started = performance.now();
  const billedBefore = () =>
    attempts
      .filter((a) => a.status === "timeout")
      .map((a) =>
        toAiUsage(model, { input_tokens: context.countedTokens ?? 0 }, a.ms, { outcome: "timeout" }),
      );
  const stream = client.messages.stream(params, { middleware: [recorder] });
  const { onText } = context;
  if (onText) stream.on("text", (delta) => onText(delta));
  let message: Message;
  try {
    message = await stream.finalMessage();
  } catch (error) {
    const usage = billedBefore();
    const partial = stream.currentMessage;
    if (partial?.usage) {
      usage.push(
        toAiUsage(partial.model || model, partial.usage, performance.now() - started, {
          requestId: stream.request_id ?? null,
          outcome: "stream_error",
        }),
      );
    }
    logAttempts(model, context.purpose, attempts, "failed");
    throw withUsage(classify(error, model), usage);
  }
  const requestId = stream.request_id ?? attempts.at(-1)?.requestId ?? null;
  const usage = [
    ...billedBefore(),
    toAiUsage(message.model || model, message.usage, performance.now() - started, {
      requestId,
      outcome: message.stop_reason ?? "end_turn",
    }),
  ];
  logAttempts(model, context.purpose, attempts, message.stop_reason ?? "end_turn");
  return { message, usage, requestId };
}

/** One line per call: each attempt's status and Anthropic request-id (no content). */
function logAttempts(model: string, purpose: string, attempts: Attempt[], outcome: string) {
  log(outcome === "end_turn" ? "info" : "warn", "model call", {
    model,
    purpose,
    outcome,
    attempts: attempts.map((a) => `${a.status}${a.requestId ? ` ${a.requestId}` : ""}`),
  });
}
