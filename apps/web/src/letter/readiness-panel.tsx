import { dismissReadinessItemInput, type ReadinessKind } from "@steno/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link } from "wouter";
import { ErrorMessage, Field, formatDate, Loading } from "../components/ui.tsx";
import { zodFieldErrors } from "../lib/errors.ts";
import type { Readiness, ReadinessItem } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";

/** Where "fix" takes the attorney, in words. */
const FIX_LABELS: Record<ReadinessKind, string> = {
  profile: "Confirm in Case profile",
  conflict: "Resolve in Case profile",
  statement: "Open the bill",
  pending: "Review the fact",
  unverified: "Check against the PDF",
  variable: "Firm settings",
  draft: "Find in the letter",
  prose: "Find in the letter",
};

/** Selects a sentence of the letter so the attorney can rewrite it (window.find reaches the editor). */
function findInLetter(sentence: string) {
  const find = (window as { find?: (text: string) => boolean }).find;
  window.getSelection()?.removeAllRanges();
  find?.call(window, sentence.slice(0, 120));
}

/**
 * What stands between the case and a letter that can go out: each item with a way to fix it
 * and, for editors, a way to dismiss it with a reason (kept with the case and in the audit log).
 */
export function ReadinessPanel({
  documentId,
  readiness,
  error,
  editable,
  onFix,
}: {
  documentId: string;
  readiness: Readiness | undefined;
  error: unknown;
  editable: boolean;
  onFix?: (item: ReadinessItem) => void;
}) {
  const headingId = useId();
  if (error) return <ErrorMessage error={error} />;
  if (!readiness) return <Loading label="Checking what the letter needs…" />;
  const open = readiness.items.filter((i) => !i.dismissed);
  const dismissed = readiness.items.filter((i) => i.dismissed);
  return (
    <section
      className={`readiness${open.length ? " has-open" : ""}`}
      aria-labelledby={headingId}
      data-testid="readiness"
    >
      <h3 id={headingId} data-testid="readiness-count">
        {open.length === 0
          ? "Ready: nothing to resolve"
          : `${open.length} item${open.length === 1 ? "" : "s"} to resolve`}
      </h3>
      {open.length > 0 && (
        <ul className="readiness-items">
          {open.map((item) => (
            <ReadinessRow
              key={item.key}
              documentId={documentId}
              item={item}
              editable={editable}
              onFix={onFix}
            />
          ))}
        </ul>
      )}
      {dismissed.length > 0 && (
        <details className="readiness-dismissed">
          <summary>{dismissed.length} dismissed</summary>
          <ul className="readiness-items">
            {dismissed.map((item) => (
              <li key={item.key} className="readiness-item is-dismissed">
                <span>{item.message}</span>
                <span className="muted">
                  Dismissed{item.dismissed?.by ? ` by ${item.dismissed.by}` : ""} on{" "}
                  {formatDate(item.dismissed?.at)}: “{item.dismissed?.reason}”
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function ReadinessRow({
  documentId,
  item,
  editable,
  onFix,
}: {
  documentId: string;
  item: ReadinessItem;
  editable: boolean;
  onFix?: (item: ReadinessItem) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const messageId = useId();
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<string[] | undefined>();
  const dismiss = useMutation(
    trpc.letters.dismissReadinessItem.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.letters.readiness.pathKey() }),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = dismissReadinessItemInput.safeParse({ key: item.key, reason });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues).fields.reason);
    setErrors(undefined);
    dismiss.mutate({ documentId, ...parsed.data });
  };
  return (
    <li className={`readiness-item readiness-${item.kind}`} data-testid="readiness-item">
      <span id={messageId}>{item.message}</span>
      {item.staleDismissal && (
        <span className="muted">
          Dismissed earlier when it read “{item.staleDismissal.message}” (“{item.staleDismissal.reason}”); it
          has changed since.
        </span>
      )}
      <div className="row-actions">
        {item.kind === "variable" ? (
          <Link href="/settings/firm" aria-describedby={messageId}>
            {FIX_LABELS.variable}
          </Link>
        ) : item.kind === "draft" || item.kind === "prose" ? (
          <button
            type="button"
            className="link-button"
            aria-describedby={messageId}
            onClick={() => findInLetter(item.link.sentence ?? "")}
          >
            {FIX_LABELS.draft}
          </button>
        ) : (
          onFix && (
            <button
              type="button"
              className="link-button"
              aria-describedby={messageId}
              onClick={() => onFix(item)}
            >
              {FIX_LABELS[item.kind]}
            </button>
          )
        )}
        {editable && !dismissing && (
          <button
            type="button"
            className="link-button"
            aria-describedby={messageId}
            onClick={() => setDismissing(true)}
          >
            Dismiss…
          </button>
        )}
      </div>
      {dismissing && (
        <form
          className="inline-form readiness-dismiss"
          onSubmit={submit}
          noValidate
          aria-label="Dismiss this item"
        >
          <Field label="Reason for dismissing" errors={errors}>
            {(p) => (
              <input
                {...p}
                value={reason}
                // biome-ignore lint/a11y/noAutofocus: the user just asked to dismiss this item
                autoFocus
                placeholder="e.g. Balance forwarded from a prior account"
                onChange={(e) => setReason(e.target.value)}
              />
            )}
          </Field>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              dismiss.reset();
              setDismissing(false);
            }}
          >
            Cancel
          </button>
          <button type="submit" className="button button-small button-primary" disabled={dismiss.isPending}>
            {dismiss.isPending ? "Dismissing…" : "Dismiss"}
          </button>
        </form>
      )}
      <ErrorMessage error={dismiss.error} />
    </li>
  );
}
