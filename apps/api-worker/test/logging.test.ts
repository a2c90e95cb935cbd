import { schema } from "@steno/db";
import { errorFields, redact } from "@steno/shared";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signUp, testDb, upload } from "./helpers.ts";
import { eventually, makePdf } from "./pdf.ts";

describe("logs", () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    for (const method of ["log", "warn", "error", "info"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("carry no PHI: names, emails, titles, file names and fact text never reach them", async () => {
    const { session, email } = await signUp("phi-check");
    const doc = await session.trpc.documents.create.mutate({
      title: "Zanzibar Quintero v. Acme",
      clientName: "Zanzibar Quintero",
    });
    const res = await upload(
      session,
      doc.id,
      await makePdf([
        ["Patient: Zanzibar Quintero", "Diagnosis: Xylophonic fracture of the left wrist (S62.101A)"],
      ]),
      "Quintero medical record.pdf",
    );
    await eventually(
      () => session.trpc.sources.get.query({ documentId: doc.id, sourceId: res.body.source!.id }),
      (s) => s.status === "ready" || s.status === "failed",
    );
    await session.trpc.facts.create.mutate({
      documentId: doc.id,
      category: "injury",
      text: "Zanzibar Quintero has a xylophonic fracture",
    });
    // A failing request: its error path must not leak either.
    await session.trpc.documents.update
      .mutate({ documentId: doc.id, title: "x".repeat(600) })
      .catch(() => {});

    const all = lines.join("\n");
    expect(all).toContain('"message":"request"');
    expect(all).toContain('"route":"/trpc/documents.create"');
    // The upload's jobs say which case and whose request they ran for.
    const jobLines = lines
      .filter((line) => line.includes('"message":"job ran"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(jobLines.length).toBeGreaterThan(0);
    for (const line of jobLines)
      expect(line).toMatchObject({ documentId: doc.id, userId: expect.any(String) });
    for (const secret of [email, "Zanzibar", "Quintero", "Xylophonic", "xylophonic"]) {
      expect(all, `logs contain ${secret}`).not.toContain(secret);
    }
  });

  it("redact case content by field name and mask emails anywhere", () => {
    expect(
      redact({
        text: "Whiplash",
        quote: "neck pain",
        filename: "a.pdf",
        count: 3,
        nested: { email: "a@b.co" },
      }),
    ).toEqual({
      text: "[redacted]",
      quote: "[redacted]",
      filename: "[redacted]",
      count: 3,
      nested: { email: "[redacted]" },
    });
    expect(redact({ error: "duplicate key (email)=(dana@firm.test) exists" })).toEqual({
      error: "duplicate key (email)=([email]) exists",
    });
    const modelError = Object.assign(
      new Error("The model's answer could not be read (Maria Rivera was hurt)"),
      {
        phi: true,
      },
    );
    expect(JSON.stringify(errorFields(modelError))).not.toContain("Rivera");
  });

  it("keeps a failed statement's parameters out of the error it logs", async () => {
    const db = testDb();
    try {
      // A real failure through drizzle: its message quotes every parameter of the statement.
      const failure = await db.db
        .insert(schema.facts)
        .values({
          documentId: "00000000-0000-4000-8000-000000000000",
          category: "injury",
          text: "Maria Rivera fractured her left wrist",
          status: "pending",
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(String((failure as Error).message)).toContain("Rivera");
      const fields = errorFields(failure);
      expect(JSON.stringify(fields)).not.toContain("Rivera");
      expect(fields.error).toMatch(/^database query failed \(23503\): .*foreign key/);
    } finally {
      await db.close();
    }
  });
});
