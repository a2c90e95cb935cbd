import { type FactCategoryName, formatUsd, type MoneyKind, updateFactInput } from "@steno/shared";
import { type FormEvent, useState } from "react";
import { Badge, ErrorMessage, Field, FormActions, formatDate } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { centsToInput, parseUsd } from "../lib/money.ts";
import type { Citation, Fact } from "../lib/types.ts";
import { CategoryOptions, MONEY_KIND_LABELS, MoneyKindOptions, STATUS_BADGES } from "./fact-labels.tsx";
import type { FactMutations } from "./fact-mutations.ts";

/** One fact of the list: its text, status, details and citation, and the reviewer's actions. */
export function FactItem({
  documentId,
  fact,
  editable,
  mutations,
  onOpenCitation,
  active,
  onActive,
  editing,
  onEditingChange,
  selected,
  onToggleSelected,
}: {
  documentId: string;
  fact: Fact;
  editable: boolean;
  mutations: FactMutations;
  onOpenCitation: (citation: Citation) => void;
  /** the fact under review: the list's one tab stop */
  active: boolean;
  onActive: () => void;
  editing: boolean;
  onEditingChange: (editing: boolean) => void;
  /** ticked for "Approve selected" */
  selected: boolean;
  onToggleSelected: () => void;
}) {
  const setEditing = onEditingChange;
  const badge = STATUS_BADGES[fact.status];
  const busy =
    (mutations.approve.isPending && mutations.approve.variables?.factId === fact.id) ||
    (mutations.reject.isPending && mutations.reject.variables?.factId === fact.id) ||
    (mutations.update.isPending && mutations.update.variables?.factId === fact.id);
  const error =
    (mutations.approve.variables?.factId === fact.id && mutations.approve.error) ||
    (mutations.reject.variables?.factId === fact.id && mutations.reject.error) ||
    (!editing && mutations.update.variables?.factId === fact.id && mutations.update.error) ||
    null;
  const details = [
    fact.amountCents !== null ? formatUsd(fact.amountCents) : null,
    fact.category === "billing" && fact.moneyKind && fact.moneyKind !== "charge"
      ? MONEY_KIND_LABELS[fact.moneyKind]
      : null,
    fact.eventDate
      ? fact.dateTo && fact.dateTo !== fact.eventDate
        ? `${formatDate(fact.eventDate)} – ${formatDate(fact.dateTo)}`
        : formatDate(fact.eventDate)
      : null,
    fact.provider,
    fact.code ? `code ${fact.code}` : null,
    fact.profileField && fact.fieldValue ? `proposes ${fact.fieldValue}` : null,
  ].filter(Boolean);

  if (editing) {
    return (
      <li className="fact is-editing" id={`fact-${fact.id}`}>
        <EditFactForm
          documentId={documentId}
          fact={fact}
          update={mutations.update}
          onDone={() => setEditing(false)}
        />
      </li>
    );
  }
  return (
    // Reachable by id so a readiness item can bring the attorney here.
    <li
      className={`fact fact-${fact.status}${active ? " is-active" : ""}${selected ? " is-selected" : ""}`}
      data-testid="fact"
      data-status={fact.status}
      id={`fact-${fact.id}`}
      tabIndex={active ? 0 : -1}
      onFocus={onActive}
    >
      <div className="fact-main">
        {editable && (
          <input
            type="checkbox"
            className="fact-check"
            checked={selected}
            onChange={onToggleSelected}
            aria-label={`Select: ${fact.text}`}
          />
        )}
        <p className="fact-text">{fact.text}</p>
        <div className="fact-badges">
          <Badge tone={badge.tone}>{badge.label}</Badge>
          {fact.sourceId && !fact.verified && (
            <Badge
              tone="danger"
              title="The quoted text was not found on the cited page; check it against the PDF"
            >
              Unverified
            </Badge>
          )}
          {!fact.sourceId && <Badge tone="neutral">No citation</Badge>}
          {fact.harmful && (
            <Badge
              tone="neutral"
              title="Marked harmful: the letter's prose leaves it out (the ledger keeps any amount)"
            >
              Left out of letter
            </Badge>
          )}
        </div>
      </div>
      {details.length > 0 && <p className="fact-details">{details.join(" · ")}</p>}
      {fact.sourceId && fact.pageNumber && (
        <button
          type="button"
          className="citation"
          onClick={() =>
            onOpenCitation({
              sourceId: fact.sourceId as string,
              filename: fact.sourceFilename ?? "Source",
              pageNumber: fact.pageNumber as number,
              quote: fact.quote,
            })
          }
          aria-label={`Open ${fact.sourceFilename ?? "the source"} at page ${fact.pageNumber}`}
        >
          <span aria-hidden="true">¶</span> {fact.sourceFilename}, p. {fact.pageNumber}
          {fact.quote && <q>{fact.quote.length > 120 ? `${fact.quote.slice(0, 120)}…` : fact.quote}</q>}
        </button>
      )}
      {fact.originalText && fact.originalText !== fact.text && (
        <details className="fact-original">
          <summary>Extracted text</summary>
          <p>{fact.originalText}</p>
        </details>
      )}
      {editable && (
        <div className="row-actions">
          {fact.status !== "approved" && fact.status !== "edited" && (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => mutations.approve.mutate({ documentId, factId: fact.id })}
            >
              Approve
            </button>
          )}
          {fact.status !== "rejected" && (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => mutations.reject.mutate({ documentId, factId: fact.id })}
            >
              Reject
            </button>
          )}
          <button type="button" className="button button-small button-ghost" onClick={() => setEditing(true)}>
            Edit
          </button>
          {/* A fact that hurts the claim (or is about someone else) stays reviewed but out of the letter. */}
          <button
            type="button"
            className="button button-small button-ghost"
            disabled={busy}
            onClick={() => mutations.update.mutate({ documentId, factId: fact.id, harmful: !fact.harmful })}
          >
            {fact.harmful ? "Use in letter" : "Leave out of letter"}
          </button>
        </div>
      )}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}

