// "Rewrite with AI" (letters.rewrite): a paragraph rewritten or a section regenerated through the
// configured provider, checked against the case before the editor offers it as a suggestion.
// The local provider as `npm start` runs it, and Anthropic through the real SDK against the mock.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { letterText } from "@steno/shared";
import { ApiClient } from "@steno/shared/api-client";
import { describe, expect, it } from "vitest";
import type { AppRouter } from "../src/trpc/router.ts";
import {
  API,
  addCollaborator,
  auditActions,
  codeOf,
  confirmProfile,
  riveraCase,
  type Session,
  seedFacts,
  signUp,
  testDb,
} from "./helpers.ts";

const HEDGED = "We believe that your insured should pay for this harm.";
const FIRM = "Your insured must pay for this harm.";

/** A case with a few reviewed facts and the parties the liability section names. */
async function caseWithLiability() {
  const { owner, doc } = await riveraCase("rewriter", { clientName: "Maria L. Rivera" });
  await seedFacts(
    doc.id,
    [
      {
        category: "incident",
        eventDate: "2026-03-14",
        text: "Police report: The front of Unit 2 struck the rear of Unit 1 at the red light.",
      },
      {
        category: "liability",
        eventDate: "2026-03-14",
        text: "Citation: C-558231 Following too closely 625 ILCS 5/11-710",
      },
    ],
    { verified: true },
  );
  await confirmProfile(owner.session, doc.id, {
    clientName: "Maria L. Rivera",
    atFaultDriver: "HOLLIS, DEREK J.",
  });
  return { owner, doc };
}

/** The same signed-in user calling the Worker with other bindings (the Anthropic provider). */
function withBindings(session: Session, bindings: Partial<Cloudflare.Env>) {
  const client = new ApiClient<AppRouter>({
    url: API,
    send: async (request) => {
      const { default: worker } = await import("../src/index.ts");
      return worker.fetch(
        request as Parameters<typeof worker.fetch>[0],
        { ...env, ...bindings },
        createExecutionContext(),
      );
    },
    headers: { "cf-connecting-ip": session.ip },
  });
  for (const [name, value] of session.cookies) client.cookies.set(name, value);
  return client;
}

const anthropic = (model: string): Partial<Cloudflare.Env> => ({
  AI_PROVIDER: "anthropic",
  ANTHROPIC_API_KEY: "test-key",
  AI_EXTRACTION_MODEL: "claude-haiku-4-5",
  AI_DRAFTING_MODEL: model,
});

