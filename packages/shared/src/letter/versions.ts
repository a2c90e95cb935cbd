// Saved versions of a letter: the labels they are saved under, and the redline of one against
// another, computed here so the API, the web and the tests compare letters with one function.
import { diffArrays, diffWords } from "diff";
import { z } from "zod";
import { idSchema } from "../ids.ts";
import { cleanText } from "../schemas/common.ts";
import type { PmNode } from "./prosemirror.ts";
import { SUGGESTION_MARKS } from "./suggestion-id.ts";

/** Why a version was saved: its label opens with this. */
export const VERSION_EVENTS = {
  draft: "Draft generated",
  saved: "Saved",
  beforeGeneration: "Before generation,",
  beforeRestore: "Before restore,",
} as const;
export type VersionEvent = keyof typeof VERSION_EVENTS;

// The app keeps no firm or user time zone, so labels say UTC rather than guess one.
const LABEL_TIME = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** "Draft generated Dec 4, 2026, 3:42 PM UTC by Dana Reyes": who saved it and when. */
export function versionLabel(event: VersionEvent, at: Date, by: string | null): string {
  // ICU puts a narrow no-break space before AM/PM; a label is typed and searched as plain text.
  const when = LABEL_TIME.format(at).replace(/[\u202f\u00a0]/g, " ");
  return `${VERSION_EVENTS[event]} ${when} UTC${by ? ` by ${by}` : ""}`;
}

/** The label after `label` when it is taken: "X" → "X (2)" → "X (3)". */
export function nextVersionLabel(label: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(label)) return label;
  let n = 2;
  while (used.has(`${label} (${n})`)) n++;
  return `${label} (${n})`;
}

const chosenLabel = cleanText(200).pipe(z.string().min(1, { message: "Name the version" }));
export const versionIdInput = z.object({ versionId: idSchema });
/** Without a label (or a blank one) the version is named for who saved it and when. */
export const createVersionInput = z.object({
  label: cleanText(200)
    .optional()
    .transform((label) => label || undefined),
});
export const renameVersionInput = z.object({ versionId: idSchema, label: chosenLabel });

const pmMarkSchema = z.object({ type: z.string(), attrs: z.record(z.string(), z.unknown()).optional() });
export const pmNodeSchema: z.ZodType<PmNode> = z.lazy(() =>
  z.object({
    type: z.string(),
    attrs: z.record(z.string(), z.unknown()).optional(),
    content: z.array(pmNodeSchema).optional(),
    text: z.string().optional(),
    marks: z.array(pmMarkSchema).optional(),
  }),
);

export const versionSummarySchema = z.object({
  id: z.string(),
  label: z.string(),
  authorName: z.string().nullable(),
  lockedAt: z.string().nullable(),
  createdAt: z.string(),
});

/** A version's letter, to preview before restoring it. */
export const versionSchema = versionSummarySchema.extend({ content: pmNodeSchema });

export const redlinePartSchema = z.object({ op: z.enum(["same", "ins", "del"]), text: z.string() });
export type RedlinePart = z.infer<typeof redlinePartSchema>;

/**
 * One block of the redline: unchanged, edited (word by word), added, removed, or moved (its old
 * place is `moved-from`, its new one `moved-to`, each with the block's words).
 */
export const redlineBlockSchema = z.object({
  kind: z.enum(["same", "changed", "inserted", "deleted", "moved-from", "moved-to"]),
  /** paragraph, heading (with its level) or tableRow (cells joined by " | ") */
  type: z.string(),
  level: z.number().int().optional(),
  parts: z.array(redlinePartSchema),
});
export type RedlineBlock = z.infer<typeof redlineBlockSchema>;

export const redlineSchema = z.object({
  blocks: z.array(redlineBlockSchema),
  /** blocks that are not `same` */
  changes: z.number().int(),
  /** suggestions still open in the newer letter (read as not accepted: not among the changes) */
  pending: z.number().int(),
});
export type Redline = z.infer<typeof redlineSchema>;

export const versionCompareSchema = redlineSchema.extend({ version: versionSummarySchema });

type Block = { type: string; level?: number; text: string };

