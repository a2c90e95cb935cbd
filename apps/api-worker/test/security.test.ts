import { exports } from "cloudflare:workers";
import { connectClient } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import { signUp } from "./helpers.ts";

describe("security", () => {
  it("sets strict security headers on API responses, errors included", async () => {
    const responses = await Promise.all([
      exports.default.fetch("http://api.test/trpc/system.info"),
      exports.default.fetch("http://api.test/no/such/route"), // 404
      exports.default.fetch("http://api.test/trpc/documents.list"), // tRPC 401
      exports.default.fetch("http://api.test/trpc/auth.login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{bad",
      }), // 400
      exports.default.fetch("http://api.test/health"),
      // The room's own refusal, through the API's origin.
      exports.default.fetch(`http://api.test/parties/letter-room/${crypto.randomUUID()}?token=forged`, {
        headers: { upgrade: "websocket" },
      }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 404, 401, 400, 200, 401]);
    for (const res of responses) {
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("strict-transport-security")).toContain("preload");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      await res.body?.cancel();
    }
  });

  it("allows CORS with credentials only for allow-listed origins", async () => {
    const preflight = (origin: string) =>
      exports.default.fetch("http://api.test/trpc/auth.login", {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const ok = await preflight("http://localhost:5173");
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses cookie-carrying state changes from another site (CSRF)", async () => {
    const { session } = await signUp();
    const forged = await session.fetch("http://api.test/trpc/documents.create", {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ title: "Planted" }),
    });
    expect(forged.status).toBe(403);
    const ours = await session.fetch("http://api.test/trpc/documents.create", {
      method: "POST",
      headers: { origin: "http://localhost:5173", "content-type": "application/json" },
      body: JSON.stringify({ title: "Legit" }),
    });
    expect(ours.status).toBe(200);
    const { items } = await session.trpc.documents.list.query({});
    expect(items.map((d) => d.title)).toEqual(["Legit"]);
  });

  it("passes WebSocket upgrades to the rooms through the API's origin", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({ title: "Via API" });
    const { token } = await session.trpc.letters.roomToken.mutate({ documentId: doc.id });
    const client = await connectClient(
      exports.default,
      `http://api.test/parties/letter-room/${doc.id}?token=${token}`,
    );
    await client.synced;
    client.close();
    const refused = await exports.default.fetch(`http://api.test/parties/letter-room/${doc.id}`, {
      headers: { upgrade: "websocket" },
    });
    expect(refused.status).toBe(401);
  });
});
