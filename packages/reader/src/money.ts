// Money amounts in integer cents: "$1,234.56", "$ 1,234", "-$1,000.00", "($50.00)",
// "USD 1,234.56", "1,234.56 CR". Floating point never touches an amount.

export type MoneyMatch = { index: number; end: number; text: string; cents: number };

// With a currency sign: decimals optional. Without: exactly two decimals, so "108.0 hours",
// "98.4 F" and license numbers are not money.
const WITH_SIGN =
  /(?<![\w.])(\(\s*)?(-\s?)?(?:\$|USD\s?)\s?(-\s?)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{2})?(?![\d,]*\d|\.\d)(\s*\))?(\s?CR\b)?/g;
const BARE = /(?<![\w.$,-])(\()?(-)?(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d.]*\d|%)(\))?(\s?CR\b)?/g;

function toCents(whole: string, fraction: string | undefined): number | null {
  const digits = whole.replace(/,/g, "");
  if (!/^\d+$/.test(digits) || digits.length > 11) return null;
  return Number(digits) * 100 + (fraction ? Number(fraction) : 0);
}

/**
 * Every amount in `text`. `bare` also accepts amounts without a currency sign that have two
 * decimals (statement columns often omit the sign); a credit (minus, parentheses, CR) is negative.
 */
export function findMoney(text: string, options: { bare?: boolean } = {}): MoneyMatch[] {
  const found: MoneyMatch[] = [];
  for (const m of text.matchAll(WITH_SIGN)) {
    const open = Boolean(m[1]);
    const close = Boolean(m[6]);
    const cents = toCents(m[4] ?? "", m[5]?.slice(1));
    if (cents === null) continue;
    const negative = Boolean(m[2] || m[3] || (open && close) || m[7]);
    // A parenthesis that is not part of a credit "( $5.00 )" stays outside the match.
    let start = m.index;
    let end = m.index + m[0].length;
    if (open && !close) start += (m[1] ?? "").length;
    if (close && !open) end -= (m[6] ?? "").length;
    found.push({ index: start, end, text: text.slice(start, end), cents: negative ? -cents : cents });
  }
  if (options.bare) {
    for (const m of text.matchAll(BARE)) {
      const end = m.index + m[0].length;
      if (found.some((x) => m.index < x.end && end > x.index)) continue;
      const cents = toCents(m[3] ?? "", m[4]);
      if (cents === null) continue;
      const paren = Boolean(m[1] && m[5]);
      const negative = Boolean(m[2] || paren || m[6]);
      let start = m.index;
      let stop = end;
      if (m[1] && !m[5]) start += 1;
      if (m[5] && !m[1]) stop -= 1;
      found.push({
        index: start,
        end: stop,
        text: text.slice(start, stop),
        cents: negative ? -cents : cents,
      });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The amount in cents when `text` is one amount (surrounding spaces allowed), else null. */
export function parseMoney(text: string): number | null {
  const trimmed = text.trim();
  const [first, second] = findMoney(trimmed, { bare: true });
  if (!first || second) return null;
  return first.index === 0 && first.end === trimmed.length ? first.cents : null;
}
