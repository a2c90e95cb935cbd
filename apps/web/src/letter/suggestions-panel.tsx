// The open suggestions beside the letter: who suggested what and when; the owner or an editor
// accepts or rejects each one, or all of them.
import { type Editor, useEditorState } from "@tiptap/react";
import { useId } from "react";
import { reviewCommands, suggestionsIn } from "./suggestions.ts";

export function SuggestionsPanel({ editor, canDecide }: { editor: Editor; canDecide: boolean }) {
  const headingId = useId();
  const suggestions = useEditorState({ editor, selector: ({ editor: e }) => suggestionsIn(e.state.doc) });
  if (suggestions.length === 0) return null;
  return (
    <section className="suggestions-panel" aria-labelledby={headingId}>
      <div className="comments-head">
        <h3 id={headingId}>
          Suggestions <span className="muted">({suggestions.length})</span>
        </h3>
        {canDecide && (
          <span className="comment-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => reviewCommands.acceptAll(editor)}
            >
              Accept all
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => reviewCommands.rejectAll(editor)}
            >
              Reject all
            </button>
          </span>
        )}
      </div>
      <ol className="suggestion-list">
        {suggestions.map((s) => (
          <li
            key={s.id}
            className="suggestion-item"
            aria-label={`Suggestion by ${s.by?.authorName ?? "someone"}`}
          >
            <div className="comment-meta">
              <strong>{s.by?.authorName ?? "Someone"}</strong>{" "}
              {s.by && <span className="muted">{new Date(s.by.at).toLocaleString()}</span>}
            </div>
            <p>
              {s.deleted && <del>{s.deleted}</del>}
              {s.deleted && s.inserted && " → "}
              {s.inserted && <ins>{s.inserted}</ins>}
              {!s.deleted && !s.inserted && <span className="muted">Formatting change</span>}
            </p>
            {canDecide && (
              <div className="comment-actions">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => reviewCommands.accept(editor, s.id)}
                >
                  Accept
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => reviewCommands.reject(editor, s.id)}
                >
                  Reject
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
