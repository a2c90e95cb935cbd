import { paragraph, suggestionId, text } from "@steno/shared";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { letterToDocx } from "./export-docx.ts";

const print = { title: "Demand", author: "Dana Harper", pageSize: "letter" as const };

async function documentXml(content: Parameters<typeof letterToDocx>[0]): Promise<string> {
  const docx = await letterToDocx(content, print);
  return strFromU8(unzipSync(new Uint8Array(docx))["word/document.xml"] ?? new Uint8Array());
}

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
});
