import { and, asc, type Db, eq, inArray, isNotNull, schema } from "@steno/db";

export type LedgerLine = {
  provider: string;
  dateOfService: string | null;
  amountCents: number;
  codes: string[];
  factIds: string[];
};

export type Ledger = {
  lines: LedgerLine[];
  providers: Array<{ provider: string; totalCents: number }>;
  medicalTotalCents: number;
  wageLossCents: number;
  totalCents: number;
};

const REVIEWED = ["approved", "edited"] as const;

/**
 * The damages ledger, computed in code from reviewed facts, never by a model: one line per
 * provider and date of service, totals per provider and overall, and wage loss apart.
 */
export async function computeLedger(db: Db, documentId: string): Promise<Ledger> {
  const facts = await db
    .select({
      id: schema.facts.id,
      category: schema.facts.category,
      amountCents: schema.facts.amountCents,
      eventDate: schema.facts.eventDate,
      provider: schema.facts.provider,
      code: schema.facts.code,
    })
    .from(schema.facts)
    .where(
      and(
        eq(schema.facts.documentId, documentId),
        inArray(schema.facts.status, [...REVIEWED]),
        inArray(schema.facts.category, ["billing", "wage_loss"]),
        isNotNull(schema.facts.amountCents),
      ),
    )
    .orderBy(asc(schema.facts.eventDate), asc(schema.facts.createdAt));
  return ledgerFromFacts(facts);
}

export function ledgerFromFacts(
  facts: Array<{
    id: string;
    category: string;
    amountCents: number | null;
    eventDate: string | null;
    provider: string | null;
    code: string | null;
  }>,
): Ledger {
  const lines = new Map<string, LedgerLine>();
  let wageLossCents = 0;
  for (const fact of facts) {
    if (fact.amountCents === null) continue;
    if (fact.category === "wage_loss") {
      wageLossCents += fact.amountCents;
      continue;
    }
    const provider = fact.provider?.trim() || "Unspecified provider";
    const key = `${provider}\u0000${fact.eventDate ?? ""}`;
    const line = lines.get(key) ?? {
      provider,
      dateOfService: fact.eventDate,
      amountCents: 0,
      codes: [],
      factIds: [],
    };
    line.amountCents += fact.amountCents;
    if (fact.code && !line.codes.includes(fact.code)) line.codes.push(fact.code);
    line.factIds.push(fact.id);
    lines.set(key, line);
  }
  const sorted = [...lines.values()].sort(
    (a, b) =>
      a.provider.localeCompare(b.provider) || (a.dateOfService ?? "").localeCompare(b.dateOfService ?? ""),
  );
  const totals = new Map<string, number>();
  for (const line of sorted) totals.set(line.provider, (totals.get(line.provider) ?? 0) + line.amountCents);
  const medicalTotalCents = sorted.reduce((sum, line) => sum + line.amountCents, 0);
  return {
    lines: sorted,
    providers: [...totals].map(([provider, totalCents]) => ({ provider, totalCents })),
    medicalTotalCents,
    wageLossCents,
    totalCents: medicalTotalCents + wageLossCents,
  };
}
