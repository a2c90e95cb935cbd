import { bulletList, heading, letterText, type PmNode, paragraph, table } from "@steno/shared";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { letterheadOf, signatureOf, withoutDraftLetterhead } from "./export.ts";
import { letterToPdf } from "./export-pdf.ts";

const firm = {
  id: "00000000-0000-4000-8000-000000000001",
  name: "Harper & Lane",
  addressLine1: "1 Court Square",
  addressLine2: null,
  city: "Springfield",
  region: "IL",
  postalCode: "62701",
  phone: "(217) 555-0100",
  email: "desk@harperlane.law",
  attorneyName: "Dana Harper",
  signatureBlock: "Dana Harper\nAttorney at Law\nHarper & Lane",
  claimBasis: "billed",
  pageSize: "letter",
  caseVisibility: "collaborators",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
};

describe("what the export prints around the letter", () => {
  it("a letterhead of the firm's name over its address and contacts", () => {
    expect(letterheadOf(firm)).toEqual({
      name: "Harper & Lane",
      lines: ["1 Court Square, Springfield, IL 62701", "Tel. (217) 555-0100 · desk@harperlane.law"],
    });
  });

  it("a signature block with the bar number, not repeating a name the firm's lines start with", () => {
    const signer = { name: "Dana Harper", barNumber: "IL 6281234", phone: null, contactEmail: "dana@hl.law" };
    expect(signatureOf(firm, signer)).toEqual([
      "Dana Harper",
      "Bar No. IL 6281234",
      "Attorney at Law",
      "Harper & Lane",
      "dana@hl.law",
    ]);
    expect(signatureOf({ ...firm, signatureBlock: null }, null)).toEqual(["Dana Harper", "Harper & Lane"]);
    // The title from the signer's profile, once.
    expect(signatureOf(firm, { ...signer, title: "Attorney at Law", contactEmail: null })).toEqual([
      "Dana Harper",
      "Attorney at Law",
      "Bar No. IL 6281234",
      "Harper & Lane",
    ]);
  });

  it("drops the letterhead a draft written before export printed it carries, and nothing else", () => {
    const body = [paragraph("May 1, 2026"), paragraph("Dear Jordan Lee:")];
    const old = {
      type: "doc",
      content: [
        { type: "paragraph", content: [{ type: "text", text: "Harper & Lane", marks: [{ type: "bold" }] }] },
        paragraph("1 Court Square\nSpringfield, IL 62701\n(217) 555-0100 · desk@harperlane.law"),
        ...body,
      ],
    };
    expect(letterText(withoutDraftLetterhead(old, firm))).toBe(letterText({ type: "doc", content: body }));
    const current = { type: "doc", content: body };
    expect(withoutDraftLetterhead(current, firm)).toBe(current);
    // A letter that opens with the firm's name in its own words keeps it.
    const named = { type: "doc", content: [paragraph("Harper & Lane"), ...body] };
    expect(withoutDraftLetterhead(named, firm)).toBe(named);
  });

  it("a PDF refuses a letter its fonts cannot print (a wrong name is worse than no PDF); odd spaces and controls are not letters", async () => {
    const print = { title: "Unicode", author: "Dana Harper" };
    await expect(
      letterToPdf({ type: "doc", content: [paragraph("Zoë Nguyễn paid \u{1F600} Юлия in full")] }, print),
    ).rejects.toThrow(/cannot print “ễ” in “Nguyễn”, “\u{1F600}” in “\u{1F600}”, “Ю” in “Юлия”.*Word/u);
    const pdf = await letterToPdf(
      { type: "doc", content: [paragraph("Zoë Muñoz\tpaid\u00a0in\u0001 full\uFFFF — thank you")] },
      print,
    );
    const { text } = await extractText(await getDocumentProxy(pdf), { mergePages: true });
    expect(text.replace(/\s+/g, " ")).toContain("Zoë Muñoz paid in full — thank you");
  });

  it("a PDF keeps every line inside 1-inch margins on either paper, the footer below them", async () => {
    const prose =
      "Our client was driving home with care when your insured, travelling too fast for the wet road, struck the rear of her car. ".repeat(
        5,
      );
    // Rows of one to four lines, so page ends fall inside rows of every height.
    const rows = Array.from({ length: 40 }, (_, i) => [
      `Provider ${i + 1}${" and its outpatient clinics and imaging centers".repeat(i % 4)}`,
      "March 14, 2026",
      "$1,000.00",
    ]);
    const letter: PmNode = {
      type: "doc",
      content: [
        paragraph("Re: Our client: Maria Rivera\nClaim number: PSM-2026-0042"),
        ...Array.from({ length: 3 }, () => [
          heading(2, "Facts"),
          paragraph(prose),
          bulletList([prose, "Short"]),
        ]).flat(),
        table(["Provider", "Date of service", "Amount"], rows, ["Total", "", "$40,000.00"]),
        ...Array.from({ length: 4 }, () => paragraph(prose)),
        paragraph("Sincerely,"),
      ],
    };
    for (const [pageSize, height] of [
      ["letter", 792],
      ["a4", 841.89],
    ] as const) {
      const pdf = await getDocumentProxy(
        await letterToPdf(letter, {
          title: "Margins",
          author: "Dana Harper",
          pageSize,
          letterhead: { name: "Harper & Lane", lines: ["1 Court Square"] },
          signature: ["Dana Harper", "Bar No. IL 6281234", "Harper & Lane"],
        }),
      );
      expect(pdf.numPages).toBeGreaterThanOrEqual(3);
      for (let n = 1; n <= pdf.numPages; n++) {
        const items = (await (await pdf.getPage(n)).getTextContent()).items.filter(
          (item) => "str" in item && item.str.trim(),
        ) as Array<{ str: string; transform: number[]; height: number }>;
        for (const item of items) {
          const baseline = item.transform[5] as number;
          if (item.str.startsWith("Page ")) {
            expect(baseline).toBeLessThan(72);
            continue;
          }
          // Descenders sit a little under the baseline: 3 pt of the margin is theirs.
          expect(baseline, `${pageSize} p. ${n}: ${item.str}`).toBeGreaterThanOrEqual(72 + 3);
          expect(baseline + item.height, `${pageSize} p. ${n}: ${item.str}`).toBeLessThanOrEqual(
            height - 72 + 0.5,
          );
        }
      }
    }
  });
});
