import { formatUsd, presenceColor, table } from "@steno/shared";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Editor } from "@tiptap/react";
import { type FormEvent, useCallback, useEffect, useId, useMemo, useState } from "react";
import { Dialog, ErrorMessage, Field, formatDate, Loading, Notice } from "../components/ui.tsx";
import { describeError } from "../lib/errors.ts";
import { downloadFile } from "../lib/http.ts";
import { parseUsd } from "../lib/money.ts";
import type { SessionData } from "../lib/session.ts";
import { type CaseDocument, canEdit, type Job, type ReadinessItem } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import { insertBlock, LetterEditor } from "./letter-editor.tsx";
import { ReadinessPanel } from "./readiness-panel.tsx";
import { type LetterRoom, useLetterRoom } from "./use-letter-room.ts";

const done = (job: Job | undefined) => job?.status === "succeeded" || job?.status === "failed";

export default function LetterPane({
  document,
  session,
  onFix,
}: {
  document: CaseDocument;
  session: SessionData;
  /** takes the attorney to what a readiness item is about */
  onFix?: (item: ReadinessItem) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const exportNoteId = useId();
  const documentId = document.id;
  // The template chosen for the next draft decides which profile fields it needs.
  const [templateId, setTemplateId] = useState("");
  const readiness = useQuery(
    trpc.letters.readiness.queryOptions({ documentId, templateId: templateId || undefined }),
  );
  // Export checks the letter's own template (the same query unless another one is chosen).
  const exportReadiness = useQuery(trpc.letters.readiness.queryOptions({ documentId }));
  const exportBlocked = exportReadiness.data?.open ?? 0;
  const room = useLetterRoom(documentId, session.user.id);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [showVersions, setShowVersions] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const user = useMemo(
    () => ({ name: session.user.name, color: presenceColor(session.user.id) }),
    [session.user.name, session.user.id],
  );
  // The room's answer wins: it is what the server will enforce.
  const role = room?.role ?? document.role;
  const editable = canEdit(role);

  const download = async (file: "export.docx" | "export.pdf" | "exhibits.pdf", name: string) => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadFile(`/api/documents/${documentId}/${file}`, name);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };
  const exportDocx = () => download("export.docx", `${document.title}.docx`);
  const exportPdf = () => download("export.pdf", `${document.title}.pdf`);
  const exportExhibits = () => download("exhibits.pdf", `${document.title} exhibits.pdf`);

  return (
    <section className="pane pane-letter" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Letter</h2>
        {room && <Presence room={room} />}
        <div className="pane-header-actions">
          <button type="button" className="button button-small" onClick={() => setShowVersions(true)}>
            Versions
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={exportDocx}
            disabled={exporting || exportBlocked > 0}
            aria-describedby={exportBlocked > 0 ? exportNoteId : undefined}
          >
            {exporting ? "Exporting…" : "Export .docx"}
          </button>
          {/* The same letter as a PDF made by the server: letterhead, signature and paper from Firm settings. */}
          <button
            type="button"
            className="button button-small"
            onClick={exportPdf}
            disabled={exporting || exportBlocked > 0}
            aria-describedby={exportBlocked > 0 ? exportNoteId : undefined}
          >
            Export .pdf
          </button>
          {/* Every page the reviewed facts cite, one bookmark per file: what goes with the letter. */}
          <button type="button" className="button button-small" onClick={exportExhibits} disabled={exporting}>
            Exhibits .pdf
          </button>
          {/* The print stylesheet leaves only the letter's page, so "Save as PDF" gives the letter. */}
          <button type="button" className="button button-small" onClick={() => window.print()}>
            Print / PDF
          </button>
        </div>
      </header>
      <div className="pane-body">
        {exportBlocked > 0 && (
          <p className="muted export-blocked" id={exportNoteId}>
            Export waits until the {exportBlocked} item{exportBlocked === 1 ? "" : "s"} below{" "}
            {exportBlocked === 1 ? "is" : "are"} resolved or dismissed.
          </p>
        )}
        <ErrorMessage error={exportError} />
        <ReadinessPanel
          documentId={documentId}
          readiness={readiness.data}
          error={readiness.error}
          editable={editable}
          onFix={onFix}
        />
        {editable && (
          <GeneratePanel
            documentId={documentId}
            room={room}
            approvedFacts={document.factCounts.approved + document.factCounts.edited}
            templateId={templateId}
            onTemplateChange={setTemplateId}
            // When the list cannot load, the server still refuses an unready draft (409, naming each item).
            openItems={readiness.isError ? 0 : readiness.data?.open}
          />
        )}
        <DamagesCard
          documentId={documentId}
          onInsert={editable && editor ? (node) => insertBlock(editor, node) : undefined}
        />
        {!room ? (
          <Loading label="Opening the letter…" />
        ) : (
          <>
            <SyncStatus room={room} readOnly={!editable} />
            {room.connected || room.localLoaded ? (
              <LetterEditor
                doc={room.doc}
                provider={room.provider}
                user={user}
                readOnly={!editable}
                onReady={setEditor}
              />
            ) : (
              <Loading label="Opening the letter…" />
            )}
          </>
        )}
      </div>
      {showVersions && (
        <VersionsDialog
          documentId={documentId}
          editable={editable}
          onClose={() => setShowVersions(false)}
          onRestored={() =>
            void queryClient.invalidateQueries({ queryKey: trpc.letters.versions.list.pathKey() })
          }
        />
      )}
    </section>
  );
}

