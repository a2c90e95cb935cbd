import { createDb } from "@steno/db";
import { errorFields, log } from "@steno/shared";
import type { Env } from "../env.ts";
import { exportLetters } from "./letters.ts";

/**
 * The Cron Trigger (wrangler.toml `[triggers]`): the nightly letter backup. A failure is thrown
 * so the invocation shows as failed in the dashboard (and to Sentry), besides the log line.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const handle = createDb(env);
  const started = Date.now();
  try {
    const manifest = await exportLetters(handle.db, env.BACKUPS, { time: controller.scheduledTime });
    log("info", "letter backup written", {
      date: manifest.date,
      letters: manifest.letters.length,
      failed: manifest.failed.length,
      durationMs: Date.now() - started,
    });
  } catch (error) {
    log("error", "letter backup failed", { cron: controller.cron, ...errorFields(error) });
    throw error;
  } finally {
    await handle.close();
  }
}
