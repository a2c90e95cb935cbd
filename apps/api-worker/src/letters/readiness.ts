import { and, type Db, desc, eq, inArray, isNull, schema, sql } from "@steno/db";
import {
  blanksIn,
  checkProse,
  defaultDemandCents,
  knownValues,
  ledgerFigures,
  letterVariables,
  mismatchMessage,
  PLACEHOLDER,
  UNNAMED_ADJUSTER,
} from "@steno/letter";
import { normalizeForMatch } from "@steno/reader";
import {
  AppError,
  blocksGenerating,
  buildLedger,
  formatUsd,
  idSchema,
  type LetterRoomNamespace,
  letterRoom,
  letterText,
  type PmNode,
  PROFILE_FIELD_NAMES,
  PROFILE_FIELDS,
  type ProfileField,
  type Readiness,
  type ReadinessItem,
  type ReadinessLink,
  type StatementReconciliation,
  TEMPLATE_PROFILE_FIELDS,
  TEMPLATE_VARIABLES,
  type TemplateVariable,
  templateVariablesIn,
  toIsoDate,
} from "@steno/shared";
import { sha256Hex } from "../auth/tokens.ts";
import { getCaseProfile } from "../case-profile/service.ts";
import type { DocumentAccess } from "../documents/access.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";
import { citedExhibits } from "./exhibits.ts";
import { ledgerFacts } from "./ledger.ts";
import { signerOf } from "./signer.ts";

export type { Readiness, ReadinessItem, ReadinessLink };

type CaseDocument = DocumentAccess["document"];

const AMOUNT_LABELS: Record<string, string> = {
  billing: "bill amount",
  wage_loss: "wage loss",
  future_care: "future care estimate",
};
const KIND_LABELS: Record<string, string> = {
  charge: "charge",
  total: "stated total",
  payment: "payment",
  adjustment: "adjustment",
  balance: "balance",
};

const KEY_PREFIXES = ["profile", "conflict", "statement", "fact", "variable", "draft", "prose"] as const;

/** The case's last finished draft job (its options: demand, response days), if any. */
export function latestDraftJob(db: Db, documentId: string) {
  return db
    .select({ params: schema.jobs.params, createdAt: schema.jobs.createdAt })
    .from(schema.jobs)
    .where(
      and(
        eq(schema.jobs.documentId, documentId),
        eq(schema.jobs.kind, "generate-letter"),
        eq(schema.jobs.status, "succeeded"),
      ),
    )
    .orderBy(desc(schema.jobs.createdAt))
    .limit(1);
}

/** The template a draft would use: the one asked for, the case's, or the firm's latest. */
export async function templateFor(db: Db, document: CaseDocument, templateId?: string) {
  const id = templateId ?? document.templateId;
  const [template] = await db
    .select({ id: schema.templates.id, body: schema.templates.body, firmId: schema.templates.firmId })
    .from(schema.templates)
    .where(
      id
        ? and(eq(schema.templates.id, id), eq(schema.templates.firmId, document.firmId))
        : and(eq(schema.templates.firmId, document.firmId), isNull(schema.templates.archivedAt)),
    )
    .orderBy(desc(schema.templates.updatedAt))
    .limit(1);
  if (!template && templateId) throw new AppError("NOT_FOUND", "Template not found");
  return template ?? null;
}

const cite = (filename: string | null | undefined, page: number | null | undefined) =>
  filename ? (page ? `p. ${page} of ${filename}` : filename) : "added by hand";

function statementMessage(st: StatementReconciliation): string {
  const where = `${st.provider} (${st.sourceFilename ?? "added by hand"}${
    st.total?.pageNumber ? `, p. ${st.total.pageNumber}` : ""
  })`;
  const stated = st.statedTotalCents ?? 0;
  const pending = st.pendingCents > 0 ? ` (${formatUsd(st.pendingCents)} of lines still to review)` : "";
  return `${shortfall(where, "lines", st.linesCents, stated)}${pending}`;
}

/** "lines $9,211.40 of stated $13,771.40 — $4,560.00 not itemized", or what they exceed it by. */
function shortfall(where: string, what: string, itemizedCents: number, statedCents: number): string {
  const gap = statedCents - itemizedCents;
  return gap > 0
    ? `${where}: ${what} ${formatUsd(itemizedCents)} of stated ${formatUsd(statedCents)} — ${formatUsd(gap)} not itemized`
    : `${where}: ${what} ${formatUsd(itemizedCents)} exceed the stated total ${formatUsd(statedCents)} by ${formatUsd(-gap)}`;
}