function Presence({ room }: { room: LetterRoom }) {
  if (room.peers.length === 0) return null;
  return (
    <ul className="presence" aria-label="People in this letter">
      {room.peers.map((peer) => (
        <li
          key={peer.clientId}
          className="avatar"
          style={{ background: peer.color }}
          title={peer.self ? `${peer.name} (you)` : peer.name}
        >
          <span aria-hidden="true">
            {peer.name
              .split(/\s+/)
              .map((w) => w[0])
              .slice(0, 2)
              .join("")
              .toUpperCase()}
          </span>
          <span className="sr-only">{peer.self ? `${peer.name} (you)` : peer.name}</span>
        </li>
      ))}
    </ul>
  );
}

function SyncStatus({ room, readOnly }: { room: LetterRoom; readOnly: boolean }) {
  let text: string;
  let tone: string;
  if (room.connected && room.synced) {
    text = readOnly ? "Live · read-only (viewer)" : "Live · changes are shared as you type";
    tone = "ok";
  } else if (room.unsynced) {
    text = "Offline · unsynced changes are kept on this device and merge when you reconnect";
    tone = "warning";
  } else if (room.joinError) {
    text = `Cannot join the letter: ${room.joinError}`;
    tone = "error";
  } else if (room.connected) {
    text = "Syncing…";
    tone = "pending";
  } else {
    text = room.localLoaded ? "Offline · showing the copy on this device" : "Connecting…";
    tone = "pending";
  }
  return (
    <p className={`sync-status sync-${tone}`} role="status" data-testid="sync-status">
      <span className="dot" aria-hidden="true" />
      {text}
    </p>
  );
}

