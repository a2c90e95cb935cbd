// Reading the layout of a page of text: labelled fields, headings, table headers, sentences,
// and names of organisations. Page text has one visual line per line (see readPageText).

/** Collapses whitespace, as the citation check does. */
export const squash = (s: string): string => s.replace(/\s+/g, " ").trim();

export type Field = {
  label: string;
  value: string;
  /** offsets in the line: where the label starts and where the value ends */
  start: number;
  end: number;
};

// Words that make up labels ("Date of Service", "Policy No.", "Insurance Company"). Walking
// back from a colon over these words finds where a label starts when several fields share a
// line ("Maria L. Rivera DOB: 07/22/1988").
const LABEL_WORDS = new Set(
  (
    "date of service crash accident loss injury incident time report number no no. # policy claim your our " +
    "insurance company insurer carrier driver owner vehicle unit location address dob birth account acct acct. " +
    "statement patient provider physician attending therapist type county day week weather road surface " +
    "lighting traffic control units officer reporting badge damage direction action / mrn diagnosis diagnoses " +
    "referral referring treatment total visits visit discharge admit arrival mode triage acuity phone tel fax " +
    "npi dos referred guarantor payer primary secondary third-party liability bill to employer rate hours status work " +
    "approved by re attn plate license name case agency contributing cause rendering tax id surgical medical " +
    "history past social family medications allergies outcome measures age sex gender employee job title " +
    "position pay hire hired last first middle signature signed exam imaging impression plan assessment"
  ).split(" "),
);

const wordKey = (word: string) => word.toLowerCase().replace(/[,;]+$/, "");

/**
 * The "Label: value" fields of a line. A label starts the line (up to six words) or is the run
 * of label words right before a colon; its value runs to the next label.
 */
