// Letters the readers cannot walk (nested far past the schema) or that carry characters XML
// forbids: each reader answers with a clear 409 or cleans the text, never a 500 or a broken file.
import { env } from "cloudflare:workers";
import { eq, schema, sql } from "@steno/db";
import { AppError, LETTER_FIELD, type PmNode, paragraph, xmlSafe } from "@steno/shared";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { exportLetters } from "../src/backups/letters.ts";
import { letterToDocx } from "../src/letters/export-docx.ts";
import { codeOf, signUp, testDb, typeLetterAndLeave } from "./helpers.ts";

/** ProseMirror JSON nested `depth` blockquotes deep, built without recursion. */
function deepLetter(depth: number): PmNode {
  let node: PmNode = paragraph("deep");
  for (let i = 0; i < depth; i++) node = { type: "blockquote", content: [node] };
  return { type: "doc", content: [node] };
}

/** The same as stored JSON text (JSON.stringify itself overflows on it). */
function deepLetterJson(depth: number): string {
  return `{"type":"doc","content":[${'{"type":"blockquote","content":['.repeat(depth)}{"type":"paragraph"}${"]}".repeat(depth)}]}`;
}

/** A Y.Doc state whose letter is nested `depth` elements deep. */
function deepState(depth: number): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(LETTER_FIELD);
    for (let i = 0; i < depth; i++) {
      const child: Y.XmlElement = new Y.XmlElement("blockquote");
      parent.insert(0, [child]);
      parent = child;
    }
  });
  return Y.encodeStateAsUpdate(doc);
}

describe("letters past the schema's bounds", () => {
  it("Word export refuses a letter nested 20,000 levels deep with 409 instead of overflowing", async () => {
    const refused = await letterToDocx(deepLetter(20_000), { title: "Deep", author: "Firm" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("CONFLICT");
    expect((refused as AppError).message).toMatch(/nested more than 64 levels/);
    // A letter within bounds still exports.
    expect(
      (await letterToDocx(deepLetter(20), { title: "Fine", author: "Firm" })).byteLength,
    ).toBeGreaterThan(0);
  });

  it("restoring a version that holds a too-deep letter answers 409, and the letter is unchanged", async () => {
    const owner = await signUp("restore");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "Deep version" });
    const handle = testDb();
    try {
      const [version] = await handle.db
        .insert(schema.letterVersions)
        .values({
          documentId: doc.id,
          label: "Saved before the room checked updates",
          state: deepState(20_000),
          content: { type: "doc", content: [] },
          authorId: owner.user.id,
        })
        .returning({ id: schema.letterVersions.id });
      expect(
        await codeOf(
          owner.session.trpc.letters.versions.restore.mutate({
            documentId: doc.id,
            versionId: version?.id ?? "",
          }),
        ),
      ).toBe("CONFLICT");
    } finally {
      await handle.close();
    }
  });

  it("the nightly backup skips a letter too deep to serialise, reports it, and writes every other letter", async () => {
    const owner = await signUp("backup-bounds");
    const good = await owner.session.trpc.documents.create.mutate({ title: "Good letter" });
    const bad = await owner.session.trpc.documents.create.mutate({ title: "Deep letter" });
    await typeLetterAndLeave(owner.session, good.id, "A letter that backs up fine.");
    const handle = testDb();
    try {
      await handle.db
        .update(schema.documents)
        .set({ letterContent: sql`${deepLetterJson(3_000)}::jsonb` })
        .where(eq(schema.documents.id, bad.id));
      const manifest = await exportLetters(handle.db, env.BACKUPS, {
        time: Date.parse("2026-12-01T03:00:00Z"),
      });
      expect(manifest.letters.map((l) => l.documentId)).toContain(good.id);
      expect(manifest.letters.map((l) => l.documentId)).not.toContain(bad.id);
      expect(manifest.failed).toContainEqual({
        documentId: bad.id,
        reason: expect.stringMatching(/nested more than 64 levels/),
      });
    } finally {
      await handle.close();
    }
  });
});

describe("characters XML forbids", () => {
  it("never reach the .docx: U+FFFE, U+FFFF, control characters and unpaired surrogates are left out", async () => {
    const dirty = "Total\uFFFF due\uFFFE\u0001 now\uD800, with thanks \u{1F600}";
    const file = await letterToDocx(
      {
        type: "doc",
        content: [
          paragraph(dirty),
          { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Re:\uFFFF claim" }] },
        ],
      },
      {
        title: "Rivera\uFFFE v. Acme",
        author: "Harper\u0007 Law",
        letterhead: { name: "Harper\uFFFF Law", lines: ["1 Main\u0001 St"] },
        signature: ["Dana\uFFFE Harper"],
      },
    );
    const files = unzipSync(new Uint8Array(file));
    // xmlSafe keeps exactly XML 1.0's Char production: nothing in the file may fall outside it.
    for (const [name, bytes] of Object.entries(files)) {
      if (name.endsWith(".xml") || name.endsWith(".rels"))
        expect(xmlSafe(strFromU8(bytes)), name).toBe(strFromU8(bytes));
    }
    const xml = strFromU8(files["word/document.xml"] as Uint8Array);
    expect(xml).toContain("Total due now, with thanks \u{1F600}");
    expect(xml).toContain("Re: claim");
    expect(strFromU8(files["docProps/core.xml"] as Uint8Array)).toContain("Rivera v. Acme");
  });
});