function GeneratePanel({
  documentId,
  room,
  approvedFacts,
  templateId,
  onTemplateChange,
  openItems,
}: {
  documentId: string;
  room: LetterRoom | null;
  approvedFacts: number;
  templateId: string;
  onTemplateChange: (templateId: string) => void;
  /** readiness items still open for this template (undefined while loading) */
  openItems: number | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const reasonId = useId();
  const [options, setOptions] = useState({ demand: "", responseDays: "30" });
  const [optionError, setOptionError] = useState<string | null>(null);
  const templates = useQuery(trpc.templates.list.queryOptions());
  const info = useQuery(trpc.system.info.queryOptions(undefined, { staleTime: 10 * 60_000 }));
  const jobs = useQuery(trpc.jobs.list.queryOptions({ documentId }));
  const generate = useMutation(
    trpc.letters.generate.mutationOptions({ onSuccess: (result) => setJobId(result.jobId) }),
  );
  const job = useQuery({
    ...trpc.jobs.get.queryOptions({ documentId, jobId: jobId ?? "" }),
    enabled: jobId !== null,
    refetchInterval: (query) => (done(query.state.data) ? false : 800),
  });

  // Pick up a draft that is still being written (after a reload, or started by a colleague).
  useEffect(() => {
    if (jobId) return;
    const running = jobs.data?.items.find(
      (j) => j.kind === "generate-letter" && (j.status === "queued" || j.status === "running"),
    );
    if (running) setJobId(running.id);
  }, [jobs.data, jobId]);

  // The draft itself reaches the editor through the room, like any edit.
  const finished = done(job.data);
  useEffect(() => {
    if (finished) {
      void queryClient.invalidateQueries({ queryKey: trpc.letters.versions.list.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey({ documentId }) });
    }
  }, [finished, queryClient, trpc, documentId]);

  const start = (event: FormEvent) => {
    event.preventDefault();
    const demand = parseUsd(options.demand);
    if ("error" in demand) return setOptionError(demand.error);
    const days = Number(options.responseDays);
    if (!Number.isInteger(days) || days < 1 || days > 180)
      return setOptionError("Give 1 to 180 days to respond");
    setOptionError(null);
    const hasText = (room?.doc.getXmlFragment("default").length ?? 0) > 0;
    if (
      hasText &&
      !confirm("Replace the letter with a new draft? The current text is saved as a version first.")
    ) {
      return;
    }
    generate.mutate({
      documentId,
      templateId: templateId || undefined,
      demandAmountCents: demand.cents ?? undefined,
      responseDays: days,
    });
  };

  const running = jobId !== null && !finished;
  const local = info.data?.aiProvider === "local";
  const blocked = openItems === undefined || openItems > 0;
  return (
    <form className="generate" onSubmit={start} aria-label="Generate a draft">
      <div className="generate-row">
        <button
          type="submit"
          className="button button-primary"
          disabled={generate.isPending || running || approvedFacts === 0 || blocked}
          aria-describedby={reasonId}
        >
          {running ? "Generating…" : "Generate draft"}
        </button>
        <span className="muted" id={reasonId}>
          {approvedFacts === 0
            ? "Approve facts first: drafts are built from approved facts only."
            : openItems === undefined
              ? "Checking what the letter needs…"
              : openItems > 0
                ? `Resolve or dismiss the ${openItems} item${openItems === 1 ? "" : "s"} above first.`
                : `From the ${approvedFacts} approved fact${approvedFacts === 1 ? "" : "s"}${
                    local ? ", drafted offline by the local rule-based generator" : " with Claude"
                  }.`}
        </span>
      </div>
      <details className="generate-options">
        <summary>Options</summary>
        <div className="form-row">
          <Field label="Template">
            {(p) => (
              <select {...p} value={templateId} onChange={(e) => onTemplateChange(e.target.value)}>
                <option value="">The case's template</option>
                {templates.data?.items.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} (v{t.version})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Demand ($)" hint="Default: 3× economic damages, rounded up to $1,000">
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={options.demand}
                onChange={(e) => setOptions((o) => ({ ...o, demand: e.target.value }))}
              />
            )}
          </Field>
          <Field label="Days to respond">
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={180}
                value={options.responseDays}
                onChange={(e) => setOptions((o) => ({ ...o, responseDays: e.target.value }))}
              />
            )}
          </Field>
        </div>
      </details>
      {optionError && (
        <p className="field-error" role="alert">
          {optionError}
        </p>
      )}
      <ErrorMessage error={generate.error} />
      {jobId && job.data && (
        <div className={`job job-${job.data.status}`} role="status" data-testid="generate-status">
          {job.data.status === "succeeded" ? (
            "Draft written into the letter."
          ) : job.data.status === "failed" ? (
            <>Generation failed: {job.data.error ?? "unknown error"}</>
          ) : (
            <>
              <span className="spinner" aria-hidden="true" />
              {job.data.status === "queued" ? "Queued…" : `${capitalize(job.data.phase ?? "working")}…`}
            </>
          )}
        </div>
      )}
      {job.isError && <ErrorMessage error={job.error} />}
    </form>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One day, or the range a line was billed over. */
const serviceDates = (from: string | null, to: string | null) =>
  to && to !== from ? `${formatDate(from)} – ${formatDate(to)}` : formatDate(from);

function DamagesCard({
  documentId,
  onInsert,
}: {
  documentId: string;
  onInsert?: (node: ReturnType<typeof table>) => void;
}) {
  const trpc = useTRPC();
  const damages = useQuery(trpc.letters.damages.queryOptions({ documentId }));
  if (damages.isPending) return <Loading label="Computing damages…" />;
  if (damages.isError) return <ErrorMessage error={damages.error} onRetry={() => void damages.refetch()} />;
  const ledger = damages.data;
  const empty = ledger.lines.length === 0 && ledger.wageLossCents === 0;
  const asTable = () =>
    table(
      ["Provider", "Date of service", "Amount"],
      ledger.lines.map((l) => [
        l.provider,
        serviceDates(l.dateOfService, l.dateTo),
        formatUsd(l.amountCents),
      ]),
      ["Total economic damages", "", formatUsd(ledger.totalCents)],
    );
  return (
    <details className="damages">
      <summary>
        Damages <span className="muted damages-note">from approved bills and wage loss</span>
        <strong className="damages-total" data-testid="damages-total">
          {formatUsd(ledger.totalCents)}
        </strong>
      </summary>
      {empty ? (
        <p className="muted">Approve billing and wage-loss facts to build the ledger.</p>
      ) : (
        <>
          <table className="table table-compact">
            <caption className="sr-only">Damages by provider and date of service</caption>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Date of service</th>
                <th scope="col">Codes</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {ledger.lines.map((line) => (
                <tr key={`${line.provider}:${line.dateOfService}:${line.dateTo}`}>
                  <td>{line.provider}</td>
                  <td>{serviceDates(line.dateOfService, line.dateTo)}</td>
                  <td>{line.codes.join(", ")}</td>
                  <td className="num">{formatUsd(line.amountCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Medical specials
                </th>
                <td className="num">{formatUsd(ledger.medicalTotalCents)}</td>
              </tr>
              <tr>
                <th scope="row" colSpan={3}>
                  Lost wages
                </th>
                <td className="num">{formatUsd(ledger.wageLossCents)}</td>
              </tr>
              <tr className="total">
                <th scope="row" colSpan={3}>
                  Total economic damages
                </th>
                <td className="num">{formatUsd(ledger.totalCents)}</td>
              </tr>
              {ledger.futureCareCents > 0 && (
                <tr>
                  <th scope="row" colSpan={3}>
                    Future care (estimates, not in the total)
                  </th>
                  <td className="num">{formatUsd(ledger.futureCareCents)}</td>
                </tr>
              )}
            </tfoot>
          </table>
          {onInsert && (
            <button type="button" className="button button-small" onClick={() => onInsert(asTable())}>
              Insert table into the letter
            </button>
          )}
        </>
      )}
    </details>
  );
}

function VersionsDialog({
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
        void refresh();
        onRestored();
      },
    }),
  );
  const fieldErrors = create.error ? describeError(create.error).fieldErrors : {};
  return (
    <Dialog title="Version history" onClose={onClose}>
      {editable && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate({ documentId, label });
          }}
        >
          <Field label="Save the letter as it is now" errors={fieldErrors.label}>
            {(p) => (
              <input
                {...p}
                placeholder="e.g. Sent to partner for review"
                value={label}
                onChange={(e) => setLabel(e.target.value)}
              />
            )}
          </Field>
          <button
            type="submit"
            className="button button-primary"
            disabled={create.isPending || !label.trim()}
          >
            {create.isPending ? "Saving…" : "Save version"}
          </button>
        </form>
      )}
      {!fieldErrors.label && <ErrorMessage error={create.error} />}
      <ErrorMessage error={restore.error} />
      {restore.isSuccess && <Notice tone="success">Restored “{restore.data.restoredLabel}”.</Notice>}
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
              </div>
            </div>
            {editable && (
              <button
                type="button"
                className="button button-small"
                disabled={restore.isPending}
                onClick={() => {
                  if (confirm(`Restore “${v.label}”? The current letter is saved as a version first.`)) {
                    restore.mutate({ documentId, versionId: v.id });
                  }
                }}
              >
                Restore
              </button>
            )}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
