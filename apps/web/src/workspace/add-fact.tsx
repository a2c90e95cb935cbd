import { createFactInput, type FactCategoryName, type MoneyKind } from "@steno/shared";
import { type FormEvent, useId, useState } from "react";
import { Dialog, ErrorMessage, Field, FormActions } from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { centsToInput, parseUsd } from "../lib/money.ts";
import { CategoryOptions, MoneyKindOptions } from "./fact-labels.tsx";
import { type FactMutations, useFactMutations } from "./fact-mutations.ts";
import { useSources } from "./use-case-activity.ts";

/** What the add-fact form starts with: "Add the missing line" prefills a charge on a bill's page. */
export type AddFactPrefill = {
  category?: FactCategoryName;
  moneyKind?: MoneyKind;
  amountCents?: number | null;
  provider?: string | null;
  sourceId?: string;
  pageNumber?: number;
  /** the bill the line belongs to, so it reconciles against that bill's stated total */
  statementKey?: string | null;
};

type SourceOption = { id: string; filename: string; pageCount: number | null };

export function AddFactDialog({
  documentId,
  sources,
  create,
  onClose,
}: {
  documentId: string;
  sources: SourceOption[];
  create: FactMutations["create"];
  onClose: () => void;
}) {
  return (
    <Dialog title="Add a fact" onClose={onClose}>
      <AddFactForm documentId={documentId} sources={sources} create={create} onDone={onClose} />
    </Dialog>
  );
}

/** The add-fact form beside a PDF page (the viewer's side panel), prefilled. */
export function AddFactPanel({
  documentId,
  prefill,
  onDone,
}: {
  documentId: string;
  prefill: AddFactPrefill;
  onDone: () => void;
}) {
  const sources = useSources(documentId);
  const { create } = useFactMutations(documentId);
  const headingId = useId();
  return (
    <section className="pdf-aside" aria-labelledby={headingId}>
      <h3 id={headingId}>Add the missing line</h3>
      <AddFactForm
        documentId={documentId}
        sources={sources.data?.items ?? []}
        create={create}
        prefill={prefill}
        onDone={onDone}
      />
    </section>
  );
}

function AddFactForm({
  documentId,
  sources,
  create,
  prefill,
  onDone,
}: {
  documentId: string;
  sources: SourceOption[];
  create: FactMutations["create"];
  prefill?: AddFactPrefill;
  onDone: () => void;
}) {
  const [values, setValues] = useState({
    category: prefill?.category ?? ("other" as FactCategoryName),
    moneyKind: prefill?.moneyKind ?? ("charge" as MoneyKind),
    text: "",
    amount: centsToInput(prefill?.amountCents),
    eventDate: "",
    provider: prefill?.provider ?? "",
    sourceId: prefill?.sourceId ?? "",
    pageNumber: String(prefill?.pageNumber ?? 1),
    quote: "",
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const serverFields = create.error ? describeError(create.error).fieldErrors : {};
  const err = (name: string) => errors[name] ?? serverFields[name];
  const set = (name: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [name]: e.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = parseUsd(values.amount);
    if ("error" in amount) return setErrors({ amountCents: [amount.error] });
    const billing = values.category === "billing" && amount.cents !== null;
    const parsed = createFactInput.safeParse({
      category: values.category,
      text: values.text,
      amountCents: amount.cents,
      eventDate: values.eventDate || null,
      provider: values.provider || null,
      moneyKind: billing ? values.moneyKind : null,
      // The prefilled bill, as long as the line is still cited to that bill's source.
      statementKey: values.sourceId === prefill?.sourceId ? (prefill?.statementKey ?? null) : null,
      citation: values.sourceId
        ? { sourceId: values.sourceId, pageNumber: Number(values.pageNumber), quote: values.quote }
        : undefined,
    });
    if (!parsed.success) {
      const flat = zodFieldErrors(parsed.error.issues).fields;
      if (flat.citation) flat.quote = ["Quote the text on the cited page, or leave the source empty"];
      return setErrors(flat);
    }
    setErrors({});
    create.mutate({ documentId, ...parsed.data }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Add a fact">
      <p className="muted">
        {prefill?.statementKey
          ? "Type the line as the bill prints it; the quote is checked against the page."
          : "Facts you add are approved. Cite a page to have the quote checked against it."}
      </p>
      <div className="form-row">
        <Field label="Category">
          {(p) => (
            <select {...p} value={values.category} onChange={set("category")}>
              <CategoryOptions />
            </select>
          )}
        </Field>
        {values.category === "billing" && (
          <Field label="Kind of amount">
            {(p) => (
              <select {...p} value={values.moneyKind} onChange={set("moneyKind")}>
                <MoneyKindOptions />
              </select>
            )}
          </Field>
        )}
      </div>
      <Field label="Fact" errors={err("text")}>
        {(p) => <textarea {...p} rows={3} value={values.text} onChange={set("text")} />}
      </Field>
      <div className="form-row">
        <Field label="Amount ($)" errors={err("amountCents")}>
          {(p) => <input {...p} inputMode="decimal" value={values.amount} onChange={set("amount")} />}
        </Field>
        <Field label="Date" errors={err("eventDate")}>
          {(p) => <input {...p} type="date" value={values.eventDate} onChange={set("eventDate")} />}
        </Field>
        <Field label="Provider" errors={err("provider")}>
          {(p) => <input {...p} value={values.provider} onChange={set("provider")} />}
        </Field>
      </div>
      <fieldset className="fieldset">
        <legend>Citation (optional)</legend>
        <div className="form-row">
          <Field label="Source">
            {(p) => (
              <select {...p} value={values.sourceId} onChange={set("sourceId")}>
                <option value="">None</option>
                {sources.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.filename}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Page">
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={sources.find((s) => s.id === values.sourceId)?.pageCount ?? undefined}
                value={values.pageNumber}
                onChange={set("pageNumber")}
                disabled={!values.sourceId}
              />
            )}
          </Field>
        </div>
        <Field label="Quoted text" errors={err("quote")}>
          {(p) => (
            <textarea
              {...p}
              rows={2}
              value={values.quote}
              onChange={set("quote")}
              disabled={!values.sourceId}
            />
          )}
        </Field>
      </fieldset>
      <ErrorMessage error={create.error} />
      <FormActions onCancel={onDone} submitLabel="Add fact" busyLabel="Adding…" busy={create.isPending} />
    </form>
  );
}
