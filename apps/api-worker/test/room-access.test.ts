// Who may be in a letter's room follows who is on the case, at once: the API tells the room when
// a collaborator is removed or demoted and when a session signs out (apps/party/src/access-ledger.ts).
// These tests speak the room's sync protocol, as the browser does.
import { env } from "cloudflare:workers";
import { and, eq, schema } from "@steno/db";
import { letterRoom } from "@steno/shared";
import { connectClient, type SyncClient, waitFor } from "@steno/shared/sync-client";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addCollaborator, codeOf, PASSWORD, Session, signUp, testDb } from "./helpers.ts";

type Person = Awaited<ReturnType<typeof signUp>>;

async function roomToken(session: Session, documentId: string) {
  return (await session.trpc.letters.roomToken.mutate({ documentId })).token;
}

async function joinRoom(documentId: string, token: string) {
  return connectClient(env.PARTY, `http://party/parties/letter-room/${documentId}?token=${token}`);
}

const text = (client: SyncClient) => client.doc.getText("t").toString();

/** The room's letter as a fresh reader sees it. */
async function roomText(documentId: string) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, (await letterRoom(env.ROOMS, documentId).snapshot()).state);
  return doc.getText("t").toString();
}

/** An owner and an editor, both in the case's room, with one edit the room took from the editor. */
async function editingTogether() {
  const owner = await signUp("owner");
  const editor = await signUp("editor");
  const doc = await owner.session.trpc.documents.create.mutate({ title: "Room access" });
  await addCollaborator(owner.session, doc.id, editor, "editor");
  const ownerRoom = await joinRoom(doc.id, await roomToken(owner.session, doc.id));
  const editorRoom = await joinRoom(doc.id, await roomToken(editor.session, doc.id));
  await Promise.all([ownerRoom.synced, editorRoom.synced]);
  editorRoom.doc.getText("t").insert(0, "before ");
  await waitFor(() => text(ownerRoom) === "before ");
  const { items } = await owner.session.trpc.collaborators.list.query({ documentId: doc.id });
  const editorRow = items.find((i) => i.userId === editor.user.id);
  if (!editorRow) throw new Error("the editor is not on the case");
  return { owner, editor, doc, ownerRoom, editorRoom, editorRow };
}

describe("room access follows the case", () => {
  it("collaborators.remove closes the removed editor's connection (4403), drops their next update, and refuses the token they still hold", async () => {
    const { owner, editor, doc, ownerRoom, editorRoom, editorRow } = await editingTogether();
    const held = await roomToken(editor.session, doc.id); // minted before the removal

    await owner.session.trpc.collaborators.remove.mutate({
      documentId: doc.id,
      collaboratorId: editorRow.id,
    });
    editorRoom.doc.getText("t").insert(0, "AFTER REMOVAL ");
    expect(await editorRoom.closed).toEqual({ code: 4403, reason: "removed from the case" });
    const again = await joinRoom(doc.id, held);
    expect(await again.closed).toMatchObject({ code: 4403 });
    expect(again.received.updates).toBe(0);
    expect(await codeOf(editor.session.trpc.letters.roomToken.mutate({ documentId: doc.id }))).toBe(
      "NOT_FOUND",
    );

    ownerRoom.doc.getText("t").insert(7, "owner");
    await ownerRoom.resync();
    expect(await roomText(doc.id)).toBe("before owner");
    ownerRoom.close();
  });

  it("collaborators.leave closes the leaver's own open connection (4403)", async () => {
    const { editor, doc, ownerRoom, editorRoom } = await editingTogether();
    await editor.session.trpc.collaborators.leave.mutate({ documentId: doc.id });
    expect(await editorRoom.closed).toMatchObject({ code: 4403 });
    ownerRoom.close();
  });

  it("collaborators.updateRole to viewer makes the open connection read-only at once; the letter still reaches it", async () => {
    const { owner, doc, ownerRoom, editorRoom, editorRow } = await editingTogether();

    await owner.session.trpc.collaborators.updateRole.mutate({
      documentId: doc.id,
      collaboratorId: editorRow.id,
      role: "viewer",
    });
    // The browser hears it (the editor turns read-only without reconnecting).
    await waitFor(() => editorRoom.custom.length > 0);
    expect(JSON.parse(editorRoom.custom[0] as string)).toEqual({ type: "role", role: "viewer" });
    editorRoom.doc.getText("t").insert(0, "AFTER DEMOTION ");
    await editorRoom.resync(); // the room has handled that update
    ownerRoom.doc.getText("t").insert(7, "owner");
    await waitFor(() => text(editorRoom).includes("owner"));
    expect(await roomText(doc.id)).toBe("before owner");
    for (const c of [ownerRoom, editorRoom]) c.close();
  });

  it("logout closes that session's room connections (4401); the same person's other session stays", async () => {
    const { editor, doc, editorRoom } = await editingTogether();
    const phone = new Session();
    await phone.trpc.auth.login.mutate({ email: editor.email, password: PASSWORD });
    const phoneRoom = await joinRoom(doc.id, await roomToken(phone, doc.id));
    await phoneRoom.synced;

    await phone.trpc.auth.logout.mutate();
    phoneRoom.doc.getText("t").insert(0, "AFTER LOGOUT ");
    expect(await phoneRoom.closed).toEqual({ code: 4401, reason: "signed out" });
    editorRoom.doc.getText("t").insert(7, "laptop");
    await editorRoom.resync();
    expect(await roomText(doc.id)).toBe("before laptop");
    editorRoom.close();
  });
});

