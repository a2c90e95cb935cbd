import {
  createFactInput,
  FACT_CATEGORIES,
  type FactCategoryName,
  type FactStatus,
  formatUsd,
  MONEY_KINDS,
  type MoneyKind,
  updateFactInput,
} from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import {
  Badge,
  Dialog,
  ErrorMessage,
  Field,
  FormActions,
  formatDate,
  Loading,
  Notice,
} from "../components/ui.tsx";
import { describeError, zodFieldErrors } from "../lib/errors.ts";
import { centsToInput, parseUsd } from "../lib/money.ts";
import { type Citation, canEdit, type Fact, type Role } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import { useSources } from "./use-case-activity.ts";

export const CATEGORY_LABELS: Record<FactCategoryName, string> = {
  incident: "Incident",
  liability: "Liability",
  injury: "Injuries",
  treatment: "Treatment",
  billing: "Medical bills",
  wage_loss: "Wage loss",
  insurance: "Insurance",
  future_care: "Future care",
  other: "Other",
};

/** What an amount on a bill is; only charges count as damages, the rest reconcile the bill. */
export const MONEY_KIND_LABELS: Record<MoneyKind, string> = {
  charge: "Charge (a line of the bill)",
  total: "Stated total",
  payment: "Payment",
  adjustment: "Adjustment / write-off",
  balance: "Balance due",
};

const STATUS_FILTERS: Record<string, { label: string; statuses?: FactStatus[] }> = {
  all: { label: "All" },
  pending: { label: "To review", statuses: ["pending"] },
  approved: { label: "Approved", statuses: ["approved", "edited"] },
  rejected: { label: "Rejected", statuses: ["rejected"] },
};

