import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectClient, waitFor } from "./sync-client.ts";

describe("letter room", () => {
  it("syncs edits between two clients of the same room", async () => {
    const room = crypto.randomUUID();
    const url = `http://party.test/parties/letter-room/${room}`;
    const a = await connectClient(exports.default, url);
    const b = await connectClient(exports.default, url);
    await Promise.all([a.synced, b.synced]);
    a.doc.getText("t").insert(0, "Dear adjuster,");
    await waitFor(() => b.doc.getText("t").toString() === "Dear adjuster,");
    b.doc.getText("t").insert(0, ">");
    await waitFor(() => a.doc.getText("t").toString() === ">Dear adjuster,");
    a.close();
    b.close();
  });

  it("keeps rooms apart", async () => {
    const a = await connectClient(
      exports.default,
      `http://party.test/parties/letter-room/${crypto.randomUUID()}`,
    );
    const b = await connectClient(
      exports.default,
      `http://party.test/parties/letter-room/${crypto.randomUUID()}`,
    );
    await Promise.all([a.synced, b.synced]);
    a.doc.getText("t").insert(0, "only in a");
    await new Promise((r) => setTimeout(r, 100));
    expect(b.doc.getText("t").toString()).toBe("");
    a.close();
    b.close();
  });

  it("answers /health", async () => {
    const res = await exports.default.fetch("http://party.test/health");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { service: string }).service).toBe("steno-party");
  });
});
