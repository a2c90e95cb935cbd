// Comment threads outside the room: each push of the letter copies its threads into
// letter_comments (search finds a case by a comment's words) and tells a newly @mentioned
// person, once, if the case is open to them. The threads are written through the room with the
// real sync protocol, as the web editor writes them.
import { and, eq, schema } from "@steno/db";
import { LETTER_FIELD } from "@steno/shared";
import { addThread, commentsOf, mentionToken, setThreadResolved } from "@steno/shared/review";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addCollaborator, mailTo, openLetter, riveraCase, signUp, testDb } from "./helpers.ts";
import { eventually } from "./pdf.ts";

/** An editor opens the room, changes the letter's threads with `change`, and leaves (the room pushes). */
async function inRoom(
  session: Parameters<typeof openLetter>[0],
  documentId: string,
  change: (doc: Y.Doc) => void,
) {
  const editor = await openLetter(session, documentId);
  change(editor.doc);
  await editor.resync(); // the room has it
  editor.close();
}

/** Opens a thread on the letter's first words, as the web editor does. */
function commentOnFirstWords(
  doc: Y.Doc,
  author: { id: string; name: string },
  body: string,
  ids = { thread: crypto.randomUUID(), message: crypto.randomUUID() },
) {
  const text = (doc.getXmlFragment(LETTER_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  addThread(doc, {
    id: ids.thread,
    start: Y.createRelativePositionFromTypeIndex(text, 0, 0),
    end: Y.createRelativePositionFromTypeIndex(text, 5, -1),
    quote: text.toString().slice(0, 5),
    author,
    body,
    at: Date.parse("2026-12-01T15:00:00Z"),
    messageId: ids.message,
  });
  return ids;
}

describe("comments pushed with the letter", () => {
  it("are stored, searchable by who may see the case, and tell a mentioned collaborator once", async () => {
    const { owner, doc } = await riveraCase("owner");
    const paralegal = await signUp("paralegal");
    await addCollaborator(owner.session, doc.id, paralegal, "editor");
    const outsider = await signUp("outsider");

    // The composer offers the people on the case, not the outsider (nor the writer).
    const offered = await paralegal.session.trpc.collaborators.mentionable.query({ documentId: doc.id });
    expect(offered.items).toEqual([{ id: owner.user.id, name: owner.user.name }]);

    const word = `zygapophysis${crypto.randomUUID().slice(0, 6)}`;
    const author = { id: paralegal.user.id, name: "Pat Paralegal (typed by the client)" };
    let kept = { thread: "", message: "" };
    let dropped = { thread: "", message: "" };
    await inRoom(paralegal.session, doc.id, (ydoc) => {
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Maria Rivera was rear-ended on March 14.")]);
      ydoc.getXmlFragment(LETTER_FIELD).insert(0, [paragraph]);
      kept = commentOnFirstWords(
        ydoc,
        author,
        `${mentionToken(owner.user)} the ${word} fracture is missing; ${mentionToken({ id: outsider.user.id, name: "Outsider" })} too`,
      );
      dropped = commentOnFirstWords(ydoc, author, "A second thread, deleted later");
    });

    const handle = testDb();
    try {
      // By body, "@…" first (in code units, not the database's collation).
      const rowsOf = async () =>
        (
          await handle.db
            .select()
            .from(schema.letterComments)
            .where(eq(schema.letterComments.documentId, doc.id))
        ).sort((a, b) => (a.body < b.body ? -1 : 1));
      const rows = await eventually(rowsOf, (r) => r.length === 2);
      expect(rows).toEqual([
        {
          documentId: doc.id,
          threadId: kept.thread,
          messageId: kept.message,
          authorId: paralegal.user.id,
          authorName: author.name,
          body: `@${owner.user.name} the ${word} fracture is missing; @Outsider too`,
          mentions: [owner.user.id, outsider.user.id],
          resolved: false,
          createdAt: "2026-12-01 15:00:00+00",
        },
        {
          documentId: doc.id,
          threadId: dropped.thread,
          messageId: dropped.message,
          authorId: paralegal.user.id,
          authorName: author.name,
          body: "A second thread, deleted later",
          mentions: [],
          resolved: false,
          createdAt: "2026-12-01 15:00:00+00",
        },
      ]);

      // Search finds the case by a comment's word, for those who may see it only.
      const found = await owner.session.trpc.documents.search.query({ query: word });
      expect(found.items.map((c) => [c.id, c.commentHits])).toEqual([[doc.id, 1]]);
      expect((await outsider.session.trpc.documents.search.query({ query: word })).items).toEqual([]);

      // The owner is told, by the author's own name; the outsider is not.
      const told = await owner.session.trpc.notifications.list.query({});
      expect(told.items.map((n) => [n.kind, n.documentId, n.payload])).toEqual([
        [
          "mention",
          doc.id,
          {
            threadId: kept.thread,
            messageId: kept.message,
            authorName: paralegal.user.name,
            caseTitle: "Rivera v. Acme",
            excerpt: `@${owner.user.name} the ${word} fracture is missing; @Outsider too`,
          },
        ],
      ]);
      // …and by email, with a link that opens the thread; the outsider gets none.
      const mail = await eventually(
        () => mailTo(owner.email),
        (m) => m.some((x) => x.subject.includes("mentioned you")),
      );
      const mention = mail.filter((m) => m.subject.includes("mentioned you"));
      expect(mention.map((m) => m.subject)).toEqual([
        `${paralegal.user.name} mentioned you on Rivera v. Acme`,
      ]);
      expect(mention[0]?.text).toContain(`the ${word} fracture is missing`);
      expect(mention[0]?.links).toEqual([
        expect.stringMatching(new RegExp(`/cases/${doc.id}\\?comment=${kept.thread}$`)),
      ]);
      expect((await mailTo(outsider.email)).filter((m) => m.subject.includes("mentioned"))).toEqual([]);
      const outsiderRows = await handle.db
        .select()
        .from(schema.notifications)
        .where(eq(schema.notifications.userId, outsider.user.id));
      expect(outsiderRows).toEqual([]);
      const listed = await owner.session.trpc.documents.list.query({ limit: 10 });
      expect(listed.items.find((c) => c.id === doc.id)?.unreadMentions).toBe(1);

      // A second push: one thread resolved, the other deleted. Nobody is told again.
      await inRoom(paralegal.session, doc.id, (ydoc) => {
        setThreadResolved(ydoc, kept.thread, { resolved: true, by: author, at: Date.now() });
        commentsOf(ydoc).delete(dropped.thread);
      });
      const after = await eventually(rowsOf, (r) => r.length === 1 && r[0]?.resolved === true);
      expect(after.map((r) => r.messageId)).toEqual([kept.message]);
      const mentionsOfOwner = await handle.db
        .select()
        .from(schema.notifications)
        .where(and(eq(schema.notifications.userId, owner.user.id), eq(schema.notifications.kind, "mention")));
      expect(mentionsOfOwner).toHaveLength(1);
      expect((await mailTo(owner.email)).filter((m) => m.subject.includes("mentioned you"))).toHaveLength(1);

      // Turned off, a mention is no longer emailed (the bell still has it); a colleague who kept
      // them on is emailed for the same message.
      const associate = await signUp("associate");
      await addCollaborator(owner.session, doc.id, associate, "editor");
      await owner.session.trpc.firm.updateSigner.mutate({ mentionEmails: false });
      expect((await owner.session.trpc.firm.signer.query()).mentionEmails).toBe(false);
      await inRoom(paralegal.session, doc.id, (ydoc) => {
        commentOnFirstWords(
          ydoc,
          author,
          `${mentionToken(owner.user)} and ${mentionToken(associate.user)} see above`,
        );
      });
      await eventually(
        () => mailTo(associate.email),
        (m) => m.some((x) => x.subject.includes("mentioned you")),
      );
      const ownerMentions = await owner.session.trpc.notifications.list.query({});
      expect(ownerMentions.items.filter((n) => n.kind === "mention")).toHaveLength(2);
      expect((await mailTo(owner.email)).filter((m) => m.subject.includes("mentioned you"))).toHaveLength(1);

      // Read from the bell, the case row's marker goes.
      await owner.session.trpc.notifications.markRead.mutate({ all: true });
      const relisted = await owner.session.trpc.documents.list.query({ limit: 10 });
      expect(relisted.items.find((c) => c.id === doc.id)?.unreadMentions).toBe(0);
    } finally {
      await handle.close();
    }
  });
});