/** The letter's text blocks in reading order; a table row is one block, its cells joined by " | ". */
export function letterBlocks(root: PmNode | null | undefined): Block[] {
  const blocks: Block[] = [];
  const stack: PmNode[] = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop() as PmNode;
    if (node.type === "tableRow") {
      const cells = (node.content ?? []).map((cell) => blockText(cell));
      blocks.push({ type: "tableRow", text: cells.join(" | ") });
    } else if (node.type === "paragraph" || node.type === "heading") {
      const level = node.type === "heading" ? Number(node.attrs?.level ?? 1) : undefined;
      blocks.push({ type: node.type, ...(level ? { level } : {}), text: blockText(node) });
    } else {
      const children = node.content ?? [];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as PmNode);
    }
  }
  return blocks;
}

/** The suggestions open in a letter: distinct ids of its suggestion marks. */
export function openSuggestions(root: PmNode | null | undefined): number {
  const ids = new Set<string>();
  const stack: PmNode[] = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop() as PmNode;
    for (const mark of node.marks ?? [])
      if ((SUGGESTION_MARKS as readonly string[]).includes(mark.type)) ids.add(String(mark.attrs?.id ?? ""));
    stack.push(...(node.content ?? []));
  }
  return ids.size;
}

/**
 * A pending suggestion's inserted words are not yet the letter's: a block reads as agreed (its
 * suggested deletions still there), so a comparison shows what was accepted, not proposals.
 */
const isSuggestedInsertion = (node: PmNode) => node.marks?.some((m) => m.type === "insertion") ?? false;

function blockText(node: PmNode): string {
  const out: string[] = [];
  const stack: PmNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as PmNode;
    if (n.type === "text") {
      if (!isSuggestedInsertion(n)) out.push(n.text ?? "");
      continue;
    } else if (n.type === "hardBreak") out.push("\n");
    else if (n !== node && n.type === "paragraph" && out.length > 0) out.push(" ");
    const children = n.content ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as PmNode);
  }
  return out.join("");
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}$.,%'-]+/gu) ?? [];

/** Share of words two blocks have in common (0–1), as a bag of words: cheap enough for every pair. */
function similarity(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  if (left.length + right.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const w of left) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of right) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      common++;
      counts.set(w, n - 1);
    }
  }
  return (2 * common) / (left.length + right.length);
}

// Below this share of common words an edit is shown as a paragraph removed and one added.
const SAME_PARAGRAPH = 0.5;

const shape = (b: Block) => ({ type: b.type, ...(b.level ? { level: b.level } : {}) });
const whole = (kind: RedlineBlock["kind"], b: Block, op: RedlinePart["op"]): RedlineBlock => ({
  kind,
  ...shape(b),
  parts: b.text ? [{ op, text: b.text }] : [],
});

/**
 * The redline of `after` against `before`: blocks matched in order (longest common sequence);
 * a block that left one place for another is moved (`moved-from` where it was, `moved-to` where
 * it is, diffed word by word if it was also edited); an edited block (sharing at least half its
 * words with the one it replaced) is diffed word by word; the rest are inserted or deleted.
 */
