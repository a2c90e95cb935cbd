// The demand's lifecycle (issue 17): a letter marked sent keeps its file's SHA-256 and a locked
// version, its response deadline drives the case list and the daily reminders (run here with
// the trigger's own clock, never the wall clock), and the case keeps a log of offers.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, schema } from "@steno/db";
import { addDays } from "@steno/shared";
import { describe, expect, it } from "vitest";
import worker from "../src/index.ts";
import { API, addCollaborator, codeOf, mailTo, signUp, testDb, typeLetterAndLeave } from "./helpers.ts";

/** A case with a typed letter, its adjuster confirmed, an editor and a viewer on it. */
async function caseReadyToSend(title: string) {
  const owner = await signUp("owner");
  const editor = await signUp("editor");
  const viewer = await signUp("viewer");
  const doc = await owner.session.trpc.documents.create.mutate({ title });
  const editorRow = await addCollaborator(owner.session, doc.id, editor, "editor");
  await addCollaborator(owner.session, doc.id, viewer, "viewer");
  // The profile as an attorney confirms it in the panel (one statement here; readiness asks for all).
  const profile = {
    clientName: "Maria Rivera",
    insuredName: "Acme Logistics LLC",
    claimNumber: "CLM-1",
    policyNumber: "POL-1",
    dateOfLoss: "2026-03-14",
    location: "Springfield",
    adjusterName: "Dana Lee",
    atFaultCarrier: "Acme Mutual",
  };
  const confirmedAt = new Date().toISOString();
  const handle = testDb();
  try {
    await handle.db.insert(schema.caseProfiles).values({
      documentId: doc.id,
      fields: Object.fromEntries(
        Object.entries(profile).map(([field, value]) => [
          field,
          { value, factId: null, confirmedBy: owner.user.id, confirmedAt },
        ]),
      ),
    });
  } finally {
    await handle.close();
  }
  await typeLetterAndLeave(owner.session, doc.id, `Please respond to this demand. ${crypto.randomUUID()}`);
  return { owner, editor, viewer, doc, editorRow };
}