/**
 * What stands between the case and a letter an attorney can send: profile fields the template
 * prints that nobody confirmed, bills whose itemized lines do not add up to their stated total,
 * amounts whose citation did not check out or that nobody reviewed, values that would print as
 * a bracketed placeholder, and name or date conflicts. Each item keeps its dismissal, if any.
 */
export async function computeReadiness(
  db: Db,
  {
    document,
    templateId,
    letter,
  }: {
    document: CaseDocument;
    templateId?: string;
    /** the letter as it stands (the room's live copy); defaults to the copy saved in Postgres */
    letter?: PmNode | null;
  },
): Promise<Readiness> {
  const [template, facts, profile, [firm], dismissals] = await Promise.all([
    templateFor(db, document, templateId),
    ledgerFacts(db, document.id),
    getCaseProfile(db, document),
    db.select().from(schema.firms).where(eq(schema.firms.id, document.firmId)),
    db
      .select({
        itemKey: schema.readinessDismissals.itemKey,
        itemMessage: schema.readinessDismissals.itemMessage,
        reason: schema.readinessDismissals.reason,
        by: schema.users.name,
        at: schema.readinessDismissals.createdAt,
      })
      .from(schema.readinessDismissals)
      .leftJoin(schema.users, eq(schema.users.id, schema.readinessDismissals.dismissedBy))
      .where(eq(schema.readinessDismissals.documentId, document.id)),
  ]);
  if (!firm) throw new AppError("NOT_FOUND", "Firm not found");
  const ledger = buildLedger(facts, { claimBasis: firm.claimBasis === "paid" ? "paid" : "billed" });
  const confirmed: Partial<Record<ProfileField, string>> = {};
  for (const field of PROFILE_FIELD_NAMES) {
    const value = profile.fields[field].confirmed?.value;
    if (value) confirmed[field] = value;
  }
  const items: Array<Omit<ReadinessItem, "dismissed">> = [];

  // Name and date conflicts the letter would otherwise settle silently with the case's own value.
  for (const conflict of profile.conflicts) {
    if (conflict.resolved || (conflict.field !== "clientName" && conflict.field !== "dateOfLoss")) continue;
    const said = conflict.values
      .map((v) => {
        const where = v.fromCase
          ? "the case"
          : v.citations
              .slice(0, 2)
              .map((c) => cite(c.sourceFilename, c.pageNumber))
              .join(", ");
        return `“${v.value}” (${where})`;
      })
      .join(" vs ");
    items.push({
      key: conflict.key,
      kind: "conflict",
      message: `${conflict.label} differs between the case and its records: ${said}. Confirm the right one.`,
      link: { field: conflict.field },
    });
  }

  // The template's variables as they would print: a bracketed value is a hole in the letter.
  if (template) {
    const values = letterVariables({
      templateBody: template.body,
      firm,
      clientName: document.clientName,
      incidentDate: document.incidentDate,
      profile: confirmed,
      today: new Date().toISOString().slice(0, 10),
      facts: [],
      narrative: { incident: "", liability: "", injuries: "", treatment: "" },
      ledger,
      demandAmountCents: 0,
      deadline: new Date().toISOString().slice(0, 10),
      exhibits: template.body.includes("exhibits.list") ? await citedExhibits(db, document.id) : [],
    });
    for (const name of templateVariablesIn(template.body)) {
      if (!(name in TEMPLATE_VARIABLES)) continue;
      const variable = name as TemplateVariable;
      // Drafts leave the signature to the export, which prints the signer's (checked below).
      if (variable === "attorney.signature") continue;
      const value = values[variable];
      const hole =
        typeof value !== "string"
          ? undefined
          : variable === "insurer.adjuster" && value === UNNAMED_ADJUSTER
            ? `“${UNNAMED_ADJUSTER}”`
            : PLACEHOLDER.exec(value)?.[0];
      if (!hole) continue;
      const field = TEMPLATE_PROFILE_FIELDS[variable];
      if (field) {
        if (items.some((i) => i.key === `conflict:${field}`)) continue;
        items.push({
          key: `profile:${field}`,
          kind: "profile",
          message: `${PROFILE_FIELDS[field]} is not confirmed: the letter would print ${hole}.`,
          link: { field, variable },
        });
      } else {
        items.push({
          key: `variable:${variable}`,
          kind: "variable",
          message: `${TEMPLATE_VARIABLES[variable]} is not set (Firm settings): the letter would print ${hole}.`,
          link: { variable },
        });
      }
    }
  }

  // The export signs every letter: with nobody to sign it, it would end without a name.
  if (!(await signerOf(db, firm, document.createdBy))) {
    items.push({
      key: "variable:attorney.signature",
      kind: "variable",
      message:
        "Nobody signs this letter: a paralegal opened the case and the firm has no signing attorney (Firm settings).",
      link: { variable: "attorney.signature" },
    });
  }

  // Bills whose reviewed lines do not add up to the total the bill itself states.
  for (const st of ledger.statements) {
    if (st.status !== "gap") continue;
    items.push({
      key: `statement:${st.key}`,
      kind: "statement",
      message: statementMessage(st),
      link: {
        sourceId: st.sourceId ?? undefined,
        sourceFilename: st.sourceFilename ?? undefined,
        pageNumber: st.total?.pageNumber ?? st.pages[0],
        quote: st.total?.quote ?? null,
        provider: st.provider,
      },
    });
  }

  // Future-care estimates whose reviewed items do not add up to the total they state.
  for (const estimate of ledger.futureCareEstimates) {
    if (estimate.gapCents === 0) continue;
    const where = `Future care estimate (${cite(estimate.sourceFilename, estimate.total.pageNumber)})`;
    items.push({
      key: `statement:${estimate.sourceId ?? "manual"}|future-care`,
      kind: "statement",
      message: shortfall(where, "items", estimate.itemsCents, estimate.statedCents),
      link: {
        sourceId: estimate.sourceId ?? undefined,
        sourceFilename: estimate.sourceFilename ?? undefined,
        pageNumber: estimate.total.pageNumber ?? undefined,
        quote: estimate.total.quote ?? null,
      },
    });
  }

  // Amounts: reviewed ones whose quote is not on the cited page, and ones nobody reviewed.
  for (const fact of facts) {
    const amount = formatUsd(fact.amountCents ?? 0);
    const what =
      fact.category === "billing"
        ? (KIND_LABELS[fact.moneyKind ?? "charge"] ?? "amount")
        : AMOUNT_LABELS[fact.category];
    const about = [fact.provider, cite(fact.sourceFilename, fact.pageNumber)].filter(Boolean).join(", ");
    const link: ReadinessLink = {
      factId: fact.id,
      sourceId: fact.sourceId ?? undefined,
      sourceFilename: fact.sourceFilename ?? undefined,
      pageNumber: fact.pageNumber ?? undefined,
      quote: fact.quote ?? null,
    };
    if (fact.status === "pending") {
      items.push({
        key: `fact:${fact.id}`,
        kind: "pending",
        message: `A ${what} of ${amount} (${about}) is still to review.`,
        link,
      });
    } else if (fact.sourceId && !fact.verified) {
      items.push({
        key: `fact:${fact.id}`,
        kind: "unverified",
        message: `The ${what} of ${amount} (${about}) is not verified: its quote was not found on the cited page.`,
        link,
      });
    }
  }

  // Sentences of the AI draft that cite no approved fact or state a number or date their facts do
  // not; an item until a person rewrites the sentence or dismisses it.
  const flags = document.draftFlags ?? [];
  if (flags.length > 0) {
    const words = normalizeForMatch(letterText(letter ?? (document.letterContent as PmNode | null)));
    for (const flag of flags) {
      if (!words.includes(normalizeForMatch(flag.sentence))) continue;
      items.push({
        key: `draft:${flag.key}`,
        kind: "draft",
        message: `Check this sentence of the draft (${flag.section}): “${flag.sentence}” — ${flag.reason}.`,
        link: { sentence: flag.sentence },
      });
    }
  }

  // The letter as edited, against what the case vouches for: an amount, date or code in no
  // reviewed fact, ledger line or confirmed profile value.
  const content = letter ?? (document.letterContent as PmNode | null);
  if (content) {
    for (const blank of blanksIn(letterText(content))) {
      items.push({
        key: `blank:${blank}`,
        kind: "prose",
        message: `The letter still prints ${blank}: write it in, or draft again now that the case says it.`,
        link: { sentence: blank },
      });
    }
    for (const m of await proseMismatches(db, { document, letter: content, ledger, confirmed })) {
      items.push({
        key: `prose:${(await sha256Hex(`${m.kind}|${m.value}|${m.context}`)).slice(0, 24)}`,
        kind: "prose",
        message: mismatchMessage(m),
        link: { sentence: m.context.replace(/^…|…$/g, "") },
      });
    }
  }

  const dismissedBy = new Map(dismissals.map((d) => [d.itemKey, d]));
  const withDismissals = items.map((item) => {
    const d = dismissedBy.get(item.key);
    // A dismissal covers the item as it read then; if it now says something else (a gap of
    // another amount, a different sentence), a person looks again.
    if (d?.itemMessage && d.itemMessage !== item.message) {
      return { ...item, dismissed: null, staleDismissal: { message: d.itemMessage, reason: d.reason } };
    }
    return { ...item, dismissed: d ? { reason: d.reason, by: d.by, at: d.at } : null };
  });
  return {
    templateId: template?.id ?? null,
    items: withDismissals,
    open: withDismissals.filter((i) => !i.dismissed).length,
  };
}

