import { DOCUMENT_STATUSES, type DocumentStatus, type ProfileField } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type KeyboardEvent, lazy, type ReactNode, Suspense, useState } from "react";
import { Link } from "wouter";
import { ErrorBoundary } from "../components/error-boundary.tsx";
import { Badge, ErrorMessage, formatDate, Loading, STATUS_LABELS } from "../components/ui.tsx";
import type { SessionData } from "../lib/session.ts";
import type { Citation, ReadinessItem } from "../lib/types.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";
import { AddFactPanel, type AddFactPrefill } from "./add-fact.tsx";
import { ChronologyPane } from "./chronology-pane.tsx";
import { CollaboratorsDialog } from "./collaborators-dialog.tsx";
import { DamagesPane } from "./damages-pane.tsx";
import { FactsPane } from "./facts-pane.tsx";
import { DemandStatus, LifecyclePane } from "./lifecycle-pane.tsx";
import { ProfilePane } from "./profile-pane.tsx";
import { SourcesPane } from "./sources-pane.tsx";
import { useCaseActivity } from "./use-case-activity.ts";

// The editor (TipTap, Y.js) and the PDF viewer (pdf.js) are the heavy parts: loaded when shown.
const LetterPane = lazy(() => import("../letter/letter-pane.tsx"));
const PdfViewer = lazy(() => import("../pdf/pdf-viewer.tsx"));

