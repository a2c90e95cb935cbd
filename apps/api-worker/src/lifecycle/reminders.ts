import { and, type Db, eq, gte, inArray, isNotNull, lte, schema, sql } from "@steno/db";
import { addDays, daysBetween, isoDay, REMINDER_DAYS } from "@steno/shared";
import { appOrigin } from "../email/messages.ts";
import { type EmailEnv, sendEmail } from "../email/transport.ts";

export const REMINDER_KIND = "deadline_reminder";

/** Which reminder is due with `daysLeft` days to go: the 7-day one, then the 1-day one. */
const reminderFor = (daysLeft: number) => REMINDER_DAYS.findLast((days) => daysLeft <= days);

/**
 * The Cron Trigger's reminders: for every demand awaiting a response (its case's newest send, no
 * insurer offer since), due within a week, the case's owners and editors are told 7 days and 1
 * day before. Each reminder has a key (send, deadline, which reminder), so a sweep that runs twice,
 * or late, creates nothing twice; a sweep that missed its day still sends the reminder owed.
 * `now` is the trigger's scheduled time (tests set it). New reminders are emailed when `email`
 * is given.
 */
export async function sweepDeadlineReminders(
  db: Db,
  { now, email }: { now: Date; email?: EmailEnv & Pick<Cloudflare.Env, "ALLOWED_ORIGINS"> },
) {
  const today = isoDay(now);
  const horizon = Math.max(...REMINDER_DAYS);
  // The case keeps the deadline of the demand awaiting its response (documents.response_due_on,
  // the rule in the database); the send it belongs to is the case's newest.
  const awaiting = await db
    .select({
      sendId: schema.letterSends.id,
      documentId: schema.documents.id,
      responseDueOn: sql<string>`${schema.documents.responseDueOn}`,
      title: schema.documents.title,
    })
    .from(schema.documents)
    .innerJoin(
      schema.letterSends,
      eq(
        schema.letterSends.id,
        sql`(select ls.id from letter_sends ls where ls.document_id = ${schema.documents.id} order by ls.created_at desc, ls.id desc limit 1)`,
      ),
    )
    .where(
      and(
        gte(schema.documents.responseDueOn, today),
        lte(schema.documents.responseDueOn, addDays(today, horizon)),
      ),
    );
  if (awaiting.length === 0) return { created: 0 };
  const people = await db
    .select({
      documentId: schema.documentCollaborators.documentId,
      userId: schema.users.id,
      email: schema.users.email,
    })
    .from(schema.documentCollaborators)
    .innerJoin(schema.users, eq(schema.users.id, schema.documentCollaborators.userId))
    .where(
      and(
        inArray(
          schema.documentCollaborators.documentId,
          awaiting.map((a) => a.documentId),
        ),
        isNotNull(schema.documentCollaborators.userId),
        eq(schema.documentCollaborators.inviteState, "accepted"),
        inArray(schema.documentCollaborators.role, ["owner", "editor"]),
      ),
    );
  const rows = awaiting.flatMap((send) => {
    const daysLeft = daysBetween(today, send.responseDueOn);
    const daysBefore = reminderFor(daysLeft);
    if (daysBefore === undefined) return [];
    return people
      .filter((p) => p.documentId === send.documentId)
      .map((p) => ({
        userId: p.userId,
        documentId: send.documentId,
        kind: REMINDER_KIND,
        payload: {
          sendId: send.sendId,
          caseTitle: send.title,
          responseDueOn: send.responseDueOn,
          daysBefore,
        },
        dedupeKey: `${REMINDER_KIND}:${send.sendId}:${send.responseDueOn}:${daysBefore}`,
      }));
  });
  if (rows.length === 0) return { created: 0 };
  const created = await db
    .insert(schema.notifications)
    .values(rows)
    .onConflictDoNothing({ target: [schema.notifications.userId, schema.notifications.dedupeKey] })
    .returning({ userId: schema.notifications.userId, documentId: schema.notifications.documentId });
  if (email) {
    const emails = new Map(people.map((p) => [p.userId, p.email]));
    for (const row of created) {
      const send = awaiting.find((a) => a.documentId === row.documentId);
      const to = emails.get(row.userId);
      if (!send || !to) continue;
      const link = `${appOrigin(email)}/cases/${send.documentId}`;
      const left = daysBetween(today, send.responseDueOn);
      await sendEmail(email, {
        to,
        subject: `Response due ${left === 0 ? "today" : `in ${left} day${left === 1 ? "" : "s"}`}: ${send.title}`,
        text: [
          `The insurer's response to the demand in "${send.title}" is due on ${send.responseDueOn}.`,
          "",
          `Open the case: ${link}`,
        ].join("\n"),
        links: [link],
      });
    }
  }
  return { created: created.length };
}
