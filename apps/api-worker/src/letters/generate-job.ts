import type { AiProvider } from "@steno/ai";
import { and, type Db, type DraftFlag, desc, eq, isNull, schema, sql } from "@steno/db";
import { draftLetter } from "@steno/letter";
import { type LetterSnapshot, letterRoom, PermanentJobError } from "@steno/shared";
import { recordUsage, reportUsage } from "../ai/usage.ts";
import { sha256Hex } from "../auth/tokens.ts";
import { updateJob } from "../jobs/service.ts";
import { letterCaseData } from "./case-data.ts";
import type { GenerateParams } from "./generate-request.ts";
import { autoLabel, insertVersion } from "./versions.ts";

// The queue's side of a draft: the drafting work of a job requestGeneration queued.

type Job = typeof schema.jobs.$inferSelect;

/**
 * Drafts the letter from approved facts, a template version and the letterhead, then writes
 * it into the room so open editors see it. The content it replaces is saved as a version first,
 * and the draft as a version of its own.
 */
export async function runGenerateLetter(
  db: Db,
  env: Pick<Cloudflare.Env, "ROOMS" | "METRICS">,
  provider: AiProvider,
  job: Job,
) {
  const params = (job.params ?? { responseDays: 30 }) as GenerateParams;
  await updateJob(db, job.id, { status: "running", phase: "collecting approved facts" });
  const [document] = await db.select().from(schema.documents).where(eq(schema.documents.id, job.documentId));
  if (!document) throw new PermanentJobError("The case was deleted");
  const [firm] = await db.select().from(schema.firms).where(eq(schema.firms.id, document.firmId));
  if (!firm) throw new PermanentJobError("The firm was deleted");
  const templateId = params.templateId ?? document.templateId;
  const [template] = await db
    .select()
    .from(schema.templates)
    .where(
      templateId
        ? eq(schema.templates.id, templateId)
        : and(eq(schema.templates.firmId, firm.id), isNull(schema.templates.archivedAt)),
    )
    .orderBy(desc(schema.templates.updatedAt))
    .limit(1);
  if (!template) throw new PermanentJobError("The firm has no template; create one first");
  const caseData = await letterCaseData(db, document.id);
  if (caseData.facts.length === 0) throw new PermanentJobError("No approved facts to draft from");

  await updateJob(db, job.id, { phase: `drafting narrative (${provider.name})` });
  let streamed = 0;
  let lastUpdate = Date.now();
  const { content, draft } = await draftLetter(provider, {
    caseData,
    document,
    firm,
    templateBody: template.body,
    today: new Date().toISOString().slice(0, 10),
    responseDays: params.responseDays,
    demandAmountCents: params.demandAmountCents,
    onText: (delta) => {
      streamed += delta.length;
      // Progress for the user, without a database write per token.
      if (Date.now() - lastUpdate > 1_000) {
        lastUpdate = Date.now();
        void updateJob(db, job.id, { phase: "drafting narrative", progressDone: streamed });
      }
    },
  });

  const draftFlags: DraftFlag[] = await Promise.all(
    draft.flags.map(async (flag) => ({
      key: (await sha256Hex(`${flag.section}|${flag.printed}`)).slice(0, 24),
      section: flag.section,
      sentence: flag.printed,
      reason: flag.reason,
    })),
  );

  const room = letterRoom(env.ROOMS, document.id);
  await updateJob(db, job.id, { phase: "saving the previous version" });
  const [requester] = job.requestedBy
    ? await db
        .select({ name: schema.users.name })
        .from(schema.users)
        .where(eq(schema.users.id, job.requestedBy))
    : [];
  const by = requester?.name ?? null;
  // A version the app names: what happened, when, and for whom.
  const keepVersion = (event: "beforeGeneration" | "draft", snapshot: LetterSnapshot) => {
    const { label, at } = autoLabel(event, by);
    return insertVersion(
      db,
      {
        documentId: document.id,
        label,
        state: snapshot.state,
        content: snapshot.content,
        authorId: job.requestedBy,
      },
      { at },
    );
  };
  const before = await room.snapshot();
  if (!before.empty) await keepVersion("beforeGeneration", before);
  await updateJob(db, job.id, { phase: "writing the letter" });
  // The room is the letter's one writer: it answers once it has pushed the draft to Postgres.
  await room.replaceContent(content);
  // The draft as it landed is a version of its own, so a redline shows every change made to it.
  await keepVersion("draft", await room.snapshot());
  await db.transaction(async (tx) => {
    await tx
      .update(schema.documents)
      .set({
        templateId: template.id,
        templateVersion: template.version,
        draftFlags,
        updatedAt: sql`now()`,
      })
      .where(eq(schema.documents.id, document.id));
    await recordUsage(
      tx,
      { documentId: document.id, jobId: job.id, operation: "generate-letter" },
      draft.usage,
    );
    await updateJob(tx, job.id, { status: "succeeded", phase: "done" });
  });
  reportUsage(env.METRICS, { documentId: document.id, operation: "generate-letter" }, draft.usage);
  return { templateVersion: template.version };
}
