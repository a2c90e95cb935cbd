import { createDb } from "@steno/db";
import { errorFields, log } from "@steno/shared";
import type { Env } from "../env.ts";
import { sweepStaleJobs } from "../jobs/sweeper.ts";
import { exportLetters } from "./letters.ts";

/** wrangler.toml `[triggers]`: every 10 minutes, the sweep for stuck jobs. */
export const SWEEP_CRON = "*/10 * * * *";

/**
 * The Cron Triggers (wrangler.toml `[triggers]`): the sweep for stuck jobs every 10 minutes, the
 * nightly letter backup otherwise. A failure is thrown so the invocation shows as failed in the
 * dashboard (and to Sentry), besides the log line.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const handle = createDb(env);
  const started = Date.now();
  const task = controller.cron === SWEEP_CRON ? "stuck-job sweep" : "letter backup";
  try {
    if (controller.cron === SWEEP_CRON) {
      await sweepStaleJobs(handle.db, env.AI_JOBS, { now: new Date(controller.scheduledTime) });
      return;
    }
    const manifest = await exportLetters(handle.db, env.BACKUPS, { time: controller.scheduledTime });
    log("info", "letter backup written", {
      date: manifest.date,
      letters: manifest.letters.length,
      durationMs: Date.now() - started,
    });
  } catch (error) {
    log("error", `${task} failed`, { cron: controller.cron, ...errorFields(error) });
    throw error;
  } finally {
    await handle.close();
  }
}
