import { describe, expect, it } from "vitest";
import { heading, type PmNode, paragraph, table } from "./prosemirror.ts";
import { nextVersionLabel, type RedlineBlock, redline, versionLabel } from "./versions.ts";

const doc = (...content: PmNode[]): PmNode => ({ type: "doc", content });
const show = (b: RedlineBlock) =>
  `${b.kind}: ${b.parts.map((p) => (p.op === "same" ? p.text : `[${p.op} ${p.text.trim()}]`)).join("")}`;

describe("redline", () => {
  it("marks a moved, an edited, an added and a deleted paragraph, and leaves the rest alone", () => {
    const before = doc(
      heading(1, "Demand for settlement"),
      paragraph("The accident happened on March 14 at Main Street and 5th Avenue."),
      paragraph("Ms. Rivera was treated at Springfield General Hospital for six weeks."),
      paragraph("Please respond within thirty days."),
      paragraph("We reserve all rights."),
      table(["Provider", "Amount"], [["Springfield General", "$4,200.00"]]),
    );
    const after = doc(
      heading(1, "Demand for settlement"),
      // the accident paragraph moved below the treatment one, and was edited on the way
      paragraph("Ms. Rivera was treated at Springfield General Hospital for six weeks."),
      paragraph("The rear-end collision happened on March 14 at Main Street and 5th Avenue."),
      paragraph("Her neck pain continues today."),
      paragraph("Please respond within twenty-one days."),
      table(["Provider", "Amount"], [["Springfield General", "$4,800.00"]]),
    );
    const { blocks, changes } = redline(before, after);
    expect(blocks.map(show)).toEqual([
      "same: Demand for settlement",
      "moved-from: [del The accident happened on March 14 at Main Street and 5th Avenue.]",
      "same: Ms. Rivera was treated at Springfield General Hospital for six weeks.",
      "moved-to: The [del accident][ins rear-end collision] happened on March 14 at Main Street and 5th Avenue.",
      "inserted: [ins Her neck pain continues today.]",
      "changed: Please respond within [del thirty][ins twenty-one] days.",
      "deleted: [del We reserve all rights.]",
      "same: Provider | Amount",
      "changed: Springfield General | $[del 4,200.00][ins 4,800.00]",
    ]);
    expect(blocks[0]).toMatchObject({ type: "heading", level: 1 });
    expect(changes).toBe(6);
  });

  it("a paragraph moved word for word is moved, not deleted and inserted", () => {
    const a = paragraph("First point about liability.");
    const b = paragraph("Second point about damages.");
    const c = paragraph("Closing.");
    const { blocks } = redline(doc(a, b, c), doc(b, c, a));
    expect(blocks.map(show)).toEqual([
      "moved-from: [del First point about liability.]",
      "same: Second point about damages.",
      "same: Closing.",
      "moved-to: First point about liability.",
    ]);
  });

  it("the same letter has no changes; an empty one is all insertions", () => {
    const letter = doc(paragraph("Dear Ms. Lee,"), paragraph("Line one\\nline two"));
    expect(redline(letter, letter).changes).toBe(0);
    expect(redline(null, letter).blocks.map((b) => b.kind)).toEqual(["inserted", "inserted"]);
  });
});

describe("redline with open suggestions", () => {
  it("reads the letter as agreed: a suggested insertion is not yet a change, a suggested deletion still stands", () => {
    const mark = (type: string, id: string) => ({ type, attrs: { id } });
    const before = doc(paragraph("Please respond within thirty days."));
    const after = doc({
      type: "paragraph",
      content: [
        { type: "text", text: "Please respond within " },
        { type: "text", text: "thirty", marks: [mark("deletion", "s1")] },
        { type: "text", text: "twenty-one", marks: [mark("insertion", "s1")] },
        { type: "text", text: " days" },
        { type: "text", text: " at the latest", marks: [mark("insertion", "s2")] },
        { type: "text", text: "." },
      ],
    });
    expect(redline(before, after)).toMatchObject({ changes: 0, pending: 2 });
    const accepted = doc(paragraph("Please respond within twenty-one days."));
    const { blocks, pending } = redline(before, accepted);
    expect(blocks.map(show)).toEqual(["changed: Please respond within [del thirty][ins twenty-one] days."]);
    expect(pending).toBe(0);
  });
});

describe("version labels", () => {
  it("say what, when (UTC) and who, and take the next free number when taken", () => {
    const at = new Date("2026-12-04T15:42:10Z");
    expect(versionLabel("draft", at, "Dana Reyes")).toBe(
      "Draft generated Dec 4, 2026, 3:42 PM UTC by Dana Reyes",
    );
    expect(versionLabel("beforeRestore", at, null)).toBe("Before restore, Dec 4, 2026, 3:42 PM UTC");
    expect(nextVersionLabel("Draft", [])).toBe("Draft");
    expect(nextVersionLabel("Draft", ["Draft", "Draft (2)", "Other"])).toBe("Draft (3)");
  });
});
