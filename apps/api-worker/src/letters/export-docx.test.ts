import { paragraph, suggestionId, text } from "@steno/shared";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { placeComments } from "./export-comments.ts";
import { letterToDocx } from "./export-docx.ts";

const print = { title: "Demand", author: "Dana Harper", pageSize: "letter" as const };

async function wordFiles(...args: Parameters<typeof letterToDocx>): Promise<Record<string, string>> {
  const files = unzipSync(new Uint8Array(await letterToDocx(...args)));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, strFromU8(bytes)]));
}

async function documentXml(content: Parameters<typeof letterToDocx>[0]): Promise<string> {
  return (await wordFiles(content, print))["word/document.xml"] ?? "";
}

/** The text of a piece of WordprocessingML, tags dropped. */
const plain = (xml: string | undefined) => (xml ?? "").replace(/<[^>]+>/g, "");

describe("Word export of a letter under review", () => {
  it("writes open suggestions as tracked changes (w:ins / w:del) with their authors and dates", async () => {
    const pat = suggestionId("a1", { id: "u-1", name: "Pat Paralegal" }, Date.UTC(2026, 2, 14, 15, 42));
    const olivia = suggestionId("b2", { id: "u-2", name: "Olivia Owner" }, Date.UTC(2026, 2, 15, 9, 0));
    const xml = await documentXml({
      type: "doc",
      content: [
        paragraph([
          text("The defendant"),
          text(" clearly", [{ type: "insertion", attrs: { id: pat } }]),
          text(" ran the red light"),
          text(" at speed", [{ type: "deletion", attrs: { id: olivia } }]),
          text(".\u200B", [{ type: "insertion", attrs: { id: pat } }]),
        ]),
      ],
    });
    const inserted = [...xml.matchAll(/<w:ins ([^>]*)>(.*?)<\/w:ins>/g)];
    const deleted = [...xml.matchAll(/<w:del ([^>]*)>(.*?)<\/w:del>/g)];
    expect(inserted.map((m) => m[2]?.replace(/<[^>]+>/g, ""))).toEqual([" clearly", "."]);
    expect(inserted[0]?.[1]).toContain('w:author="Pat Paralegal"');
    expect(inserted[0]?.[1]).toContain('w:date="2026-03-14T15:42:00.000Z"');
    // Deleted words are w:delText inside w:del, by their own author.
    expect(deleted).toHaveLength(1);
    expect(deleted[0]?.[1]).toContain('w:author="Olivia Owner"');
    expect(deleted[0]?.[2]).toContain("<w:delText");
    expect(deleted[0]?.[2]?.replace(/<[^>]+>/g, "")).toBe(" at speed");
    // Each change has its own revision id; the zero-width marker of a suggested break is not printed.
    const ids = [...inserted, ...deleted].map((m) => m[1]?.match(/w:id="(\d+)"/)?.[1]);
    expect(new Set(ids).size).toBe(3);
    expect(xml).not.toContain("\u200B");
    expect(xml.replace(/<w:ins .*?<\/w:ins>|<w:del .*?<\/w:del>/g, "")).not.toMatch(/clearly|at speed/);
  });

  it("writes open comment threads as Word comments around their words, replies threaded", async () => {
    const letter = {
      type: "doc",
      content: [
        paragraph([text("The client was "), text("rear-ended", [{ type: "bold" }]), text(" on May 3.")]),
        paragraph("She was taken to St. Mary's."),
      ],
    };
    // Offsets over the text nodes in reading order, as the room places threads.
    const words = "The client was rear-ended on May 3.She was taken to St. Mary's.";
    const spanning = words.indexOf("May 3.She was");
    const { content, comments } = placeComments(letter, [
      {
        id: "t1",
        from: words.indexOf("rear-ended"),
        to: words.indexOf("rear-ended") + "rear-ended".length,
        messages: [
          { authorName: "Pat Paralegal", body: "Say which car hit her.", at: Date.UTC(2026, 2, 14, 15, 42) },
          {
            authorName: "Olivia Owner",
            body: "The truck, per the report.",
            at: Date.UTC(2026, 2, 14, 16, 0),
          },
        ],
      },
      {
        id: "t2",
        from: spanning,
        to: spanning + "May 3.She was".length,
        messages: [{ authorName: "Olivia Owner", body: "Two paragraphs?", at: Date.UTC(2026, 2, 15) }],
      },
    ]);
    const files = await wordFiles(content, print, comments);
    const xml = files["word/document.xml"] ?? "";
    // The words are unchanged, in their formatting, between each thread's range start and end.
    expect(plain(xml)).toContain("The client was rear-ended on May 3.");
    const range = (id: number) =>
      plain(
        xml.match(
          new RegExp(`<w:commentRangeStart w:id="${id}"/>(.*?)<w:commentRangeEnd w:id="${id}"/>`),
        )?.[1],
      );
    expect(range(0)).toBe("rear-ended");
    expect(range(1)).toBe("rear-ended");
    expect(range(2)).toBe("May 3.She was");
    expect(xml).toMatch(
      /<w:commentRangeStart w:id="0"\/><w:commentRangeStart w:id="1"\/><w:r><w:rPr><w:b\/>/,
    );
    for (const id of [0, 1, 2]) expect(xml).toContain(`<w:commentReference w:id="${id}"/>`);

    const commentsXml = files["word/comments.xml"] ?? "";
    const comment = (id: number) =>
      commentsXml.match(new RegExp(`<w:comment [^>]*w:id="${id}"[^>]*>.*?</w:comment>`))?.[0];
    expect(comment(0)).toContain('w:author="Pat Paralegal"');
    expect(comment(0)).toContain('w:date="2026-03-14T15:42:00');
    expect(plain(comment(0))).toBe("Say which car hit her.");
    expect(comment(1)).toContain('w:author="Olivia Owner"');
    expect(plain(comment(1))).toBe("The truck, per the report.");
    expect(plain(comment(2))).toBe("Two paragraphs?");
    // The reply hangs under the thread's first comment (commentsExtended: paraIdParent).
    expect(files["word/commentsExtended.xml"]).toMatch(/w15:paraIdParent="[0-9A-F]{8}"/);
  });
});