function EditFactForm({
  documentId,
  fact,
  update,
  onDone,
}: {
  documentId: string;
  fact: Fact;
  update: FactMutations["update"];
  onDone: () => void;
}) {
  const [values, setValues] = useState({
    text: fact.text,
    category: fact.category as FactCategoryName,
    amount: centsToInput(fact.amountCents),
    eventDate: fact.eventDate ?? "",
    provider: fact.provider ?? "",
    moneyKind: (fact.moneyKind ?? "charge") as MoneyKind,
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const serverFields = update.error ? describeError(update.error).fieldErrors : {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = parseUsd(values.amount);
    if ("error" in amount) return setErrors({ amountCents: [amount.error] });
    // Only an amount on a bill has a kind; one without (an older extraction) counts as a charge,
    // so saving it unchanged does not mark the fact edited.
    const kind = values.category === "billing" && amount.cents !== null ? values.moneyKind : null;
    const effectiveKind =
      fact.moneyKind ?? (fact.category === "billing" && fact.amountCents !== null ? "charge" : null);
    const parsed = updateFactInput.safeParse({
      factId: fact.id,
      text: values.text,
      category: values.category,
      amountCents: amount.cents,
      eventDate: values.eventDate || null,
      provider: values.provider.trim() || null,
      moneyKind: kind === effectiveKind ? undefined : kind,
    });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues).fields);
    setErrors({});
    update.mutate({ documentId, ...parsed.data }, { onSuccess: onDone });
  };
  return (
    <form
      onSubmit={submit}
      className="fact-edit"
      aria-label="Edit fact"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          update.reset();
          onDone();
        }
      }}
    >
      <Field label="Fact" errors={errors.text ?? serverFields.text}>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={values.text}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this fact
            autoFocus
            onChange={(e) => setValues((v) => ({ ...v, text: e.target.value }))}
          />
        )}
      </Field>
      <div className="form-row">
        <Field label="Category">
          {(p) => (
            <select
              {...p}
              value={values.category}
              onChange={(e) => setValues((v) => ({ ...v, category: e.target.value as FactCategoryName }))}
            >
              <CategoryOptions />
            </select>
          )}
        </Field>
        <Field label="Amount ($)" errors={errors.amountCents ?? serverFields.amountCents}>
          {(p) => (
            <input
              {...p}
              inputMode="decimal"
              value={values.amount}
              onChange={(e) => setValues((v) => ({ ...v, amount: e.target.value }))}
            />
          )}
        </Field>
        <Field label="Date" errors={errors.eventDate ?? serverFields.eventDate}>
          {(p) => (
            <input
              {...p}
              type="date"
              value={values.eventDate}
              onChange={(e) => setValues((v) => ({ ...v, eventDate: e.target.value }))}
            />
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field label="Provider" errors={errors.provider ?? serverFields.provider}>
          {(p) => (
            <input
              {...p}
              value={values.provider}
              onChange={(e) => setValues((v) => ({ ...v, provider: e.target.value }))}
            />
          )}
        </Field>
        {values.category === "billing" && (
          <Field label="Kind of amount" errors={errors.moneyKind ?? serverFields.moneyKind}>
            {(p) => (
              <select
                {...p}
                value={values.moneyKind}
                onChange={(e) => setValues((v) => ({ ...v, moneyKind: e.target.value as MoneyKind }))}
              >
                <MoneyKindOptions />
              </select>
            )}
          </Field>
        )}
      </div>
      <ErrorMessage error={update.error} />
      <FormActions
        small
        onCancel={() => {
          update.reset();
          onDone();
        }}
        submitLabel="Save"
        busyLabel="Saving…"
        busy={update.isPending}
      />
    </form>
  );
}
