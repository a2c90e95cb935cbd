// Letters from a carrier about the claim (acknowledgment, reservation of rights …): the
// letterhead names the at-fault carrier, the adjuster signs it, and its sentences state the
// carrier's position on liability and coverage.

import type { DocumentKind } from "./classify.ts";
import { emit, type State } from "./state.ts";
import { squash, titleCase } from "./text.ts";
import type { PageText } from "./types.ts";

export const INSURER_WORDS =
  /\b(insurance|mutual|casualty|assurance|indemnity|underwriters|insurers|fire & marine|state farm|geico|progressive|allstate|farmers|liberty|nationwide|usaa|travelers|hartford)\b/i;

export function findInsurer(line: string): string | null {
  const m =
    /((?:[A-Z][\w&'.-]*\s+){1,5}(?:Insurance|Mutual|Casualty|Assurance|Indemnity|Underwriters)(?:\s+(?:Co\.|Company|Insurance|Group|Corp\.|Corporation|Inc\.))*)/.exec(
      line,
    );
  return m?.[1]?.trim() ?? null;
}

export function isInsurerLetter(texts: string[], kind: DocumentKind): boolean {
  if (kind === "police" || kind === "bill") return false;
  const head = (texts[0] ?? "").split("\n").slice(0, 8).join("\n");
  // An employer writes to a carrier (its name in the address block); a carrier writes under its
  // own letterhead, the first lines.
  const letterhead = (texts[0] ?? "")
    .split("\n")
    .filter((l) => l.trim())
    .slice(0, 3)
    .join("\n");
  const all = texts.join("\n");
  return (
    (INSURER_WORDS.test(letterhead) || (kind !== "wage" && INSURER_WORDS.test(head))) &&
    /\b(our insured|your client|claimant|named insured|insured:|adjuster|claim (?:number|no))/i.test(all)
  );
}

const ADJUSTER_TITLE =
  /^(?:(?:senior|sr\.?|field|casualty|commercial|auto|bodily injury|bi|liability|general|third[- ]party)\s+){0,3}(?:claims?\s+)?(?:adjuster|representative|specialist|examiner|professional|handler)\b/i;
const PERSON = /^[A-Z][a-z]+(?: [A-Z]\.?| [A-Z][a-z]+)?(?: [A-Z][a-z'-]+){1,2}$/;

/** A letter signed by its adjuster: the name on the line above the title. */
export function signature(s: State, lines: string[], index: number): void {
  const line = lines[index] ?? "";
  if (!ADJUSTER_TITLE.test(line)) return;
  const name = lines
    .slice(Math.max(0, index - 3), index)
    .reverse()
    .find(Boolean);
  if (!name || !PERSON.test(name)) return;
  emit(s, {
    category: "insurance",
    text: `Adjuster: ${name}`,
    quote: name,
    profileField: "adjusterName",
    fieldValue: name,
  });
}

/** The insurer whose letterhead a claim letter is on: the at-fault carrier. */
export function insurerLetterhead(s: State, pages: PageText[]): void {
  // First cells only: "GOLDEN POPPY<tab>Bodily Injury Claims" is a logo beside a department.
  const lines = (pages[0]?.text ?? "")
    .split("\n")
    .slice(0, 8)
    .map((l) => (l.split("\t")[0] ?? "").trim())
    .filter(Boolean);
  for (const [i, line] of lines.entries()) {
    let name =
      findInsurer(line) ??
      findInsurer(titleCase(line)) ??
      (INSURER_WORDS.test(line) && line.length < 60 ? line : null);
    if (!name) continue;
    // A logo sets the name over two lines: "EMPIRE KEYSTONE" / "MUTUAL INSURANCE COMPANY".
    const above = lines
      .slice(0, i)
      .find((l) => /^[A-Z][A-Z&' .-]{2,30}$/.test(l) && l.split(" ").length <= 3);
    // The quote is the letterhead as printed (the citation check compares it with the page);
    // the name is shown in title case.
    let quote = line;
    if (/^(?:casualty|mutual|insurance|indemnity|assurance|general|fire|property)\b/i.test(name) && above) {
      name = `${titleCase(above)} ${titleCase(name)}`;
      quote = `${above} ${line}`;
    }
    name = titleCase(name);
    s.pageNumber = pages[0]?.pageNumber ?? 1;
    s.pageText = squash(pages[0]?.text ?? "");
    emit(s, {
      category: "insurance",
      text: `Claim handled by ${name}`,
      quote,
      profileField: "atFaultCarrier",
      fieldValue: name,
    });
    return;
  }
}

const COVERAGE =
  /reservation of (?:its |our )?rights|coverage|exclu(?:de|des|sion)|policy limits?|limits of (?:liability|coverage)|medical payments|med ?pay|\bpip\b|no-?fault|lien|reimburse|declarations page|excess/i;
const LIABILITY_POSITION =
  /(?:accept|den(?:y|ied)|disput)\w* liability|liability (?:is|has been|was) (?:accepted|denied|disputed)|\d+ ?%|percent|comparative|at fault|for (?:a fee|compensation|hire)|deliver\w*|not listed as a driver|excluded driver|scope of/i;

/** What a carrier's letter says about liability and coverage, and other carriers it names. */
export function insurerSentence(s: State, sentence: string): void {
  if (LIABILITY_POSITION.test(sentence)) {
    emit(s, { category: "liability", text: `Carrier's letter: ${sentence}`, quote: sentence });
  } else if (COVERAGE.test(sentence)) {
    emit(s, { category: "insurance", text: `Carrier's letter: ${sentence}`, quote: sentence });
  }
  const carrier = findInsurer(sentence);
  const clientOwn = /your client(?:'s)? own|med ?pay|medical payments|\bpip\b|no-?fault|first[- ]party/i.test(
    sentence,
  );
  // "Laurel Summit Casualty Insurance Company insures Three Rivers Linen & Uniform Supply, Inc.
  // under a commercial auto policy": the carrier and its insured, who owns the vehicle when
  // the letter says its driver is the insured's employee.
  const insures = /\binsures\s+(.+?)\s+(?:under|for|with)\b/.exec(sentence);
  if (carrier && insures && !clientOwn) {
    emit(s, {
      category: "insurance",
      text: `Insurer of the other party: ${carrier}`,
      quote: carrier,
      profileField: "atFaultCarrier",
      fieldValue: carrier,
    });
    const insured = (insures[1] ?? "").trim();
    if (/\bemploy(?:ee|ed)\b|\bcommercial\b/i.test(s.pageText) && insured.length <= 80) {
      emit(
        s,
        {
          category: "insurance",
          text: `Vehicle owner (the carrier's insured): ${insured}`,
          quote: insured,
          profileField: "vehicleOwner",
          fieldValue: insured,
        },
        `owner|${insured}`,
      );
    }
  }
  // "was being driven by our insured's employee, Curtis W. Blakemore": the other driver.
  const driven =
    /\b(?:driven|operated) by (?:(?:our|the) insured(?:'s)?(?: (?:employee|driver|son|daughter|spouse|wife|husband))?,?\s+)?([A-Z][a-z'-]+(?: [A-Z]\.| [A-Z][a-z'-]+){1,3})/.exec(
      sentence,
    );
  if (driven?.[1] && !/^(?:Our|The|Your)\b/.test(driven[1])) {
    emit(s, {
      category: "liability",
      text: `Other driver: ${driven[1]}`,
      quote: driven[0],
      profileField: "atFaultDriver",
      fieldValue: driven[1],
    });
  }
  if (carrier && clientOwn) {
    emit(s, {
      category: "insurance",
      text: `Client's own carrier: ${carrier}`,
      quote: carrier,
      profileField: "clientCarrier",
      fieldValue: carrier,
    });
  }
}
