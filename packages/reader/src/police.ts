// Police crash reports: fault, the parties of each unit, citations and the narrative.
//
// The parties: who the letter goes to. A police report names units; the one the officer faults
// (citation, contributing factors, the narrative's "Unit 2 struck Unit 1") is the at-fault
// party, and the other unit's insurer is the client's own carrier, never the addressee.

import * as P from "./patterns.ts";
import { emit, type State } from "./state.ts";
import { findOrganizations, titleCase } from "./text.ts";
import type { ProfileField } from "./types.ts";

export const FAULT_VERB =
  /\b(struck|hit|rear[- ]?ended|collided with|ran (?:into|the|a)|failed to|failure to|disregarded|following too|followed too|too closely|did not (?:yield|stop|see)|unable to stop|unsafe|crossed|at fault|inattenti\w+|distract\w+|speeding|too fast|excessive speed|improper\w*|ran (?:a|the) red|cited)\b/i;
const PASSIVE = /\b(?:was|were|been|got|is)\s+(?:struck|hit|rear[- ]?ended)\b/i;
export const NOT_A_FACTOR =
  /\b(?:none|not applicable|n\/a|no (?:improper|contributing|apparent)|not a factor|unknown|not distracted|apparently normal)\b/i;
export const UNIT_MENTION = /\b(?:unit|vehicle|veh\.?|v|party|p|driver|d)\s*[#-]?\s*(\d{1,2})\b/gi;

/**
 * Evidence of fault in a sentence or a field: the unit that is the subject of a faulting verb
 * ("Unit 2 failed to stop", "Veh 1: Following Too Closely"), or the agent of a passive one
 * ("Unit 1 was struck by Unit 2").
 */
export function noteFault(s: State, text: string, weight: number): void {
  const mentions = [...text.matchAll(UNIT_MENTION)];
  mentions.forEach((m, i) => {
    const next = mentions[i + 1];
    const segment = text.slice(m.index + m[0].length, next?.index ?? Math.min(text.length, m.index + 120));
    if (!FAULT_VERB.test(segment)) return;
    if (NOT_A_FACTOR.test(segment.slice(0, 30)) && !FAULT_VERB.test(segment.slice(0, 12))) return;
    const unit = PASSIVE.test(segment) ? (next ? `Unit ${next[1]}` : null) : `Unit ${m[1]}`;
    if (unit) s.fault.set(unit, (s.fault.get(unit) ?? 0) + weight);
  });
}

/** "UNIT # 2  X UNIT AT FAULT": the officer's checkbox. */
export function atFaultCheckbox(s: State, line: string): void {
  if (/(?:^|\s)(?:X|\[X\]|☒|■)\s+(?:UNIT\s+)?AT[- ]FAULT\b/i.test(line)) {
    const unit = /\bunit\s*#?\s*(\d{1,2})\b/i.exec(line)?.[1];
    if (unit) s.fault.set(`Unit ${unit}`, (s.fault.get(`Unit ${unit}`) ?? 0) + 5);
  }
}

export function assignParties(s: State): void {
  if (s.parties.length === 0) return;
  const ranked = [...s.fault].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  const atFault = first && first[1] > 0 && (!second || second[1] < first[1]) ? first[0] : null;
  const units = new Set(s.parties.map((p) => p.unit));
  for (const p of s.parties) {
    let field: ProfileField | null = null;
    if (atFault && p.unit === atFault) {
      field =
        p.role === "driver"
          ? "atFaultDriver"
          : p.role === "owner"
            ? "vehicleOwner"
            : p.role === "insurer"
              ? "atFaultCarrier"
              : "policyNumber";
    } else if (atFault && units.size === 2) {
      field = p.role === "insurer" ? "clientCarrier" : p.role === "driver" ? "clientName" : null;
    }
    if (field === "vehicleOwner") {
      const driver = s.parties.find((q) => q.unit === p.unit && q.role === "driver");
      if (driver && personKey(driver.value) === personKey(p.value)) field = null;
    }
    if (field) {
      p.fact.profileField = field;
      p.fact.fieldValue = p.value;
    }
  }
}

/** "HOLLIS, DEREK J" and "Derek J. Hollis" compare equal. */
const personKey = (name: string) => {
  const flipped = /^([^,]+),\s*(.+)$/.exec(name.trim());
  return (flipped ? `${flipped[2]} ${flipped[1]}` : name)
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .split(/\s+/)
    .filter(Boolean)
    .sort()
    .join(" ");
};

const ORGANIZATION =
  /\b(?:LLC|L\.L\.C\.|INC|CORP|CORPORATION|CO|COMPANY|LP|LLP|LTD|PLLC|P\.C\.|TRUST|HAULERS|TRANSPORT|TRUCKING|LOGISTICS|EXPRESS|SERVICES|ENTERPRISES|RENTALS?|DELIVERY|FREIGHT|LINES|CONSTRUCTION|COUNTY|CITY OF)\b\.?/i;

/**
 * A party as a form prints it: "HOLLIS, DEREK JAMES" becomes "Derek James Hollis"; "HILL
 * COUNTRY HAULERS, LLC, 4400 QUARRY RD" becomes "Hill Country Haulers, LLC". The address after
 * the name is not part of it.
 */
export function personName(value: string): string {
  const name = value.replace(/,?\s+\d{1,6}\s+[A-Z0-9].*$/i, "").replace(/[,\s]+$/, "");
  if (ORGANIZATION.test(name)) return titleCase(name.replace(/\s*,\s*$/, ""));
  return personNameOnly(name);
}

function personNameOnly(value: string): string {
  // "HOLLIS, DEREK, J": last, first, middle in three parts.
  const parts =
    /^([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?),\s*([A-Z][A-Za-z'-]+),\s*([A-Z][A-Za-z'-]*)\.?$/.exec(
      value.trim(),
    );
  if (parts) {
    const middle = (parts[3] ?? "").length === 1 ? `${parts[3]}.` : titleCase(parts[3] ?? "");
    return `${titleCase(`${parts[2]}`)} ${middle} ${titleCase(`${parts[1]}`)}`;
  }
  const flipped =
    /^([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?),\s*([A-Z][A-Za-z'.-]*(?: [A-Z][A-Za-z'.-]*){0,2})(?=$|,|\s+-\s|\s{2,}|\s+\d)/.exec(
      value.trim(),
    );
  const name = flipped ? `${flipped[2]} ${flipped[1]}` : (value.split(/,|\s+-\s+|\s+\d/)[0] ?? value);
  return titleCase(name.trim());
}

/** A citation row or any line in a citations section naming a statute. */
export function citationRow(s: State, line: string): boolean {
  const inCitations = /citation|violation|charges/i.test(s.section);
  if (!(inCitations && (s.table || P.STATUTE.test(line)))) return false;
  if (!/[A-Za-z]{3}/.test(line)) return false;
  emit(s, {
    category: "liability",
    text: `Citation issued: ${line}`,
    quote: line,
    eventDate: s.incidentDate,
  });
  return true;
}

export function policeSentence(s: State, sentence: string, date: string | null): void {
  const base = { quote: sentence, eventDate: date ?? s.incidentDate };
  if (!/witness/i.test(s.section)) noteFault(s, sentence, 3);
  if (/witness/i.test(s.section)) {
    if (P.WITNESS_RELEVANT.test(sentence)) {
      emit(s, { ...base, category: "liability", text: `Witness statement: ${sentence}` });
    }
    return;
  }
  const findings = /finding|opinion|contributing|fault|conclusion/i.test(s.section);
  if (
    P.LIABILITY.test(sentence) ||
    (findings && !P.MECHANISM.test(sentence) && !P.TRANSPORT.test(sentence))
  ) {
    emit(s, { ...base, category: "liability", text: `Police report: ${sentence}` });
  } else if (P.TRANSPORT.test(sentence)) {
    const [provider] = findOrganizations(sentence);
    emit(s, {
      ...base,
      category: "treatment",
      text: `Police report: ${sentence}`,
      provider: provider ?? null,
    });
  } else if (P.POLICE_INJURY.test(sentence)) {
    emit(s, { ...base, category: "injury", text: `Police report: ${sentence}` });
  } else if (P.MECHANISM.test(sentence)) {
    emit(s, { ...base, category: "incident", text: `Police report: ${sentence}` });
  } else if (P.RESTRAINT.test(sentence)) {
    emit(s, { ...base, category: "liability", text: `Police report: ${sentence}` });
  }
}
