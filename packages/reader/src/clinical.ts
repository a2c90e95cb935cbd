import { formatUsd } from "@steno/shared";
// Clinical records: diagnoses with their codes, the services a note lists, a physician's
// estimate of future care, and what the prose says about injury, treatment and causation.
import { codeSystem, findIcd10, findProcedureCodesInContext } from "./codes.ts";
import { findDates } from "./dates.ts";
import { findMoney } from "./money.ts";
import * as P from "./patterns.ts";
import { atProvider, emit, onDate, type State } from "./state.ts";
import { RATE_AFTER } from "./wages.ts";

/** The kind of visit a note's heading (or, without one, its provider's name) speaks of. */
export function visitType(title: string): string {
  const t = title.toLowerCase();
  if (/emergency/.test(t)) return "Emergency department visit";
  if (/initial (evaluation|eval|exam|consult)/.test(t)) return "Initial evaluation";
  if (/re-?evaluation|progress/.test(t)) return "Re-evaluation";
  if (/consult/.test(t)) return "Consultation";
  if (/operative|surgery|procedure/.test(t)) return "Procedure";
  if (/imaging|radiology|mri|x-ray/.test(t)) return "Imaging";
  if (/therapy|treatment notes?|daily/.test(t)) return "Therapy visit";
  return "Visit";
}

