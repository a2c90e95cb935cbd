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
  const awaiting = await db
    .select({
      sendId: schema.letterSends.id,
      documentId: schema.letterSends.documentId,
      responseDueOn: schema.letterSends.responseDueOn,
      title: schema.documents.title,
    })
    .from(schema.letterSends)
    .innerJoin(schema.documents, eq(schema.documents.id, schema.letterSends.documentId))
    .where(
      and(
        gte(schema.letterSends.responseDueOn, today),
        lte(schema.letterSends.responseDueOn, addDays(today, horizon)),
        sql`not exists (select 1 from letter_sends newer where newer.document_id = ${schema.letterSends.documentId} and newer.created_at > ${schema.letterSends.createdAt})`,
        sql`not exists (select 1 from offers o where o.document_id = ${schema.letterSends.documentId} and o.party = 'insurer' and o.made_on >= ${schema.letterSends.sentOn})`,
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
