// Forms: a row of labels over a row of values, cell for cell (crash reports, claim forms).
// Cells are the runs pdf.js reads with a wide gap between them (see readPageText).
import { claimFormRow } from "./bills.ts";
import { findDates, findSpacedDates } from "./dates.ts";
import {
  CITATION,
  CLAIM_LABEL,
  FAULT,
  fieldRules,
  INCIDENT_DATE,
  INSURER,
  INSURER_LETTER_FIELDS,
  LOCATION,
  normLabel,
  OFFICER,
  PARTY,
  POLICY_LABEL,
} from "./fields.ts";
import { findMoney } from "./money.ts";
import { FAULT_VERB, NOT_A_FACTOR } from "./police.ts";
import { emit, type State } from "./state.ts";
import { titleCase } from "./text.ts";

// Words that form labels print and values rarely do: a row of capitals is a label row only if
// its boxes speak of names, dates, numbers, insurance and the like ("OSTROWSKI, SAMUEL K" does not).
const LABEL_VOCAB = new Set(
  (
    "name names date dates time address street city state zip county number no no. # num nbr id insurance ins insurer " +
    "gender operator motorist occupant ol private property locality village township skip " +
    "company co carrier policy driver driver's drivers owner owner's vehicle veh unit party type code codes phone license " +
    "lic plate make model year color sex age dob birth birthdate injury injured injuries severity sev factor factors " +
    "contributing citation citations violation violations section description desc speed direction travel traveling damage " +
    "weather light lighting surface condition conditions road roadway intersection intersecting location occurred " +
    "occurrence agency officer badge shield report case crash accident collision day week month transported taken seat " +
    "position restraint restr airbag air bag safety equip equipment class charge charges amount total units rate service " +
    "diagnosis pointer modifier procedures days npi signature payer insured insured's patient patient's relationship " +
    "employment limits photos tow towed disposition maneuver movement harmful event manner lanes character zone killed " +
    "vehicles occupants apt registration reg precinct supervisor approval ori latitude longitude feet miles beat district " +
    "hwy sys rdwy part block prefix suffix parked lp vin body style cmv dl fin resp proof rating prsn occpnt pos cargo " +
    "gvwr hazmat oper ecc qual cond const via mi wit pass ped bicyclist pedestrian witness witnesses passenger passengers " +
    "summons utt issued cited statute o.c.g.a. vtl vc kabco estimated est military hit run left scene sobriety preceding " +
    "inattention associated primary other special reporting investigating investigator reviewing filed notified arrived"
  ).split(" "),
);
const STOP_WORDS = new Set(["of", "or", "the", "to", "in", "and", "for", "on", "at", "by", "a", "an", "if"]);
const labelish = (cell: string) => {
  const words = cell
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .split(/[\s/&,-]+/)
    .filter((w) => /[a-z#]/.test(w) && !STOP_WORDS.has(w));
  if (words.length === 0) return false;
  const known = words.filter((w) => LABEL_VOCAB.has(w) || LABEL_VOCAB.has(w.replace(/[.:?]+$/, ""))).length;
  return known >= 1 && known / words.length >= 0.3;
};

/** A box's printed hint after its colon: "NAME: LAST, FIRST, MIDDLE", "ADDRESS: STREET, CITY, STATE, ZIP". */
const FORM_HINT =
  /:\s+(?:(?:last|first|middle|mi|mm|dd|yy|yyyy|hh|street|no\.|number|name|address|city|state|zip|include|area|code|village|township|if any)\b[\s,./&()-]*)+(?=$|\s*\()/gi;

export const isLabelCell = (cell: string) =>
  cell.length <= 70 &&
  labelish(cell.replace(FORM_HINT, ":")) &&
  // "Insurance Company: Great Lakes …" is a field with its value; "Name: Last, First" is a label with a hint.
  !/:\s+\S/.test(cell.replace(FORM_HINT, ":")) &&
  /[A-Za-z]{2}/.test(cell) &&
  findMoney(cell, { bare: true }).length === 0 &&
  findDates(cell).length === 0 &&
  // Box numbers ("24.", "1a.", "11c.") are the only digits a label has, besides a "(MM/DD/YYYY)" hint.
  !/\d/.test(
    cell
      .replace(/^\d+[a-z]?\.\s*/i, "")
      .replace(/\([^)]*\)/g, "")
      .replace(/\b\d+\s*(?:HR|hour)s?\b/gi, "")
      // "CONTRIBUTING FACTOR 1", "VEHICLE 2": a box's number is part of its label.
      .replace(/\s\d$/, ""),
  );

type FormRows = { labels: string[]; rows: string[][]; valueIndexes: number[] };

/** A label cell that names a box this reader knows, so a one-box row can be paired too. */
export const knownLabel = (cell: string) => {
  const label = normLabel(cleanLabel(cell));
  return (
    [PARTY, INSURER, POLICY_LABEL, CLAIM_LABEL, INCIDENT_DATE, LOCATION, OFFICER, CITATION].some((re) =>
      re.test(label),
    ) || INSURER_LETTER_FIELDS.some(([re]) => re.test(label))
  );
};

/**
 * A row of box labels: most boxes read as labels (a form has labels no list knows: "HAIR",
 * "EYES"), and none holds an amount or a date.
 */
function isLabelRow(row: string[]): boolean {
  if (row.length === 0) return false;
  if (row.some((c) => findMoney(c, { bare: true }).length > 0 || findDates(c).length > 0)) return false;
  const labels = row.filter(isLabelCell).length;
  return row.length <= 2 ? labels === row.length : labels / row.length >= 0.6;
}

export function formPair(cells: string[][], index: number, boxes: string[][] = cells): FormRows | null {
  // Narrow boxes run their labels together: "Crash Date (MM/DD/YYYY) Crash Time (24HR) Case ID".
  const labels = (cells[index] ?? []).flatMap((c) => c.split(/(?<=\))\s+(?=[A-Z])/));
  if (!isLabelRow(labels)) return null;
  // One box alone: a known label in capitals or title case, not a word ending a sentence.
  const lone = labels[0] ?? "";
  if (labels.length === 1 && (!knownLabel(lone) || !/^[A-Z0-9]/.test(lone) || /[.;,]$/.test(lone)))
    return null;
  let j = index + 1;
  while (j < cells.length && (cells[j]?.length ?? 0) === 0 && j - index <= 2) j += 1;
  const rows: string[][] = [];
  const valueIndexes: number[] = [];
  // A table: every following row with one value per label.
  for (let k = j; k < cells.length; k++) {
    const all = boxes[k] ?? [];
    const values =
      all.length === labels.length && all.length > (cells[k]?.length ?? 0) ? all : (cells[k] ?? []);
    if (values.every((v) => !v)) break;
    // Under one box, a value is short: a sentence is prose, not a box's content.
    if (labels.length === 1 && (values.length !== 1 || (values[0] ?? "").length > 80)) break;
    if (values.length === 0 || isLabelRow(values)) break;
    // Rows with amounts are a table's, not a form's (a claim form's service lines included).
    if (values.some((v) => findMoney(v, { bare: true }).length > 0) || claimFormRow(values.join(" "))) break;
    if (values.length !== labels.length) {
      // Without positions a blank box shifts every value after it; formRow reads only the first.
      if (rows.length === 0) {
        rows.push(values);
        valueIndexes.push(k);
      }
      break;
    }
    rows.push(values);
    valueIndexes.push(k);
  }
  return rows.length ? { labels, rows, valueIndexes } : null;
}

const cleanLabel = (raw: string) =>
  raw
    .replace(/^\d+[a-z]?\.\s*/i, "")
    .replace(/\[[^\]]*\]\s*\w+/g, "")
    .replace(/\([^)]*\)/g, "")
    .replace(/:.*$/, "")
    .replace(/\s+/g, " ")
    .trim();