/** The letter's amounts, dates and codes that nothing vouches for (caseKnownValues). */
async function proseMismatches(
  db: Db,
  {
    document,
    letter,
    ledger,
    confirmed,
  }: {
    document: CaseDocument;
    letter: PmNode;
    ledger: ReturnType<typeof buildLedger>;
    confirmed: Partial<Record<ProfileField, string>>;
  },
) {
  return checkProse(letter, await caseKnownValues(db, { document, ledger, confirmed }));
}

/**
 * What the case vouches for, for the prose check: reviewed facts (their values and anything
 * their text states), every figure of the ledger, the confirmed profile, the demand of the last
 * draft, and the letter's own date onward (its date, its deadline). AI rewrites are held to it too.
 */
export async function caseKnownValues(
  db: Db,
  {
    document,
    ledger,
    confirmed,
  }: {
    document: Pick<CaseDocument, "id" | "incidentDate">;
    ledger: ReturnType<typeof buildLedger>;
    confirmed: Partial<Record<ProfileField, string>>;
  },
) {
  const [facts, [draft]] = await Promise.all([
    db
      .select({
        text: schema.facts.text,
        amountCents: schema.facts.amountCents,
        eventDate: schema.facts.eventDate,
        dateTo: schema.facts.dateTo,
        code: schema.facts.code,
      })
      .from(schema.facts)
      .where(
        and(eq(schema.facts.documentId, document.id), inArray(schema.facts.status, ["approved", "edited"])),
      ),
    latestDraftJob(db, document.id),
  ]);
  const demand = (draft?.params as { demandAmountCents?: number } | null)?.demandAmountCents;
  const figures = [
    ...ledgerFigures(ledger, demand ?? defaultDemandCents(ledger.totalCents)),
    ...facts.flatMap((f) => (f.amountCents === null ? [] : [f.amountCents])),
  ];
  return knownValues({
    texts: [...facts.map((f) => f.text), ...Object.values(confirmed)],
    cents: figures,
    dates: [
      ...facts.flatMap((f) => [f.eventDate, f.dateTo]),
      ...ledger.lines.flatMap((l) => [l.dateOfService, l.dateTo]),
      confirmed.dateOfLoss ? toIsoDate(confirmed.dateOfLoss) : null,
      document.incidentDate,
    ],
    codes: [...facts.map((f) => f.code), ...ledger.lines.flatMap((l) => l.codes)],
    // A day's slack: the job's clock and the letter's date may sit either side of midnight UTC.
    writtenOn: draft ? new Date(Date.parse(draft.createdAt) - 86_400_000).toISOString().slice(0, 10) : null,
  });
}

