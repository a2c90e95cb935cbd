// "Rewrite with AI ▾" in the letter's toolbar (editors only): the paragraph at the cursor, or the
// words selected in it, made firmer, shorter, plainer or rewritten as the attorney says; or the
// section the cursor is in regenerated from the case. The answer arrives as a suggestion by
// "AI (requested by <name>)" for the owner or an editor to accept or reject, never as an edit.
import { MAX_REWRITE_INSTRUCTION_CHARS, type RewritePreset } from "@steno/shared";
import type { ReviewAuthor } from "@steno/shared/review";
import { useMutation } from "@tanstack/react-query";
import type { Editor } from "@tiptap/react";
import { type FormEvent, useId, useState } from "react";
import { ErrorMessage } from "../components/ui.tsx";
import { useTRPC } from "../trpc.ts";
import { rewriteTransaction, sectionTarget, sectionTransaction, textTarget } from "./ai-edits.ts";
import { suggestAs } from "./suggestions.ts";
import "./ai-rewrite.css";

const PRESETS: Array<[RewritePreset, string]> = [
  ["firmer", "Firmer"],
  ["shorter", "Shorter"],
  ["plainer", "Plainer"],
];

type Instruction =
  | { kind: "preset"; preset: RewritePreset }
  | { kind: "custom"; text: string }
  | { kind: "regenerate" };

export function AiRewriteMenu({
  editor,
  documentId,
  requester,
}: {
  editor: Editor;
  documentId: string;
  /** who asked: the suggestion says "AI (requested by <name>)" */
  requester: ReviewAuthor;
}) {
  const trpc = useTRPC();
  const menuId = useId();
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const rewrite = useMutation(trpc.letters.rewrite.mutationOptions());
  const author = { id: requester.id, name: `AI (requested by ${requester.name})` };

  const run = async (instruction: Instruction) => {
    setOpen(false);
    setProblem(null);
    setDone(null);
    rewrite.reset();
    if (instruction.kind === "regenerate") {
      const target = sectionTarget(editor.state);
      if ("problem" in target) return setProblem(target.problem);
      const result = await rewrite
        .mutateAsync({ documentId, heading: target.heading, instruction })
        .catch(() => null);
      if (result?.kind !== "section") return;
      const transaction = sectionTransaction(editor.state, target, result.blocks);
      if ("problem" in transaction) return setProblem(transaction.problem);
      if (!transaction.docChanged) return setDone("The section already says what the case gives it.");
      suggestAs(editor, transaction, author);
      return setDone(`The AI's “${target.heading}” is suggested: accept or reject it beside the letter.`);
    }
    const target = textTarget(editor.state);
    if ("problem" in target) return setProblem(target.problem);
    const result = await rewrite
      .mutateAsync({ documentId, text: target.text, heading: target.heading ?? undefined, instruction })
      .catch(() => null);
    if (result?.kind !== "text") return;
    const transaction = rewriteTransaction(editor.state, target, result.text);
    if (!transaction) {
      return setDone(
        result.text === target.text
          ? "The AI suggested no change."
          : "The words changed while the AI worked; try again.",
      );
    }
    suggestAs(editor, transaction, author);
    setDone("The AI's rewrite is suggested: accept or reject it beside the letter.");
  };

  const submitCustom = (event: FormEvent) => {
    event.preventDefault();
    if (custom.trim().length >= 3) void run({ kind: "custom", text: custom.trim() });
  };

  return (
    <div className="ai-rewrite">
      <button
        type="button"
        className="tool"
        aria-expanded={open}
        aria-controls={menuId}
        disabled={rewrite.isPending}
        title="Rewrite the paragraph at the cursor (or the words selected), or regenerate its section; the result is a suggestion"
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => setOpen(!open)}
      >
        {rewrite.isPending ? "Rewriting…" : "Rewrite with AI ▾"}
      </button>
      {open && (
        <fieldset id={menuId} className="ai-rewrite-menu" aria-label="Rewrite with AI">
          {PRESETS.map(([preset, label]) => (
            <button
              key={preset}
              type="button"
              className="tool"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => void run({ kind: "preset", preset })}
            >
              {label}
            </button>
          ))}
          <button
            type="button"
            className="tool"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => void run({ kind: "regenerate" })}
          >
            Regenerate section
          </button>
          <form className="ai-rewrite-custom" onSubmit={submitCustom}>
            <input
              aria-label="Other instruction"
              placeholder="Or say how…"
              maxLength={MAX_REWRITE_INSTRUCTION_CHARS}
              value={custom}
              onChange={(e) => setCustom(e.target.value)}
            />
            <button type="submit" className="tool" disabled={custom.trim().length < 3}>
              Rewrite
            </button>
          </form>
        </fieldset>
      )}
      <div className="ai-rewrite-status">
        {rewrite.isPending && (
          <span role="status" className="muted">
            The AI is rewriting…
          </span>
        )}
        {problem && (
          <span role="alert" className="ai-rewrite-problem">
            {problem}
          </span>
        )}
        <ErrorMessage error={rewrite.error} />
        {done && (
          <span role="status" className="muted">
            {done}
          </span>
        )}
      </div>
    </div>
  );
}