export function splitFields(line: string): { prefix: string; fields: Field[] } {
  const labels: { start: number; colon: number; label: string }[] = [];
  for (const m of line.matchAll(/:(?=\s|$)/g)) {
    const colon = m.index;
    const from = (labels.at(-1)?.colon ?? -1) + 1;
    const words = [...line.slice(from, colon).matchAll(/\S+/g)].map((w) => ({ text: w[0], index: w.index }));
    if (words.length === 0) continue;
    let first = words.length - 1;
    if (labels.length === 0 && words.length <= 6) {
      first = 0;
    } else {
      while (first > 0 && words.length - first < 5) {
        const previous = words[first - 1]?.text ?? "";
        if (previous.endsWith(":") || !LABEL_WORDS.has(wordKey(previous))) break;
        first -= 1;
      }
    }
    const start = from + (words[first]?.index ?? 0);
    const label = line.slice(start, colon).trim();
    // Labels start with a capital letter ("2 visits per week for 6 weeks:" is prose).
    if (!/^[A-Z#]/.test(label)) continue;
    labels.push({ start, colon, label });
  }
  const fields = labels.map((l, i) => {
    const end = labels[i + 1]?.start ?? line.length;
    const raw = line.slice(l.colon + 1, end);
    return { label: l.label, value: raw.trim(), start: l.start, end: l.colon + 1 + raw.trimEnd().length };
  });
  const firstStart = labels[0]?.start;
  return { prefix: (firstStart === undefined ? line : line.slice(0, firstStart)).trim(), fields };
}

/** A section heading: a short line in capitals ("OFFICER'S FINDINGS") or a lone "Label:". */
export function isHeading(line: string): boolean {
  // A street number or an identifier makes a line a value in capitals, not a heading.
  // A sentence in capitals ("DRIVER OF VEH 2 STATES HE THOUGHT ….") is prose, not a heading.
  if (/[.!?]["')]?$/.test(line) && line.split(/\s+/).length >= 5) return false;
  if (line.length > 80 || /\d{3,}/.test(line) || /\$|\d{1,2}\/\d{1,2}\/\d{2}|\d\.\d{2}\b|\d,\d{3}/.test(line))
    return false;
  if (/^[A-Z][A-Za-z /&'()-]{1,40}:$/.test(line)) return true;
  const letters = line.replace(/[^A-Za-z]/g, "");
  if (letters.length < 3) return false;
  const upper = letters.replace(/[^A-Z]/g, "").length;
  return upper / letters.length > 0.9 && !/:\s+\S/.test(line);
}

const HEADER_WORDS = new Set(
  (
    "date dos service description desc code codes cpt hcpcs cpt/hcpcs icd-10 icd rev revenue qty quantity units " +
    "unit fee charges charge amount billed paid adj adjustment balance driver violation statute citation person " +
    "severity injury period hours rate days wages posted provider diagnosis procedure modifier mod pos dx ems " +
    "transported name vehicle no. # price allowed due total"
  ).split(" "),
);

/** A table's header row: capitalised column names, no amounts or dates. */
export function isTableHeader(line: string): boolean {
  // Column names have no values: "Driver Name: Karen Boyd" is a field, not a header.
  if (/\$|\d{1,2}\/\d{1,2}\/|:(\s|$)/.test(line) || line.length > 120) return false;
  const words = line.split(/\s+/).filter(Boolean);
  if (words.length < 2 || words.length > 14) return false;
  if (words.some((w) => /\d/.test(w) && !/^(ICD-10|CPT-4|ICD-9)$/i.test(w))) return false;
  if (!words.every((w) => /^[A-Z#/(&-]/.test(w) || /^(of|to|and|per|in|by)$/.test(w))) return false;
  return words.filter((w) => HEADER_WORDS.has(w.toLowerCase().replace(/[():,]/g, ""))).length >= 2;
}

const ABBREVIATIONS = new Set(
  (
    "mr mrs ms dr st ave blvd rd hwy co inc ltd no ofc sgt lt det dept approx vs jr sr mt ft apt ste lic " +
    "e.g i.e u.s p.o pt jan feb mar apr jun jul aug sep sept oct nov dec fig ref tel est transp stat " +
    "rev sec ch art subd"
  ).split(" "),
);

export type Sentence = { text: string; index: number };

/** Sentences of a block of prose; initials and abbreviations ("S. MacArthur", "Ms. Rivera") do not end one. */
export function splitSentences(block: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  for (const m of block.matchAll(/[.!?]["')\]]*\s+(?=["'([]?[A-Z0-9])/g)) {
    const head = block.slice(start, m.index);
    const lastWord = /(\S+)$/.exec(head)?.[1] ?? "";
    const bare = lastWord.replace(/^["'([]+/, "");
    if (m[0].startsWith(".") && (/^[A-Za-z]$/.test(bare) || ABBREVIATIONS.has(bare.toLowerCase()))) continue;
    const end = m.index + m[0].trimEnd().length;
    pushSentence(sentences, block, start, end);
    start = m.index + m[0].length;
  }
  pushSentence(sentences, block, start, block.length);
  return sentences;
}

function pushSentence(out: Sentence[], block: string, start: number, end: number): void {
  const raw = block.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  if (text) out.push({ text, index: start + lead });
}

// Organisations that treat or bill: the name ends in (or contains) one of these words.
const FACILITY =
  /^(hospital|clinic|ems|rescue|rehabilitation|rehab|chiropractic|orthopedics?|orthopaedics?|imaging|radiology|ambulance|pharmacy|neurology|physicians|diagnostics|laboratory|laboratories|healthcare|urgent|physical|medical|health|surgery|surgical|pain|sports|family|spine|emergency)$/;
// Words that must follow some of the above for a facility ("Physical Therapy", "Medical Center").
const FACILITY_PAIR: Record<string, RegExp> = {
  urgent: /^care$/,
  physical: /^therapy$/,
  medical: /^(center|centre|group|associates|clinic|partners|specialists)$/,
  health: /^(center|centre|system|services|clinic|partners)$/,
  surgery: /^(center|centre)$/,
  surgical: /^(center|centre|associates)$/,
  pain: /^(management|center|centre|clinic|institute)$/,
  sports: /^medicine$/,
  family: /^(medicine|practice|health)$/,
  spine: /^(center|centre|institute|clinic|associates)$/,
  emergency: /^(physicians|associates|medicine)$/,
};
const SUFFIX =
  /^(ems|wellness|rehabilitation|associates|group|center|centre|clinic|institute|services|partners|specialists|care|therapy|management|medicine|system|llc|pllc|pc|p\.c\.|inc\.?|ltd\.?|s\.c\.)$/;
const LEGAL =
  /^(P\.?C\.?|P\.?A\.?|Inc\.?|INC\.?|LLC\.?|L\.L\.C\.|PLLC\.?|Ltd\.?|LTD\.?|S\.C\.|Corp\.?|CORP\.?)$/;
const NAME_STOP =
  /^(to|by|at|from|for|in|on|with|of|and|the|a|an|re|attn|dear|patient|statement|record|account)$/i;

const bareWord = (token: string) => token.toLowerCase().replace(/[^a-z.&]/g, "");

/** Names of treating or billing organisations in a line ("Springfield General Hospital"). */
export function findOrganizations(line: string): string[] {
  const tokens = [...line.matchAll(/\S+/g)].map((m) => m[0]);
  const at = (i: number) => tokens[i] ?? "";
  const isCap = (t: string) => /^[A-Z0-9&]/.test(t) && !t.endsWith(":");
  const names: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const word = bareWord(at(k));
    if (!isCap(at(k)) || !FACILITY.test(word)) continue;
    let end = k;
    const pair = FACILITY_PAIR[word];
    if (pair) {
      if (!isCap(at(k + 1)) || !pair.test(bareWord(at(k + 1)))) continue;
      end = k + 1;
    }
    for (;;) {
      if (!/[,;]$/.test(at(end)) && isCap(at(end + 1)) && SUFFIX.test(bareWord(at(end + 1)))) end += 1;
      // "Orthopedic & Spine", "Spine and Rehab": a name joined by "&" goes on to its last word.
      else if (
        !/[,;]$/.test(at(end)) &&
        /^(&|and)$/i.test(at(end + 1)) &&
        isCap(at(end + 2)) &&
        (FACILITY.test(bareWord(at(end + 2))) || SUFFIX.test(bareWord(at(end + 2))))
      )
        end += 2;
      // "…, P.C.", "…, Inc.": the legal suffix after a comma is part of the name.
      else if (/,$/.test(at(end)) && LEGAL.test(at(end + 1))) end += 1;
      else break;
    }
    let start = k;
    while (start > 0 && k - start < 4) {
      const previous = at(start - 1);
      // "St." and initials belong to the name; other words ending a clause do not.
      const endsClause = /[,;.)]$/.test(previous.replace(/^([A-Z]|St|Mt|Ft)\.$/i, "A"));
      if (!isCap(previous) || endsClause || NAME_STOP.test(bareWord(previous)) || /^\d+$/.test(previous))
        break;
      start -= 1;
    }
    // A bare "Physical Therapy" or "Hospital" is a heading, not a name.
    if (start === k) continue;
    let name = tokens
      .slice(start, end + 1)
      .join(" ")
      .replace(/[,;:]+$/, "");
    if (!/\b(inc|ltd|co|p\.c|s\.c|p\.a|l\.l\.c|corp)\.$/i.test(name)) name = name.replace(/\.+$/, "");
    names.push(titleCase(name));
    k = end;
  }
  return names;
}

const ACRONYMS = new Set([
  "LLC",
  "EMS",
  "P.A.",
  "L.L.C.",
  "PLLC",
  "PC",
  "P.C.",
  "MD",
  "DO",
  "DC",
  "PT",
  "DPT",
  "EMS",
  "USA",
  "II",
  "III",
  "IV",
  "SC",
  "S.C.",
  "ER",
  "ED",
  "MRI",
  "CT",
]);
const SMALL = new Set(["of", "and", "the", "for", "at", "in", "on"]);

/** "SPRINGFIELD GENERAL HOSPITAL" -> "Springfield General Hospital"; mixed case is kept. */
export function titleCase(name: string): string {
  if (/[a-z]/.test(name)) return name;
  return name
    .split(" ")
    .map((word, i) => {
      if (ACRONYMS.has(word)) return word;
      // Route numbers (US-98, SR-43, I-35) and a lone letter in parentheses ("(S") as printed.
      if (/^[A-Z]{1,3}-\d+[A-Z]?$/.test(word) || /^\([A-Z]$/.test(word)) return word;
      const lower = word.toLowerCase();
      if (i > 0 && SMALL.has(lower)) return lower;
      // "DAVID'S" is "David's", "O'NEIL" is "O'Neil".
      return lower
        .replace(
          /(^|[-'&/])([a-z])(?!$)|^([a-z])$/g,
          (_m, p: string | undefined, c: string | undefined, lone: string | undefined) =>
            lone ? lone.toUpperCase() : (p ?? "") + (c ?? "").toUpperCase(),
        )
        .replace(/'S$/, "'s");
    })
    .join(" ");
}
