import { type AiProvider, type AiUsage, usageOf } from "@steno/ai";
import { and, count, eq, gt, schema, sql } from "@steno/db";
import {
  checkProse,
  draftLetter,
  mismatchMessage,
  templateSection,
  unsupportedNames,
  vocabularyOf,
} from "@steno/letter";
import {
  AppError,
  errorFields,
  heading,
  letterText,
  log,
  PermanentJobError,
  type PmNode,
  paragraph,
  type RewriteLetterInput,
} from "@steno/shared";
import { getProvider } from "../ai/index.ts";
import { recordUsage, reportUsage } from "../ai/usage.ts";
import { limitAiBurst } from "../jobs/ai-quota.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";
import { letterCaseData } from "./case-data.ts";
import type { GenerateParams } from "./generate-request.ts";
import { caseKnownValues, latestDraftJob, templateFor } from "./readiness.ts";

// "Rewrite with AI" in the editor: a paragraph rewritten (firmer, shorter, plainer, or as the
// attorney says) or one section regenerated from the case. Nothing here writes the letter: the
// answer goes back to the editor, which offers it as a suggestion (deletion of the old words,
// insertion of the new) for the owner or an editor to accept or reject. What the case does not
// vouch for (a figure, date, code or name) is refused here, before anyone sees it.

/** Rewrites are shorter calls than drafts and come in runs (paragraph after paragraph). */
export const REWRITES_PER_HOUR = 60;

const QUOTA_MESSAGE = `You have asked for ${REWRITES_PER_HOUR} AI rewrites in the last hour; try again later`;

export type RewriteResult =
  | { kind: "text"; text: string }
  /** the blocks under the heading, without it */
  | { kind: "section"; heading: string; blocks: PmNode[] };

type RewriteEnv = Pick<
  Cloudflare.Env,
  | "AI_RATE_LIMIT"
  | "METRICS"
  | "AI_PROVIDER"
  | "AI_EXTRACTION_MODEL"
  | "AI_DRAFTING_MODEL"
  | "ANTHROPIC_API_KEY"
  | "ANTHROPIC_BASE_URL"
>;

/**
 * The burst limit shared with drafts (jobs/ai-quota.ts), then the hour counted from the audit
 * log, under a per-user advisory lock so a parallel batch cannot pass the cap together. The
 * audit entry is the reservation: a rewrite that then fails still counts.
 */