/**
 * Readiness against the letter as its room holds it now, which is what export and sending check;
 * the copy in Postgres follows the room a few seconds later, and a panel read from it kept saying
 * "[insured]" after a redraft had filled it in.
 */
export async function readinessNow(
  scope: DocumentScope,
  { templateId }: { templateId?: string },
  rooms: LetterRoomNamespace,
): Promise<Readiness> {
  const live = await letterRoom(rooms, scope.document.id).letter();
  const letter = live.empty || live.problem ? undefined : live.content;
  return computeReadiness(scope.db, { document: scope.document, templateId, letter });
}

/** Refuses (409) while any item is open, naming each, so nothing unconfirmed reaches an insurer. */
export async function assertReady(
  db: Db,
  {
    document,
    templateId,
    action,
    letter,
  }: {
    document: CaseDocument;
    templateId?: string;
    action: "generating" | "exporting";
    letter?: PmNode | null;
  },
) {
  const readiness = await computeReadiness(db, { document, templateId, letter });
  const open = readiness.items.filter((i) => !i.dismissed && (action === "exporting" || blocksGenerating(i)));
  if (open.length === 0) return readiness;
  throw new AppError(
    "CONFLICT",
    `${open.length} item${open.length === 1 ? "" : "s"} to resolve or dismiss before ${action}: ${open
      .map((i, n) => `(${n + 1}) ${i.message}`)
      .join(" ")}`,
  );
}

