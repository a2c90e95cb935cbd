import { formatUsd } from "@steno/shared";
// Facts stated as "Label: value" fields, whatever the layout: the label says what the value is
// (a date of loss, an insurer, a policy or claim number, a party, a date of service …), the
// document's kind what it means (a police report's "Driver", a carrier's "Our Insured").

import { visitType } from "./clinical.ts";
import { findDates, findSpacedDates } from "./dates.ts";
import { findInsurer, INSURER_WORDS } from "./insurer-letters.ts";
import { findMoney } from "./money.ts";
import { NOT_A_FACTOR, noteFault, personName, UNIT_MENTION } from "./police.ts";
import { atProvider, emit, type NewFact, type State } from "./state.ts";
import { findOrganizations, splitFields, squash } from "./text.ts";
import type { FactCategory, ProfileField } from "./types.ts";

// Labels, normalized: lower case, "#" read as "no", trailing punctuation dropped.
export const normLabel = (label: string) =>
  label
    .toLowerCase()
    // "Driver Name (Last, First, M.I.)": what the form says about the format is not the label.
    .replace(/\s*\([^)]*\)\s*/g, " ")
    .replace(/#/g, "no")
    // A required box's star, and "DATE / TIME" printed with spaces.
    .replace(/\s*\*+\s*$/g, "")
    .replace(/\s*\/\s*/g, "/")
    .replace(/[.:]+$/g, "")
    .replace(/\.\s*/g, " ")
    .replace(/\s+/g, " ")
    .trim();

export const INCIDENT_DATE =
  /^(?:d\/l|dt of loss|loss date|date of occurrence|date(?:\/time)? of (?:the )?(crash|accident|collision|incident|loss|injury)|(crash|accident|collision|incident|loss|injury) date(?:\/time)?|doi|d\/o\/i|dol|date (?:of )?current (injury|illness)\b.*)$/;
export const LOCATION =
  /^(?:loss location|location of loss|location|crash location|accident location|place of (?:accident|incident|crash|loss|injury)|scene|intersection|location of (?:crash|accident|collision|incident))$/;
const CRASH_TYPE =
  /^(?:(?:crash|collision|accident) type|manner of (?:collision|crash)(?: collision| impact)*|type of (?:crash|collision|accident)|first harmful event)$/;
export const POLICY_LABEL =
  /^(?:policy|policy no|policy number|pol no|insured's i d number|insured's id number|insured id(?: number)?|insurance policy(?: no| number)?|fin resp number|fin resp no|financial responsibility(?: policy)? (?:no|number)|liability policy(?: no| number)?)$/;
export const CLAIM_LABEL =
  /^(?:claim|claim no|claim number|claim id|our claim(?: no| number)?|your claim(?: no| number)?)$/;

export const INSURER_LETTER_FIELDS: Array<[RegExp, ProfileField]> = [
  [/^(?:our|your|the)? ?(?:named )?insured(?: name)?$/, "insuredName"],
  [/^(?:insured driver|our driver|driver|operator|insured operator)$/, "atFaultDriver"],
  [/^(?:your client|claimant|claimant name|injured party)$/, "clientName"],
  [
    /^(?:adjuster|claims? adjuster|claim representative|claims? specialist|claims? examiner|handled by|assigned adjuster|adjuster name)$/,
    "adjusterName",
  ],
  [/^(?:e-?mail|adjuster e-?mail)$/, "adjusterEmail"],
  [/^(?:policy limits?|limits?|bodily injury limits?|bi limits?)$/, "policyLimits"],
];
const PROFILE_LABEL: Record<ProfileField, string> = {
  clientName: "Claimant",
  dateOfLoss: "Date of loss",
  location: "Location",
  atFaultDriver: "At-fault driver",
  vehicleOwner: "Vehicle owner",
  atFaultCarrier: "Carrier",
  claimNumber: "Claim number",
  policyNumber: "Policy number",
  policyLimits: "Policy limits",
  adjusterName: "Adjuster",
  adjusterAddress: "Adjuster's address",
  adjusterEmail: "Adjuster's email",
  insuredName: "Insured",
  clientCarrier: "Client's carrier",
};

export const PARTY =
  /^(driver|driver name|driver's name|name of driver|driver\/operator|operator|operator name|owner|owner name|owner's name|name of owner|owner\/lessee|owner\/lessee name|owner\/lessee name & address|owner or lessee|owner name & address|owner name and address|registered owner|vehicle owner|pedestrian|passenger|bicyclist|cyclist)(?: \d)?$/;
const VEHICLE =
  /^(?:vehicle|vehicle description|year\/make\/model|make\/model|make\/model\/color|vehicle year & make|plate number|plate|tag no|license plate|plate no)$/;
const DAMAGE = /^(?:damage|vehicle damage|damage area|damage description|extent of damage)$/;
const REPORT =
  /^(?:report (?:number|no|id)|crash report (?:number|no)|case (?:number|no|id)|incident (?:number|no|id)|crash id)$/;
export const OFFICER =
  /^(?:(?:reporting|investigating|arresting) officer|officer|investigator|investigator name|officer name|investigating officer name)$/;
const INJURY_SEVERITY =
  /^(?:injury sev|injury severity|inj sev|injury|injury code|injury type|injured|type of injury|extent of injury|injury description(?:\/complaint)?|complaint|location of most severe injury|injury \(kabco\)|kabco)$/;
const TRANSPORTED = /^(?:taken to|transported to|destination|hospital|medical facility|treated at)$/;
export const FAULT =
  /contributing (?:cause|factor|circumstance)|primary cause|secondary cause|cause of (?:the )?(?:crash|collision|accident)|fault|apparent violation|collision factor|associated factor|inattention|\bpcf\b|human factor|driver (?:condition|action)s? contributing|driver actions? at (?:the )?time of (?:the )?(?:crash|collision)|driver distracted by|distracted by|hazardous action/;
export const CITATION =
  /^(?:citation|citation (?:no|number)|ticket|ticket (?:no|number)|violation|violation\/code|violation(?:s)? charged|cited for|charge|charges|charged with|offense|violation description|section of \w+|statute|o c g a section|ocga section|vc section|code section)$/;
const WITNESS = /^witness(?: \d+| name| information)?$/;
export const INSURER =
  /^(?:no-fault carrier|no fault carrier|pip carrier|med ?pay carrier|auto carrier|fin resp name|insurance on file|(?:primary|secondary|other) ins|financial responsibility name|insurance|insurance company|insurance co|ins co|ins company|insurance company name|insurance name|name of insurance(?: company)?|insurer|insurer name|insurance carrier|carrier|carrier name|liability (?:carrier|insurer|insurance(?: company| carrier)?)|financial responsibility(?: carrier| company| insurer)?|third[- ]party liability|primary payer|secondary payer|payer|payor|primary insurance|secondary insurance|bill to|auto insurer|insured by|insurance plan name(?: or program name)?|(?:primary |secondary )?coverage|primary|secondary)$/;
const VISIT_DATE =
  /^(?:doe|date of service|dos|service date|visit date|date of visit|encounter date|admit|admitted|admit date|admission date|date of admission|exam date|date of exam|date of evaluation|evaluation date|treatment date|appointment date|admit ?\/ ?service date)$/;
const DISCHARGE_DATE = /^(?:date of discharge|discharge date)$/;
const VISITS = /^(?:total visits|number of visits|visits attended|total treatments|no of visits)$/;
const PERIOD =
  /^(?:treatment period|period of treatment|dates of service|service dates|service period|dates of treatment|treatment dates)$/;
const COMPLAINT = /^(?:chief complaint|cc|reason for visit|presenting complaint)$/;
const WAGE_TOTAL =
  /^(?:(?:total|gross|net)\s+)*(?:(?:wages?|earnings|income|pay)\s+lost|lost\s+(?:wages|earnings|income|pay)|wage loss|loss of (?:income|earnings|wages))\b/;
const WORK =
  /^(?:work status|work restrictions?|return to work|off work|work note|disability status|dates? (?:patient )?unable (?:to )?work(?: (?:in )?current occupation)?)$/;
const EMPLOYMENT =
  /^(?:annual(?: base)? salary|base salary|annual (?:income|earnings|wages)|daily rate|weekly wage|gross (?:pay|wages)|occupation|job title|position|employer|hourly rate|rate of pay|pay rate|wage|salary|hours per week|average weekly wage|date of hire|hire date)$/;

/** Facts stated as "Label: value" fields. */
/** `quoteOverride`: the words on the page when the line was put together from a form's boxes. */
export function fieldRules(s: State, line: string, quoteOverride?: string): boolean {
  const { fields } = splitFields(line);
  let used = false;
  const labels = fields.map((f) => normLabel(f.label));
  for (const [i, f] of fields.entries()) {
    const label = normLabel(f.label);
    // Forms print units side by side: the same label twice in a line is one per column.
    const occurrence = labels.slice(0, i).filter((l) => l === label).length;
    const columns = labels.filter((l) => l === label).length;
    const fieldUnit =
      s.kind !== "police"
        ? null
        : (s.columnUnits?.[occurrence] ?? (columns > 1 ? `Unit ${occurrence + 1}` : null));
    const value = f.value.replace(/\s+-\s*$/, "").trim();
    if (!value || /^(none|n\/a|unknown)\.?$/i.test(value)) {
      if (FAULT.test(label) && value) {
        emit(s, { category: "liability", text: `${f.label}: ${value}`, quote: line.slice(f.start, f.end) });
        used = true;
      }
      continue;
    }
    const quote = quoteOverride ?? line.slice(f.start, f.end).replace(/[\s,;-]+$/, "");
    const fact = (category: FactCategory, text: string, extra: Partial<NewFact> = {}, key?: string) => {
      emit(s, { category, text, quote, ...extra }, key);
      used = true;
    };
    // A labelled date may be printed in boxes ("02 27 2026").
    const date = findDates(value)[0]?.iso ?? findSpacedDates(value)[0]?.iso ?? null;
    const who = (fieldUnit ?? s.unit) ? `${fieldUnit ?? s.unit} ` : "";

    // "Gross wages lost (incl. PTO used): $3,762.00": the employer's total, a claim like the
    // last total of a letter (see wageTotals).
    const lost = WAGE_TOTAL.test(label)
      ? findMoney(value)
          .filter((m) => m.cents > 0)
          .at(-1)
      : undefined;
    if (lost && s.kind !== "bill") {
      const added = emit(s, {
        category: "wage_loss",
        text: `${f.label}: ${formatUsd(lost.cents)}`,
        quote,
        amountCents: lost.cents,
      });
      if (added) s.wageTotals.push(added);
      used = true;
      continue;
    }
    const incident = INCIDENT_DATE.exec(label);
    if (incident && date) {
      s.incidentDate ??= date;
      const what = incident[1] ?? incident[2] ?? "injury";
      const time = fields.find((g) =>
        /^time of|^(crash|accident|collision|incident) time$/i.test(g.label),
      )?.value;
      const text =
        what === "loss" || what === "injury" || label.length <= 3
          ? `Date of ${what === "loss" ? "loss" : "injury"}: ${date}`
          : `${what.charAt(0).toUpperCase()}${what.slice(1)} on ${date}${time ? ` at ${time}` : ""}`;
      fact("incident", text, { eventDate: date, profileField: "dateOfLoss", fieldValue: date });
      continue;
    }
    if (INSURER.test(label) && (INSURER_WORDS.test(value) || /insur|carrier/.test(label))) {
      const name = value.replace(/\s+-\s+.*$/, "").trim();
      s.insurer = findInsurer(value) ?? name;
      const text = /payer|payor|bill to|liability/.test(label)
        ? `${f.label}: ${name}`
        : `${who}insurer: ${name}`;
      const before = s.facts.length;
      fact(
        "insurance",
        text.charAt(0).toUpperCase() + text.slice(1),
        {},
        `insurer|${who}|${name.toLowerCase()}`,
      );
      const added = s.facts[before];
      const unit = fieldUnit ?? s.unit;
      if (
        added &&
        /no-?fault|\bpip\b|med ?pay|personal injury protection|medical payments|first[- ]party/i.test(
          `${label} ${value}`,
        )
      ) {
        added.profileField = "clientCarrier";
        added.fieldValue = findInsurer(value) ?? name;
      }
      if (added && s.kind === "police" && unit) {
        s.parties.push({ fact: added, unit, role: "insurer", value: findInsurer(value) ?? name });
      }
      continue;
    }
    const numberLabel = POLICY_LABEL.test(label) ? "policy" : CLAIM_LABEL.test(label) ? "claim" : null;
    if (numberLabel && /\d/.test(value) && /^[A-Z0-9][A-Z0-9./ -]{3,}$/i.test(value)) {
      const id = value.replace(/\s+/g, " ").trim();
      const unit = fieldUnit ?? s.unit;
      const before = s.facts.length;
      const claim = numberLabel === "claim";
      fact(
        "insurance",
        claim
          ? `Claim number ${id}${s.insurer ? ` (${s.insurer})` : ""}`
          : `${unit && s.kind === "police" ? `${unit} policy` : "Policy"} number ${id}${s.insurer ? ` (${s.insurer})` : ""}`,
        {
          profileField: claim
            ? liabilityClaim(s, line)
              ? "claimNumber"
              : null
            : s.insurerLetter
              ? "policyNumber"
              : null,
          fieldValue: (claim && liabilityClaim(s, line)) || (!claim && s.insurerLetter) ? id : null,
        },
        `${numberLabel}|${id}`,
      );
      const added = s.facts[before];
      if (added && !claim && unit && s.kind === "police")
        s.parties.push({ fact: added, unit, role: "policy", value: id });
      continue;
    }
    if (s.insurerLetter) {
      if (LOCATION.test(label)) {
        fact("incident", `Location of the loss: ${value}`, { profileField: "location", fieldValue: value });
        continue;
      }
      if (/^(?:direct|direct line|direct dial|phone|telephone|tel)$/.test(label)) {
        fact("insurance", `Adjuster's direct line: ${value}`);
        continue;
      }
      const role = INSURER_LETTER_FIELDS.find(([re]) => re.test(label))?.[1];
      if (role === "clientName") {
        fact("other", `Claimant (our client): ${personName(value)}`, {
          profileField: role,
          fieldValue: personName(value),
        });
        continue;
      }
      if (role) {
        const person = role === "adjusterEmail" ? value : personName(value);
        fact(role === "atFaultDriver" ? "incident" : "insurance", `${PROFILE_LABEL[role]}: ${person}`, {
          profileField: role,
          fieldValue: person,
        });
        continue;
      }
    }
    if (s.kind === "police") {
      if (LOCATION.test(label) && value.length <= 90 && !/\b(?:is|was|were|are)\b/i.test(value))
        fact("incident", `Crash location: ${value}`, {
          eventDate: s.incidentDate,
          profileField: "location",
          fieldValue: value,
        });
      else if (CRASH_TYPE.test(label))
        fact("incident", `Crash type: ${value}`, { eventDate: s.incidentDate });
      else if (PARTY.test(label)) {
        const name = personName(value);
        const before = s.facts.length;
        const text = `${who}${label.replace(/ \d$/, "")}: ${name}`.replace(/^./, (c) => c.toUpperCase());
        // The same person as owner and as driver (on separate boxes) is two facts.
        fact("incident", text, {}, `party|${text}|${squash(quote).toLowerCase()}`);
        const added = s.facts[before];
        const digit = /(\d)$/.exec(label)?.[1];
        const unit = fieldUnit ?? s.unit ?? (digit ? `Unit ${digit}` : null);
        if (added && unit) {
          const role = /owner/.test(label) ? "owner" : /driver|operator/.test(label) ? "driver" : null;
          if (role) s.parties.push({ fact: added, unit, role, value: name });
        }
      } else if (VEHICLE.test(label))
        fact(
          "incident",
          `${who}vehicle: ${value}`.replace(/^./, (c) => c.toUpperCase()),
        );
      else if (DAMAGE.test(label))
        fact(
          "incident",
          `${who}damage: ${value}`.replace(/^./, (c) => c.toUpperCase()),
        );
      else if (INJURY_SEVERITY.test(label) && /[A-Za-z]/.test(value))
        fact(
          "injury",
          `${who}injury severity: ${value}`.replace(/^./, (c) => c.toUpperCase()),
          {
            eventDate: s.incidentDate,
          },
        );
      else if (TRANSPORTED.test(label)) {
        const [provider] = findOrganizations(value);
        fact(
          "treatment",
          `${who}transported to ${value}`.replace(/^./, (c) => c.toUpperCase()),
          {
            eventDate: s.incidentDate,
            provider: provider ?? null,
          },
        );
      } else if (REPORT.test(label)) fact("other", `Police report number ${value}`, {}, `report|${value}`);
      else if (OFFICER.test(label)) fact("other", `Reporting officer: ${value}`);
      else if (FAULT.test(label)) {
        fact("liability", `Police finding - ${f.label}: ${value}`, { eventDate: s.incidentDate });
        const unit = fieldUnit ?? s.unit;
        const mentionsUnit = new RegExp(UNIT_MENTION.source, "i").test(value);
        if (/fault/.test(label) && /^\W*(?:unit|vehicle|veh|v|party|p|driver|d)?\W*\d+\b/i.test(value)) {
          noteFault(s, `Unit ${/\d+/.exec(value)?.[0]} at fault`, 5);
        } else if (/fault/.test(label) && unit && /^(yes|y|x)\b/i.test(value)) {
          s.fault.set(unit, (s.fault.get(unit) ?? 0) + 5);
        } else if (mentionsUnit) noteFault(s, value, 2);
        else if (unit && !/^(no|n)\b/i.test(value) && !NOT_A_FACTOR.test(value)) {
          s.fault.set(unit, (s.fault.get(unit) ?? 0) + 2);
        }
      } else if (CITATION.test(label)) {
        fact("liability", `Citation: ${value}`, { eventDate: s.incidentDate });
        const unit = fieldUnit ?? s.unit;
        if (unit && !NOT_A_FACTOR.test(value)) s.fault.set(unit, (s.fault.get(unit) ?? 0) + 2);
        else noteFault(s, `${value} cited`, 1);
      } else if (WITNESS.test(label)) fact("liability", `Witness: ${value.split(",")[0]}`);
      continue;
    }
    if (VISIT_DATE.test(label) && date) {
      s.visitDate = date;
      if (s.kind === "bill") {
        s.serviceDate = date;
        fact(
          "treatment",
          `Service${atProvider(s)} on ${date}`,
          { eventDate: date, provider: s.provider },
          `service|${s.provider}|${date}`,
        );
      } else if (s.kind === "medical" || s.kind === "other") {
        // A heading names the visit it is over ("PROGRESS NOTE"), not every visit after it.
        const type = s.title ? visitType(s.title) : visitType(s.provider ?? "");
        s.title = "";
        fact(
          "treatment",
          `${type}${atProvider(s)} on ${date}`,
          { eventDate: date, provider: s.provider },
          `visit|${s.provider}|${date}|${s.pageNumber}`,
        );
      }
      used = true;
      continue;
    }
    if (VISITS.test(label)) {
      fact("treatment", `Total visits${atProvider(s)}: ${value}`, { provider: s.provider });
      continue;
    }
    if (PERIOD.test(label) && date) {
      const to = findDates(value)[1]?.iso ?? null;
      fact("treatment", `Treatment${atProvider(s)} ${to ? `from ${date} to ${to}` : `on ${date}`}`, {
        eventDate: date,
        dateTo: to,
        provider: s.provider,
      });
      continue;
    }
    if (s.kind === "bill") {
      if (TRANSPORTED.test(label)) {
        const [to] = findOrganizations(value);
        fact("treatment", `${s.provider ?? "Provider"}: ${value}`, {
          eventDate: s.serviceDate,
          provider: to ?? s.provider,
        });
      }
      continue;
    }
    if (DISCHARGE_DATE.test(label) && date) {
      fact("treatment", `Discharged${s.provider ? ` from ${s.provider}` : ""} on ${date}`, {
        eventDate: date,
        provider: s.provider,
      });
    } else if (VISITS.test(label)) {
      fact("treatment", `Total visits${atProvider(s)}: ${value}`, { provider: s.provider });
    } else if (COMPLAINT.test(label)) {
      fact("injury", `Chief complaint: ${value}`, { eventDate: s.visitDate, provider: s.provider });
    } else if (WORK.test(label)) {
      fact("wage_loss", `${f.label}: ${value}`, { eventDate: date ?? s.visitDate });
    } else if (EMPLOYMENT.test(label)) {
      fact("wage_loss", `${f.label}: ${value}`);
    }
  }
  return used;
}

const CLAIM_OR_POLICY =
  /\b(?:(?:your|our|insurance|ins\.?)\s+)?(claim|policy|pol\.)\s*(?:no\.?|number|num\.?|#|id)\s*:?\s*#?\s*([A-Z0-9][A-Z0-9./-]{3,}[A-Z0-9])/gi;

/** Claim and policy numbers wherever they appear ("Claim No. X", "Policy #: Y"). */
export function inlineNumbers(s: State, line: string): void {
  // A claim form's box 10b: the condition is related to an auto accident (and where).
  const auto = /\bauto accident\?\s*(?:X\s*)?YES\b(?:\s+([A-Z]{2})\b)?/i.exec(line);
  if (auto && s.kind === "bill") {
    emit(s, {
      category: "incident",
      text: `Claim form: the condition is related to an auto accident${auto[1] ? ` (${auto[1]})` : ""}`,
      quote: auto[0],
      eventDate: s.incidentDate,
    });
  }
  let policies = 0;
  for (const m of line.matchAll(CLAIM_OR_POLICY)) {
    const id = m[2] ?? "";
    if (!/\d/.test(id)) continue;
    const claim = /^claim/i.test(m[1] ?? "");
    const insurer = findInsurer(line) ?? s.insurer;
    const whose = s.unit ? `${s.unit} ` : "";
    const text = claim
      ? `Claim number ${id}${insurer ? ` (${insurer})` : ""}`
      : `${whose}policy number ${id}${insurer ? ` (${insurer})` : ""}`;
    const fact = emit(
      s,
      {
        category: "insurance",
        text: text.charAt(0).toUpperCase() + text.slice(1),
        quote: m[0],
        profileField: claim
          ? liabilityClaim(s, line)
            ? "claimNumber"
            : null
          : s.insurerLetter
            ? "policyNumber"
            : null,
        fieldValue: (claim && liabilityClaim(s, line)) || (!claim && s.insurerLetter) ? id : null,
      },
      `${claim ? "claim" : "policy"}|${id}`,
    );
    const unit = claim ? null : (s.columnUnits?.[policies] ?? s.unit);
    if (!claim) policies += 1;
    if (fact && unit && s.kind === "police") s.parties.push({ fact, unit, role: "policy", value: id });
  }
}

/**
 * Whether a claim number is the liability claim the letter is about: in the carrier's own
 * letter, or named as third-party / liability / bodily injury. A bill's MedPay or PIP claim
 * number is the client's own carrier's and must not be proposed as the addressee's claim.
 */
const liabilityClaim = (s: State, line: string) =>
  !/med\s?pay|\bpip\b|personal injury protection|health|group|member/i.test(line) &&
  (s.insurerLetter || /liability|third[- ]party|bodily injury|\bBI\b|adverse|at[- ]fault/i.test(line));