async function reserveRewrite(scope: DocumentScope, input: RewriteLetterInput, env: RewriteEnv) {
  const { db, user } = scope;
  await limitAiBurst(env, user.id);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`ai-rewrite:${user.id}`}, 0))`);
    const [row] = await tx
      .select({ n: count(), oldest: sql<string | null>`min(${schema.auditLog.createdAt})` })
      .from(schema.auditLog)
      .where(
        and(
          eq(schema.auditLog.actorId, user.id),
          eq(schema.auditLog.action, "letter.rewrite"),
          gt(schema.auditLog.createdAt, sql`now() - interval '1 hour'`),
        ),
      );
    if ((row?.n ?? 0) >= REWRITES_PER_HOUR) {
      const retryAfter = row?.oldest
        ? Math.max(1, Math.ceil((Date.parse(row.oldest) + 3_600_000 - Date.now()) / 1000))
        : 3600;
      throw new AppError("TOO_MANY_REQUESTS", QUOTA_MESSAGE, { retryAfter });
    }
    const instruction = input.instruction;
    await audit(tx, scope, {
      action: "letter.rewrite",
      entityType: "document",
      entityId: scope.document.id,
      metadata: { instruction: instruction.kind === "preset" ? instruction.preset : instruction.kind },
    });
  });
}

/**
 * The rewrite or regenerated section, checked against the case; refused (409, with the reason)
 * when it states a figure, date, code or name that neither the case nor the passage it replaces
 * states.
 */
export async function rewriteLetter(
  scope: DocumentScope,
  input: RewriteLetterInput,
  env: RewriteEnv,
  provider: AiProvider = getProvider(env),
): Promise<RewriteResult> {
  const { db, document } = scope;
  await reserveRewrite(scope, input, env);
  const [caseData, [firm]] = await Promise.all([
    letterCaseData(db, document.id),
    db.select().from(schema.firms).where(eq(schema.firms.id, document.firmId)),
  ]);
  if (!firm) throw new AppError("NOT_FOUND", "Firm not found");
  const clientName = caseData.profile.clientName ?? document.clientName ?? "our client";

  const usage: AiUsage[] = [];
  // Words a regenerated section prints from the template itself (a custom template may name a state).
  const templateWords: string[] = [];
  let result: RewriteResult;
  try {
    if (input.instruction.kind === "regenerate") {
      result = await regenerateSection(scope, {
        heading: input.heading ?? "",
        caseData,
        firm,
        provider,
        usage,
        templateWords,
      });
    } else {
      const rewritten = await provider.rewrite({
        text: input.text ?? "",
        instruction: input.instruction,
        heading: input.heading,
        clientName,
        facts: caseData.facts,
      });
      usage.push(...rewritten.usage);
      // A selection is words within one paragraph: the rewrite stays one paragraph.
      result = { kind: "text", text: rewritten.text.replace(/\s*\n\s*/g, " ").trim() };
    }
  } catch (error) {
    usage.push(...usageOf(error));
    throw rewriteError(error);
  } finally {
    await recordUsage(db, { documentId: document.id, jobId: null, operation: "rewrite-letter" }, usage);
    reportUsage(env.METRICS, { documentId: document.id, operation: "rewrite-letter" }, usage);
  }

  // The prose check, as readiness runs it on the letter, and names nothing in the case has.
  const blocks =
    result.kind === "text" ? [paragraph(result.text)] : result.blocks.filter((b) => b.type !== "heading");
  const section = input.heading ?? null;
  const known = await caseKnownValues(db, { document, ledger: caseData.ledger, confirmed: caseData.profile });
  const check = (nodes: PmNode[]) =>
    checkProse({ type: "doc", content: section ? [heading(2, section), ...nodes] : nodes }, known);
  // What the passage already said is not the rewrite's doing (an attorney's own figure stays theirs).
  const before = new Set(input.text ? check([paragraph(input.text)]).map((m) => `${m.kind}|${m.value}`) : []);
  const problems = check(blocks)
    .filter((m) => !before.has(`${m.kind}|${m.value}`))
    .map(mismatchMessage);
  const vocabulary = vocabularyOf([
    input.text,
    input.heading,
    clientName,
    firm.name,
    firm.attorneyName,
    ...caseData.facts.flatMap((f) => [f.text, f.provider]),
    ...Object.values(caseData.profile),
    ...caseData.chronology.providers.map((p) => p.provider),
    ...caseData.exhibits.map((e) => e.filename),
    ...templateWords,
  ]);
  const names = unsupportedNames(letterText({ type: "doc", content: blocks }), vocabulary);
  if (names.length > 0) {
    problems.push(`${names.join(", ")} — named in no reviewed fact, the profile or the passage.`);
  }
  if (problems.length > 0) {
    throw new AppError(
      "CONFLICT",
      `The AI's ${result.kind === "text" ? "rewrite" : "section"} was not offered: it states what the case does not support. ${problems.join(" ")}`,
    );
  }
  return result;
}

/** A provider failure as the editor shows it: a readable refusal (409) or "try again" (503). */
function rewriteError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof PermanentJobError) return new AppError("CONFLICT", error.message);
  log("warn", "AI rewrite failed", errorFields(error));
  return new AppError("SERVICE_UNAVAILABLE", "The AI did not answer; try again in a minute", {
    retryAfter: 60,
  });
}

/**
 * One section of the letter drafted again from the case data the draft uses (letterCaseData),
 * with the template's blocks under that heading: only the narrative sections they print are
 * asked of the provider. The case's template and its last draft's demand and deadline.
 */
async function regenerateSection(
  scope: DocumentScope,
  {
    heading: wanted,
    caseData,
    firm,
    provider,
    usage,
    templateWords,
  }: {
    heading: string;
    caseData: Awaited<ReturnType<typeof letterCaseData>>;
    firm: typeof schema.firms.$inferSelect;
    provider: AiProvider;
    usage: AiUsage[];
    templateWords: string[];
  },
): Promise<RewriteResult> {
  const { db, document } = scope;
  const [template, [lastDraft]] = await Promise.all([
    templateFor(db, document),
    latestDraftJob(db, document.id),
  ]);
  if (!template) throw new AppError("BAD_REQUEST", "The firm has no template; create one first");
  const part = templateSection(template.body, wanted);
  if (!part) throw new AppError("NOT_FOUND", `The letter's template has no section “${wanted}”`);
  if (part.sections.length === 0) {
    throw new AppError(
      "BAD_REQUEST",
      `“${wanted}” prints no narrative from the case (its figures come from the ledger); edit it by hand`,
    );
  }
  if (caseData.facts.length === 0)
    throw new AppError("BAD_REQUEST", "Approve at least one fact before regenerating a section");
  templateWords.push(part.body);
  const params = (lastDraft?.params ?? {}) as Partial<GenerateParams>;
  const { content, draft } = await draftLetter(provider, {
    caseData,
    document,
    firm,
    templateBody: part.body,
    today: new Date().toISOString().slice(0, 10),
    responseDays: params.responseDays ?? 30,
    demandAmountCents: params.demandAmountCents,
    sections: part.sections,
  });
  usage.push(...draft.usage);
  return { kind: "section", heading: wanted, blocks: content.content ?? [] };
}