/**
 * Checks that a key names something of this case (a profile field, a template variable, one of
 * its facts or sources), so a dismissal cannot be recorded against anything else.
 */
async function checkItemKey(db: Db, documentId: string, key: string) {
  const at = key.indexOf(":");
  const prefix = key.slice(0, at) as (typeof KEY_PREFIXES)[number];
  const rest = key.slice(at + 1);
  if (at < 1 || !KEY_PREFIXES.includes(prefix) || !rest)
    throw new AppError("BAD_REQUEST", "Unknown readiness item");
  if (prefix === "profile" || prefix === "conflict") {
    if (!PROFILE_FIELD_NAMES.includes(rest as ProfileField))
      throw new AppError("BAD_REQUEST", "Unknown readiness item");
    return { kind: prefix, field: rest };
  }
  if (prefix === "variable") {
    if (!(rest in TEMPLATE_VARIABLES)) throw new AppError("BAD_REQUEST", "Unknown readiness item");
    return { kind: prefix, variable: rest };
  }
  if (prefix === "prose") {
    if (!/^[0-9a-f]{24}$/.test(rest)) throw new AppError("BAD_REQUEST", "Unknown readiness item");
    return { kind: prefix };
  }
  if (prefix === "draft") {
    const [row] = await db
      .select({ flags: schema.documents.draftFlags })
      .from(schema.documents)
      .where(eq(schema.documents.id, documentId));
    if (!row?.flags?.some((f) => f.key === rest)) throw new AppError("NOT_FOUND", "Draft sentence not found");
    return { kind: prefix, sentence: rest };
  }
  if (prefix === "fact") {
    if (!idSchema.safeParse(rest).success) throw new AppError("NOT_FOUND", "Fact not found");
    const [fact] = await db
      .select({ id: schema.facts.id })
      .from(schema.facts)
      .where(and(eq(schema.facts.documentId, documentId), eq(schema.facts.id, rest)));
    if (!fact) throw new AppError("NOT_FOUND", "Fact not found");
    return { kind: prefix, factId: fact.id };
  }
  // statement:<sourceId or "manual">|<statement key>
  const sourceId = rest.split("|")[0] ?? "";
  if (sourceId !== "manual") {
    if (!idSchema.safeParse(sourceId).success) throw new AppError("NOT_FOUND", "Source not found");
    const [source] = await db
      .select({ id: schema.sources.id })
      .from(schema.sources)
      .where(and(eq(schema.sources.documentId, documentId), eq(schema.sources.id, sourceId)));
    if (!source) throw new AppError("NOT_FOUND", "Source not found");
    return { kind: prefix, sourceId: source.id };
  }
  return { kind: prefix };
}

/** Records why an item does not block this letter; the reason goes to the audit log too. */
export async function dismissReadinessItem(scope: DocumentScope, input: { key: string; reason: string }) {
  const { db, user, document } = scope;
  const target = await checkItemKey(db, document.id, input.key);
  // What the item says now (under the case's template), kept with the dismissal; an item only
  // another template shows is dismissed whatever it says.
  const current = (await computeReadiness(db, { document })).items.find((i) => i.key === input.key);
  // A sentence of the letter that no longer says it has nothing to dismiss.
  if (!current && target.kind === "prose")
    throw new AppError("NOT_FOUND", "This item is no longer in the letter");
  await db.transaction(async (tx) => {
    await tx
      .insert(schema.readinessDismissals)
      .values({
        documentId: document.id,
        itemKey: input.key,
        itemMessage: current?.message ?? null,
        reason: input.reason,
        dismissedBy: user.id,
      })
      .onConflictDoUpdate({
        target: [schema.readinessDismissals.documentId, schema.readinessDismissals.itemKey],
        set: {
          reason: input.reason,
          itemMessage: current?.message ?? null,
          dismissedBy: user.id,
          createdAt: sql`now()`,
        },
      });
    await audit(tx, scope, {
      action: "readiness.dismiss",
      entityType: "readiness_item",
      entityId: document.id,
      // Ids, field and variable names; a statement's key carries a provider's name, so not the key.
      metadata: { ...target, reason: input.reason },
    });
  });
  return { key: input.key, dismissed: { reason: input.reason, by: user.name, at: new Date().toISOString() } };
}
