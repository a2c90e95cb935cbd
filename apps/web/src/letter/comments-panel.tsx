// The margin beside the letter: comment threads in the order their words appear, each with its
// replies, a reply box and resolve/reopen; resolved threads folded below. Everyone in the room
// may comment (the room lets a viewer change the threads and nothing else).
import {
  addThread,
  bodyParts,
  type CommentThread,
  commentsOf,
  type ReviewAuthor,
  readThreads,
  replyToThread,
  setThreadResolved,
  withMentionTokens,
} from "@steno/shared/review";
import { useQuery } from "@tanstack/react-query";
import { type Editor, useEditorState } from "@tiptap/react";
import { type FormEvent, useEffect, useId, useMemo, useState } from "react";
import { useSearch } from "wouter";
import type * as Y from "yjs";
import { useTRPC } from "../trpc.ts";
import { selectionAnchor, showThreads, threadRange } from "./comment-anchors.ts";
import { MentionInput, type Person } from "./mention-input.tsx";
import "./review.css";

/** The threads in the letter's document, kept current as anyone changes them. */
export function useThreads(doc: Y.Doc): CommentThread[] {
  const [threads, setThreads] = useState(() => readThreads(doc));
  useEffect(() => {
    const comments = commentsOf(doc);
    const update = () => setThreads(readThreads(doc));
    update();
    comments.observeDeep(update);
    return () => comments.unobserveDeep(update);
  }, [doc]);
  return threads;
}

const when = (at: number) =>
  new Date(at).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });

type Props = { doc: Y.Doc; editor: Editor; author: ReviewAuthor; documentId: string };