export function redline(before: PmNode | null | undefined, after: PmNode | null | undefined): Redline {
  const oldBlocks = letterBlocks(before);
  const newBlocks = letterBlocks(after);
  const key = (b: Block) => `${b.type}\u0000${b.level ?? ""}\u0000${b.text}`;
  const changes = diffArrays(oldBlocks.map(key), newBlocks.map(key));

  // Runs of removed and added blocks between unchanged ones.
  type Hunk = { removed: Block[]; added: Block[] };
  const sequence: Array<{ same: Block } | Hunk> = [];
  let oldAt = 0;
  let newAt = 0;
  for (const change of changes) {
    const n = change.count ?? change.value.length;
    if (!change.added && !change.removed) {
      for (let i = 0; i < n; i++) sequence.push({ same: newBlocks[newAt + i] as Block });
      oldAt += n;
      newAt += n;
      continue;
    }
    let hunk = sequence.at(-1);
    if (!hunk || "same" in hunk) {
      hunk = { removed: [], added: [] };
      sequence.push(hunk);
    }
    if (change.removed) {
      hunk.removed.push(...oldBlocks.slice(oldAt, oldAt + n));
      oldAt += n;
    } else {
      hunk.added.push(...newBlocks.slice(newAt, newAt + n));
      newAt += n;
    }
  }

  const hunks = sequence.filter((item): item is Hunk => !("same" in item));
  // The old block each new one came from: `edits` in its own run, `moves` from elsewhere.
  const edits = new Map<Block, Block>();
  const moves = new Map<Block, Block>();
  const used = new Set<Block>();

  // A non-empty block removed in one place and added, word for word, in another: moved.
  const removedByKey = new Map<string, Block[]>();
  for (const hunk of hunks) {
    for (const b of hunk.removed) {
      if (b.text.trim()) removedByKey.set(key(b), [...(removedByKey.get(key(b)) ?? []), b]);
    }
  }
  for (const hunk of hunks) {
    for (const b of hunk.added) {
      const from = removedByKey.get(key(b))?.shift();
      if (from) {
        moves.set(b, from);
        used.add(from);
      }
    }
  }
  // An edit: an added block paired, in order, with the first remaining removed block of its run
  // that shares most of its words.
  for (const hunk of hunks) {
    let next = 0;
    for (const b of hunk.added) {
      if (moves.has(b)) continue;
      for (let j = next; j < hunk.removed.length; j++) {
        const r = hunk.removed[j] as Block;
        if (!used.has(r) && similarity(r.text, b.text) >= SAME_PARAGRAPH) {
          edits.set(b, r);
          used.add(r);
          next = j + 1;
          break;
        }
      }
    }
  }
  // Moved and edited: what is left pairs with the most similar block left anywhere.
  const leftRemoved = hunks.flatMap((h) => h.removed).filter((r) => !used.has(r) && r.text.trim());
  for (const b of hunks.flatMap((h) => h.added)) {
    if (moves.has(b) || edits.has(b) || !b.text.trim()) continue;
    let best: Block | undefined;
    let bestScore = SAME_PARAGRAPH;
    for (const r of leftRemoved) {
      if (used.has(r)) continue;
      const score = similarity(r.text, b.text);
      if (score >= bestScore) [best, bestScore] = [r, score];
    }
    if (best) {
      moves.set(b, best);
      used.add(best);
    }
  }
  const movedAway = new Set(moves.values());
  const pairedOld = new Set(edits.values());

  const blocks: RedlineBlock[] = [];
  for (const item of sequence) {
    if ("same" in item) {
      blocks.push(whole("same", item.same, "same"));
      continue;
    }
    // Removed blocks in their order, each before the edit that replaced it.
    let next = 0;
    const emitRemovedUntil = (end: number) => {
      for (; next < end; next++) {
        const r = item.removed[next] as Block;
        blocks.push(whole(movedAway.has(r) ? "moved-from" : "deleted", r, "del"));
      }
    };
    for (const b of item.added) {
      const edited = edits.get(b);
      const moved = moves.get(b);
      if (edited) {
        emitRemovedUntil(item.removed.indexOf(edited));
        next++;
        blocks.push({ kind: "changed", ...shape(b), parts: wordDiff(edited.text, b.text) });
      } else if (moved) {
        blocks.push({ kind: "moved-to", ...shape(b), parts: wordDiff(moved.text, b.text) });
      } else {
        // Deleted before inserted, as Word's compare shows a replaced paragraph.
        const paired = item.removed.findIndex((r, j) => j >= next && pairedOld.has(r));
        emitRemovedUntil(paired < 0 ? item.removed.length : paired);
        blocks.push(whole("inserted", b, "ins"));
      }
    }
    emitRemovedUntil(item.removed.length);
  }
  return { blocks, changes: blocks.filter((b) => b.kind !== "same").length, pending: openSuggestions(after) };
}

// Unicode word boundaries keep an amount ("$4,200.00") or a date ("3/14/2026") one word.
const WORDS = new Intl.Segmenter("en", { granularity: "word" });

function wordDiff(before: string, after: string): RedlinePart[] {
  const parts: RedlinePart[] = [];
  for (const change of diffWords(before, after, { intlSegmenter: WORDS })) {
    const op = change.added ? "ins" : change.removed ? "del" : "same";
    const last = parts.at(-1);
    if (last?.op === op) last.text += change.value;
    else parts.push({ op, text: change.value });
  }
  return parts;
}
