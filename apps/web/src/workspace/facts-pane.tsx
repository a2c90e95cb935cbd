import { FACT_CATEGORIES, type FactStatus } from "@steno/shared";
import { useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ErrorMessage, Loading, Notice } from "../components/ui.tsx";
import { type Citation, canEdit, type Role } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import { AddFactDialog } from "./add-fact.tsx";
import { FactItem } from "./fact-item.tsx";
import { CATEGORY_LABELS } from "./fact-labels.tsx";
import { useFactMutations } from "./fact-mutations.ts";
import { useSources } from "./use-case-activity.ts";

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

/** The case's facts by category, filtered by status and source, with the reviewer's bulk actions. */
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