/** ICD-10 codes with their descriptions: "S13.4XXA Sprain of ...", "cervical strain (S16.1XXA)". */
export function diagnoses(s: State, line: string): boolean {
  const codes = findIcd10(line, s.diagnosisContext);
  codes.forEach((c, i) => {
    const nextStart = codes[i + 1]?.index ?? line.length;
    const after = line.slice(c.end, nextStart);
    let quoteStart = c.index;
    let quoteEnd = c.end;
    let description = "";
    const following = /^[\s:-]*([^;|]*?)[\s,;|]*$/.exec(after.split(/;|\s\|\s/)[0] ?? "");
    if (following?.[1] && !after.startsWith(")") && /[A-Za-z]{3}/.test(following[1])) {
      description = following[1].trim();
      quoteEnd = c.end + after.indexOf(description) + description.length;
    } else {
      // The code follows its description: "cervical strain (S16.1XXA)", "Concussion ... - S06.0X0A".
      const previousEnd = codes[i - 1]?.end ?? 0;
      const before = line.slice(previousEnd, c.index);
      const m = /([A-Za-z][^;:()]*?)[\s(:-]*$/.exec(before.split(/[;:]\s/).at(-1) ?? "");
      const candidate = (m?.[1] ?? "").replace(/^(and|or)\s+/i, "").replace(/[\s,-]+$/, "");
      if (/[A-Za-z]{3}/.test(candidate)) {
        description = candidate;
        quoteStart = previousEnd + before.lastIndexOf(description);
        quoteEnd = line[c.end] === ")" ? c.end + 1 : c.end;
      }
    }
    const text = description
      ? `Diagnosis: ${description} (ICD-10 ${c.code})${atProvider(s)}${onDate(s.visitDate)}`
      : `Diagnosis code ${c.code} (ICD-10)${atProvider(s)}${onDate(s.visitDate)}`;
    emit(s, {
      category: "injury",
      text,
      quote: line.slice(quoteStart, quoteEnd),
      code: c.code,
      eventDate: s.visitDate,
      provider: s.provider,
    });
  });
  return codes.length > 0;
}

/** Service items in clinical notes: "97110 Therapeutic exercise x2; 97140 Manual therapy x1". */
export function serviceItems(s: State, line: string, index: number, next: string | undefined): boolean {
  const items = findProcedureCodesInContext(line).filter((c) => c.how === "item");
  items.forEach((c, i) => {
    const limit = items[i + 1]?.index ?? line.length;
    const semicolon = line.indexOf(";", c.end);
    const end = semicolon >= 0 && semicolon < limit ? semicolon : limit;
    let quote = line.slice(c.index, end).replace(/[\s,;]+$/, "");
    if (end === line.length && next && /^([a-z(]|x\d)/.test(next)) {
      // The last item wraps onto the next line ("20552 Trigger" / "point injection x1").
      const cut = next.indexOf(";");
      quote = `${quote} ${(cut >= 0 ? next.slice(0, cut) : next).replace(/[\s,;]+$/, "")}`;
      if (cut < 0) s.continuedLine = index + 1;
    }
    const description = quote.slice(c.end - c.index).trim();
    emit(s, {
      category: "treatment",
      text: `${description} (${codeSystem(c.code)} ${c.code})${atProvider(s)}${onDate(s.visitDate)}`,
      quote,
      code: c.code,
      eventDate: s.visitDate,
      provider: s.provider,
    });
  });
  return items.length > 0;
}

const FUTURE_SECTION = /future|anticipated|life care|prognosis|recommend|estimate/i;
const FUTURE_PLAN =
  /\blife[- ]care plan\b|\bfuture (?:medical |health ?care )?(?:care|treatment|medical) (?:plan|estimate|costs?|projection)\b|\bcost (?:projection|estimate) (?:of|for) future\b/i;
const FUTURE_LINE =
  /\bfuture\b|anticipated|will (?:likely |probably )?(?:require|need)|estimated? (?:cost|total|future)/i;

/** A life-care plan or future-care estimate: its title is near the top of its first page. */
export const isFuturePlan = (texts: string[]) =>
  FUTURE_PLAN.test(texts[0]?.split("\n").slice(0, 12).join("\n") ?? "");

/** A physician's estimate of future care: each item with its cost, and the estimate's total. */
export function futureCare(s: State, line: string): boolean {
  if (!(s.futurePlan || FUTURE_SECTION.test(s.section) || FUTURE_LINE.test(line))) return false;
  const money = findMoney(line).filter((m) => m.cents > 0 && !RATE_AFTER.test(line.slice(m.end)));
  const last = money.at(-1);
  if (!last) return false;
  const total = /\btotal\b/i.test(line) && !/\bsub-?\s?total\b/i.test(line);
  if (s.futurePlan) {
    // A plan's category subtotals, and the recap by category after its grand total, restate
    // rows already read: counted again they would double the claim.
    if (/\bsub-?\s?total\b/i.test(line)) return true;
    if (s.futureTotalSeen && !total) return true;
    if (total) s.futureTotalSeen = true;
  }
  // A range ("$3,000 to $4,500") is claimed at what the physician put last: say so in the text.
  const item = line.slice(0, money[0]?.index ?? line.length).replace(/[\s:.,-]+$/, "");
  emit(s, {
    category: "future_care",
    text: total
      ? `Estimated future medical care, total${atProvider(s)}: ${formatUsd(last.cents)}`
      : `Future care: ${item || "estimated care"} ${formatUsd(last.cents)}${atProvider(s)}`,
    quote: line,
    amountCents: last.cents,
    provider: s.provider,
    moneyKind: total ? "total" : "charge",
    eventDate: s.visitDate,
  });
  return true;
}

/** A physician's opinion that the injuries come from the crash: the link the claim rests on. */
const CAUSATION =
  /\b(?:caus(?:ed|ally related|ation)|reasonable degree of medical (?:probability|certainty)|result(?:ed)? (?:of|from) the (?:motor vehicle )?(?:collision|accident|crash)|related to the (?:motor vehicle )?(?:collision|accident|crash))\b/i;

const IMAGING_FINDING =
  /\b(tears?|torn|protrusions?|extrusions?|effac\w*|stenosis|impingement|edema|effusion|displace\w*|disruption|rupture\w*|avulsion|subluxation|dislocation)\b/i;
const NO_FINDING = /^(?:no acute|normal|unremarkable|negative)\b/i;

export function clinicalSentence(s: State, sentence: string, date: string | null): void {
  // The letterhead (the provider's name, "Pain Medicine | address | phone") says nothing clinical.
  if (s.provider && sentence.replace(/[.\s]+$/, "") === s.provider) return;
  if (/\|/.test(sentence) && /\(?\d{3}\)?[-. ]\d{3}-\d{4}/.test(sentence)) return;
  const where = `${s.provider ?? "Medical record"}${s.visitDate ? ` (${s.visitDate})` : ""}: `;
  // What a record says happened is dated by the visit; a date in the sentence is often another event.
  const base = { quote: sentence, provider: s.provider, eventDate: s.visitDate ?? date };
  if (P.WAGE_ANY.test(sentence)) {
    emit(s, { ...base, category: "wage_loss", text: `${where}${sentence}`, eventDate: date ?? s.visitDate });
    return;
  }
  const codes = findProcedureCodesInContext(sentence).filter((c) => c.how === "label");
  if (codes.length) {
    for (const c of codes) {
      const named = sentence.includes(c.code) && /\b(CPT|HCPCS)\b/.test(sentence);
      emit(s, {
        ...base,
        category: "treatment",
        text: `${where}${sentence}${named ? "" : ` (${codeSystem(c.code)} ${c.code})`}`,
        code: c.code,
      });
    }
    return;
  }
  // "MRI left shoulder 10/03/2025: partial-thickness supraspinatus tear": what the study found
  // is an injury, dated by the study.
  const study = /^(?:MRI|MR|CT|X-?rays?|radiographs?|ultrasound|EMG)\b[^:]{0,60}:\s*(.+)$/i.exec(sentence);
  if (
    study?.[1] &&
    (P.INJURY.test(study[1]) || IMAGING_FINDING.test(study[1])) &&
    !NO_FINDING.test(study[1])
  ) {
    emit(s, { ...base, category: "injury", text: `${where}${sentence}`, eventDate: date ?? base.eventDate });
    return;
  }
  // "treating at X three times a week since 09/15/2025": the date treatment began; "had a
  // microdiscectomy on 04/16/2025": the date of the procedure, not of the visit telling of it.
  const since = /\b(?:since|on)\s+(\d{1,2}\/\d{1,2}\/\d{2,4})/.exec(sentence);
  if (CAUSATION.test(sentence)) emit(s, { ...base, category: "injury", text: `${where}${sentence}` });
  else if (
    P.TREATMENT.test(sentence) ||
    (since?.[0].startsWith("since") && /\btreat(?:ing|ed|ment)\b/i.test(sentence))
  )
    emit(s, {
      ...base,
      category: "treatment",
      text: `${where}${sentence}`,
      eventDate: (since && findDates(since[0])[0]?.iso) || base.eventDate,
    });
  else if (P.INJURY.test(sentence)) emit(s, { ...base, category: "injury", text: `${where}${sentence}` });
  else if (P.MECHANISM.test(sentence)) {
    const today = /\b(today|tonight|this (morning|afternoon|evening))\b/i.test(sentence) ? s.visitDate : null;
    emit(s, {
      ...base,
      category: "incident",
      text: `${where}${sentence}`,
      eventDate: s.incidentDate ?? date ?? today,
    });
  }
}
