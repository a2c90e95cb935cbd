// The exported letter (issue 13, "The document"): the .docx and the PDF laid out for the firm's
// paper, with the letterhead and signature of the settings as they are at export time.
import { eq, schema } from "@steno/db";
import { LETTER_FIELD, letterText, suggestionId } from "@steno/shared";
import { strFromU8, unzipSync } from "fflate";
import { PDFDocument } from "pdf-lib";
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import {
  API,
  addCollaborator,
  caseWithFacts,
  codeOf,
  generateLetter,
  openLetter,
  RIVERA_FACTS,
  Session,
  signUp,
  storedLetter,
  testDb,
  typeLetterAndLeave,
} from "./helpers.ts";
import { eventually } from "./pdf.ts";

// Plain prose long enough to take the letter onto a second page; no figures or dates for the
// prose check to ask about.
const PROSE = Array.from(
  { length: 7 },
  (_, i) =>
    `Paragraph ${["one", "two", "three", "four", "five", "six", "seven"][i]}. Our client was driving home with care and attention when your insured, distracted and travelling too fast for the wet road, failed to slow for the traffic ahead and struck the rear of her car. She felt the impact through her neck and shoulders at once, and the stiffness that followed kept her from sleeping, from lifting her child and from the work she had done without complaint for many years. Her doctors have explained what recovery will take, and she has followed their advice in every respect.`,
).join("\n\n");

const TEMPLATE = `{{today}}

Re: Our client: Maria Rivera
Your insured: Acme Logistics LLC

Dear Claims Adjuster:

# Treatment

{{facts.treatment}}

# Damages

{{damages.table}}

${PROSE}

Sincerely,

{{attorney.signature}}`;

/** A case with approved treatment and bills, drafted from a firm template into the room. */
async function draftedCase() {
  // Two visits and their bills: the letter's treatment and damages, nothing the template leaves out.
  const { owner, doc } = await caseWithFacts(
    RIVERA_FACTS.filter(
      (f) =>
        f.category === "treatment" || (f.category === "billing" && ["99284", "97161"].includes(f.code ?? "")),
    ),
  );
  const template = await owner.session.trpc.templates.create.mutate({ name: "Short demand", body: TEMPLATE });
  const job = await generateLetter(owner.session, doc.id, { templateId: template.id });
  expect(job.status).toBe("succeeded");
  const { content: letter } = await eventually(
    () => storedLetter(doc.id),
    ({ content }) => letterText(content).includes("Sincerely,"),
  );
  return { owner, doc, letter };
}

const download = (session: Session, documentId: string, file: string) =>
  session.fetch(`${API}/api/documents/${documentId}/${file}`);

/** The parts of a .docx: the body, the first page's and the other pages' header and footer, core properties. */
async function docxParts(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("wordprocessingml");
  const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
  const read = (name: string) => strFromU8(files[name] as Uint8Array);
  const document = read("word/document.xml");
  const rels = read("word/_rels/document.xml.rels");
  const part = (kind: "header" | "footer", type: "first" | "default") => {
    const id = new RegExp(`<w:${kind}Reference w:type="${type}" r:id="([^"]+)"`).exec(document)?.[1];
    const target = new RegExp(`Id="${id}"[^>]*Target="([^"]+)"`).exec(rels)?.[1];
    return target ? read(`word/${target}`) : "";
  };
  return {
    document,
    firstHeader: part("header", "first"),
    header: part("header", "default"),
    firstFooter: part("footer", "first"),
    footer: part("footer", "default"),
    core: read("docProps/core.xml"),
  };
}

/** Text compared as a reader sees it: whitespace runs as one space, list bullets left out. */
const normal = (text: string) => text.replace(/•/g, " ").replace(/\s+/g, " ").trim();

async function pdfPages(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect(strFromU8(bytes.slice(0, 5))).toBe("%PDF-");
  const sizes = (await PDFDocument.load(bytes)).getPages().map((p) => p.getSize());
  const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: false });
  return { sizes, text: text as string[], bytes };
}

