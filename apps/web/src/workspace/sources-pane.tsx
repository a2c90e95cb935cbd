import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { Badge, ErrorMessage, formatBytes, Loading } from "../components/ui.tsx";
import { describeError } from "../lib/errors.ts";
import { type Citation, canEdit, type Role, type Source } from "../lib/types.ts";
import { precheckPdf, uploadPdf } from "../lib/upload.ts";
import { useTRPC } from "../trpc.ts";
import { isProcessing, useSources } from "./use-case-activity.ts";

const PARALLEL_UPLOADS = 3;

type Upload = {
  key: string;
  file: File;
  progress: number;
  state: "waiting" | "uploading" | "done" | "duplicate" | "error";
  /** the source it made (or duplicated), once the server answered */
  sourceId?: string;
  message?: string;
  controller: AbortController;
};

type Props = {
  documentId: string;
  role: Role;
  selectedSourceId: string | null;
  onSelectSource: (id: string | null) => void;
  onOpen: (citation: Citation) => void;
};

export function SourcesPane({ documentId, role, selectedSourceId, onSelectSource, onOpen }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sources = useSources(documentId);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const started = useRef(new Set<string>());
  const inputRef = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const editable = canEdit(role);

  const patch = useCallback(
    (key: string, change: Partial<Upload>) =>
      setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u))),
    [],
  );

  // Runs the queue: a few uploads at a time, each reporting its own progress.
  useEffect(() => {
    const running = uploads.filter((u) => u.state === "uploading").length;
    const next = uploads.filter((u) => u.state === "waiting" && !started.current.has(u.key));
    for (const upload of next.slice(0, Math.max(0, PARALLEL_UPLOADS - running))) {
      started.current.add(upload.key);
      patch(upload.key, { state: "uploading" });
      uploadPdf(
        documentId,
        upload.file,
        (progress) => patch(upload.key, { progress }),
        upload.controller.signal,
      )
        .then((result) => {
          patch(upload.key, {
            progress: 1,
            state: result.kind === "created" ? "done" : "duplicate",
            sourceId: result.source.id,
            message:
              result.kind === "duplicate" ? `Already in the case as “${result.source.filename}”` : undefined,
          });
          // The answer is the new source itself: listed at once. Waiting for the list to be fetched
          // again left the pane saying "No sources yet" (and the facts at 0) in between, since each
          // parallel upload's refetch cancels the one before.
          if (result.kind === "created") {
            queryClient.setQueryData(trpc.sources.list.queryKey({ documentId }), (old) =>
              old && !old.items.some((s) => s.id === result.source.id)
                ? { ...old, items: [...old.items, result.source] }
                : old,
            );
          }
          void queryClient.invalidateQueries({ queryKey: trpc.sources.list.queryKey({ documentId }) });
          void queryClient.invalidateQueries({ queryKey: trpc.documents.get.queryKey({ documentId }) });
        })
        .catch((error: unknown) =>
          patch(upload.key, { state: "error", message: describeError(error).message }),
        );
    }
  }, [uploads, documentId, queryClient, trpc, patch]);

  // A finished upload's row goes once its source is in the list, never before: no gap between them.
  const listed = sources.data?.items;
  useEffect(() => {
    if (!listed) return;
    const ids = new Set(listed.map((s) => s.id));
    setUploads((list) => {
      const left = list.filter((u) => !(u.state === "done" && u.sourceId && ids.has(u.sourceId)));
      return left.length === list.length ? list : left;
    });
  }, [listed]);

  // Abandon uploads still running when the case is left.
  const live = useRef(uploads);
  live.current = uploads;
  useEffect(
    () => () => {
      for (const upload of live.current) upload.controller.abort();
    },
    [],
  );

  const addFiles = (files: FileList | File[]) => {
    const added: Upload[] = [...files].map((file) => {
      const problem = precheckPdf(file);
      return {
        key: `${file.name}:${file.size}:${file.lastModified}:${Math.random().toString(36).slice(2)}`,
        file,
        progress: 0,
        state: problem ? "error" : "waiting",
        message: problem ?? undefined,
        controller: new AbortController(),
      };
    });
    setUploads((list) => [...list, ...added]);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (editable && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
  };

  const remove = useMutation(
    trpc.sources.delete.mutationOptions({
      onSuccess: (_data, variables) => {
        if (selectedSourceId === variables.sourceId) onSelectSource(null);
        void queryClient.invalidateQueries({ queryKey: trpc.sources.list.queryKey({ documentId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.facts.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.documents.get.queryKey({ documentId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.letters.damages.queryKey({ documentId }) });
      },
    }),
  );

  const retry = useMutation(
    trpc.sources.retry.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.sources.list.queryKey({ documentId }) });
      },
    }),
  );

  return (
    <section
      className={`pane pane-sources${dragging ? " is-dragging" : ""}`}
      aria-labelledby={headingId}
      onDragOver={(event) => {
        if (!editable) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header className="pane-header">
        <h2 id={headingId}>Sources</h2>
        {sources.data && <span className="muted">{sources.data.items.length}</span>}
      </header>
      <div className="pane-body">
        {editable && (
          <div className="dropzone" data-testid="dropzone">
            <p className="dropzone-text">
              <strong>Drop PDFs here</strong>
              <br />
              <span className="muted">police report, medical records, bills — up to 50 MB each</span>
            </p>
            <button type="button" className="button button-small" onClick={() => inputRef.current?.click()}>
              Choose PDFs…
            </button>
            <input
              ref={inputRef}
              type="file"
              accept="application/pdf,.pdf"
              multiple
              className="sr-only"
              // The visible button opens it: no second, invisible tab stop.
              tabIndex={-1}
              aria-label="Add PDF sources"
              onChange={(event) => {
                if (event.target.files?.length) addFiles(event.target.files);
                event.target.value = "";
              }}
            />
          </div>
        )}
        {uploads.length > 0 && (
          <ul className="uploads" aria-label="Uploads">
            {uploads.map((u) => (
              <li key={u.key} className={`upload upload-${u.state}`}>
                <div className="upload-line">
                  <span className="filename" title={u.file.name}>
                    {u.file.name}
                  </span>
                  <span className="muted">
                    {u.state === "waiting" && "Waiting…"}
                    {u.state === "uploading" && `${Math.round(u.progress * 100)}%`}
                    {u.state === "done" && "Uploaded"}
                  </span>
                </div>
                {(u.state === "uploading" || u.state === "waiting") && (
                  <progress max={1} value={u.progress} aria-label={`Uploading ${u.file.name}`} />
                )}
                {u.message && (
                  <p
                    className={u.state === "error" ? "field-error" : "muted"}
                    role={u.state === "error" ? "alert" : undefined}
                  >
                    {u.message}
                  </p>
                )}
                {(u.state === "error" || u.state === "duplicate") && (
                  <button
                    type="button"
                    className="button button-link"
                    onClick={() => setUploads((list) => list.filter((x) => x.key !== u.key))}
                  >
                    Dismiss
                  </button>
                )}
                {u.state === "uploading" && (
                  <button type="button" className="button button-link" onClick={() => u.controller.abort()}>
                    Cancel
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {sources.isPending && <Loading label="Loading sources…" />}
        <ErrorMessage error={sources.error} onRetry={() => void sources.refetch()} />
        <ErrorMessage error={remove.error} />
        <ErrorMessage error={retry.error} />
        {sources.data?.items.length === 0 && uploads.length === 0 && (
          <p className="empty muted">
            No sources yet.{editable ? " Add the case's PDFs to extract facts." : ""}
          </p>
        )}
        <ul className="sources" aria-label="Sources in this case">
          {sources.data?.items.map((source) => (
            <SourceRow
              key={source.id}
              source={source}
              selected={selectedSourceId === source.id}
              editable={editable}
              deleting={remove.isPending && remove.variables?.sourceId === source.id}
              retrying={retry.isPending && retry.variables?.sourceId === source.id}
              onRetry={() => retry.mutate({ documentId, sourceId: source.id })}
              onSelect={() => onSelectSource(selectedSourceId === source.id ? null : source.id)}
              onOpen={() => onOpen({ sourceId: source.id, filename: source.filename, pageNumber: 1 })}
              onDelete={() => {
                if (confirm(`Delete “${source.filename}” and the facts drawn from it?`)) {
                  remove.mutate({ documentId, sourceId: source.id });
                }
              }}
            />
          ))}
        </ul>
      </div>
    </section>
  );
}

function SourceRow(props: {
  source: Source;
  selected: boolean;
  editable: boolean;
  deleting: boolean;
  retrying: boolean;
  onRetry: () => void;
  onSelect: () => void;
  onOpen: () => void;
  onDelete: () => void;
}) {
  const { source } = props;
  const total = source.pageCount ?? 0;
  const readingPages = isProcessing(source) && (total === 0 || source.pagesDone < total);
  return (
    <li
      className={`source${props.selected ? " is-selected" : ""}`}
      data-testid="source"
      data-status={source.status}
    >
      <div className="source-title">
        <span className="filename" title={source.filename}>
          {source.filename}
        </span>
        <SourceStatus source={source} />
      </div>
      <div className="muted source-meta">
        {formatBytes(source.sizeBytes)}
        {source.pageCount ? ` · ${source.pageCount} page${source.pageCount === 1 ? "" : "s"}` : ""}
      </div>
      {isProcessing(source) && (
        <div className="source-progress">
          <progress
            max={total || 1}
            value={readingPages ? source.pagesDone : undefined}
            aria-label={`Processing ${source.filename}`}
          />
          <span className="muted">
            {source.status === "uploaded"
              ? "Queued"
              : readingPages && source.coverage.ocrPending > 0
                ? `OCR ${source.coverage.ocr} / ${source.coverage.ocr + source.coverage.ocrPending} pages`
                : readingPages
                  ? `Extracting ${source.pagesDone}/${total || "?"} pages`
                  : "Finding facts…"}
          </span>
        </div>
      )}
      <SourceCoverage source={source} />
      {source.status === "failed" && (
        <p className="field-error" role="alert">
          {source.error ?? "Processing failed"}
        </p>
      )}
      {source.retryable && source.status !== "failed" && (
        <p className="muted">No progress for a while; it may have stopped.</p>
      )}
      <div className="row-actions">
        <button
          type="button"
          className="button button-link"
          aria-pressed={props.selected}
          onClick={props.onSelect}
        >
          {props.selected ? "Show all facts" : "Only its facts"}
        </button>
        <button type="button" className="button button-link" onClick={props.onOpen}>
          View PDF
        </button>
        {props.editable && source.retryable && (
          <button
            type="button"
            className="button button-link"
            onClick={props.onRetry}
            disabled={props.retrying}
            aria-label={`Retry ${source.filename}`}
          >
            {props.retrying ? "Retrying…" : "Retry"}
          </button>
        )}
        {props.editable && (
          <button
            type="button"
            className="button button-link button-danger"
            onClick={props.onDelete}
            disabled={props.deleting}
            aria-label={`Delete ${source.filename}`}
          >
            {props.deleting ? "Deleting…" : "Delete"}
          </button>
        )}
      </div>
    </li>
  );
}

/**
 * How a source's pages were read, once OCR had a part in it: "2 / 2 pages read (2 by OCR, mean
 * confidence 93 %)", the blank pages, and the pages OCR was unsure of, for a person to check.
 */
function SourceCoverage({ source }: { source: Source }) {
  const { coverage } = source;
  if (coverage.ocr === 0 || coverage.ocrPending > 0) return null;
  const pages = (list: number[]) => `page${list.length === 1 ? "" : "s"} ${list.join(", ")}`;
  return (
    <div className="muted source-coverage" data-testid="source-coverage">
      {`${coverage.read} / ${source.pageCount ?? coverage.read} pages read (${coverage.ocr} by OCR`}
      {coverage.confidence != null ? `, mean confidence ${coverage.confidence} %)` : ")"}
      {coverage.blankPages.length > 0 && <div>{`Blank: ${pages(coverage.blankPages)}`}</div>}
      {coverage.lowConfidencePages.length > 0 && (
        <div className="field-error">{`Check ${pages(coverage.lowConfidencePages)}: OCR was unsure of them`}</div>
      )}
    </div>
  );
}

function SourceStatus({ source }: { source: Source }) {
  switch (source.status) {
    case "ready":
      return <Badge tone="success">Ready</Badge>;
    case "failed":
      return <Badge tone="danger">Failed</Badge>;
    case "uploaded":
      return <Badge tone="neutral">Queued</Badge>;
    default:
      return <Badge tone="info">Extracting</Badge>;
  }
}
