import { and, asc, type Db, eq, inArray, isNotNull, ne, schema, sql } from "@steno/db";
import {
  AppError,
  PROFILE_FIELD_NAMES,
  PROFILE_FIELDS,
  type ProfileField,
  profileValueKey,
} from "@steno/shared";
import type { DocumentAccess } from "../documents/access.ts";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";

export type ProfileCitation = {
  factId: string;
  sourceId: string | null;
  sourceFilename: string | null;
  pageNumber: number | null;
  quote: string | null;
  verified: boolean;
  /** pending facts propose too: a person has not looked at them yet */
  status: string;
};

export type ProfileProposal = {
  /** the value as the records print it most often */
  value: string;
  /** how many facts propose it */
  support: number;
  citations: ProfileCitation[];
};

export type ConfirmedValue = {
  value: string;
  factId: string | null;
  by: { id: string; name: string | null } | null;
  at: string;
};

export type ProfileFieldView = {
  field: ProfileField;
  label: string;
  confirmed: ConfirmedValue | null;
  /** distinct values from non-rejected facts, most-supported first */
  proposals: ProfileProposal[];
  conflict: boolean;
};

export type ProfileConflict = {
  key: `conflict:${ProfileField}`;
  field: ProfileField;
  label: string;
  /** each distinct value, the case's own (entered when the case was opened) marked fromCase */
  values: Array<{ value: string; fromCase: boolean; citations: ProfileCitation[] }>;
  /** a confirmed value settles which one the letter uses */
  resolved: boolean;
};

export type CaseProfile = {
  fields: Record<ProfileField, ProfileFieldView>;
  conflicts: ProfileConflict[];
};

type Spelling = { text: string; reviewed: boolean };

/**
 * The value to show for one group of spellings: the one a person approved most often, then the
 * most printed, then one in mixed case (a letter's "Elena M. Ramirez" over a form's capitals).
 */
function displaySpelling(spellings: Spelling[]): string {
  const tally = new Map<string, { reviewed: number; count: number; first: number }>();
  spellings.forEach((s, i) => {
    const t = tally.get(s.text) ?? { reviewed: 0, count: 0, first: i };
    t.count += 1;
    if (s.reviewed) t.reviewed += 1;
    tally.set(s.text, t);
  });
  const mixed = (text: string) => Number(/[a-z]/.test(text));
  return (
    [...tally].sort(
      ([a, x], [b, y]) =>
        y.reviewed - x.reviewed || y.count - x.count || mixed(b) - mixed(a) || x.first - y.first,
    )[0]?.[0] ?? ""
  );
}

type CaseDocument = Pick<DocumentAccess["document"], "id" | "clientName" | "incidentDate">;

/** The confirmed values only: what generation and the letter may print. */
export async function confirmedProfile(
  db: Db,
  documentId: string,
): Promise<Partial<Record<ProfileField, string>>> {
  const [row] = await db
    .select({ fields: schema.caseProfiles.fields })
    .from(schema.caseProfiles)
    .where(eq(schema.caseProfiles.documentId, documentId));
  const values: Partial<Record<ProfileField, string>> = {};
  for (const field of PROFILE_FIELD_NAMES) {
    const entry = row?.fields[field];
    if (entry?.value) values[field] = entry.value;
  }
  return values;
}

/**
 * Every profile field with its confirmed value and the values the records propose, each with
 * the facts it rests on; and the conflicts: fields whose records disagree, and the case's own
 * client name and incident date where the records say otherwise.
 */
