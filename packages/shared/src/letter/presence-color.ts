// One palette for the people in a letter: the web app picks a user's cursor colour from it and
// the room falls back to it when a client sends no usable colour, so both agree.
// Dark enough for white initials on an avatar (contrast of 4.5:1 or more, WCAG 1.4.3).
const PRESENCE_COLORS = [
  "#1d4ed8",
  "#be185d",
  "#15803d",
  "#c2410c",
  "#6d28d9",
  "#0e7490",
  "#a16207",
  "#b91c1c",
];

/** A stable colour per user, so people keep theirs across sessions. */
export function presenceColor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PRESENCE_COLORS[hash % PRESENCE_COLORS.length] as string;
}