/** The daily Cron Trigger as Cloudflare runs it, at the given instant. */
async function runDailyCron(time: number) {
  const ctx = createExecutionContext();
  const handler = worker as ExportedHandler<Cloudflare.Env>;
  await handler.scheduled?.(createScheduledController({ scheduledTime: time, cron: "0 3 * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}
const at3am = (day: string) => Date.parse(`${day}T03:00:00Z`);

const sha256 = async (bytes: ArrayBuffer) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

describe("marking a letter sent", () => {
  it("keeps the exported file with its SHA-256, locks its version, and computes the deadline from the letter", async () => {
    const { owner, editor, viewer, doc } = await caseReadyToSend("Rivera v. Acme");
    // The composed letter asked for a response within 21 days (its last draft's period).
    const handle = testDb();
    try {
      await handle.db.insert(schema.jobs).values({
        documentId: doc.id,
        kind: "generate-letter",
        status: "succeeded",
        params: { responseDays: 21 },
      });
    } finally {
      await handle.close();
    }
    expect(
      await codeOf(viewer.session.trpc.lifecycle.markSent.mutate({ documentId: doc.id, method: "email" })),
    ).toBe("FORBIDDEN");

    const send = await editor.session.trpc.lifecycle.markSent.mutate({ documentId: doc.id, method: "email" });
    expect(send.recipient).toBe("Dana Lee, Acme Mutual");
    expect(send.responseDueOn).toBe(addDays(send.sentOn, 21));
    expect(send.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The kept file is the one hashed, byte for byte, and any collaborator can fetch it.
    const res = await viewer.session.fetch(`${API}/api/documents/${doc.id}/sent/${send.id}`);
    expect(res.status).toBe(200);
    const bytes = await res.arrayBuffer();
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
    expect(await sha256(bytes)).toBe(send.sha256);
    expect(res.headers.get("x-content-sha256")).toBe(send.sha256);
    const stranger = await signUp("stranger");
    expect((await stranger.session.fetch(`${API}/api/documents/${doc.id}/sent/${send.id}`)).status).toBe(404);

    // The sent version is locked; an ordinary version is not.
    const { items } = await owner.session.trpc.letters.versions.list.query({ documentId: doc.id });
    const locked = items.find((v) => v.id === send.versionId);
    expect(locked?.lockedAt).not.toBeNull();
    expect(locked?.label).toBe(send.versionLabel);
    const versionId = send.versionId as string;
    expect(
      await codeOf(
        owner.session.trpc.letters.versions.rename.mutate({ documentId: doc.id, versionId, label: "x" }),
      ),
    ).toBe("CONFLICT");
    expect(
      await codeOf(owner.session.trpc.letters.versions.delete.mutate({ documentId: doc.id, versionId })),
    ).toBe("CONFLICT");
    const draft = await owner.session.trpc.letters.versions.create.mutate({
      documentId: doc.id,
      label: "Draft",
    });
    await owner.session.trpc.letters.versions.delete.mutate({
      documentId: doc.id,
      versionId: draft?.id as string,
    });

    // The deadline can be moved, not before the letter was sent.
    const extended = addDays(send.responseDueOn, 10);
    await owner.session.trpc.lifecycle.setResponseDue.mutate({
      documentId: doc.id,
      sendId: send.id,
      responseDueOn: extended,
    });
    expect(
      await codeOf(
        owner.session.trpc.lifecycle.setResponseDue.mutate({
          documentId: doc.id,
          sendId: send.id,
          responseDueOn: addDays(send.sentOn, -1),
        }),
      ),
    ).toBe("BAD_REQUEST");
    const lifecycle = await viewer.session.trpc.lifecycle.get.query({ documentId: doc.id });
    expect(lifecycle.sends.map((s) => [s.id, s.responseDueOn])).toEqual([[send.id, extended]]);

    // The case list carries the deadline and sorts by it: the awaiting case before a newer one.
    const later = await owner.session.trpc.documents.create.mutate({ title: "Newer, not sent" });
    const byDeadline = await owner.session.trpc.documents.list.query({ sort: "deadline" });
    expect(byDeadline.items.map((c) => c.id)).toEqual([doc.id, later.id]);
    expect(byDeadline.items[0]?.response).toEqual({
      sentOn: send.sentOn,
      responseDueOn: extended,
      respondedOn: null,
    });
    const byCreated = await owner.session.trpc.documents.list.query({});
    expect(byCreated.items.map((c) => c.id)).toEqual([later.id, doc.id]);
  });
});

describe("response reminders", () => {
  it("the daily cron tells owners and editors 7 and 1 days before the deadline, once each", async () => {
    const { owner, editor, viewer, doc, editorRow } = await caseReadyToSend("Okafor v. Metro Transit");
    const send = await owner.session.trpc.lifecycle.markSent.mutate({
      documentId: doc.id,
      method: "mail",
      recipient: "Claims Department, Metro Transit Risk",
      format: "docx",
    });
    expect(send.responseDueOn).toBe(addDays(send.sentOn, 30));
    const due = send.responseDueOn;
    const reminders = async (session: typeof owner.session) =>
      (await session.trpc.notifications.list.query({})).items
        .filter((n) => n.documentId === doc.id)
        .map((n) => n.payload.daysBefore);

    await runDailyCron(at3am(addDays(due, -8)));
    expect(await reminders(owner.session)).toEqual([]);
    await runDailyCron(at3am(addDays(due, -7)));
    await runDailyCron(at3am(addDays(due, -7)));
    await runDailyCron(at3am(addDays(due, -3)));
    expect(await reminders(owner.session)).toEqual([7]);
    await runDailyCron(at3am(addDays(due, -1)));
    await runDailyCron(at3am(addDays(due, -1)));
    expect(await reminders(owner.session)).toEqual([1, 7]);
    expect(await reminders(editor.session)).toEqual([1, 7]);
    expect(await reminders(viewer.session)).toEqual([]);
    const mail = (await mailTo(owner.email)).map((m) => m.subject);
    expect(mail).toEqual(
      expect.arrayContaining([
        "Response due in 7 days: Okafor v. Metro Transit",
        "Response due in 1 day: Okafor v. Metro Transit",
      ]),
    );

    // Each person reads and marks only their own.
    const ownerList = await owner.session.trpc.notifications.list.query({});
    const editorList = await editor.session.trpc.notifications.list.query({});
    expect(ownerList.unread).toBe(2);
    const editorsFirst = editorList.items[0]?.id as string;
    expect(await codeOf(owner.session.trpc.notifications.markRead.mutate({ ids: [editorsFirst] }))).toBe(
      "NOT_FOUND",
    );
    expect((await editor.session.trpc.notifications.list.query({})).unread).toBe(2);
    await owner.session.trpc.notifications.markRead.mutate({ ids: [ownerList.items[0]?.id as string] });
    expect((await owner.session.trpc.notifications.list.query({})).unread).toBe(1);
    expect((await owner.session.trpc.notifications.list.query({ unreadOnly: true })).items).toHaveLength(1);
    await editor.session.trpc.notifications.markRead.mutate({ all: true });
    expect((await editor.session.trpc.notifications.list.query({})).unread).toBe(0);
    expect((await owner.session.trpc.notifications.list.query({})).unread).toBe(1);

    // Taken off the case, the editor no longer sees its reminders (though on another case still).
    await editor.session.trpc.documents.create.mutate({ title: "The editor's own case" });
    await owner.session.trpc.collaborators.remove.mutate({
      documentId: doc.id,
      collaboratorId: editorRow.id,
    });
    expect(await reminders(editor.session)).toEqual([]);
    expect(await codeOf(editor.session.trpc.notifications.markRead.mutate({ ids: [editorsFirst] }))).toBe(
      "NOT_FOUND",
    );
  });
});

describe("offers log", () => {
  it("editors add, change and remove offers; viewers read them; an insurer offer answers the demand", async () => {
    const { owner, editor, viewer, doc } = await caseReadyToSend("Nguyen v. Lakeside Foods");
    const send = await owner.session.trpc.lifecycle.markSent.mutate({ documentId: doc.id, method: "portal" });
    const first = { documentId: doc.id, madeOn: send.sentOn, party: "insurer" as const };

    expect(
      await codeOf(viewer.session.trpc.lifecycle.offers.add.mutate({ ...first, amountCents: 1_500_000 })),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(editor.session.trpc.lifecycle.offers.add.mutate({ ...first, amountCents: 12.5 })),
    ).toBe("BAD_REQUEST");
    const offer = await editor.session.trpc.lifecycle.offers.add.mutate({
      ...first,
      amountCents: 1_500_000,
      note: "Initial offer by phone",
    });
    const counter = await owner.session.trpc.lifecycle.offers.add.mutate({
      documentId: doc.id,
      madeOn: addDays(send.sentOn, 1),
      amountCents: 4_000_000,
      party: "us",
    });
    const { items } = await viewer.session.trpc.lifecycle.offers.list.query({ documentId: doc.id });
    expect(items.map((o) => [o.party, o.amountCents])).toEqual([
      ["us", 4_000_000],
      ["insurer", 1_500_000],
    ]);
    const changed = await editor.session.trpc.lifecycle.offers.update.mutate({
      ...first,
      offerId: offer.id,
      amountCents: 1_750_000,
      note: null,
    });
    expect([changed.amountCents, changed.note]).toEqual([1_750_000, null]);

    // Another case's offer is not found through this one.
    const other = await owner.session.trpc.documents.create.mutate({ title: "Other case" });
    expect(
      await codeOf(
        owner.session.trpc.lifecycle.offers.delete.mutate({ documentId: other.id, offerId: offer.id }),
      ),
    ).toBe("NOT_FOUND");
    const stranger = await signUp("stranger");
    expect(await codeOf(stranger.session.trpc.lifecycle.offers.list.query({ documentId: doc.id }))).toBe(
      "NOT_FOUND",
    );

    // The case list shows the newest offer and that the insurer answered; no reminders follow.
    const listed = (await owner.session.trpc.documents.list.query({})).items.find((c) => c.id === doc.id);
    expect(listed?.latestOffer).toEqual({ madeOn: counter.madeOn, amountCents: 4_000_000, party: "us" });
    expect(listed?.response?.respondedOn).toBe(send.sentOn);
    await runDailyCron(at3am(addDays(send.responseDueOn, -1)));
    expect(
      (await owner.session.trpc.notifications.list.query({})).items.filter((n) => n.documentId === doc.id),
    ).toEqual([]);

    await owner.session.trpc.lifecycle.offers.delete.mutate({ documentId: doc.id, offerId: counter.id });
    expect(
      (await viewer.session.trpc.lifecycle.offers.list.query({ documentId: doc.id })).items,
    ).toHaveLength(1);
  });
});

/** The deadline the case keeps for the list's order (documents.response_due_on). */
async function storedDeadline(documentId: string) {
  const handle = testDb();
  try {
    const [row] = await handle.db
      .select({ due: schema.documents.responseDueOn })
      .from(schema.documents)
      .where(eq(schema.documents.id, documentId));
    return row?.due;
  } finally {
    await handle.close();
  }
}

describe("the deadline a case keeps for the list", () => {
  it("follows a send, a moved deadline, an insurer offer and its deletion", async () => {
    const { owner, doc } = await caseReadyToSend("Haddad v. Northline Bus");
    expect(await storedDeadline(doc.id)).toBeNull();
    const send = await owner.session.trpc.lifecycle.markSent.mutate({ documentId: doc.id, method: "email" });
    expect(await storedDeadline(doc.id)).toBe(send.responseDueOn);

    const moved = addDays(send.responseDueOn, 14);
    await owner.session.trpc.lifecycle.setResponseDue.mutate({
      documentId: doc.id,
      sendId: send.id,
      responseDueOn: moved,
    });
    expect(await storedDeadline(doc.id)).toBe(moved);

    // Our own counter-offer answers nothing; the insurer's does, and changing it back undoes that.
    const offerBy = (party: "us" | "insurer") => ({
      documentId: doc.id,
      madeOn: send.sentOn,
      amountCents: 1_000_000,
      party,
    });
    const counter = await owner.session.trpc.lifecycle.offers.add.mutate(offerBy("us"));
    expect(await storedDeadline(doc.id)).toBe(moved);
    const offer = await owner.session.trpc.lifecycle.offers.add.mutate(offerBy("insurer"));
    expect(await storedDeadline(doc.id)).toBeNull();
    const byDeadline = async () =>
      (await owner.session.trpc.documents.list.query({ sort: "deadline" })).items.map((c) => c.id);
    const notSent = await owner.session.trpc.documents.create.mutate({ title: "Newer, not sent" });
    // Answered, the case sorts with those awaiting nothing: newest first.
    expect(await byDeadline()).toEqual([notSent.id, doc.id]);

    await owner.session.trpc.lifecycle.offers.update.mutate({ ...offerBy("us"), offerId: offer.id });
    expect(await storedDeadline(doc.id)).toBe(moved);
    await owner.session.trpc.lifecycle.offers.update.mutate({ ...offerBy("insurer"), offerId: offer.id });
    expect(await storedDeadline(doc.id)).toBeNull();

    await owner.session.trpc.lifecycle.offers.delete.mutate({ documentId: doc.id, offerId: offer.id });
    expect(await storedDeadline(doc.id)).toBe(moved);
    expect(await byDeadline()).toEqual([doc.id, notSent.id]);
    await owner.session.trpc.lifecycle.offers.delete.mutate({ documentId: doc.id, offerId: counter.id });
    expect(await storedDeadline(doc.id)).toBe(moved);

    // A case deleted with its send and offers goes without a trace.
    await owner.session.trpc.documents.delete.mutate({ documentId: doc.id });
    expect(await byDeadline()).toEqual([notSent.id]);
  });

  it("pages by deadline return every case once, in the list's order", async () => {
    const { session, user } = await signUp("deadlines");
    const created: { id: string }[] = [];
    for (let i = 0; i < 9; i++) {
      created.push(await session.trpc.documents.create.mutate({ title: `Case ${i}` }));
    }
    // Sends written straight to the table (the database keeps the case's deadline whoever writes):
    // two cases due the same day, one answered by the insurer, one sent twice (the newer counts).
    const due: Array<[number, string, string]> = [
      [0, "2026-05-01", "2026-05-20"],
      [1, "2026-05-01", "2026-05-10"],
      [2, "2026-05-01", "2026-05-10"],
      [3, "2026-05-01", "2026-06-01"],
      [4, "2026-05-01", "2026-05-05"],
      [5, "2026-04-01", "2026-04-20"],
      [5, "2026-05-02", "2026-06-15"],
    ];
    const handle = testDb();
    try {
      for (const [n, sentOn, responseDueOn] of due) {
        await handle.db.insert(schema.letterSends).values({
          documentId: created[n]?.id as string,
          sentOn,
          method: "email",
          recipient: "Claims",
          format: "pdf",
          filename: "demand.pdf",
          r2Key: `documents/${created[n]?.id}/sent/${n}.pdf`,
          sha256: "0".repeat(64),
          sizeBytes: 1,
          responseDueOn,
          sentBy: user.id,
        });
      }
      await handle.db.insert(schema.offers).values({
        documentId: created[3]?.id as string,
        madeOn: "2026-05-15",
        amountCents: 100,
        party: "insurer",
        createdBy: user.id,
      });
    } finally {
      await handle.close();
    }
    const c = (n: number) => created[n]?.id;
    // Soonest first; on the same day, and among those awaiting nothing, the newest case first.
    const expected = [c(4), c(2), c(1), c(0), c(5), c(8), c(7), c(6), c(3)];
    const whole = await session.trpc.documents.list.query({ sort: "deadline" });
    expect(whole.items.map((i) => i.id)).toEqual(expected);
    expect(whole.items.find((i) => i.id === c(5))?.response?.responseDueOn).toBe("2026-06-15");

    for (const limit of [1, 2, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } =
          await session.trpc.documents.list.query({ sort: "deadline", limit, cursor });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    }

    // The created order's cursor is not the deadline order's, nor a day that does not exist.
    const createdPage = await session.trpc.documents.list.query({ limit: 2 });
    expect(
      await codeOf(session.trpc.documents.list.query({ sort: "deadline", cursor: createdPage.nextCursor })),
    ).toBe("BAD_REQUEST");
    const crafted = btoa(JSON.stringify(["deadline", "2026-02-30", new Date().toISOString(), c(0)]));
    expect(await codeOf(session.trpc.documents.list.query({ sort: "deadline", cursor: crafted }))).toBe(
      "BAD_REQUEST",
    );
  });
});
