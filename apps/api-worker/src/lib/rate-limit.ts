import { AppError } from "@steno/shared";

/**
 * Cloudflare's rate-limit binding: `limit` counts the call and says whether the key is still
 * under its limit for the binding's period (10 or 60 seconds).
 */
export async function enforceRateLimit(
  binding: RateLimit,
  key: string,
  options: { message: string; periodSeconds: number },
): Promise<void> {
  const { success } = await binding.limit({ key });
  if (!success)
    throw new AppError("TOO_MANY_REQUESTS", options.message, { retryAfter: options.periodSeconds });
}
