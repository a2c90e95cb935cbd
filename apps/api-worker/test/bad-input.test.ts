// Every procedure, derived from the router, receives malformed payloads: wrong types, huge
// strings, missing and extra fields, prototype-pollution keys. None may answer 5xx.
import { describe, expect, it } from "vitest";
import { appRouter } from "../src/trpc/router.ts";
import { signUp } from "./helpers.ts";

type ProcedureDef = { type: "query" | "mutation" | "subscription" };
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>,
)
  .map(([path, p]) => ({ path, type: p._def.type }))
  // Ending the session or the case first would only make the rest answer 401/404.
  .sort((a, b) => Number(/logout|\.delete$/.test(a.path)) - Number(/logout|\.delete$/.test(b.path)));

const huge = "x".repeat(200_000);

function payloads(documentId: string): string[] {
  return [
    "null",
    "[]",
    '"text"',
    "12",
    "{}",
    "{bad json",
    JSON.stringify({ documentId }),
    JSON.stringify({ documentId: 12, factId: [], sourceId: {}, limit: "ten", cursor: 5, title: true }),
    JSON.stringify({ documentId, title: huge, text: huge, email: huge, query: huge, body: huge, name: huge }),
    JSON.stringify({
      documentId,
      limit: -1,
      amountCents: 1e30,
      eventDate: "2026-13-45",
      role: "god",
      status: ["x"],
    }),
    JSON.stringify({ documentId, extra: "field", another: { deep: [1, 2, 3] } }),
    `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"documentId":"${documentId}"}`,
  ];
}

describe("malformed input", () => {
  it("never gets a 5xx from any procedure", async () => {
    const { session } = await signUp("fuzz");
    const doc = await session.trpc.documents.create.mutate({ title: "Fuzz target" });
    const failures: string[] = [];
    for (const procedure of procedures) {
      for (const body of payloads(doc.id)) {
        const url = `http://api.test/trpc/${procedure.path}`;
        const res =
          procedure.type === "query"
            ? await session.fetch(`${url}?input=${encodeURIComponent(body.slice(0, 20_000))}`)
            : await session.fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body,
              });
        if (res.status >= 500) failures.push(`${procedure.path} ${body.slice(0, 60)} → ${res.status}`);
        await res.body?.cancel();
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(failures).toEqual([]);
  });
});
