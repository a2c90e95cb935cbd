import { env } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import { describe, expect, it } from "vitest";
import { API, addCollaborator, codeOf, signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);

describe("uploading sources", () => {
  it("stores a PDF in R2, extracts its pages through the queue, and serves it back to collaborators", async () => {
    const { session } = await signUp();
    const stranger = await signUp("stranger");
    const doc = await session.trpc.documents.create.mutate({ title: "Upload" });
    const bytes = await makePdf([
      ["EMERGENCY DEPARTMENT RECORD", "Patient: Maria Rivera", "Date of Service: 03/14/2026"],
      ["Diagnosis: Cervical sprain (S13.4XXA)", "Discharged home in stable condition."],
    ]);
    const res = await upload(session, doc.id, bytes, "ER record — Rivera.pdf");
    expect(res.status).toBe(201);
    const sourceId = res.body.source!.id;
    const source = await eventually(
      () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
      (s) => s.status === "ready" || s.status === "failed",
    );
    expect(source).toMatchObject({
      status: "ready",
      pageCount: 2,
      pagesDone: 2,
      filename: "ER record — Rivera.pdf",
    });

    const handle = testDb();
    try {
      const pages = await handle.db
        .select()
        .from(schema.sourcePages)
        .where(eq(schema.sourcePages.sourceId, sourceId));
      expect(pages.map((p) => p.pageNumber).sort()).toEqual([1, 2]);
      expect(pages.find((p) => p.pageNumber === 2)?.text).toContain("Cervical sprain (S13.4XXA)");
    } finally {
      await handle.close();
    }

    const file = await session.fetch(`${API}/api/sources/${sourceId}/file`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("cache-control")).toContain("private");
    expect(file.headers.get("content-disposition")).toContain("inline; filename*=UTF-8''ER%20record");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    const etag = file.headers.get("etag")!;
    const cached = await session.fetch(`${API}/api/sources/${sourceId}/file`, {
      headers: { "if-none-match": etag },
    });
    expect(cached.status).toBe(304);

    expect((await stranger.session.fetch(`${API}/api/sources/${sourceId}/file`)).status).toBe(404);
    expect((await upload(stranger.session, doc.id, bytes)).status).toBe(404);
  });

  it("stores names without bidi or control characters and always as .pdf", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Names" });
    const names = [
      // A right-to-left override makes this read "invoice_exe.pdf" in a file list.
      ["invoice_\u202Efdp.exe", "invoice_fdp.exe.pdf"],
      ["\u2067report\u2069\u200B.PDF", "report.pdf"],
      ["bill\u0007\u2028 2026.pdf", "bill 2026.pdf"],
      ["scan.exe", "scan.exe.pdf"],
      ["C:\\Users\\x\\notes.pdf.", "notes.pdf"],
      ["\u202E", "document.pdf"],
    ];
    for (const [i, [sent, stored]] of names.entries()) {
      const res = await upload(session, doc.id, await makePdf([[`Page of file ${i}`]]), sent);
      expect(res.status).toBe(201);
      expect((res.body.source as { filename?: string } | undefined)?.filename).toBe(stored);
    }
  });

  it("answers the same 404 for another case's source as for an unknown id", async () => {
    const { session } = await signUp();
    const stranger = await signUp("stranger");
    const doc = await session.trpc.documents.create.mutate({ title: "Private" });
    const res = await upload(session, doc.id, await makePdf([["Private record"]]));
    const theirs = await stranger.session.fetch(`${API}/api/sources/${res.body.source!.id}/file`);
    const unknown = await stranger.session.fetch(`${API}/api/sources/${crypto.randomUUID()}/file`);
    expect(theirs.status).toBe(404);
    expect({ status: theirs.status, body: await theirs.json() }).toEqual({
      status: unknown.status,
      body: await unknown.json(),
    });
  });

  it("answers 409 with the existing source for the same PDF twice in a case", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Twice" });
    const bytes = await makePdf([["Police report", "Report number 2026-0314"]]);
    const first = await upload(session, doc.id, bytes, "a.pdf");
    const second = await upload(session, doc.id, bytes, "b.pdf");
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(second.body.source?.id).toBe(first.body.source?.id);
    const objects = await env.SOURCES.list({ prefix: `documents/${doc.id}/` });
    expect(objects.objects).toHaveLength(1);
    // Another case may hold the same file.
    const other = await session.trpc.documents.create.mutate({ title: "Other" });
    expect((await upload(session, other.id, bytes)).status).toBe(201);
  });

  it("refuses what is not a PDF (415), an empty body (400) and more than 50 MB (413)", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Bad uploads" });
    const png = await upload(session, doc.id, PNG, "photo.pdf");
    expect(png.status).toBe(415);
    expect(png.body.error?.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const empty = await upload(session, doc.id, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toMatch(/empty/);
    const huge = new Uint8Array(51 * 1024 * 1024);
    huge.set([0x25, 0x50, 0x44, 0x46, 0x2d]);
    const big = await upload(session, doc.id, huge);
    expect(big.status).toBe(413);
    expect((await env.SOURCES.list({ prefix: `documents/${doc.id}/` })).objects).toHaveLength(0);
    expect((await session.trpc.sources.list.query({ documentId: doc.id })).items).toHaveLength(0);
  });

  it("fails a corrupt PDF with a readable error, never an empty success", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Corrupt" });
    const bytes = await makePdf([["A page"]]);
    const truncated = bytes.slice(0, Math.floor(bytes.length / 3));
    const res = await upload(session, doc.id, truncated, "truncated.pdf");
    const source = await eventually(
      () => session.trpc.sources.get.query({ documentId: doc.id, sourceId: res.body.source!.id }),
      (s) => s.status === "failed" || s.status === "ready",
    );
    expect(source.status).toBe("failed");
    expect(source.error).toMatch(/damaged|cannot be read|No text layer/);
  });

  it("fails a PDF of empty pages as blank once OCR has looked, never an empty success", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Scan" });
    const res = await upload(session, doc.id, await makePdf([[], [], []]), "scan.pdf");
    const source = await eventually(
      () => session.trpc.sources.get.query({ documentId: doc.id, sourceId: res.body.source!.id }),
      (s) => s.status === "failed" || s.status === "ready",
      // The pages go through the OCR Worker.
      90_000,
    );
    expect(source).toMatchObject({
      status: "failed",
      error: "Every page is blank (3 scanned pages, no text found by OCR)",
      coverage: { read: 3, ocr: 3, blankPages: [1, 2, 3] },
    });
  }, 120_000);

  it("deletes a source with its pages, facts and file; viewers cannot", async () => {
    const { session } = await signUp();
    const viewer = await signUp("viewer");
    const doc = await session.trpc.documents.create.mutate({ title: "Delete source" });
    await addCollaborator(session, doc.id, viewer, "viewer");
    const res = await upload(session, doc.id, await makePdf([["Bill", "Total due $100.00"]]));
    const sourceId = res.body.source!.id;
    await eventually(
      () => session.trpc.sources.get.query({ documentId: doc.id, sourceId }),
      (s) => s.status !== "uploaded" && s.status !== "extracting",
    );
    expect(await codeOf(viewer.session.trpc.sources.delete.mutate({ documentId: doc.id, sourceId }))).toBe(
      "FORBIDDEN",
    );
    await session.trpc.sources.delete.mutate({ documentId: doc.id, sourceId });
    expect(await codeOf(session.trpc.sources.get.query({ documentId: doc.id, sourceId }))).toBe("NOT_FOUND");
    const handle = testDb();
    try {
      expect(
        await handle.db.select().from(schema.sourcePages).where(eq(schema.sourcePages.sourceId, sourceId)),
      ).toEqual([]);
      expect(await handle.db.select().from(schema.facts).where(eq(schema.facts.sourceId, sourceId))).toEqual(
        [],
      );
    } finally {
      await handle.close();
    }
    expect((await env.SOURCES.list({ prefix: `documents/${doc.id}/` })).objects).toHaveLength(0);
  });
});