export async function getCaseProfile(db: Db, document: CaseDocument): Promise<CaseProfile> {
  const [facts, [row]] = await Promise.all([
    db
      .select({
        id: schema.facts.id,
        profileField: schema.facts.profileField,
        fieldValue: schema.facts.fieldValue,
        status: schema.facts.status,
        sourceId: schema.facts.sourceId,
        sourceFilename: schema.sources.filename,
        pageNumber: schema.facts.pageNumber,
        quote: schema.facts.quote,
        verified: schema.facts.verified,
      })
      .from(schema.facts)
      .leftJoin(schema.sources, eq(schema.sources.id, schema.facts.sourceId))
      .where(
        and(
          eq(schema.facts.documentId, document.id),
          ne(schema.facts.status, "rejected"),
          isNotNull(schema.facts.profileField),
          isNotNull(schema.facts.fieldValue),
        ),
      )
      .orderBy(asc(schema.sources.filename), asc(schema.facts.pageNumber), asc(schema.facts.createdAt)),
    db
      .select({ fields: schema.caseProfiles.fields })
      .from(schema.caseProfiles)
      .where(eq(schema.caseProfiles.documentId, document.id)),
  ]);
  const stored = row?.fields ?? {};
  const confirmerIds = [
    ...new Set(
      Object.values(stored)
        .map((e) => e.confirmedBy)
        .filter(Boolean),
    ),
  ];
  const confirmers = confirmerIds.length
    ? await db
        .select({ id: schema.users.id, name: schema.users.name })
        .from(schema.users)
        .where(inArray(schema.users.id, confirmerIds))
    : [];
  const nameOf = new Map(confirmers.map((u) => [u.id, u.name]));

  // Proposals per field, grouped by the value's identity, not its spelling.
  const groups = new Map<
    ProfileField,
    Map<string, { spellings: Spelling[]; citations: ProfileCitation[] }>
  >();
  for (const fact of facts) {
    const field = fact.profileField as ProfileField;
    const value = fact.fieldValue?.trim();
    if (!(field in PROFILE_FIELDS) || !value) continue;
    const byKey = groups.get(field) ?? new Map();
    groups.set(field, byKey);
    const key = profileValueKey(field, value);
    const group = byKey.get(key) ?? { spellings: [], citations: [] };
    byKey.set(key, group);
    group.spellings.push({ text: value, reviewed: fact.status !== "pending" });
    group.citations.push({
      factId: fact.id,
      sourceId: fact.sourceId,
      sourceFilename: fact.sourceFilename,
      pageNumber: fact.pageNumber,
      quote: fact.quote,
      verified: fact.verified,
      status: fact.status,
    });
  }
  const reviewed = (c: ProfileCitation) => (c.status === "pending" ? 0 : 1);
  const proposalsOf = (field: ProfileField) =>
    [...(groups.get(field) ?? new Map()).entries()]
      .map(([key, g]) => ({
        key,
        value: displaySpelling(g.spellings),
        support: g.citations.length,
        reviewedSupport: g.citations.reduce((n: number, c: ProfileCitation) => n + reviewed(c), 0),
        citations: g.citations,
      }))
      .sort((a, b) => b.support - a.support || b.reviewedSupport - a.reviewedSupport);

  const fields = {} as Record<ProfileField, ProfileFieldView>;
  const conflicts: ProfileConflict[] = [];
  for (const field of PROFILE_FIELD_NAMES) {
    const proposals = proposalsOf(field);
    const entry = stored[field];
    const confirmed: ConfirmedValue | null = entry?.value
      ? {
          value: entry.value,
          factId: entry.factId,
          by: entry.confirmedBy
            ? { id: entry.confirmedBy, name: nameOf.get(entry.confirmedBy) ?? null }
            : null,
          at: entry.confirmedAt,
        }
      : null;

    // The case's own value (typed when the case was opened) against what the records say.
    const own =
      field === "clientName" ? document.clientName : field === "dateOfLoss" ? document.incidentDate : null;
    const values = proposals.map((p) => ({
      key: p.key,
      value: p.value,
      fromCase: false,
      citations: p.citations,
    }));
    if (own?.trim() && values.length > 0) {
      const ownKey = profileValueKey(field, own);
      const same = values.find((v) => v.key === ownKey);
      if (same) same.fromCase = true;
      else values.unshift({ key: ownKey, value: own, fromCase: true, citations: [] });
    }
    const conflict = values.length > 1;
    if (conflict) {
      conflicts.push({
        key: `conflict:${field}`,
        field,
        label: PROFILE_FIELDS[field],
        values: values.map(({ value, fromCase, citations }) => ({ value, fromCase, citations })),
        resolved: confirmed !== null,
      });
    }
    fields[field] = {
      field,
      label: PROFILE_FIELDS[field],
      confirmed,
      proposals: proposals.map(({ value, support, citations }) => ({ value, support, citations })),
      conflict,
    };
  }
  return { fields, conflicts };
}

/**
 * Stores what a person confirmed for one field. The value is PHI (names, claim numbers), so the
 * audit log names the field and the fact, never the value.
 */
export async function confirmProfileField(
  scope: DocumentScope,
  input: { field: ProfileField; value: string; factId?: string | null },
) {
  const { db, user, document } = scope;
  const factId = input.factId ?? null;
  if (factId) {
    const [fact] = await db
      .select({ id: schema.facts.id })
      .from(schema.facts)
      .where(and(eq(schema.facts.id, factId), eq(schema.facts.documentId, document.id)));
    if (!fact) throw new AppError("NOT_FOUND", "Fact not found");
  }
  const entry = { value: input.value, factId, confirmedBy: user.id, confirmedAt: new Date().toISOString() };
  await db.transaction(async (tx) => {
    // Merged in the database, so two people confirming two fields at once both keep theirs.
    await tx
      .insert(schema.caseProfiles)
      .values({ documentId: document.id, fields: { [input.field]: entry } })
      .onConflictDoUpdate({
        target: schema.caseProfiles.documentId,
        set: { fields: sql`${schema.caseProfiles.fields} || excluded.fields`, updatedAt: sql`now()` },
      });
    await audit(tx, scope, {
      action: "profile.confirm",
      entityType: "case_profile",
      entityId: document.id,
      metadata: { field: input.field, factId },
    });
  });
  return { field: input.field, confirmed: { ...entry, by: { id: user.id, name: user.name } } };
}

export async function clearProfileField(scope: DocumentScope, input: { field: ProfileField }) {
  const { db, document } = scope;
  await db.transaction(async (tx) => {
    await tx
      .update(schema.caseProfiles)
      .set({ fields: sql`${schema.caseProfiles.fields} - ${input.field}::text`, updatedAt: sql`now()` })
      .where(eq(schema.caseProfiles.documentId, document.id));
    await audit(tx, scope, {
      action: "profile.clear",
      entityType: "case_profile",
      entityId: document.id,
      metadata: { field: input.field },
    });
  });
  return { field: input.field, confirmed: null };
}
