// One palette for the people in a letter: the web app picks a user's cursor colour from it and
// the room falls back to it when a client sends no usable colour, so both agree.
const PRESENCE_COLORS = [
  "#2563eb",
  "#db2777",
  "#16a34a",
  "#ea580c",
  "#7c3aed",
  "#0891b2",
  "#ca8a04",
  "#dc2626",
];

/** A stable colour per user, so people keep theirs across sessions. */
export function presenceColor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length] as string;
}
