// Provider names as documents print them: "St. David's Medical Center", "ST DAVIDS MEDICAL CTR",
// "St. David's Medical Center, Inc." are one provider. The key folds what differs between
// spellings (case, punctuation, legal suffixes, common abbreviations) and nothing else, so
// two different providers never share one.

const ABBREVIATIONS: Record<string, string> = {
  ctr: "center",
  centre: "center",
  hosp: "hospital",
  med: "medical",
  mem: "memorial",
  reg: "regional",
  rehab: "rehabilitation",
  assoc: "associates",
  assocs: "associates",
  svcs: "services",
  svc: "services",
  dept: "department",
  orthopaedic: "orthopedic",
  orthopaedics: "orthopedics",
  saint: "st",
  mt: "mount",
  ft: "fort",
  "&": "and",
};
const LEGAL_SUFFIX = /^(inc|llc|pllc|pc|pa|sc|ltd|corp|co|lp|llp|md|do|dc|the)$/;

/** The identity of a provider name: same key, same provider. */
export function providerKey(name: string): string {
  const words = name
    .toLowerCase()
    .replace(/['’`]s\b/g, "s")
    .replace(/[.'’`,]/g, "")
    .replace(/&/g, " & ")
    .split(/[^a-z0-9&]+/)
    .filter(Boolean)
    .map((w) => ABBREVIATIONS[w] ?? w);
  // "St Davids" and "St David" are one name: drop a possessive s on the word after a saint.
  const kept = words.filter((w, i) => !(LEGAL_SUFFIX.test(w) && (i === words.length - 1 || i === 0)));
  return kept
    .map((w, i) => (kept[i - 1] === "st" && w.endsWith("s") && w.length > 3 ? w.slice(0, -1) : w))
    .join(" ");
}

/**
 * The name to show for a group of spellings: the one printed in mixed case most often (a
 * bill's own letterhead over a police report's capitals), then the longest.
 */
export function displayProviderName(spellings: string[]): string {
  const counts = new Map<string, number>();
  for (const s of spellings) counts.set(s, (counts.get(s) ?? 0) + 1);
  return (
    [...counts].sort(
      ([a, na], [b, nb]) =>
        Number(/[a-z]/.test(b)) - Number(/[a-z]/.test(a)) ||
        nb - na ||
        b.length - a.length ||
        a.localeCompare(b),
    )[0]?.[0] ?? ""
  );
}