const STATUS_BADGES: Record<FactStatus, { label: string; tone: string }> = {
  pending: { label: "To review", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  edited: { label: "Edited", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
};

type Props = {
  documentId: string;
  role: Role;
  /** pending facts in the whole case (the list may be filtered) */
  pendingInCase: number;
  sourceFilter: string | null;
  onSourceFilterChange: (id: string | null) => void;
  onOpenCitation: (citation: Citation) => void;
};

export function useFactMutations(documentId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onSuccess = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.facts.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.documents.get.queryKey({ documentId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.letters.damages.queryKey({ documentId }) });
    // Facts propose profile values and decide what blocks the letter.
    void queryClient.invalidateQueries({ queryKey: trpc.profile.get.queryKey({ documentId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.letters.readiness.pathKey() });
  };
  return {
    approve: useMutation(trpc.facts.approve.mutationOptions({ onSuccess })),
    reject: useMutation(trpc.facts.reject.mutationOptions({ onSuccess })),
    update: useMutation(trpc.facts.update.mutationOptions({ onSuccess })),
    approveAll: useMutation(trpc.facts.approveAll.mutationOptions({ onSuccess })),
    create: useMutation(trpc.facts.create.mutationOptions({ onSuccess })),
  };
}

export function FactsPane({
  documentId,
  role,
  pendingInCase,
  sourceFilter,
  onSourceFilterChange,
  onOpenCitation,
}: Props) {
  const trpc = useTRPC();
  const headingId = useId();
  const [statusFilter, setStatusFilter] = useState("all");
  const [adding, setAdding] = useState(false);
  const sources = useSources(documentId);
  const statuses = STATUS_FILTERS[statusFilter]?.statuses;
  const facts = useQuery(
    trpc.facts.list.queryOptions({ documentId, status: statuses, sourceId: sourceFilter ?? undefined }),
  );
  const mutations = useFactMutations(documentId);
  const editable = canEdit(role);
  const pending = facts.data?.items.filter((f) => f.status === "pending").length ?? 0;
  const grouped = FACT_CATEGORIES.map((category) => ({
    category,
    items: facts.data?.items.filter((f) => f.category === category) ?? [],
  })).filter((g) => g.items.length > 0);
  const sourceName = sources.data?.items.find((s) => s.id === sourceFilter)?.filename;

  return (
    <section className="pane pane-facts" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Facts</h2>
        {facts.data && (
          <span className="muted" data-testid="fact-count">
            {facts.data.items.length}
            {pending > 0 ? ` · ${pending} to review` : ""}
          </span>
        )}
        {editable && (
          <div className="pane-header-actions">
            <button type="button" className="button button-small" onClick={() => setAdding(true)}>
              Add fact
            </button>
            <button
              type="button"
              className="button button-small button-primary"
              disabled={pendingInCase === 0 || mutations.approveAll.isPending}
              onClick={() => mutations.approveAll.mutate({ documentId, sourceId: sourceFilter ?? undefined })}
            >
              {mutations.approveAll.isPending
                ? "Approving…"
                : `Approve all${sourceFilter ? " from source" : ""}`}
            </button>
          </div>
        )}
      </header>
      <div className="pane-toolbar">
        <div className="field field-inline">
          <label htmlFor={`${headingId}-status`}>Show</label>
          <select
            id={`${headingId}-status`}
            value={statusFilter}
            onChange={(e) => setStatusFilter(e.target.value)}
          >
            {Object.entries(STATUS_FILTERS).map(([key, f]) => (
              <option key={key} value={key}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline field-grow">
          <label htmlFor={`${headingId}-source`}>Source</label>
          <select
            id={`${headingId}-source`}
            value={sourceFilter ?? ""}
            onChange={(e) => onSourceFilterChange(e.target.value || null)}
          >
            <option value="">All sources</option>
            {sources.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.filename}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="pane-body">
        {mutations.approveAll.isSuccess && (
          <Notice tone="success">
            Approved {mutations.approveAll.data.approved} fact
            {mutations.approveAll.data.approved === 1 ? "" : "s"}.
          </Notice>
        )}
        <ErrorMessage error={mutations.approveAll.error} />
        {facts.isPending && <Loading label="Loading facts…" />}
        <ErrorMessage error={facts.error} onRetry={() => void facts.refetch()} />
        {facts.data?.items.length === 0 && (
          <p className="empty muted">
            {sourceName
              ? `No facts from “${sourceName}” match.`
              : statusFilter !== "all"
                ? "No facts match this filter."
                : "Facts appear here as the sources are read."}
          </p>
        )}
        {grouped.map((group) => (
          <section key={group.category} className="fact-group" aria-label={CATEGORY_LABELS[group.category]}>
            <h3>
              {CATEGORY_LABELS[group.category]} <span className="muted">{group.items.length}</span>
            </h3>
            <ul className="facts">
              {group.items.map((fact) => (
                <FactItem
                  key={fact.id}
                  documentId={documentId}
                  fact={fact}
                  editable={editable}
                  mutations={mutations}
                  onOpenCitation={onOpenCitation}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
      {adding && (
        <AddFactDialog
          documentId={documentId}
          sources={sources.data?.items ?? []}
          create={mutations.create}
          onClose={() => setAdding(false)}
        />
      )}
    </section>
  );
}

type Mutations = ReturnType<typeof useFactMutations>;

function FactItem({
  documentId,
  fact,
  editable,
  mutations,
  onOpenCitation,
}: {
  documentId: string;
  fact: Fact;
  editable: boolean;
  mutations: Mutations;
  onOpenCitation: (citation: Citation) => void;
}) {
  const [editing, setEditing] = useState(false);
  const badge = STATUS_BADGES[fact.status];
  const busy =
    (mutations.approve.isPending && mutations.approve.variables?.factId === fact.id) ||
    (mutations.reject.isPending && mutations.reject.variables?.factId === fact.id);
  const error =
    (mutations.approve.variables?.factId === fact.id && mutations.approve.error) ||
    (mutations.reject.variables?.factId === fact.id && mutations.reject.error) ||
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
    <li className={`fact fact-${fact.status}`} data-testid="fact" id={`fact-${fact.id}`} tabIndex={-1}>
      <div className="fact-main">
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
  update: Mutations["update"];
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
              {FACT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {CATEGORY_LABELS[c]}
                </option>
              ))}
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
                {MONEY_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {MONEY_KIND_LABELS[k]}
                  </option>
                ))}
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

function AddFactDialog({
  documentId,
  sources,
  create,
  onClose,
}: {
  documentId: string;
  sources: SourceOption[];
  create: Mutations["create"];
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
  create: Mutations["create"];
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
              {FACT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {CATEGORY_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {values.category === "billing" && (
          <Field label="Kind of amount">
            {(p) => (
              <select {...p} value={values.moneyKind} onChange={set("moneyKind")}>
                {MONEY_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {MONEY_KIND_LABELS[k]}
                  </option>
                ))}
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