/** Cells that alternate "Label:" and its value, when every value follows its label. */
export function labelledCells(cells: string[]): Array<[string, string]> | null {
  if (cells.length < 2 || cells.length % 2 !== 0) return null;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < cells.length; i += 2) {
    const label = cells[i] ?? "";
    const value = cells[i + 1] ?? "";
    if (!/^[A-Z][^:]{0,40}:$/.test(label) || value.endsWith(":") || !value) return null;
    pairs.push([label, value]);
  }
  return pairs;
}

/** The run of boxes that make up a citation: at least two of number, violation, statute, description. */
function citationBoxes(labels: string[]): { from: number; to: number } | null {
  const part = (l: string) => CITATION.test(normLabel(l)) || /^(?:description|desc|statute)$/i.test(l);
  let best: { from: number; to: number } | null = null;
  for (let i = 0; i < labels.length; i++) {
    if (!part(labels[i] ?? "")) continue;
    let j = i;
    while (j + 1 < labels.length && part(labels[j + 1] ?? "")) j += 1;
    if (j > i && (!best || j - i > best.to - best.from)) best = { from: i, to: j };
    i = j;
  }
  return best;
}

/** One row of a form or table: each box by its label; a "Unit #" box says whose row it is. */
export function formRow(s: State, labels: string[], values: string[]): void {
  const unitBox = labels.findIndex((l) =>
    /^(?:unit|veh(?:icle)?|party|v)\s*(?:#|no\.?|num\.?)?$/i.test(cleanLabel(l)),
  );
  // A row that says which unit it is: its bare "NAME" is that unit's driver.
  const clean = labels.map((l) => boxLabel(l, s, unitBox >= 0));
  const rowUnit = unitBox >= 0 && /^\d{1,2}$/.test(values[unitBox] ?? "") ? `Unit ${values[unitBox]}` : null;
  const saved = { unit: s.unit, columns: s.columnUnits };
  const aligned = values.length === labels.length;
  // A citation spans boxes (number, violation, statute, description): one fact, quoted whole.
  const cited = aligned ? citationBoxes(clean) : null;
  if (cited && s.kind === "police") {
    const quote = values.slice(cited.from, cited.to + 1).join(" ");
    const unit = rowUnit ?? saved.unit;
    emit(s, { category: "liability", text: `Citation: ${quote}`, quote, eventDate: s.incidentDate });
    if (unit) s.fault.set(unit, (s.fault.get(unit) ?? 0) + 2);
  }
  values.forEach((value, k) => {
    if (!aligned && k > 0) return;
    if (cited && k >= cited.from && k <= cited.to) return;
    const label = clean[k] ?? "";
    if (!label || !value || !/[A-Za-z0-9]/.test(value)) return;
    // Units side by side: the n-th "Insurance Company" box is the n-th unit's.
    const same = clean.filter((l) => l === label).length;
    const occurrence = clean.slice(0, k).filter((l) => l === label).length;
    s.unit = rowUnit ?? (same > 1 ? (saved.columns?.[occurrence] ?? `Unit ${occurrence + 1}`) : saved.unit);
    s.columnUnits = null;
    // A long box label ("DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY") without its small words
    // fits the field reader's six-word labels.
    const words = label.split(/\s+/);
    const short = words.length > 6 ? words.filter((w) => !STOP_WORDS.has(w.toLowerCase())).join(" ") : label;
    fieldRules(s, `${short}: ${value}`, value);
  });
  s.unit = saved.unit;
  s.columnUnits = saved.columns;
  if (!aligned) misalignedFactors(s, labels, values);
  // Boxes filled from the left line up until the first blank one: dates and roads come first.
  dateParts(s, clean, values, aligned);
  roadAndCross(s, clean, values, aligned);
}

/**
 * A box label as the reader matches it: "NAME - EXACTLY AS PRINTED ON REGISTRATION" is the
 * owner's name, "DRIVER NAME - EXACTLY AS PRINTED ON LICENSE" the driver's, a bare "NAME" in a
 * unit's block the driver's.
 */
function boxLabel(raw: string, s: State, unitRow = false): string {
  const hint = /\s-\s(.*)$/.exec(raw)?.[1] ?? "";
  const label = cleanLabel(raw.replace(/\s-\s.*$/, ""));
  if (/^name$/i.test(label) && s.kind === "police") {
    if (/registration|owner/i.test(hint)) return "Owner Name";
    if (
      /licen[cs]e|driver/i.test(hint) ||
      ((s.unit || unitRow) &&
        !/injur|witness|passenger|occupant/i.test(s.section) &&
        // "PERSONS INVOLVED" lists everyone; "DRIVER 1 (PERSON 1)" is the driver's block.
        (!/person/i.test(s.section) || /driver|motorist/i.test(s.section)))
    )
      return "Driver Name";
  }
  return label;
}

/** Factors whose boxes cannot be aligned (a blank box): kept as liability facts, no unit. */
function misalignedFactors(s: State, labels: string[], values: string[]): void {
  if (s.kind !== "police" || !labels.some((l) => FAULT.test(normLabel(cleanLabel(l))))) return;
  for (const value of values) {
    if (NOT_A_FACTOR.test(value) || !FAULT_VERB.test(value)) continue;
    emit(s, {
      category: "liability",
      text: `Contributing factor: ${value}`,
      quote: value,
      eventDate: s.incidentDate,
    });
  }
}

/** A date written in three boxes: MONTH, DAY, YEAR. */
function dateParts(s: State, labels: string[], values: string[], aligned: boolean): void {
  const m = labels.findIndex((l) => /^(?:month|mo)$/i.test(l));
  if (!aligned && m !== 0) return;
  if (m < 0 || !/^(?:day)$/i.test(labels[m + 1] ?? "") || !/^(?:year|yr)$/i.test(labels[m + 2] ?? "")) return;
  const quote = values.slice(m, m + 3).join(" ");
  const iso = findSpacedDates(quote)[0]?.iso;
  if (!iso || s.kind !== "police") return;
  s.incidentDate ??= iso;
  emit(s, {
    category: "incident",
    text: `Crash on ${iso}`,
    quote,
    eventDate: iso,
    profileField: "dateOfLoss",
    fieldValue: iso,
  });
}

const ROAD =
  /^(?:road on which (?:crash|accident|collision) occurred|(?:crash|accident|collision) occurred on|road of occurrence|on street,? (?:road,? )?or highway|roadway|street name)$/i;
const CROSS =
  /^(?:at (?:its )?intersection (?:with|of)(?: ?\/ ?distance from)?|at intersecting street|intersecting (?:road|street)|cross street)$/i;

/** "SUNRISE BL" in one box and "MADISON AV" in the next: the crash location. */
function roadAndCross(s: State, labels: string[], values: string[], aligned: boolean): void {
  if (s.kind !== "police") return;
  roadParts(s, labels, values, aligned);
  const r = labels.findIndex((l) => ROAD.test(l));
  const c = labels.findIndex((l) => CROSS.test(l));
  if (!aligned && r !== 0) return;
  const road = values[r];
  const cross = values[c];
  if (r < 0 || c !== r + 1 || !road || !cross) return;
  const value = `${titleCase(road)} at ${titleCase(cross)}`;
  emit(s, {
    category: "incident",
    text: `Crash location: ${value}`,
    quote: `${road} ${cross}`,
    eventDate: s.incidentDate,
    profileField: "location",
    fieldValue: value,
  });
}

const ROAD_PART =
  /^(?:(?:location |reference |intersecting |cross )?(?:route|rte|road|street|highway|hwy) (?:type|number|no|name|suffix)|prefix|suffix|route|(?:location|reference) road name(?: .*)?)$/i;

/**
 * A road written in parts (route type, number, prefix, name, road type: "SR | 43 | | WOOSTER
 * PIKE"): the location's road, then the reference road it meets. Both read: the crash location.
 */
function roadParts(s: State, labels: string[], values: string[], aligned: boolean): void {
  if (!aligned) return;
  const parts = labels.flatMap((l, i) => (ROAD_PART.test(l.replace(/\s*\([^)]*\)/g, "")) ? [i] : []));
  if (parts.length < 2 || !parts.some((i) => /name/i.test(labels[i] ?? ""))) return;
  const words = parts.map((i) => values[i] ?? "").filter(Boolean);
  if (words.length === 0) return;
  const quote = words.join(" ");
  // A route type stays as printed (SR, US, CR); the rest in title case.
  const road = words.map((w, i) => (i === 0 && /^[A-Z]{1,3}$/.test(w) ? w : titleCase(w))).join(" ");
  const cross = parts.some((i) => /reference|intersect|cross/i.test(labels[i] ?? ""));
  if (!cross) {
    s.road = road;
    emit(s, { category: "incident", text: `Crash road: ${road}`, quote, eventDate: s.incidentDate });
    return;
  }
  if (!s.road) return;
  const value = `${s.road} at ${road}`;
  emit(s, {
    category: "incident",
    text: `Crash location: ${value}`,
    quote,
    eventDate: s.incidentDate,
    profileField: "location",
    fieldValue: value,
  });
}
