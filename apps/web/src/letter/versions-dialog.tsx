// Saved versions of the letter: save the current one, preview one, see a redline of the letter
// now against it, restore it.
import type { Redline, RedlineBlock } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { LetterPreview } from "../components/letter-preview.tsx";
import { Dialog, ErrorMessage, Field, Loading, Notice } from "../components/ui.tsx";
import { describeError } from "../lib/errors.ts";
import { useTRPC } from "../trpc.ts";
import "./versions.css";

type Open = { versionId: string; compare: boolean };

export function VersionsDialog({
  documentId,
  editable,
  onClose,
  onRestored,
}: {
  documentId: string;
  editable: boolean;
  onClose: () => void;
  onRestored: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [label, setLabel] = useState("");
  const [open, setOpen] = useState<Open | null>(null);
  const versions = useQuery(trpc.letters.versions.list.queryOptions({ documentId }));
  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.letters.versions.list.queryKey({ documentId }) }),
    [queryClient, trpc, documentId],
  );
  const create = useMutation(
    trpc.letters.versions.create.mutationOptions({
      onSuccess: () => {
        setLabel("");
        void refresh();
      },
    }),
  );
  const restore = useMutation(
    trpc.letters.versions.restore.mutationOptions({
      onSuccess: () => {
        setOpen(null);
        void refresh();
        onRestored();
      },
    }),
  );
  const confirmRestore = (version: { id: string; label: string }) => {
    if (confirm(`Restore “${version.label}”? The current letter is saved as a version first.`)) {
      restore.mutate({ documentId, versionId: version.id });
    }
  };
  const fieldErrors = create.error ? describeError(create.error).fieldErrors : {};
  return (
    <Dialog title="Version history" onClose={onClose} wide={open !== null}>
      <ErrorMessage error={restore.error} />
      {restore.isSuccess && <Notice tone="success">Restored “{restore.data.restoredLabel}”.</Notice>}
      {open ? (
        <VersionView
          documentId={documentId}
          open={open}
          onChange={setOpen}
          onRestore={editable && !restore.isPending ? confirmRestore : undefined}
        />
      ) : (
        <>
          {editable && (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                create.mutate({ documentId, label });
              }}
            >
              <Field
                label="Save the letter as it is now"
                hint="Leave the name empty to name it for you and now."
                errors={fieldErrors.label}
              >
                {(p) => (
                  <input
                    {...p}
                    placeholder="e.g. Sent to partner for review"
                    value={label}
                    onChange={(e) => setLabel(e.target.value)}
                  />
                )}
              </Field>
              <button type="submit" className="button button-primary" disabled={create.isPending}>
                {create.isPending ? "Saving…" : "Save version"}
              </button>
            </form>
          )}
          {!fieldErrors.label && <ErrorMessage error={create.error} />}
          {versions.isPending && <Loading label="Loading versions…" />}
          <ErrorMessage error={versions.error} onRetry={() => void versions.refetch()} />
          {versions.data?.items.length === 0 && <p className="muted">No saved versions yet.</p>}
          <ul className="versions">
            {versions.data?.items.map((v) => (
              <li key={v.id}>
                <div>
                  <strong>{v.label}</strong>
                  <div className="muted">
                    {new Date(v.createdAt).toLocaleString()}
                    {v.authorName ? ` · ${v.authorName}` : ""}
                    {v.lockedAt ? " · locked (sent)" : ""}
                  </div>
                </div>
                <div className="version-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Preview “${v.label}”`}
                    onClick={() => setOpen({ versionId: v.id, compare: false })}
                  >
                    Preview
                  </button>
                  {editable && (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Restore “${v.label}”`}
                      disabled={restore.isPending}
                      onClick={() => confirmRestore(v)}
                    >
                      Restore
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}

/** One version, read-only, or the redline of the letter now against it. */
function VersionView({
  documentId,
  open,
  onChange,
  onRestore,
}: {
  documentId: string;
  open: Open;
  onChange: (open: Open | null) => void;
  onRestore?: (version: { id: string; label: string }) => void;
}) {
  const trpc = useTRPC();
  const input = { documentId, versionId: open.versionId };
  const version = useQuery(trpc.letters.versions.get.queryOptions(input));
  // The letter changes while the dialog is open: each comparison asks the room again.
  const compared = useQuery({
    ...trpc.letters.versions.compare.queryOptions(input),
    enabled: open.compare,
    staleTime: 0,
  });
  const v = version.data;
  return (
    <section className="version-view" aria-label={v ? `Version “${v.label}”` : "Version"}>
      <div className="version-view-bar">
        <button type="button" className="button button-small button-ghost" onClick={() => onChange(null)}>
          ← All versions
        </button>
        {v && (
          <div className="version-view-title">
            <strong>{v.label}</strong>
            <span className="muted">
              {new Date(v.createdAt).toLocaleString()}
              {v.authorName ? ` · ${v.authorName}` : ""}
            </span>
          </div>
        )}
        <div className="version-actions">
          <button
            type="button"
            className="button button-small"
            aria-pressed={open.compare}
            onClick={() => onChange({ ...open, compare: !open.compare })}
          >
            {open.compare ? "Show this version" : "Compare with current"}
          </button>
          {onRestore && v && (
            <button type="button" className="button button-small button-primary" onClick={() => onRestore(v)}>
              Restore this version
            </button>
          )}
        </div>
      </div>
      {open.compare ? (
        <>
          {compared.isPending && <Loading label="Comparing with the current letter…" />}
          <ErrorMessage error={compared.error} onRetry={() => void compared.refetch()} />
          {compared.data && <RedlineView redline={compared.data} />}
        </>
      ) : (
        <>
          {version.isPending && <Loading label="Loading the version…" />}
          <ErrorMessage error={version.error} onRetry={() => void version.refetch()} />
          {v && <LetterPreview className="version-preview" letter={v.content} />}
        </>
      )}
    </section>
  );
}

const BLOCK_NOTE: Partial<Record<RedlineBlock["kind"], string>> = {
  inserted: "Added",
  deleted: "Deleted",
  "moved-from": "Moved from here",
  "moved-to": "Moved here",
};

// Unchanged paragraphs shown on each side of a change; longer unchanged runs fold into a button.
const CONTEXT = 1;

/** The blocks to show: each change with CONTEXT unchanged blocks around it, the rest folded. */
function foldUnchanged(blocks: RedlineBlock[], unfolded: Set<number>) {
  const near = (i: number) =>
    blocks.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((b) => b.kind !== "same");
  const rows: Array<{ block: RedlineBlock; index: number } | { folded: number; from: number }> = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as RedlineBlock;
    if (block.kind !== "same" || near(i)) {
      rows.push({ block, index: i });
      continue;
    }
    let end = i;
    while (end + 1 < blocks.length && blocks[end + 1]?.kind === "same" && !near(end + 1)) end++;
    if (unfolded.has(i) || end === i) {
      for (let j = i; j <= end; j++) rows.push({ block: blocks[j] as RedlineBlock, index: j });
    } else {
      rows.push({ folded: end - i + 1, from: i });
    }
    i = end;
  }
  return rows;
}

/**
 * The current letter against the version: inserted words underlined, deleted ones struck
 * through, in <ins>/<del> whose start and end screen readers announce (versions.css), so the
 * colours are never the only sign. Unchanged stretches are folded (a button shows them).
 */
function RedlineView({ redline }: { redline: Redline }) {
  const [unfolded, setUnfolded] = useState<Set<number>>(new Set());
  const rows = redline.changes === 0 ? [] : foldUnchanged(redline.blocks, unfolded);
  return (
    <div className="redline" data-testid="redline">
      <p className="redline-legend">
        {redline.changes === 0
          ? "The current letter is the same as this version."
          : `${redline.changes} ${redline.changes === 1 ? "change" : "changes"} since this version: `}
        {redline.changes > 0 && (
          <>
            <ins>inserted</ins> and <del>deleted</del> text.
          </>
        )}
        {redline.pending > 0 &&
          ` ${redline.pending} open ${redline.pending === 1 ? "suggestion is" : "suggestions are"} read as not yet accepted: accept ${redline.pending === 1 ? "it" : "them"} to see ${redline.pending === 1 ? "it" : "them"} here.`}
      </p>
      <div className="letter-doc redline-doc">
        {rows.map((row) =>
          "folded" in row ? (
            <button
              key={`fold-${row.from}`}
              type="button"
              className="redline-fold"
              onClick={() => setUnfolded(new Set([...unfolded, row.from]))}
            >
              {row.folded} unchanged {row.folded === 1 ? "paragraph" : "paragraphs"}: show
            </button>
          ) : (
            <RedlineRow key={row.index} block={row.block} />
          ),
        )}
      </div>
    </div>
  );
}

function RedlineRow({ block }: { block: RedlineBlock }) {
  const note = BLOCK_NOTE[block.kind];
  return (
    <div
      className={`redline-block redline-${block.kind} redline-${block.type}${block.level ? ` redline-h${block.level}` : ""}`}
    >
      {note && <span className="redline-note">{note}</span>}
      <p>
        {block.parts.map((part, j) =>
          part.op === "ins" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
            <ins key={j}>{part.text}</ins>
          ) : part.op === "del" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
            <del key={j}>{part.text}</del>
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
            <span key={j}>{part.text}</span>
          ),
        )}
      </p>
    </div>
  );
}
