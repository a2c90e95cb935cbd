import { formatLongDate, type ProfileField } from "@steno/shared";
import type { Chronology, ProviderChronology } from "./chronology.ts";
import type { DraftFact, NarrativeSections } from "./narrative.ts";
import {
  asSentence,
  countInWords,
  factSentence,
  humanDates,
  isFormField,
  isLegend,
  listInWords,
  lowerFirst,
  properName,
  properWords,
  sentenceCase,
  stripLabels,
} from "./wording.ts";

// The letter's prose composed from the case's structured data: who, when and where from the
// confirmed profile, the record's own sentences (labels off, dates in words) for what happened,
// the chronology for the care. Every statement rests on a reviewed fact; nothing is invented.

export type ComposeInput = {
  clientName: string;
  incidentDate: string | null;
  profile: Partial<Record<ProfileField, string>>;
  facts: DraftFact[];
  chronology: Chronology;
};

const norm = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/** Distinct sentences, in order: the same words from two documents are said once. */
function distinct(sentences: string[]): string[] {
  const seen = new Set<string>();
  return sentences.filter((s) => {
    const key = norm(s);
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const UNIT = /\b(?:unit|driver|vehicle|veh|v|d|p)[- ]?#?(\d)\b/i;

/**
 * A fact about someone other than the client (the other driver's injuries, a passenger's care):
 * a fact of injury or treatment that names another unit or the at-fault driver.
 */
export function aboutAnotherPerson(
  fact: DraftFact,
  input: Pick<ComposeInput, "clientName" | "profile" | "facts">,
) {
  if (fact.category !== "injury" && fact.category !== "treatment") return false;
  const text = fact.text;
  const driver = input.profile.atFaultDriver ? properName(input.profile.atFaultDriver) : null;
  const driverLast = driver?.split(" ").at(-1);
  if (driverLast && driverLast.length > 2 && new RegExp(`\\b${driverLast}\\b`, "i").test(text)) return true;
  const unit = UNIT.exec(text)?.[1];
  if (!unit) return false;
  return unit !== clientUnit(input);
}

/** The unit number the police report gives the client, when a fact ties the two together. */
function clientUnit(input: Pick<ComposeInput, "clientName" | "facts">): string | null {
  const last = properName(input.clientName).split(" ").at(-1);
  if (!last) return null;
  for (const f of input.facts) {
    const m = new RegExp(`\\b(?:unit|driver|vehicle)\\s*(\\d)\\b[^.]*\\b${last}\\b`, "i").exec(f.text);
    if (m?.[1]) return m[1];
  }
  return null;
}

const STATUTE =
  /(\d+\s+ILCS\s+[\w/.\-()]+|(?:texas\s+)?transportation\s+code\s*§?\s*[\d.]+|O\.C\.G\.A\.?\s*§?\s*[\d\-()a-z]+|\bVC\s*\d+|\b\d{4,5}\s*VC\b|\bORC\s+[\d.()A-Za-z]+|\b\d+\s+Pa\.?\s*C\.?S\.?\s*§?\s*[\d()a-z]+|§\s*[\d.\-()a-z]+|\b\d{2}-\d-\d+(?:\([a-z]\))?)/i;
const CITATION_NUMBER = /\b(?:[A-Z]{1,3}-\d{5,}|[A-Z]{1,3}\d[A-Z0-9]{4,}|[A-Z]{3,}\d[A-Z0-9]{2,})\b/;

/** "Citation: C-558231 Following too closely 625 ILCS 5/11-710" as a sentence, or null. */
function citationSentence(value: string, driver: string): string | null {
  let rest = value.trim();
  const statute = STATUTE.exec(rest)?.[1]?.trim() ?? null;
  if (statute) rest = rest.replace(statute, " ");
  const number = CITATION_NUMBER.exec(rest)?.[0] ?? null;
  if (number) rest = rest.replace(number, " ");
  const offense = lowerFirst(
    sentenceCase(
      rest
        .replace(/\s*[-–;,]\s*$|^\s*[-–;,]\s*/g, "")
        .replace(/\s+/g, " ")
        .trim(),
    ),
  )
    .replace(/\s*[-–]\s*$/, "")
    .trim();
  if (!offense || offense.split(" ").length < 2) return null;
  // "TEXAS TRANSPORTATION CODE §545.062" reads "Texas Transportation Code §545.062"; ILCS, VC,
  // ORC stay the abbreviations they are.
  const statuteWords = statute
    ?.replace(/\s+/g, " ")
    .replace(/\b[A-Z]{3,}\b/g, (w) => (/^(ILCS|ORC|VC|OCGA)$/.test(w) ? w : w[0] + w.slice(1).toLowerCase()));
  const statuteText = statuteWords ? `, in violation of ${statuteWords}` : "";
  return `The investigating officer cited ${driver} for ${offense.toLowerCase()}${statuteText}${number ? ` (citation ${number})` : ""}.`;
}

/** The case's proper words (parties, places, providers), to restore in a shouting record's text. */
const names = (input: ComposeInput) =>
  properWords([
    ...[input.clientName, input.profile.atFaultDriver, input.profile.insuredName, input.profile.vehicleOwner]
      .filter((n): n is string => Boolean(n))
      .map(properName),
    ...[input.profile.location, input.profile.atFaultCarrier].filter((n): n is string => Boolean(n)),
    ...input.chronology.providers.map((p) => p.provider),
  ]);

/** The facts a letter may use: none about another person (harmful ones never reach here). */
export function usableFacts(input: ComposeInput): DraftFact[] {
  return input.facts.filter((f) => !aboutAnotherPerson(f, input));
}

/** The record's sentences of some facts: form fields and category labels left out. */
function sentencesOf(facts: DraftFact[], input: ComposeInput): string[] {
  return distinct(
    facts
      .map((f) => stripLabels(f.text))
      .filter((t) => !isFormField(t) && !isLegend(t))
      .map((t) => factSentence(t, names(input))),
  );
}

export function composeIncident(input: ComposeInput): string {
  const client = properName(input.clientName);
  const facts = usableFacts(input);
  const when = input.incidentDate ? formatLongDate(input.incidentDate) : null;
  const where = input.profile.location ? ` at ${humanDates(input.profile.location)}` : "";
  const driver = input.profile.atFaultDriver ? properName(input.profile.atFaultDriver) : null;
  const owner =
    input.profile.vehicleOwner && input.profile.vehicleOwner !== input.profile.atFaultDriver
      ? ` and owned by ${properName(input.profile.vehicleOwner)}`
      : "";
  const opening = asSentence(
    `${when ? `On ${when}` : "On the date of loss"}, ${client} was injured in a collision${where}${
      driver ? ` with a vehicle driven by ${driver}${owner}` : ""
    }`,
  );
  // The police account first; a clinic's history of the crash only when there is none.
  const incident = facts.filter((f) => f.category === "incident");
  const official = sentencesOf(
    incident.filter((f) => !f.provider),
    input,
  );
  const account = (official.length ? official : sentencesOf(incident, input)).filter(
    (s) => !/^\d+-year-old/.test(s),
  );
  const liability = facts.filter((f) => f.category === "liability");
  const statements = sentencesOf(
    liability.filter((f) => /\bstated?\b|\badmitted\b|\btold\b/i.test(f.text) && !/^witness/i.test(f.text)),
    input,
  );
  const witnesses = distinct(
    liability.flatMap((f) => {
      const m = /^witness:\s*(.+)$/i.exec(f.text.trim());
      return m?.[1] ? [properName(m[1])] : [];
    }),
  );
  const quoted = liability
    .filter((f) => /^witness statement:/i.test(f.text.trim()))
    .map((f) => humanDates(stripLabels(f.text).replace(/["“”]/g, "").trim()));
  const paragraphs = [[opening, ...account].join(" ")];
  if (statements.length) paragraphs.push(statements.join(" "));
  if (witnesses.length || quoted.length) {
    const who = witnesses.length
      ? `${witnesses.length === 1 ? "An independent witness" : "Independent witnesses"}, ${listInWords(witnesses)}, gave statements to the investigating officer`
      : "A witness gave a statement to the investigating officer";
    paragraphs.push(quoted.length ? `${who}: “${quoted.map(asSentence).join(" ")}”` : `${who}.`);
  }
  return paragraphs.join("\n\n");
}

export function composeLiability(input: ComposeInput): string {
  const client = properName(input.clientName);
  const driver = input.profile.atFaultDriver
    ? properName(input.profile.atFaultDriver)
    : "Your insured's driver";
  const liability = usableFacts(input).filter((f) => f.category === "liability");
  const citations = distinct(
    liability
      .filter((f) => /^citation:/i.test(f.text.trim()))
      .map((f) =>
        citationSentence(f.text.trim().replace(/^citation:\s*/i, ""), driver.replace(/^Your\b/, "your")),
      )
      .filter((s): s is string => s !== null),
  );
  const findings = distinct(
    liability.flatMap((f) => {
      const m = /^police finding\s*-\s*([^:]+):\s*(.+)$/i.exec(f.text.trim());
      // "02 - FOLLOWING TOO CLOSE" is "following too close"; "01 - NONE" says nothing.
      const value = m?.[2]?.trim().replace(/^(?:\d{1,2}|[A-Z]\d?)\s*-\s*/, "");
      if (!m?.[1] || !value || /^(none|not distracted|no contributing|no improper|unknown)/i.test(value))
        return [];
      const label = sentenceCase(m[1])
        .toLowerCase()
        .replace(/\s+\d+$/, "");
      return [`The police report lists the ${label} as ${lowerFirst(sentenceCase(value, names(input)))}.`];
    }),
  );
  const carrier = liability.flatMap((f) => {
    const m = /^carrier'?s letter:\s*(.+)$/i.exec(f.text.trim());
    return m?.[1] ? [`Your company's own letter states: “${asSentence(m[1])}”`] : [];
  });
  const rest = sentencesOf(
    liability.filter(
      (f) =>
        !/^(citation|witness|police finding|carrier'?s letter)\b/i.test(f.text.trim()) &&
        !/\bstated?\b|\badmitted\b|\btold\b/i.test(f.text),
    ),
    input,
  );
  const duty = `${driver} owed ${client} and every other driver on the road a duty to keep a proper lookout, to keep a safe distance and to operate the vehicle with reasonable care.`;
  const breach =
    citations.length || findings.length || rest.length
      ? [...rest, ...findings, ...citations, ...carrier].join(" ")
      : "";
  return [duty, breach].filter(Boolean).join("\n\n");
}

const PAIN = /(\d{1,2})\s*\/\s*10\b/;

export function composeInjuries(input: ComposeInput): string {
  const client = properName(input.clientName);
  const diagnoses = input.chronology.providers.flatMap((p) => p.diagnoses);
  const seen = new Set<string>();
  const named = diagnoses.filter((d) => {
    const key = d.code ?? d.words ?? "";
    if (!d.words || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const first = input.chronology.providers[0];
  const complaints = first
    ? sentencesOf(
        usableFacts(input).filter(
          (f) =>
            f.category === "injury" &&
            !f.code &&
            f.eventDate === first.firstVisit &&
            f.provider &&
            !/vital signs|alert and oriented/i.test(f.text),
        ),
        input,
      ).slice(0, 4)
    : [];
  const parts: string[] = [];
  if (named.length) {
    parts.push(
      `As a result of the collision, ${client} was diagnosed with ${listInWords(
        named.map((d) => `${lowerFirst(d.words ?? "")}${d.code ? ` (ICD-10 ${d.code})` : ""}`),
      )}.`,
    );
  }
  if (complaints.length && first) {
    parts.push(
      `When first seen at ${first.provider} on ${formatLongDate(first.firstVisit)}: ${complaints.join(" ")}`,
    );
  }
  if (!parts.length) {
    const injuries = sentencesOf(
      usableFacts(input).filter((f) => f.category === "injury"),
      input,
    ).slice(0, 6);
    parts.push(injuries.length ? injuries.join(" ") : `${client} was injured in the collision.`);
  }
  return parts.join(" ");
}

/** One provider's care in prose: dates, visits, diagnoses, imaging, procedures, discharge. */
export function providerParagraph(client: string, p: ProviderChronology): string {
  const visits = p.statedVisits ?? p.visitDates.length;
  // A provider known only from its bill has dates of service, not visits the records describe.
  const unit = p.visitsFromRecords ? "visits" : "dates of service";
  const when =
    p.firstVisit && p.lastVisit && p.firstVisit !== p.lastVisit
      ? `from ${formatLongDate(p.firstVisit)} through ${formatLongDate(p.lastVisit)}, ${visits} ${unit} in all`
      : p.firstVisit
        ? `on ${formatLongDate(p.firstVisit)}`
        : "";
  const treated = p.visitsFromRecords ? "was treated at" : "received care from";
  const sentences = [`${client} ${treated} ${p.provider}${when ? ` ${when}` : ""}.`];
  const diagnoses = p.diagnoses.filter((d) => d.words || d.code);
  if (diagnoses.length) {
    sentences.push(
      `${p.provider} diagnosed ${listInWords(
        diagnoses.map((d) =>
          d.words ? `${lowerFirst(d.words)}${d.code ? ` (ICD-10 ${d.code})` : ""}` : `ICD-10 ${d.code}`,
        ),
      )}.`,
    );
  }
  for (const study of p.imaging) {
    const on = study.date ? ` on ${formatLongDate(study.date)}` : "";
    sentences.push(asSentence(`${study.study}${on} showed ${lowerFirst(study.finding).replace(/[.]$/, "")}`));
  }
  const procedures = p.procedures.filter((x) => x.words);
  if (procedures.length) {
    sentences.push(
      `Treatment included ${listInWords(
        procedures.map(
          (x) =>
            `${lowerFirst(x.words)}${x.code ? ` (${/^\d/.test(x.code) ? "CPT" : "HCPCS"} ${x.code})` : ""}`,
        ),
      )}.`,
    );
  }
  if (p.discharge) {
    const words = humanDates(stripLabels(p.discharge));
    sentences.push(asSentence(/^discharged\b/i.test(words) ? `${client} was ${lowerFirst(words)}` : words));
  }
  return sentences.join(" ");
}

export function composeTreatment(input: ComposeInput): string {
  const client = properName(input.clientName);
  if (input.chronology.providers.length === 0)
    return `${client} received medical treatment for these injuries.`;
  return input.chronology.providers.map((p) => providerParagraph(client, p)).join("\n\n");
}

const ACTIVITY =
  /\b(driving|sitting|standing|walking|sleep|sleeping|bending|lifting|carry|carrying|household|chores|exercise|running|kneel|stairs|childcare|hobbies|turning)\b/i;
const RESTRICTION =
  /\b(unable to work|off work|light duty|modified duty|restrict|no lifting|no ladder|work status)\b/i;

export function composeNonEconomic(input: ComposeInput): string {
  const client = properName(input.clientName);
  const facts = usableFacts(input);
  const scores = facts
    .filter((f) => f.provider && f.eventDate && (f.category === "injury" || f.category === "treatment"))
    .flatMap((f) => {
      const m = PAIN.exec(f.text);
      return m?.[1] ? [{ date: f.eventDate as string, score: Number(m[1]) }] : [];
    })
    .sort((a, b) => a.date.localeCompare(b.date));
  const parts: string[] = [];
  if (scores.length) {
    const firstScore = scores[0] as { date: string; score: number };
    const worst = scores.reduce((a, b) => (b.score > a.score ? b : a), firstScore);
    const lastScore = scores.at(-1) as { date: string; score: number };
    parts.push(
      `${client}'s pain was recorded at ${worst.score}/10 on ${formatLongDate(worst.date)}${
        lastScore.date !== worst.date
          ? ` and was still ${lastScore.score}/10 on ${formatLongDate(lastScore.date)}`
          : ""
      }.`,
    );
  }
  const restrictions = sentencesOf(
    facts.filter((f) => (f.category === "wage_loss" || f.category === "injury") && RESTRICTION.test(f.text)),
    input,
  ).slice(0, 3);
  if (restrictions.length) parts.push(`The records note: ${restrictions.join(" ")}`);
  const activities = sentencesOf(
    facts.filter((f) => f.category === "injury" && ACTIVITY.test(f.text) && !PAIN.test(f.text)),
    input,
  ).slice(0, 3);
  if (activities.length) parts.push(activities.join(" "));
  const dates = input.chronology.providers.flatMap((p) => p.visitDates).sort();
  if (input.incidentDate && dates.length) {
    const lastDate = dates.at(-1) as string;
    const providers = input.chronology.providers.length;
    parts.push(
      `From ${formatLongDate(input.incidentDate)} through ${formatLongDate(lastDate)}, ${client} attended ${dates.length} days of care with ${countInWords(providers)} ${providers === 1 ? "provider" : "providers"}.`,
    );
  }
  if (!parts.length) return `${client} endured pain and limitation from these injuries.`;
  return parts.join(" ");
}

/** Every narrative section of the outline, from the case's structured data. */
export function composeSections(input: ComposeInput): Required<NarrativeSections> {
  return {
    incident: composeIncident(input),
    liability: composeLiability(input),
    injuries: composeInjuries(input),
    treatment: composeTreatment(input),
    nonEconomic: composeNonEconomic(input),
  };
}
