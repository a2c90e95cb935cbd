// The Word round trip (issue 16): the letter exported to Word, edited there as Word and LibreOffice
// write their files, and imported back as suggestions and comment threads.

import { applySuggestions, revertSuggestions } from "@handlewithcare/prosemirror-suggest-changes";
import { LETTER_FIELD, letterText, suggestionId } from "@steno/shared";
import { addThread, letterFragmentOf, readThreads, suggestionInfo } from "@steno/shared/review";
import { initProseMirrorDoc } from "@tiptap/y-tiptap";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { type Command, EditorState } from "prosemirror-state";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { schemaFor } from "../src/letters/import.ts";
import {
  API,
  addCollaborator,
  caseWithFacts,
  generateLetter,
  openLetter,
  RIVERA_FACTS,
  Session,
  signUp,
  storedLetter,
} from "./helpers.ts";
import { eventually } from "./pdf.ts";

const TEMPLATE = `Re: Our client: Maria Rivera

Dear Claims Adjuster:

Our client was stopped at a red light when your insured's delivery truck struck her car from behind at speed.

# Treatment

{{facts.treatment}}

Sincerely,

{{attorney.signature}}`;

/** A drafted letter with an open suggestion and a comment thread of its own, as Word will see them. */
async function reviewedCase() {
  const { owner, doc } = await caseWithFacts(RIVERA_FACTS.filter((f) => f.category === "treatment"));
  const template = await owner.session.trpc.templates.create.mutate({ name: "Short", body: TEMPLATE });
  expect((await generateLetter(owner.session, doc.id, { templateId: template.id })).status).toBe("succeeded");
  await eventually(
    () => storedLetter(doc.id),
    ({ content }) => letterText(content).includes("Sincerely,"),
  );
  const editor = await openLetter(owner.session, doc.id);
  const fragment = letterFragmentOf(editor.doc);
  const [paragraph, text] = textHolding(fragment, "from behind");
  text.insert(text.toString().indexOf("from behind"), "squarely ", {
    insertion: { id: suggestionId("s1", { id: owner.user.id, name: "Pat Paralegal" }, 0) },
  });
  const at = text.toString().indexOf("red light");
  addThread(editor.doc, {
    id: "t1",
    start: Y.createRelativePositionFromTypeIndex(text, at),
    end: Y.createRelativePositionFromTypeIndex(text, at + "red light".length, -1),
    quote: "red light",
    author: { id: owner.user.id, name: owner.user.name },
    body: "Which intersection?",
    at: Date.UTC(2026, 11, 1),
    messageId: "m1",
  });
  expect(paragraph).toBeInstanceOf(Y.XmlElement);
  await editor.resync();
  editor.close();
  return { owner, doc };
}

function textHolding(fragment: Y.XmlFragment, words: string): [Y.XmlElement, Y.XmlText] {
  for (const block of fragment.toArray()) {
    if (!(block instanceof Y.XmlElement)) continue;
    for (const child of block.toArray())
      if (child instanceof Y.XmlText && child.toString().includes(words)) return [block, child];
  }
  throw new Error(`"${words}" is not in the letter`);
}

/** The letter's suggestions as the room holds them: kind, words, by whom. */
async function suggestionsIn(session: Session, documentId: string) {
  const editor = await openLetter(session, documentId);
  const out: Array<{ kind: string; text: string; by: string; id?: string }> = [];
  const stack = letterFragmentOf(editor.doc).toArray().reverse();
  while (stack.length) {
    const node = stack.pop();
    if (node instanceof Y.XmlElement) stack.push(...node.toArray().reverse());
    if (!(node instanceof Y.XmlText)) continue;
    for (const op of node.toDelta() as Array<{
      insert: string;
      attributes?: Record<string, { id?: string }>;
    }>) {
      for (const kind of ["insertion", "deletion"]) {
        const id = op.attributes?.[kind]?.id;
        if (!id) continue;
        const by = suggestionInfo(id)?.authorName ?? "";
        const last = out.at(-1);
        if (last && last.kind === kind && last.id === id) last.text += op.insert;
        else out.push({ kind, text: op.insert, by, id });
      }
    }
  }
  const threads = readThreads(editor.doc);
  const fragment = editor.doc.getXmlFragment(LETTER_FIELD);
  const json = JSON.stringify(fragment.toJSON());
  // The letter with every suggestion accepted, or rejected, by the editor's own commands.
  const decided = (command: Command) => {
    const schema = schemaFor(fragment);
    let state = EditorState.create({ schema, doc: initProseMirrorDoc(fragment, schema).doc });
    command(state, (tr) => {
      state = state.apply(tr);
    });
    return state.doc.textBetween(0, state.doc.content.size, "\n");
  };
  const accepted = decided(applySuggestions);
  const rejected = decided(revertSuggestions);
  editor.close();
  return { suggestions: out.map(({ id: _, ...rest }) => rest), threads, json, accepted, rejected };
}

