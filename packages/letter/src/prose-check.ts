import { amountsIn, datesIn, isoDatesIn } from "@steno/reader";
import type { Ledger, PmNode } from "@steno/shared";

/** What the case can vouch for: every figure, date and code a letter may state. */
export type KnownValues = {
  cents: Set<number>;
  dates: Set<string>;
  /** codes in their compact form ("S134XXA", "99284") */
  codes: Set<string>;
  /** the letter was written on this day: it and later days (its date, the deadline) are its own */
  writtenOn: string | null;
};

export type ProseMismatch = {
  kind: "amount" | "date" | "code";
  /** as written in the letter */
  value: string;
  /** the words around it, to find it in the editor */
  context: string;
  /** the heading it is under, if any */
  section: string | null;
};

const AMOUNT = /-?\$\s?\d{1,3}(?:,\d{3})*(?:\.\d{2})?(?!\d)|-?\$\s?\d+(?:\.\d{2})?(?!\d)/g;
// ICD-10 with its dot ("S13.4XXA"); procedure codes only where the letter names them as such.
const ICD10 = /\b[A-TV-Z]\d{2}\.[0-9A-Z]{1,4}\b/g;
const CPT = /\b(?:CPT|HCPCS|procedure code)\s*(?:code\s*)?#?\s*([0-9]{4}[0-9FTU]|[A-V][0-9]{4})\b/gi;

export const compactCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

/**
 * Every figure the ledger gives a letter to state (lines, per-provider and statement totals,
 * wages, future care, the totals and their differences) and the demand.
 */
export function ledgerFigures(ledger: Ledger, demandCents: number): number[] {
  return [
    ...ledger.lines.map((l) => l.amountCents),
    ...ledger.providers.flatMap((p) => [
      p.billedCents,
      p.paidCents,
      p.adjustedCents,
      p.claimedCents,
      p.totalCents,
    ]),
    ...ledger.statements.flatMap((st) => [st.linesCents, st.statedTotalCents ?? 0, st.gapCents]),
    ...ledger.wageLoss.map((w) => w.amountCents),
    ...ledger.futureCare.map((f) => f.amountCents),
    ledger.billedCents,
    ledger.paidCents,
    ledger.adjustedCents,
    ledger.billedCents - ledger.medicalTotalCents,
    ledger.medicalTotalCents,
    ledger.wageLossCents,
    ledger.futureCareCents,
    ledger.totalCents,
    ledger.totalCents + ledger.futureCareCents,
    demandCents,
  ];
}

/** The values of the case's reviewed facts, ledger and profile, in the forms the check compares. */
export function knownValues(input: {
  texts: string[];
  cents: number[];
  dates: Array<string | null | undefined>;
  codes: Array<string | null | undefined>;
  writtenOn: string | null;
}): KnownValues {
  const cents = new Set<number>([0, ...input.cents.flatMap((c) => [c, -c])]);
  const dates = new Set<string>();
  const codes = new Set<string>();
  for (const d of input.dates) if (d) dates.add(d.slice(0, 10));
  for (const c of input.codes) if (c) codes.add(compactCode(c));
  for (const text of input.texts) {
    for (const c of amountsIn(text)) cents.add(c);
    for (const d of isoDatesIn(text)) dates.add(d);
    for (const m of text.matchAll(ICD10)) codes.add(compactCode(m[0]));
    for (const m of text.matchAll(/\b\d{4}[0-9FTU]\b/g)) codes.add(m[0]);
  }
  return { cents, dates, codes, writtenOn: input.writtenOn };
}

/** The letter's blocks in order (paragraphs, headings, table cells), each with its heading. */
function blocksOf(letter: PmNode): Array<{ text: string; section: string | null }> {
  const out: Array<{ text: string; section: string | null }> = [];
  let section: string | null = null;
  // Iterative: a letter nested deeper than the stack cannot overflow the check.
  const stack: PmNode[] = [letter];
  while (stack.length > 0) {
    const node = stack.pop() as PmNode;
    if (node.type === "paragraph" || node.type === "heading") {
      const text = inlineText(node);
      if (node.type === "heading") section = text;
      else if (text.trim()) out.push({ text, section });
      continue;
    }
    const children = node.content ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as PmNode);
  }
  return out;
}

function inlineText(node: PmNode): string {
  return (node.content ?? [])
    .map((c) => (c.type === "text" ? (c.text ?? "") : c.type === "hardBreak" ? "\n" : ""))
    .join("");
}

const around = (text: string, start: number, end: number) => {
  const from = Math.max(0, start - 40);
  const to = Math.min(text.length, end + 40);
  return `${from > 0 ? "…" : ""}${text.slice(from, to).replace(/\s+/g, " ").trim()}${to < text.length ? "…" : ""}`;
};

/**
 * Every amount, date and medical code the letter states that nothing in the case vouches for:
 * not in a reviewed fact, the ledger or the confirmed profile (the letter's own date, and dates
 * after it such as the deadline, are its own). Runs on the letter as edited.
 */
export function checkProse(letter: PmNode, known: KnownValues): ProseMismatch[] {
  const found: ProseMismatch[] = [];
  const seen = new Set<string>();
  const add = (m: ProseMismatch) => {
    const key = `${m.kind}|${m.value}|${m.context}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push(m);
  };
  for (const { text, section } of blocksOf(letter)) {
    for (const m of text.matchAll(AMOUNT)) {
      const cents = Math.round(Number(m[0].replace(/[$,\s]/g, "")) * 100);
      if (!known.cents.has(cents))
        add({ kind: "amount", value: m[0], context: around(text, m.index, m.index + m[0].length), section });
    }
    for (const d of datesIn(text, { prose: true })) {
      if (known.dates.has(d.iso) || (known.writtenOn && d.iso >= known.writtenOn)) continue;
      add({ kind: "date", value: d.written, context: around(text, d.start, d.end), section });
    }
    for (const m of text.matchAll(ICD10)) {
      if (!known.codes.has(compactCode(m[0])))
        add({ kind: "code", value: m[0], context: around(text, m.index, m.index + m[0].length), section });
    }
    for (const m of text.matchAll(CPT)) {
      if (!known.codes.has(compactCode(m[1] ?? "")))
        add({
          kind: "code",
          value: m[1] ?? m[0],
          context: around(text, m.index, m.index + m[0].length),
          section,
        });
    }
  }
  return found;
}

/** What the attorney reads for a mismatch. */
export function mismatchMessage(m: ProseMismatch): string {
  const what =
    m.kind === "amount"
      ? "in no reviewed fact, ledger line or confirmed profile value"
      : m.kind === "date"
        ? "a date no reviewed fact or the profile states"
        : "a code no reviewed fact carries";
  return `${m.value} — ${what}: “${m.context}”${m.section ? ` (under “${m.section}”)` : ""}.`;
}