describe("the exported letter", () => {
  it(".docx: US Letter by default, A4 when the firm says so; 1-inch margins, letterhead on page one, Page X of Y, the attorney as author", async () => {
    const { owner, doc, letter } = await draftedCase();
    // The draft carries neither letterhead nor signature: export prints them from the settings.
    expect(letterText(letter)).not.toContain("Firm of owner");
    expect(letterText(letter)).not.toContain("Test owner");

    const letterSize = await docxParts(await download(owner.session, doc.id, "export.docx"));
    expect(letterSize.document).toContain('<w:pgSz w:w="12240" w:h="15840"');
    expect(letterSize.document).toMatch(/<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/);
    expect(letterSize.document).toContain("<w:titlePg/>");
    expect(letterSize.firstHeader).toContain("Firm of owner");
    expect(letterSize.header).not.toContain("Firm of owner");
    for (const footer of [letterSize.firstFooter, letterSize.footer]) {
      expect(footer).toMatch(/Page <\/w:t>.*PAGE.*of <\/w:t>.*NUMPAGES/s);
    }
    expect(letterSize.core).toContain("<dc:creator>Test owner</dc:creator>");
    // The Re: block is one unbreakable paragraph kept with the salutation; the signature follows the closing.
    const re = /<w:p>(?:(?!<\/w:p>).)*Re: Our client(?:(?!<\/w:p>).)*<\/w:p>/s.exec(letterSize.document)?.[0];
    expect(re).toContain("<w:keepNext/>");
    expect(re).toContain("<w:keepLines/>");
    const sincerely = letterSize.document.indexOf("Sincerely,");
    expect(letterSize.document.indexOf("Test owner", sincerely)).toBeGreaterThan(sincerely);
    expect(letterSize.document).not.toContain("Bar No.");

    // New letterhead, paper and bar number: the next export has them, with no new draft.
    await owner.session.trpc.firm.update.mutate({
      name: "Harper & Lane LLP",
      addressLine1: "1 Court Square",
      city: "Springfield",
      region: "IL",
      postalCode: "62701",
      phone: "(217) 555-0100",
      pageSize: "a4",
    });
    await owner.session.trpc.firm.updateSigner.mutate({ barNumber: "IL 6281234" });
    const a4 = await docxParts(await download(owner.session, doc.id, "export.docx"));
    expect(a4.document).toContain('<w:pgSz w:w="11906" w:h="16838"');
    expect(a4.document).toMatch(/<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/);
    expect(a4.firstHeader).toContain("Harper &amp; Lane LLP");
    expect(a4.firstHeader).toContain("1 Court Square, Springfield, IL 62701");
    expect(a4.firstHeader).not.toContain("Firm of owner");
    expect(a4.document).toContain("Bar No. IL 6281234");
    expect(JSON.stringify((await storedLetter(doc.id)).content)).toBe(JSON.stringify(letter));

    // A paralegal's case is signed by the firm's signing attorney (here without an account).
    await owner.session.trpc.firm.update.mutate({ attorneyName: "Dana Harper" });
    const handle = testDb();
    try {
      await handle.db
        .update(schema.users)
        .set({ role: "paralegal" })
        .where(eq(schema.users.id, owner.user.id));
    } finally {
      await handle.close();
    }
    const paralegals = await docxParts(await download(owner.session, doc.id, "export.docx"));
    expect(paralegals.core).toContain("<dc:creator>Dana Harper</dc:creator>");
    expect(paralegals.document).toContain("Dana Harper");
    expect(paralegals.document).not.toContain("Bar No.");
  });

  it("export.pdf: the same letter as text, with the letterhead on page one only, page numbers, and the firm's paper", async () => {
    const { owner, doc, letter } = await draftedCase();
    await owner.session.trpc.firm.update.mutate({ addressLine1: "1 Court Square", email: "desk@firm.test" });
    await owner.session.trpc.firm.updateSigner.mutate({ barNumber: "IL 6281234" });

    const { sizes, text } = await pdfPages(await download(owner.session, doc.id, "export.pdf"));
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toEqual({ width: 612, height: 792 });
    text.forEach((page, i) => {
      expect(normal(page).endsWith(`Page ${i + 1} of ${text.length}`)).toBe(true);
    });
    // The letterhead (the signature block names the firm too, on the last page).
    expect(normal(text[0] as string)).toMatch(/^Firm of owner 1 Court Square desk@firm\.test /);
    for (const page of text.slice(1)) expect(page).not.toContain("1 Court Square");

    const printed = normal(
      text.map((page, i) => page.replace(`Page ${i + 1} of ${text.length}`, "")).join(" "),
    );
    const expected = normal(
      [
        "Firm of owner",
        "1 Court Square",
        "desk@firm.test",
        letterText(letter),
        "Test owner",
        "Bar No. IL 6281234",
        "Firm of owner",
      ].join("\n"),
    );
    expect(printed).toBe(expected);

    await owner.session.trpc.firm.update.mutate({ pageSize: "a4" });
    const a4 = await pdfPages(await download(owner.session, doc.id, "export.pdf"));
    for (const size of a4.sizes) {
      expect(size.width).toBeCloseTo(595.28, 1);
      expect(size.height).toBeCloseTo(841.89, 1);
    }
  });

  it("export.pdf answers like export.docx: 401 signed out, 404 outside the case, 409 with no letter, 200 for a viewer", async () => {
    const { owner, doc } = await draftedCase();
    const stranger = await signUp("stranger");
    const viewer = await signUp("viewer");
    await addCollaborator(owner.session, doc.id, viewer, "viewer");
    const empty = await owner.session.trpc.documents.create.mutate({ title: "No letter yet" });
    for (const file of ["export.pdf", "export.docx"]) {
      expect((await download(new Session(), doc.id, file)).status).toBe(401);
      expect((await download(stranger.session, doc.id, file)).status).toBe(404);
      expect((await download(owner.session, "not-a-case", file)).status).toBe(404);
      expect((await download(owner.session, crypto.randomUUID(), file)).status).toBe(404);
      expect((await download(owner.session, empty.id, file)).status).toBe(409);
      const res = await download(viewer.session, doc.id, file);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toContain(`Rivera%20v.%20Acme.${file.slice(7)}`);
    }
  });

  it("an open suggestion keeps the letter from a PDF and from being sent; Word carries it as a tracked change", async () => {
    const { owner, doc } = await draftedCase();
    const Y = await import("yjs");
    const editor = await openLetter(owner.session, doc.id);
    const paragraph = new Y.XmlElement("paragraph");
    const words = new Y.XmlText();
    words.insert(0, "She still cannot lift her son.", {
      insertion: { id: suggestionId("s1", { id: owner.user.id, name: "Pat Paralegal" }, 0) },
    });
    paragraph.insert(0, [words]);
    editor.doc.getXmlFragment(LETTER_FIELD).insert(1, [paragraph]);
    await editor.resync();
    editor.close();

    const pdf = await download(owner.session, doc.id, "export.pdf");
    expect(pdf.status).toBe(409);
    expect(await pdf.text()).toContain("1 suggestion is still open");
    const { document } = await docxParts(await download(owner.session, doc.id, "export.docx"));
    expect(document).toMatch(/<w:ins [^>]*w:author="Pat Paralegal"/);
    const sent = owner.session.trpc.lifecycle.markSent.mutate({
      documentId: doc.id,
      method: "mail",
      format: "docx",
      recipient: "Claims Adjuster",
    });
    expect(await codeOf(sent)).toBe("CONFLICT");
  });

  it("a blank a draft printed ([insured]) keeps the letter from leaving after the value is confirmed", async () => {
    const { owner, doc } = await draftedCase();
    // As drafted before the insured was known: the confirmed value does not rewrite the letter.
    await typeLetterAndLeave(owner.session, doc.id, "Your insured: [insured]");
    const readiness = await owner.session.trpc.letters.readiness.query({ documentId: doc.id });
    expect(readiness.items.map((i) => i.message)).toContain(
      "The letter still prints [insured]: write it in, or draft again now that the case says it.",
    );
    expect((await download(owner.session, doc.id, "export.docx")).status).toBe(409);
  });
});