const exportDocx = async (session: Session, documentId: string) => {
  const res = await session.fetch(`${API}/api/documents/${documentId}/export.docx`);
  expect(res.status).toBe(200);
  return unzipSync(new Uint8Array(await res.arrayBuffer()));
};

const importDocx = (session: Session, documentId: string, body: Uint8Array) =>
  session.fetch(`${API}/api/documents/${documentId}/import.docx`, {
    method: "POST",
    headers: { "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
    body,
  });

/**
 * Splits the exported run holding `words` around them and puts `runs(words, rPr)` in their place,
 * as Word does when it edits inside a run.
 */
function editRun(xml: string, words: string, runs: (words: string, rPr: string) => string): string {
  const run =
    /<w:r(?: [^>]*)?>(<w:rPr>(?:(?!<\/w:r>).)*?<\/w:rPr>)?<w:t xml:space="preserve">([^<]*)<\/w:t><\/w:r>/g;
  let found = false;
  const out = xml.replace(run, (whole, rPr = "", text: string) => {
    const at = text.indexOf(words);
    if (found || at < 0) return whole;
    found = true;
    const plain = (t: string) =>
      t ? `<w:r w:rsidR="00A4C2D1">${rPr}<w:t xml:space="preserve">${t}</w:t></w:r>` : "";
    return plain(text.slice(0, at)) + runs(words, rPr) + plain(text.slice(at + words.length));
  });
  expect(found, `"${words}" in ${xml.replace(/<(?!w:t)[^>]+>/g, "")}`).toBe(true);
  return out;
}

const PARTNER = 'w:author="Lane Partner" w:date="2026-12-02T10:00:00Z"';

function zip(files: Record<string, Uint8Array>, edits: Record<string, (xml: string) => string>) {
  const out = { ...files };
  for (const [name, edit] of Object.entries(edits))
    out[name] = strToU8(edit(files[name] ? strFromU8(files[name]) : ""));
  return zipSync(out);
}

describe("Word import", () => {
  it("brings Word's edits back as suggestions by 'Word import (name)' and its comment as a thread; a second import adds nothing; LibreOffice's untracked edit and an image", async () => {
    const { owner, doc } = await reviewedCase();
    const before = await suggestionsIn(owner.session, doc.id);
    expect(before.suggestions).toEqual([{ kind: "insertion", text: "squarely ", by: "Pat Paralegal" }]);

    // Word, with Track Changes on: a word inserted, a phrase deleted, a comment added, and Pat's
    // suggestion rejected (that one is for Steno to decide: reported, not applied).
    const word = zip(await exportDocx(owner.session, doc.id), {
      "word/document.xml": (xml) => {
        const pat = /<w:ins [^>]*w:author="Pat Paralegal"[^>]*>.*?<\/w:ins>/;
        expect(xml).toMatch(pat);
        let out = editRun(
          xml.replace(pat, ""),
          "struck",
          (w, rPr) =>
            `<w:ins w:id="901" ${PARTNER}><w:r>${rPr}<w:t xml:space="preserve">suddenly </w:t></w:r></w:ins><w:r>${rPr}<w:t xml:space="preserve">${w}</w:t></w:r>`,
        );
        out = editRun(
          out,
          " at speed",
          (w, rPr) =>
            `<w:del w:id="902" ${PARTNER}><w:r>${rPr}<w:delText xml:space="preserve">${w}</w:delText></w:r></w:del>`,
        );
        return editRun(
          out,
          "delivery truck",
          (w, rPr) =>
            `<w:commentRangeStart w:id="77"/><w:r>${rPr}<w:t xml:space="preserve">${w}</w:t></w:r><w:commentRangeEnd w:id="77"/><w:r><w:commentReference w:id="77"/></w:r>`,
        );
      },
      // A new comment, and a reply to the letter's own thread (Word links it by paragraph ids).
      "word/comments.xml": (xml) =>
        xml
          .replace(/(<w:comment [^>]*>)<w:p>/, '$1<w:p w14:paraId="1A2B3C4D">')
          .replace(
            "</w:comments>",
            `<w:comment w:id="77" ${PARTNER} w:initials="LP"><w:p><w:r><w:t>Name the driver.</w:t></w:r></w:p></w:comment><w:comment w:id="78" ${PARTNER} w:initials="LP"><w:p w14:paraId="5E6F7A8B"><w:r><w:t>Main Street and 5th.</w:t></w:r></w:p></w:comment></w:comments>`,
          ),
      "word/commentsExtended.xml": () =>
        `<w15:commentsEx xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:commentEx w15:paraId="1A2B3C4D" w15:done="0"/><w15:commentEx w15:paraId="5E6F7A8B" w15:paraIdParent="1A2B3C4D" w15:done="0"/></w15:commentsEx>`,
    });
    const first = await importDocx(owner.session, doc.id, word);
    expect(first.status).toBe(200);
    const rejected = {
      kind: "suggestion",
      near: "squarely",
      message: "Word rejected a suggested insertion here: reject it in Steno",
    };
    expect(await first.json()).toEqual({
      suggestions: 2,
      comments: 1,
      replies: 1,
      resolved: 0,
      unmapped: [rejected],
    });

    const after = await suggestionsIn(owner.session, doc.id);
    expect(after.suggestions).toEqual([
      { kind: "insertion", text: "suddenly ", by: "Word import (Test owner)" },
      { kind: "insertion", text: "squarely ", by: "Pat Paralegal" },
      { kind: "deletion", text: " at speed", by: "Word import (Test owner)" },
    ]);
    // Accepted, the letter reads as Word's file; rejected, as it did before.
    const sentence = (text: string) =>
      text.split("\n").find((line) => line.startsWith("Our client was stopped"));
    expect(sentence(after.accepted)).toBe(
      "Our client was stopped at a red light when your insured's delivery truck suddenly struck her car squarely from behind.",
    );
    expect(sentence(after.rejected)).toBe(
      "Our client was stopped at a red light when your insured's delivery truck struck her car from behind at speed.",
    );
    expect(after.threads.map((t) => [t.quote, t.messages.map((m) => [m.authorName, m.body])])).toEqual([
      [
        "red light",
        [
          ["Test owner", "Which intersection?"],
          ["Lane Partner (Word import)", "Main Street and 5th."],
        ],
      ],
      ["delivery truck", [["Lane Partner (Word import)", "Name the driver."]]],
    ]);

    // The same file again: nothing new, the letter untouched.
    const second = await importDocx(owner.session, doc.id, word);
    expect(await second.json()).toEqual({
      suggestions: 0,
      comments: 0,
      replies: 0,
      resolved: 0,
      unmapped: [rejected],
    });
    const again = await suggestionsIn(owner.session, doc.id);
    expect(again.json).toBe(after.json);
    expect(again.threads).toEqual(after.threads);

    // The same file with the "delivery truck" comment resolved in Word: its thread is resolved
    // here, by the one who imported it; the other thread stays open.
    const resolvedInWord = zip(unzipSync(word), {
      "word/commentsExtended.xml": (xml) =>
        xml.replace(
          "</w15:commentsEx>",
          '<w15:commentEx w15:paraId="0C0FFEE0" w15:done="1"/></w15:commentsEx>',
        ),
      "word/comments.xml": (xml) =>
        xml.replace(/(<w:comment w:id="77" [^>]*>)<w:p>/, '$1<w:p w14:paraId="0C0FFEE0">'),
    });
    const resolving = await importDocx(owner.session, doc.id, resolvedInWord);
    expect(await resolving.json()).toMatchObject({ suggestions: 0, comments: 0, replies: 0, resolved: 1 });
    const threads = (await suggestionsIn(owner.session, doc.id)).threads;
    expect(threads.map((t) => [t.quote, t.resolved, t.resolvedBy])).toEqual([
      ["red light", false, null],
      ["delivery truck", true, "Word import (Test owner)"],
    ]);
    // Importing it again changes nothing.
    const resolvedAgain = await importDocx(owner.session, doc.id, resolvedInWord);
    expect(await resolvedAgain.json()).toMatchObject({ resolved: 0 });

    // LibreOffice, Track Changes off, on the next export (which carries the suggestions above as
    // tracked changes): a word replaced in place, a paragraph added, and a picture pasted.
    const next = await exportDocx(owner.session, doc.id);
    expect(strFromU8(next["word/document.xml"] as Uint8Array)).toMatch(
      /<w:ins [^>]*w:author="Word import \(Test owner\)"/,
    );
    const libre = zip(next, {
      "word/document.xml": (xml) => {
        const edited = editRun(
          editRun(xml, "Claims Adjuster", () => `<w:r><w:t>Claims Manager</w:t></w:r>`),
          "Treatment",
          (w, rPr) =>
            `<w:r>${rPr}<w:t xml:space="preserve">${w}</w:t></w:r><w:r><w:drawing><wp:inline><wp:extent cx="9525" cy="9525"/><wp:docPr id="1" name="Image1"/></wp:inline></w:drawing></w:r>`,
        );
        const at = edited.indexOf("</w:p>", edited.indexOf("Claims Manager")) + "</w:p>".length;
        return `${edited.slice(0, at)}<w:p><w:r><w:t>We write on behalf of our client.</w:t></w:r></w:p>${edited.slice(at)}`;
      },
    });
    const third = await importDocx(owner.session, doc.id, libre);
    expect(third.status).toBe(200);
    const report = (await third.json()) as {
      suggestions: number;
      unmapped: Array<{ kind: string; near: string }>;
    };
    expect(report.suggestions).toBe(2);
    expect(report.unmapped).toEqual([
      { kind: "image", near: "Treatment", message: "An image was not brought back" },
    ]);
    const last = await suggestionsIn(owner.session, doc.id);
    const by = "Word import (Test owner)";
    // The new paragraph is marked as the editor marks one: its words, and a zero-width space where it splits off.
    expect(last.suggestions.slice(0, 3)).toEqual([
      { kind: "deletion", text: "Adjuster", by },
      { kind: "insertion", text: "Manager", by },
      { kind: "insertion", text: "\u200BWe write on behalf of our client.", by },
    ]);
    expect(last.suggestions).toHaveLength(6);
    const lineAfter = (text: string, line: string) => text.split("\n")[text.split("\n").indexOf(line) + 1];
    expect(lineAfter(last.accepted, "Dear Claims Manager:")).toBe("We write on behalf of our client.");
    expect(lineAfter(last.rejected, "Dear Claims Adjuster:")).toMatch(/^Our client was stopped/);
  });

  it("answers 401 signed out, 404 outside the case, 403 to a viewer, 415/400/413 for what is not a Word file, 409 with no letter", async () => {
    const owner = await signUp("owner");
    const doc = await owner.session.trpc.documents.create.mutate({ title: "No letter yet" });
    const viewer = await signUp("viewer");
    await addCollaborator(owner.session, doc.id, viewer, "viewer");
    const stranger = await signUp("stranger");
    const docx = zipSync({
      "word/document.xml": strToU8(
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>',
      ),
    });
    expect((await importDocx(new Session(), doc.id, docx)).status).toBe(401);
    expect((await importDocx(stranger.session, doc.id, docx)).status).toBe(404);
    expect((await importDocx(viewer.session, doc.id, docx)).status).toBe(403);
    expect((await importDocx(owner.session, doc.id, strToU8("%PDF-1.7 not a word file"))).status).toBe(415);
    expect((await importDocx(owner.session, doc.id, zipSync({ "a.txt": strToU8("hi") }))).status).toBe(415);
    const corrupt = await importDocx(
      owner.session,
      doc.id,
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
    );
    expect(corrupt.status).toBe(400);
    expect((await importDocx(owner.session, doc.id, new Uint8Array(10 * 1024 * 1024 + 1))).status).toBe(413);
    const broken = zipSync({ "word/document.xml": strToU8("<w:document><w:body>") });
    expect((await importDocx(owner.session, doc.id, broken)).status).toBe(400);
    const empty = await importDocx(owner.session, doc.id, docx);
    expect(empty.status).toBe(409);
    expect(await empty.text()).toContain("no letter yet");
  });
});
