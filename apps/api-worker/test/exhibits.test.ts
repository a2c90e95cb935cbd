// The exhibits PDF: every page the reviewed facts cite, source by source, with a bookmark each,
// built from the PDFs in R2 through the real upload and extraction path.
import { PDFDict, PDFDocument, PDFHexString, PDFName } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { API, signUp, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

async function readyCase() {
  const owner = await signUp("owner");
  const doc = await owner.session.trpc.documents.create.mutate({ title: "Exhibits case" });
  const files = [
    {
      name: "police-report.pdf",
      pages: [
        ["Springfield Police Department crash report", "Unit 2 failed to stop and struck Unit 1."],
        ["Officer's diagram: nothing cited here"],
      ],
    },
    {
      name: "er-bill.pdf",
      pages: [
        ["Cover sheet"],
        ["Springfield General Hospital", "03/14/2026 99284 Emergency room visit $1,234.56"],
        ["Springfield General Hospital", "Diagnosis: cervical strain (S13.4XXA)."],
      ],
    },
  ];
  for (const file of files) {
    const res = await upload(owner.session, doc.id, await makePdf(file.pages), file.name);
    await eventually(
      () => owner.session.trpc.sources.get.query({ documentId: doc.id, sourceId: res.body.source!.id }),
      (s) => s.status === "ready",
      60_000,
    );
  }
  return { owner, doc };
}

const exhibits = (session: Awaited<ReturnType<typeof signUp>>["session"], id: string) =>
  session.fetch(`${API}/api/documents/${id}/exhibits.pdf`);

describe("exhibits.pdf", () => {
  it("holds exactly the cited pages, in order, one bookmark per source; 409 before anything is approved", async () => {
    const { owner, doc } = await readyCase();
    expect((await exhibits(owner.session, doc.id)).status).toBe(409);
    await owner.session.trpc.facts.approveAll.mutate({ documentId: doc.id });
    const facts = (await owner.session.trpc.facts.list.query({ documentId: doc.id })).items;
    const approved = facts.filter((f) => f.status === "approved" && f.sourceId && f.pageNumber);
    const cited = new Set(approved.map((f) => `${f.sourceId}:${f.pageNumber}`));
    expect(cited.size).toBeGreaterThanOrEqual(2);

    const res = await exhibits(owner.session, doc.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const pdf = await PDFDocument.load(new Uint8Array(await res.arrayBuffer()));
    expect(pdf.getPageCount()).toBe(cited.size);
    const outlines = pdf.catalog.lookup(PDFName.of("Outlines"), PDFDict);
    const sources = new Set(approved.map((f) => f.sourceId));
    expect(outlines.get(PDFName.of("Count"))?.toString()).toBe(String(sources.size));
    const first = outlines.lookup(PDFName.of("First"), PDFDict);
    expect(first.lookup(PDFName.of("Title"), PDFHexString).decodeText()).toMatch(/^Exhibit 1 — /);
  });

  it("is not found for someone outside the case", async () => {
    const { doc } = await readyCase();
    const stranger = await signUp("stranger");
    expect((await exhibits(stranger.session, doc.id)).status).toBe(404);
  });
});
