import { FACT_CATEGORIES, type FactStatus } from "@steno/shared";
import { useQuery } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { ErrorMessage, Loading, Notice } from "../components/ui.tsx";
import { type Citation, canEdit, type Fact, type Role } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import { AddFactDialog } from "./add-fact.tsx";
import { FactItem } from "./fact-item.tsx";
import { CATEGORY_LABELS } from "./fact-labels.tsx";
import { useFactMutations } from "./fact-mutations.ts";
import { useSources } from "./use-case-activity.ts";
import { useReviewKeys } from "./use-review-keys.ts";

const STATUS_FILTERS: Record<string, { label: string; statuses?: FactStatus[] }> = {
  all: { label: "All" },
  pending: { label: "To review", statuses: ["pending"] },
  approved: { label: "Approved", statuses: ["approved", "edited"] },
  rejected: { label: "Rejected", statuses: ["rejected"] },
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

const citationOf = (fact: Fact): Citation | null =>
  fact.sourceId && fact.pageNumber
    ? {
        sourceId: fact.sourceId,
        filename: fact.sourceFilename ?? "Source",
        pageNumber: fact.pageNumber,
        quote: fact.quote,
      }
    : null;

/**
 * The case's facts by category, filtered by status and source, reviewed by keyboard (j/k, a, r,
 * e, o, x) or by hand, one at a time or a selection at once.
 */
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
  const paneRef = useRef<HTMLElement>(null);
  // What is left to decide is what a reviewer opens the case for.
  const [statusFilter, setStatusFilter] = useState("pending");
  const [adding, setAdding] = useState(false);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
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
  // The order on screen, which j/k follow.
  const shown = grouped.flatMap((g) => g.items);
  const selectedShown = shown.filter((f) => selected.has(f.id));
  const sourceName = sources.data?.items.find((s) => s.id === sourceFilter)?.filename;
  // An empty list being fetched again (a source just finished) is not "0 facts": say it is loading.
  const refreshingEmpty = facts.isFetching && facts.data?.items.length === 0;
  const isDecided = (fact: Fact) => fact.status === "approved" || fact.status === "edited";

  const focusFact = (id: string) => {
    setActiveId(id);
    const element = window.document.getElementById(`fact-${id}`);
    element?.focus({ preventScroll: true });
    element?.scrollIntoView({ block: "nearest" });
  };
  const toggleSelected = (fact: Fact) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(fact.id)) next.add(fact.id);
      return next;
    });
  const onReviewKey = useReviewKeys(paneRef, {
    facts: shown,
    activeId,
    focusFact,
    open: (fact) => {
      const citation = citationOf(fact);
      if (citation) onOpenCitation(citation);
    },
    ...(editable && {
      approve: (fact: Fact) => {
        if (!isDecided(fact)) mutations.approve.mutate({ documentId, factId: fact.id });
      },
      reject: (fact: Fact) => {
        if (fact.status !== "rejected") mutations.reject.mutate({ documentId, factId: fact.id });
      },
      edit: (fact: Fact) => setEditingId(fact.id),
      toggleSelected,
    }),
  });
  const approveSelected = () => {
    mutations.approveAll.reset();
    mutations.approveMany.mutate(
      { documentId, factIds: selectedShown.map((f) => f.id) },
      { onSuccess: () => setSelected(new Set()) },
    );
  };
  const allShownSelected = shown.length > 0 && selectedShown.length === shown.length;
  const approvedNotice = mutations.approveMany.isSuccess
    ? mutations.approveMany.data.approved
    : mutations.approveAll.isSuccess
      ? mutations.approveAll.data.approved
      : null;

  return (
    <section
      className="pane pane-facts"
      aria-labelledby={headingId}
      ref={paneRef}
      onKeyDown={(event) => void onReviewKey(event)}
    >
      <header className="pane-header">
        <h2 id={headingId}>Facts</h2>
        {facts.data && !refreshingEmpty && (
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
              onClick={() => {
                mutations.approveMany.reset();
                mutations.approveAll.mutate({ documentId, sourceId: sourceFilter ?? undefined });
              }}
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
      {editable && shown.length > 0 && (
        <div className="pane-toolbar selection-bar">
          <label className="check">
            <input
              type="checkbox"
              checked={allShownSelected}
              onChange={() => setSelected(allShownSelected ? new Set() : new Set(shown.map((f) => f.id)))}
            />
            Select all shown
          </label>
          <button
            type="button"
            className="button button-small"
            disabled={selectedShown.length === 0 || mutations.approveMany.isPending}
            onClick={approveSelected}
          >
            {mutations.approveMany.isPending
              ? "Approving…"
              : `Approve selected${selectedShown.length ? ` (${selectedShown.length})` : ""}`}
          </button>
        </div>
      )}
      <p className="review-hint muted" id={`${headingId}-keys`}>
        Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>a</kbd> approve · <kbd>r</kbd> reject · <kbd>e</kbd> edit
        · <kbd>o</kbd> open PDF · <kbd>x</kbd> select
      </p>
      <div className="pane-body">
        {approvedNotice !== null && (
          <Notice tone="success">
            Approved {approvedNotice} fact
            {approvedNotice === 1 ? "" : "s"}.
          </Notice>
        )}
        <ErrorMessage error={mutations.approveAll.error ?? mutations.approveMany.error} />
        {(facts.isPending || refreshingEmpty) && <Loading label="Loading facts…" />}
        <ErrorMessage error={facts.error} onRetry={() => void facts.refetch()} />
        {facts.data?.items.length === 0 && !refreshingEmpty && (
          <p className="empty muted">
            {sourceName
              ? `No facts from “${sourceName}” match.`
              : statusFilter === "pending" && pendingInCase === 0
                ? "Nothing left to review."
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
            <ul className="facts" aria-describedby={`${headingId}-keys`}>
              {group.items.map((fact) => (
                <FactItem
                  key={fact.id}
                  documentId={documentId}
                  fact={fact}
                  editable={editable}
                  mutations={mutations}
                  onOpenCitation={onOpenCitation}
                  // One fact is the tab stop into the list; j/k move from there.
                  active={fact.id === (activeId ?? shown[0]?.id)}
                  onActive={() => setActiveId(fact.id)}
                  editing={editingId === fact.id}
                  onEditingChange={(editing) => {
                    setEditingId(editing ? fact.id : null);
                    if (!editing) requestAnimationFrame(() => focusFact(fact.id));
                  }}
                  selected={selected.has(fact.id)}
                  onToggleSelected={() => toggleSelected(fact)}
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