describe("owners", () => {
  it("two owners demoting each other at once: one succeeds, the other gets 409, the case keeps an owner", async () => {
    const a: Person = await signUp("owner-a");
    const b: Person = await signUp("owner-b");
    const doc = await a.session.trpc.documents.create.mutate({ title: "Two owners" });
    await addCollaborator(a.session, doc.id, b, "editor");
    const { items } = await a.session.trpc.collaborators.list.query({ documentId: doc.id });
    const rowOf = (person: Person) => items.find((i) => i.userId === person.user.id)?.id as string;
    await a.session.trpc.collaborators.updateRole.mutate({
      documentId: doc.id,
      collaboratorId: rowOf(b),
      role: "owner",
    });

    // Both demotions are held at their write until both are in flight, so each has read the
    // owners before either writes (what a real race does on a bad day, here every time).
    const handle = testDb();
    const barrier = await handle.pool.connect();
    try {
      await barrier.query("BEGIN");
      await barrier.query("LOCK TABLE document_collaborators IN EXCLUSIVE MODE");
      const demoteB = codeOf(
        a.session.trpc.collaborators.updateRole.mutate({
          documentId: doc.id,
          collaboratorId: rowOf(b),
          role: "editor",
        }),
      );
      const demoteA = codeOf(
        b.session.trpc.collaborators.updateRole.mutate({
          documentId: doc.id,
          collaboratorId: rowOf(a),
          role: "editor",
        }),
      );
      const waiting = async () => {
        const probe = testDb();
        try {
          const { rows } = await probe.pool.query<{ waiting: number }>(
            `select count(*)::int as waiting from pg_stat_activity
             where datname = current_database() and wait_event_type = 'Lock'
               and (query ilike '%document_collaborators%' or query ilike '%for update%')`,
          );
          return (rows[0]?.waiting ?? 0) >= 2;
        } finally {
          await probe.close();
        }
      };
      await waitFor(waiting, 10_000);
      await barrier.query("COMMIT");
      expect((await Promise.all([demoteB, demoteA])).sort()).toEqual(["CONFLICT", "OK"]);
      const owners = await handle.db
        .select({ id: schema.documentCollaborators.id })
        .from(schema.documentCollaborators)
        .where(
          and(
            eq(schema.documentCollaborators.documentId, doc.id),
            eq(schema.documentCollaborators.role, "owner"),
          ),
        );
      expect(owners).toHaveLength(1);
    } finally {
      barrier.release();
      await handle.close();
    }
  });
});
