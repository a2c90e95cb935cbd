// @mentions in comment messages. A mention travels inside the message's body as a token,
// `@[Dana Cruz](<user id>)` (the markup react-mentions and most mention inputs use), so a message
// stays one string: messages written before mentions existed are bodies without tokens, and a
// reader that knows nothing of mentions still shows a readable "@[Dana Cruz](…)".
// The name is the one shown when the mention was written; the id is what counts (notifications).

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const MENTION = new RegExp(`@\\[([^\\[\\]\\n]{1,200})\\]\\((${UUID})\\)`, "g");

export type Mention = { userId: string; name: string };

/** A piece of a message body: plain text, or a mention. */
export type BodyPart = { text: string } | { mention: Mention };

/** The token for a mention of `user`; brackets and line breaks in the name are dropped. */
export function mentionToken(user: { id: string; name: string }): string {
  const name = user.name.replace(/[[\]\n\r]/g, "").trim() || "someone";
  return `@[${name}](${user.id.toLowerCase()})`;
}

/**
 * What a comment box sends: each picked person's "@Name" still in `text` as their token (a
 * composer shows names and remembers whom was picked). Longest names first, so "@Dana Cruz" is
 * not taken for "@Dana".
 */
export function withMentionTokens(text: string, picked: Array<{ id: string; name: string }>): string {
  const people = [...new Map(picked.map((p) => [p.id, p])).values()].sort(
    (a, b) => b.name.length - a.name.length,
  );
  return people.reduce((body, person) => body.split(`@${person.name}`).join(mentionToken(person)), text);
}

/** The body cut into text and mentions, in order (a body without tokens is one text part). */
export function bodyParts(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let last = 0;
  for (const match of body.matchAll(MENTION)) {
    if (match.index > last) parts.push({ text: body.slice(last, match.index) });
    parts.push({ mention: { name: match[1] as string, userId: (match[2] as string).toLowerCase() } });
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push({ text: body.slice(last) });
  return parts;
}

/** The ids of the people a body mentions, each once, in order of first mention. */
export function mentionsOf(body: string): string[] {
  const ids = bodyParts(body).flatMap((part) => ("mention" in part ? [part.mention.userId] : []));
  return [...new Set(ids)];
}

/** The body as a person reads it: each mention as "@Name" (for search, Word and notifications). */
export function mentionText(body: string): string {
  return bodyParts(body)
    .map((part) => ("mention" in part ? `@${part.mention.name}` : part.text))
    .join("");
}
