/** "$1,234.5" to 123450 cents, by string arithmetic (no floating point); null when empty. */
export function parseUsd(input: string): { cents: number | null } | { error: string } {
  const cleaned = input.replace(/[$,\s]/g, "");
  if (cleaned === "") return { cents: null };
  const match = /^(\d{1,12})(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) return { error: "Enter an amount like 1,234.56" };
  const dollars = Number(match[1]);
  const cents = Number((match[2] ?? "").padEnd(2, "0"));
  return { cents: dollars * 100 + cents };
}

/** 123450 cents to "1234.50" for an input field. */
export function centsToInput(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "";
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
