import { formatUsd } from "@steno/shared";
// An employer's account of time lost from work: a wage table's periods and total, or the
// sentences of a letter that state them.
import { findDates } from "./dates.ts";
import { findMoney } from "./money.ts";
import * as P from "./patterns.ts";
import { emit, type State } from "./state.ts";

/** An employer's wage table: periods (no amount on the fact) and the total lost wages. */
export function wageRow(s: State, line: string): boolean {
  const money = findMoney(line, { bare: true });
  if (money.length === 0) return false;
  const dates = findDates(line);
  // Prose ("His total lost wages are $X.") is read sentence by sentence, not here.
  const total = /^total\b/i.test(line) || (s.table !== null && /\btotal\b/i.test(line));
  if (!total && !(s.table || dates[0]?.index === 0)) return false;
  const last = money.at(-1);
  if (!last) return false;
  if (total) {
    if (last.cents <= 0) return true;
    const fact = emit(s, {
      category: "wage_loss",
      text: `Total lost wages: ${formatUsd(last.cents)}`,
      quote: line,
      amountCents: last.cents,
    });
    if (fact) s.wageTotals.push(fact);
    return true;
  }
  const [first, second] = dates;
  if (!first) return false;
  const period = second ? `${first.iso} to ${second.iso}` : first.iso;
  emit(s, {
    category: "wage_loss",
    text: `Lost wages for ${period}: ${formatUsd(last.cents)}`,
    quote: line,
    eventDate: first.iso,
  });
  return true;
}

// A rate, not a loss: "$26.50 per hour", "$300.00/day", "$78,000.00 annually".
export const RATE_AFTER =
  /^\s*(?:per\b|\/|an? (?:hour|day|week|month|year)\b|hourly|daily|weekly|monthly|annually|a year|each\b)/i;
const LOSS_WORDS =
  /\b(lost wages|wages lost|wage loss|lost (?:income|earnings|pay)|(?:income|earnings|pay) lost|loss of (?:income|earnings|wages)|total (?:wages|income|earnings)|claimed (?:income|earnings|wages))\b/i;

/**
 * The amount of time lost from work a sentence states: the result of a computation
 * ("18 days x 8 hours x $26.50 = $3,816.00") or the total it names, never a rate.
 */
function lossAmount(sentence: string): number | null {
  if (
    !(LOSS_WORDS.test(sentence) || (/\btotal\b/i.test(sentence) && /wage|earning|income/i.test(sentence)))
  ) {
    return null;
  }
  const amounts = findMoney(sentence).filter((m) => m.cents > 0 && !RATE_AFTER.test(sentence.slice(m.end)));
  const equals = sentence.lastIndexOf("=");
  const result = equals >= 0 ? amounts.find((m) => m.index > equals) : undefined;
  return (result ?? amounts.at(-1))?.cents ?? null;
}

export function wageSentence(s: State, sentence: string, date: string | null): void {
  if (!(P.WAGE_ANY.test(sentence) || P.WAGE_DOC.test(sentence) || LOSS_WORDS.test(sentence))) return;
  // "a total of $4,263.00 in lost wages": a total (see wageTotals for which one counts).
  const amountCents = lossAmount(sentence);
  const fact = emit(s, {
    category: "wage_loss",
    text: `Employer: ${sentence}`,
    quote: sentence,
    eventDate: date,
    amountCents,
  });
  if (fact && amountCents !== null) s.wageTotals.push(fact);
}