export function CommentsPanel({ doc, editor, author, documentId }: Props) {
  const trpc = useTRPC();
  const headingId = useId();
  const threads = useThreads(doc);
  const [active, setActive] = useState<string | null>(null);
  const [draft, setDraft] = useState<ReturnType<typeof selectionAnchor>>(null);
  const [body, setBody] = useState("");
  const [picked, setPicked] = useState<Person[]>([]);
  // Whom the comment boxes offer to @mention: the people the case is open to (the server tells
  // only them; a mention of anyone else is kept as text and tells no one).
  const people = useQuery(trpc.collaborators.mentionable.queryOptions({ documentId })).data?.items ?? [];
  // A mention's notification links here with ?comment=<thread>.
  const search = useSearch();
  useEffect(() => {
    const linked = new URLSearchParams(search).get("comment");
    if (linked) setActive(linked);
  }, [search]);
  const selection = useEditorState({
    editor,
    selector: ({ editor: e }) => ({ empty: e.state.selection.empty, doc: e.state.doc }),
  });

  // The editor highlights what the list shows, and opens a thread when its words are clicked.
  useEffect(() => showThreads(editor, threads, active), [editor, threads, active]);
  useEffect(() => {
    const onOpen = (event: Event) => setActive((event as CustomEvent<string>).detail);
    editor.view.dom.addEventListener("comment-open", onOpen);
    return () => editor.view.dom.removeEventListener("comment-open", onOpen);
  }, [editor]);

  // In the order of the letter (selection.doc changes with every edit); detached threads last.
  const ordered = useMemo(() => {
    void selection.doc;
    const at = (thread: CommentThread) =>
      threadRange(editor.state, doc, thread)?.from ?? Number.MAX_SAFE_INTEGER;
    return [...threads].sort((a, b) => at(a) - at(b) || a.createdAt - b.createdAt);
  }, [threads, editor, doc, selection.doc]);
  const open = ordered.filter((t) => !t.resolved);
  const resolved = ordered.filter((t) => t.resolved);

  const start = () => {
    const anchor = selectionAnchor(editor, doc);
    if (anchor) setDraft(anchor);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft || !body.trim()) return;
    const id = crypto.randomUUID();
    addThread(doc, {
      id,
      ...draft,
      author,
      body: withMentionTokens(body.trim(), picked),
      at: Date.now(),
      messageId: crypto.randomUUID(),
    });
    setDraft(null);
    setBody("");
    setPicked([]);
    setActive(id);
  };

  const focus = (thread: CommentThread) => {
    setActive(thread.id);
    const range = threadRange(editor.state, doc, thread);
    if (range) editor.chain().setTextSelection(range).scrollIntoView().run();
  };

  // Open and resolved threads are the same card, in two lists.
  const threadCard = (thread: CommentThread) => (
    <ThreadCard
      key={thread.id}
      thread={thread}
      active={thread.id === active}
      detached={threadRange(editor.state, doc, thread) === null}
      me={author.id}
      people={people}
      onFocus={() => focus(thread)}
      onReply={(text) =>
        replyToThread(doc, thread.id, { id: crypto.randomUUID(), author, body: text, at: Date.now() })
      }
      onResolve={(value) =>
        setThreadResolved(doc, thread.id, { resolved: value, by: author, at: Date.now() })
      }
    />
  );

  return (
    <aside className="comments-panel" aria-labelledby={headingId}>
      <div className="comments-head">
        <h3 id={headingId}>
          Comments <span className="muted">({open.length} open)</span>
        </h3>
        <button
          type="button"
          className="button button-small"
          onMouseDown={(e) => e.preventDefault()}
          onClick={start}
          disabled={selection.empty || draft !== null}
          title={selection.empty ? "Select words in the letter to comment on them" : undefined}
        >
          Comment
        </button>
      </div>
      {draft && (
        <form className="comment-new" onSubmit={submit}>
          <blockquote className="comment-quote">{draft.quote}</blockquote>
          <MentionInput
            aria-label="New comment"
            placeholder="Comment… (@ to mention someone)"
            value={body}
            onChange={setBody}
            onPick={(person) => setPicked((p) => [...p, person])}
            people={people}
            rows={3}
            // the person just asked to write a comment
            autoFocus
          />
          <div className="comment-actions">
            <button type="submit" className="button button-small button-primary" disabled={!body.trim()}>
              Add comment
            </button>
            <button type="button" className="button button-small" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {open.length === 0 && !draft && <p className="muted comments-empty">No open comments.</p>}
      <ol className="comment-list">{open.map(threadCard)}</ol>
      {resolved.length > 0 && (
        <details className="comments-resolved">
          <summary>Resolved ({resolved.length})</summary>
          <ol className="comment-list">{resolved.map(threadCard)}</ol>
        </details>
      )}
    </aside>
  );
}

/** A message's words, its @mentions marked (the reader's own stand out). */
function MessageBody({ body, me }: { body: string; me: string }) {
  return (
    <p>
      {bodyParts(body).map((part, i) =>
        "mention" in part ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one message, in order
          <span key={i} className={`mention${part.mention.userId === me ? " is-me" : ""}`}>
            @{part.mention.name}
          </span>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

function ThreadCard({
  thread,
  active,
  detached,
  me,
  people,
  onFocus,
  onReply,
  onResolve,
}: {
  thread: CommentThread;
  active: boolean;
  detached: boolean;
  me: string;
  people: Person[];
  onFocus: () => void;
  onReply: (text: string) => void;
  onResolve: (resolved: boolean) => void;
}) {
  const [reply, setReply] = useState("");
  const [picked, setPicked] = useState<Person[]>([]);
  const [first, ...replies] = thread.messages;
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!reply.trim()) return;
    onReply(withMentionTokens(reply.trim(), picked));
    setReply("");
    setPicked([]);
  };
  return (
    <li className={`comment-thread${active ? " is-active" : ""}${thread.resolved ? " is-resolved" : ""}`}>
      <button type="button" className="comment-quote" onClick={onFocus} title="Show in the letter">
        {detached ? <s>{thread.quote}</s> : thread.quote}
        {detached && <span className="muted"> (text removed)</span>}
      </button>
      {[first, ...replies].filter(Boolean).map((message) => (
        <div className="comment-message" key={message?.id}>
          <div className="comment-meta">
            <strong>{message?.authorName || "Someone"}</strong>{" "}
            <span className="muted">{when(message?.at ?? 0)}</span>
          </div>
          <MessageBody body={message?.body ?? ""} me={me} />
        </div>
      ))}
      {thread.resolved && thread.resolvedBy && (
        <p className="muted comment-resolved-by">Resolved by {thread.resolvedBy}</p>
      )}
      {active && (
        <form className="comment-reply" onSubmit={send}>
          <MentionInput
            multiline={false}
            aria-label="Reply"
            placeholder="Reply…"
            value={reply}
            onChange={setReply}
            onPick={(person) => setPicked((p) => [...p, person])}
            people={people}
          />
          <button type="submit" className="button button-small" disabled={!reply.trim()}>
            Reply
          </button>
        </form>
      )}
      <div className="comment-actions">
        {!active && (
          <button type="button" className="button button-small" onClick={onFocus}>
            Reply
          </button>
        )}
        <button type="button" className="button button-small" onClick={() => onResolve(!thread.resolved)}>
          {thread.resolved ? "Reopen" : "Resolve"}
        </button>
      </div>
    </li>
  );
}