describe("letters.rewrite", () => {
  it("rewrites a paragraph for an editor (local rules); a viewer is refused, another firm gets 404", async () => {
    const { owner, doc } = await riveraCase("rewrite-owner");
    const ask = (session: Session, preset: "firmer" | "shorter", text = HEDGED) =>
      session.trpc.letters.rewrite.mutate({
        documentId: doc.id,
        text,
        heading: "Liability",
        instruction: { kind: "preset", preset },
      });
    expect(await ask(owner.session, "firmer")).toEqual({ kind: "text", text: FIRM });
    // A figure the attorney wrote is theirs: a rewrite that keeps it is offered.
    expect(await ask(owner.session, "shorter", "She paid $9,999.00 for the brace (as she told us).")).toEqual(
      {
        kind: "text",
        text: "She paid $9,999.00 for the brace.",
      },
    );
    // Rules follow presets; the attorney's own words need a model.
    expect(
      await codeOf(
        owner.session.trpc.letters.rewrite.mutate({
          documentId: doc.id,
          text: HEDGED,
          instruction: { kind: "custom", text: "Mention the weather" },
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect((await auditActions(doc.id)).filter((a) => a === "letter.rewrite")).toHaveLength(3);

    const viewer = await signUp("rewrite-viewer");
    await addCollaborator(owner.session, doc.id, viewer, "viewer");
    expect(await codeOf(ask(viewer.session, "firmer"))).toBe("FORBIDDEN");
    const stranger = await signUp("rewrite-stranger");
    expect(await codeOf(ask(stranger.session, "firmer"))).toBe("NOT_FOUND");
  });

  it("regenerates one section from the case data the draft uses, and only a narrative section", async () => {
    const { owner, doc } = await caseWithLiability();
    const regenerate = (heading: string) =>
      owner.session.trpc.letters.rewrite.mutate({
        documentId: doc.id,
        heading,
        instruction: { kind: "regenerate" },
      });
    const liability = await regenerate("Liability");
    if (liability.kind !== "section") throw new Error("not a section");
    const text = letterText({ type: "doc", content: liability.blocks });
    expect(text).toContain("The investigating officer cited Derek J. Hollis for following too closely");
    // The template's own words under the heading come with it; nothing from other sections.
    expect(text).toContain("Your insured's negligence was the direct and proximate cause");
    expect(text).not.toContain("struck the rear");
    expect(await codeOf(regenerate("Damages"))).toBe("BAD_REQUEST");
    expect(await codeOf(regenerate("Closing remarks"))).toBe("NOT_FOUND");
  });

  it("Anthropic through the real SDK: the rewrite is the model's; one with a figure and date the case lacks is refused", async () => {
    const { owner, doc } = await caseWithLiability();
    const input = {
      documentId: doc.id,
      text: HEDGED,
      heading: "Liability",
      instruction: { kind: "preset" as const, preset: "firmer" as const },
    };
    const model = withBindings(owner.session, anthropic("claude-haiku-4-5"));
    expect(await model.trpc.letters.rewrite.mutate(input)).toEqual({ kind: "text", text: FIRM });
    const requests = (await (await fetch(`${env.ANTHROPIC_BASE_URL}/__requests`)).json()) as Array<{
      system?: string;
      messages?: Array<{ content: Array<{ type: string; text?: string; title?: string }> }>;
    }>;
    const sent = requests.findLast(
      (r) => r.system?.startsWith("You revise one passage") && JSON.stringify(r.messages).includes(HEDGED),
    );
    // The case's facts went with it, as a document; the instruction and the heading in the prompt.
    expect(sent?.messages?.[0]?.content.map((b) => b.title ?? b.text?.split("\n")[1])).toEqual([
      "Approved facts",
      "Section of the letter: Liability",
    ]);
    const handle = testDb();
    try {
      const usage = await handle.db
        .select({ model: schema.aiUsage.model })
        .from(schema.aiUsage)
        .where(and(eq(schema.aiUsage.documentId, doc.id), eq(schema.aiUsage.operation, "rewrite-letter")));
      expect(usage).toEqual([{ model: "claude-haiku-4-5" }]);
    } finally {
      await handle.close();
    }

    const inventing = withBindings(owner.session, anthropic("mock-invents-figures"));
    const refused = await inventing.trpc.letters.rewrite.mutate(input).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(await codeOf(Promise.reject(refused))).toBe("CONFLICT");
    expect((refused as Error).message).toContain("$12,500.00");
    expect((refused as Error).message).toContain(
      "June 3, 2025 — a date no reviewed fact or the profile states",
    );

    // A section regenerated by the model is held to the same check.
    const section = await inventing.trpc.letters.rewrite
      .mutate({ documentId: doc.id, heading: "Facts of the incident", instruction: { kind: "regenerate" } })
      .catch((error: Error) => error);
    expect((section as Error).message).toContain("June 3, 2025");
    const asked = (
      (await (await fetch(`${env.ANTHROPIC_BASE_URL}/__requests`)).json()) as Array<{
        messages?: unknown;
      }>
    ).findLast((r) => JSON.stringify(r.messages ?? "").includes("only these sections"));
    expect(JSON.stringify(asked?.messages)).toContain("Write only these sections: ## Incident now");
  });
});
