import { DEFAULT_TEMPLATE_NAME } from "@steno/shared";
import { describe, expect, it } from "vitest";
import { codeOf, signUp } from "./helpers.ts";

describe("templates", () => {
  it("gives every new firm the default demand-letter template", async () => {
    const { session } = await signUp();
    const { items } = await session.trpc.templates.list.query();
    expect(items.map((t) => t.name)).toEqual([DEFAULT_TEMPLATE_NAME]);
    expect(items[0]!.variables).toEqual(
      expect.arrayContaining(["client.name", "damages.total", "facts.injuries"]),
    );
    const doc = await session.trpc.documents.create.mutate({ title: "Uses the default" });
    expect(doc.templateId).toBe(items[0]!.id);
    expect(doc.templateVersion).toBe(1);
  });

  it("versions updates and serves reads from a cache that updates invalidate", async () => {
    const { session } = await signUp();
    const created = await session.trpc.templates.create.mutate({
      name: "Short",
      body: "Dear {{insurer.adjuster}},",
    });
    const cacheState = () => session.lastHeaders.get("server-timing") ?? "";

    await session.trpc.templates.get.query({ templateId: created.id });
    expect(cacheState()).toContain("template miss");
    await session.trpc.templates.get.query({ templateId: created.id });
    expect(cacheState()).toContain("template hit");

    const updated = await session.trpc.templates.update.mutate({
      templateId: created.id,
      body: "Dear {{insurer.adjuster}}, re {{client.name}}",
    });
    expect(updated?.version).toBe(2);
    const current = await session.trpc.templates.get.query({ templateId: created.id });
    expect(cacheState()).toContain("template miss");
    expect(current.body).toBe("Dear {{insurer.adjuster}}, re {{client.name}}");
    expect(current.variables).toEqual(["insurer.adjuster", "client.name"]);

    const first = await session.trpc.templates.get.query({ templateId: created.id, version: 1 });
    expect(first.body).toBe("Dear {{insurer.adjuster}},");
    expect(await codeOf(session.trpc.templates.get.query({ templateId: created.id, version: 9 }))).toBe(
      "NOT_FOUND",
    );

    await session.trpc.templates.archive.mutate({ templateId: created.id });
    expect((await session.trpc.templates.list.query()).items.map((t) => t.id)).not.toContain(created.id);
  });

  it("previews a template against a case by the code that prints drafts", async () => {
    const { session } = await signUp();
    const doc = await session.trpc.documents.create.mutate({
      title: "Preview case",
      clientName: "Maria Rivera",
      incidentDate: "2026-03-14",
    });
    await session.trpc.facts.create.mutate({
      documentId: doc.id,
      category: "billing",
      text: "Emergency room visit",
      amountCents: 123_456,
      eventDate: "2026-03-14",
      provider: "Springfield General Hospital",
    });
    const letter = await session.trpc.templates.preview.mutate({
      documentId: doc.id,
      body: "Re: {{client.name}}, {{incident.date}}\n\nDear {{insurer.adjuster}},\n\n{{facts.incident}}\n\n{{damages.table}}",
    });
    const text = JSON.stringify(letter);
    expect(text).toContain("Re: Maria Rivera, March 14, 2026");
    // Nobody confirmed an adjuster: addressed to the claims department's adjuster, never
    // "[adjuster]"; the narrative is the draft's to write.
    expect(text).toContain("Dear Claims Adjuster,");
    expect(text).toContain("[Approved incident facts: written when the draft is generated]");
    expect(text).toContain("$1,234.56");
    expect(letter.content?.some((n) => n.type === "table")).toBe(true);

    expect(
      await codeOf(
        session.trpc.templates.preview.mutate({ documentId: doc.id, body: "{{insurer.adjustr}}" }),
      ),
    ).toBe("BAD_REQUEST");
    const stranger = await signUp("stranger");
    expect(
      await codeOf(stranger.session.trpc.templates.preview.mutate({ documentId: doc.id, body: "Hi" })),
    ).toBe("NOT_FOUND");
  });

  it("rejects unknown variables instead of leaving blanks in a letter", async () => {
    const { session } = await signUp();
    const error = await session.trpc.templates.create
      .mutate({ name: "Typo", body: "Dear {{insurer.adjustr}}, total {{damages.total}} {{ client.nam }}" })
      .catch((e) => e);
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(error.data.zodError)).toContain("{{insurer.adjustr}}, {{client.nam}}");
  });

  it("keeps firms apart and lets only admins change the letterhead", async () => {
    const a = await signUp();
    const b = await signUp();
    const { items } = await a.session.trpc.templates.list.query();
    expect(await codeOf(b.session.trpc.templates.get.query({ templateId: items[0]!.id }))).toBe("NOT_FOUND");
    expect(
      await codeOf(b.session.trpc.templates.update.mutate({ templateId: items[0]!.id, name: "Mine" })),
    ).toBe("NOT_FOUND");
    const firm = await a.session.trpc.firm.update.mutate({
      phone: "(217) 555-0100",
      signatureBlock: "A\nAttorney",
    });
    expect(firm?.phone).toBe("(217) 555-0100");
    expect((await a.session.trpc.firm.get.query()).signatureBlock).toBe("A\nAttorney");
  });
});
