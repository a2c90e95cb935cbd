import { DOCUMENT_STATUSES, type DocumentStatus } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { Link } from "wouter";
import { ErrorBoundary } from "../components/error-boundary.tsx";
import { Badge, ErrorMessage, formatDate, Loading, STATUS_LABELS } from "../components/ui.tsx";
import type { SessionData } from "../lib/session.ts";
import type { Citation } from "../lib/types.ts";
import { useTitle } from "../lib/use-title.ts";
import { useTRPC } from "../trpc.ts";
import { CollaboratorsDialog } from "./collaborators-dialog.tsx";
import { FactsPane } from "./facts-pane.tsx";
import { SourcesPane } from "./sources-pane.tsx";
import { useCaseActivity } from "./use-case-activity.ts";

// The editor (TipTap, Y.js) and the PDF viewer (pdf.js) are the heavy parts: loaded when shown.
const LetterPane = lazy(() => import("../letter/letter-pane.tsx"));
const PdfViewer = lazy(() => import("../pdf/pdf-viewer.tsx"));

export default function WorkspacePage({ documentId, session }: { documentId: string; session: SessionData }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const doc = useQuery(trpc.documents.get.queryOptions({ documentId }));
  const [sourceFilter, setSourceFilter] = useState<string | null>(null);
  const [citation, setCitation] = useState<Citation | null>(null);
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
          onOpen={setCitation}
        />
        <FactsPane
          documentId={documentId}
          role={document.role}
          pendingInCase={document.factCounts.pending}
          sourceFilter={sourceFilter}
          onSourceFilterChange={setSourceFilter}
          onOpenCitation={setCitation}
        />
        <ErrorBoundary label="The letter editor">
          <Suspense
            fallback={
              <section className="pane pane-letter" aria-label="Letter">
                <Loading label="Loading the editor…" />
              </section>
            }
          >
            <LetterPane document={document} session={session} />
          </Suspense>
        </ErrorBoundary>
      </div>
      {citation && (
        <ErrorBoundary label="The PDF viewer">
          <Suspense fallback={<Loading label="Loading the PDF viewer…" />}>
            <PdfViewer citation={citation} onClose={() => setCitation(null)} />
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
