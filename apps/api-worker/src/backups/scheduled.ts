import { createDb } from "@steno/db";
import { errorFields, log } from "@steno/shared";
import type { Env } from "../env.ts";
import { sweepStaleJobs } from "../jobs/sweeper.ts";
import { sweepDeadlineReminders } from "../lifecycle/reminders.ts";
import { exportLetters } from "./letters.ts";

/** wrangler.toml `[triggers]`: every 10 minutes, the sweep for stuck jobs. */
export const SWEEP_CRON = "*/10 * * * *";

/**
 * The Cron Triggers (wrangler.toml `[triggers]`): the sweep for stuck jobs every 10 minutes; the
 * response-deadline reminders, then the nightly letter backup otherwise. A failure is thrown so the
 * invocation shows as failed in the dashboard (and to Sentry), besides the log line.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const handle = createDb(env);
  const started = Date.now();
  const task = controller.cron === SWEEP_CRON ? "stuck-job sweep" : "letter backup";
  // Reminders are counted in days, so once a day; the trigger's time is their clock. A failure
  // of one does not hold back the other: it is logged, and thrown once the backup has run.
  let reminderError: unknown = null;
  try {
    if (controller.cron === SWEEP_CRON) {
      await sweepStaleJobs(handle.db, env.AI_JOBS, { now: new Date(controller.scheduledTime) });
      return;
    }
    try {
      const reminders = await sweepDeadlineReminders(handle.db, {
        now: new Date(controller.scheduledTime),
        email: env,
      });
      log("info", "deadline reminders created", { created: reminders.created });
    } catch (error) {
      log("error", "deadline reminders failed", { cron: controller.cron, ...errorFields(error) });
      reminderError = error;
    }
    const manifest = await exportLetters(handle.db, env.BACKUPS, { time: controller.scheduledTime });
    log("info", "letter backup written", {
      date: manifest.date,
      letters: manifest.letters.length,
      durationMs: Date.now() - started,
    });
    if (reminderError) throw reminderError;
  } catch (error) {
    if (error !== reminderError)
      log("error", `${task} failed`, { cron: controller.cron, ...errorFields(error) });
    throw error;
  } finally {
    await handle.close();
  }
}
