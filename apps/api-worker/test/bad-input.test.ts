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
  // Ending the case, then the session, before the rest would only make them answer 404/401.
  .sort((a, b) => lastness(a.path) - lastness(b.path));

function lastness(path: string) {
  if (path === "auth.logout") return 2;
  return /\.delete$/.test(path) ? 1 : 0;
}

// The per-user burst limit is 100 requests a minute: a fresh attorney (and case) every 8
// procedures keeps every call below it, so each answer is the procedure's own.
const PROCEDURES_PER_USER = 8;

/** Mutations get 200 kB strings in the body; queries as much as a URL carries (~20 kB). */
function payloads(documentId: string, kind: "query" | "mutation"): string[] {
  const huge = "x".repeat(kind === "mutation" ? 200_000 : 3_000);
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

/** Procedures that take no input and throttle each user themselves (a verification mail a minute). */
const OWN_THROTTLE = new Set(["auth.resendVerification"]);

describe("malformed input", () => {
  it("never gets a 5xx from any procedure", async () => {
    expect(procedures.length).toBeGreaterThan(30);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const reached = new Set<string>();
    let attorney: { session: Awaited<ReturnType<typeof signUp>>["session"]; documentId: string } | undefined;
    for (const [index, procedure] of procedures.entries()) {
      if (!attorney || index % PROCEDURES_PER_USER === 0) {
        const { session } = await signUp("fuzz");
        const doc = await session.trpc.documents.create.mutate({ title: "Fuzz target" });
        attorney = { session, documentId: doc.id };
      }
      const { session, documentId } = attorney;
      for (const body of payloads(documentId, procedure.type === "query" ? "query" : "mutation")) {
        const url = `http://api.test/trpc/${procedure.path}`;
        const res =
          procedure.type === "query"
            ? await session.fetch(`${url}?input=${encodeURIComponent(body)}`)
            : await session.fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body,
              });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        // 5xx is the bug this looks for; a 429 or a signed-in 401 would mean the payload never
        // reached the procedure, and the test would pass without testing it.
        // (A procedure with its own per-user throttle answers 429 by design once the payloads
        // before this one reached it.)
        const ownThrottle =
          OWN_THROTTLE.has(procedure.path) && res.status === 429 && reached.has(procedure.path);
        const unreached =
          (res.status === 429 && !ownThrottle) || (res.status === 401 && !procedure.path.startsWith("auth."));
        if (res.status !== 429) reached.add(procedure.path);
        if (res.status >= 500 || unreached)
          failures.push(`${procedure.path} ${body.slice(0, 60)} → ${res.status}`);
        await res.body?.cancel();
      }
    }
    // Most payloads are refused by validation.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(procedures.length * 6);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(failures).toEqual([]);
    // Every procedure times every payload (about 500 requests): it outgrew the suite's 30 s on a
    // busy 2-core machine once the auth procedures were added.
  }, 120_000);
});