const TABS = [
  { id: "facts", label: "Facts" },
  { id: "profile", label: "Case profile" },
  { id: "damages", label: "Damages" },
  { id: "chronology", label: "Chronology" },
  { id: "demand", label: "Sent & offers" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export default function WorkspacePage({ documentId, session }: { documentId: string; session: SessionData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const doc = useQuery(trpc.documents.get.queryOptions({ documentId }));
  const [sourceFilter, setSourceFilter] = useState<string | null>(null);
  const [citation, setCitation] = useState<Citation | null>(null);
  // "Add the missing line": the add-fact form shown beside the bill's page.
  const [addLine, setAddLine] = useState<AddFactPrefill | null>(null);
  const [tab, setTab] = useState<Tab>("facts");
  const [focusField, setFocusField] = useState<{ field: ProfileField; at: number } | null>(null);
  const [showCollaborators, setShowCollaborators] = useState(false);
  useCaseActivity(documentId, doc.isSuccess);
  useTitle(doc.data?.title);
  const updateStatus = useMutation(
    trpc.documents.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.documents.pathKey() }),
    }),
  );

  if (doc.isPending) return <Loading label="Opening the case…" />;
  if (doc.isError) {
    return (
      <section className="page">
        <ErrorMessage error={doc.error} onRetry={() => void doc.refetch()} />
        <p>
          <Link href="/">Back to cases</Link>
        </p>
      </section>
    );
  }
  const document = doc.data;
  const openCitation = (next: Citation) => {
    setAddLine(null);
    setCitation(next);
  };

  /** Takes the attorney to what a readiness item is about: the field, the bill's page, the fact. */
  const fix = (item: ReadinessItem) => {
    const { link } = item;
    if (link.field && (item.kind === "profile" || item.kind === "conflict")) {
      setTab("profile");
      setFocusField({ field: link.field, at: Date.now() });
      return;
    }
    if (item.kind === "statement") setTab("damages");
    if (link.factId) {
      setTab("facts");
      setSourceFilter(null);
      const factId = link.factId;
      // After the tab is shown: the fact's element exists once the facts pane renders it.
      requestAnimationFrame(() => {
        const element = window.document.getElementById(`fact-${factId}`);
        element?.scrollIntoView({ block: "center" });
        element?.focus({ preventScroll: true });
      });
    }
    if (link.sourceId && link.pageNumber) {
      openCitation({
        sourceId: link.sourceId,
        filename: link.sourceFilename ?? "Source",
        pageNumber: link.pageNumber,
        quote: link.quote ?? null,
      });
    }
  };

  // Arrow keys move between tabs, as in any tab list.
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = TABS.findIndex((t) => t.id === tab);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = TABS[(index + step + TABS.length) % TABS.length];
    if (!next) return;
    setTab(next.id);
    window.document.getElementById(`case-tab-${next.id}`)?.focus();
  };

  return (
    <section className="workspace" aria-labelledby="case-title">
      <header className="workspace-header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link href="/">Cases</Link> <span aria-hidden="true">/</span>
          </nav>
          <h1 id="case-title">{document.title}</h1>
          <p className="muted case-meta">
            {document.clientName ?? "No client named"} · Incident {formatDate(document.incidentDate)} ·{" "}
            {document.sourceCount} source{document.sourceCount === 1 ? "" : "s"} ·{" "}
            {document.factCounts.pending} fact{document.factCounts.pending === 1 ? "" : "s"} to review
          </p>
          <DemandStatus response={document.response} latestOffer={document.latestOffer} />
        </div>
        <div className="workspace-actions">
          <Badge tone="role" title="Your role on this case">
            {document.role}
          </Badge>
          {document.role === "owner" ? (
            <div className="field field-inline">
              <label htmlFor="case-status-select">Status</label>
              <select
                id="case-status-select"
                value={document.status}
                disabled={updateStatus.isPending}
                onChange={(e) =>
                  updateStatus.mutate({ documentId, status: e.target.value as DocumentStatus })
                }
              >
                {DOCUMENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <Badge tone={document.status}>{STATUS_LABELS[document.status]}</Badge>
          )}
          <button type="button" className="button" onClick={() => setShowCollaborators(true)}>
            Collaborators
          </button>
        </div>
      </header>
      <ErrorMessage error={updateStatus.error} />
      <div className="panes">
        <SourcesPane
          documentId={documentId}
          role={document.role}
          selectedSourceId={sourceFilter}
          onSelectSource={setSourceFilter}
          onOpen={openCitation}
        />
        <div className="pane-column">
          <div className="pane-tabs" role="tablist" aria-label="Case">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`case-tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`case-panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                className="pane-tab"
                onClick={() => setTab(t.id)}
                onKeyDown={onTabKey}
              >
                {t.label}
              </button>
            ))}
          </div>
          {/* Every panel stays mounted (filters and forms keep their state); the others are hidden. */}
          <TabPanel id="facts" tab={tab}>
            <FactsPane
              documentId={documentId}
              role={document.role}
              pendingInCase={document.factCounts.pending}
              sourceFilter={sourceFilter}
              onSourceFilterChange={setSourceFilter}
              onOpenCitation={openCitation}
            />
          </TabPanel>
          <TabPanel id="profile" tab={tab}>
            <ProfilePane
              documentId={documentId}
              role={document.role}
              onOpenCitation={openCitation}
              focusField={focusField}
            />
          </TabPanel>
          <TabPanel id="damages" tab={tab}>
            <DamagesPane
              documentId={documentId}
              role={document.role}
              onOpenCitation={openCitation}
              onAddMissingLine={(page, prefill) => {
                setCitation(page);
                setAddLine(prefill);
              }}
            />
          </TabPanel>
          <TabPanel id="demand" tab={tab}>
            <LifecyclePane documentId={documentId} role={document.role} />
          </TabPanel>
          <TabPanel id="chronology" tab={tab}>
            <ChronologyPane
              documentId={documentId}
              documentTitle={document.title}
              shown={tab === "chronology"}
              onOpenCitation={openCitation}
            />
          </TabPanel>
        </div>
        <ErrorBoundary label="The letter editor">
          <Suspense
            fallback={
              <section className="pane pane-letter" aria-label="Letter">
                <Loading label="Loading the editor…" />
              </section>
            }
          >
            <LetterPane document={document} session={session} onFix={fix} />
          </Suspense>
        </ErrorBoundary>
      </div>
      {citation && (
        <ErrorBoundary label="The PDF viewer">
          <Suspense fallback={<Loading label="Loading the PDF viewer…" />}>
            <PdfViewer
              citation={citation}
              onClose={() => {
                setCitation(null);
                setAddLine(null);
              }}
              aside={
                addLine ? (
                  <AddFactPanel
                    documentId={documentId}
                    prefill={addLine}
                    onDone={() => {
                      setCitation(null);
                      setAddLine(null);
                    }}
                  />
                ) : undefined
              }
            />
          </Suspense>
        </ErrorBoundary>
      )}
      {showCollaborators && (
        <CollaboratorsDialog
          documentId={documentId}
          role={document.role}
          onClose={() => setShowCollaborators(false)}
        />
      )}
    </section>
  );
}

/** One tab's panel, labelled by its tab and hidden while another tab is chosen. */
function TabPanel({ id, tab, children }: { id: Tab; tab: Tab; children: ReactNode }) {
  return (
    <div
      className="tab-panel"
      role="tabpanel"
      id={`case-panel-${id}`}
      aria-labelledby={`case-tab-${id}`}
      hidden={tab !== id}
    >
      {children}
    </div>
  );
}
