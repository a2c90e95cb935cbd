import { DEFAULT_GAP_DAYS, providerKey } from "@steno/shared";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Fragment, useId, useState } from "react";
import { ErrorMessage, formatDate, Loading } from "../components/ui.tsx";
import { downloadFile } from "../lib/http.ts";
import type { Citation, Outputs } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";

type Chronology = Outputs["chronology"]["get"];
type EventLine = Chronology["timeline"][number]["events"][number]["diagnoses"][number];
type Cited = EventLine["citation"];

/** Opens the PDF at the quote, as the facts pane does; text added by hand has nothing to open. */
function CitedText({
  line,
  onOpen,
}: {
  line: { text: string; code?: string | null; citation: Cited };
  onOpen: (citation: Citation) => void;
}) {
  const label = line.code && line.code !== line.text ? `${line.text} (${line.code})` : line.text;
  const { sourceId, pageNumber } = line.citation;
  if (!sourceId || !pageNumber) return <span>{label}</span>;
  return (
    <button
      type="button"
      className="link-button chronology-cite"
      title={`p. ${pageNumber} of ${line.citation.sourceFilename ?? "the source"}: ${line.citation.quote ?? ""}`}
      onClick={() =>
        onOpen({
          sourceId,
          filename: line.citation.sourceFilename ?? "Source",
          pageNumber,
          quote: line.citation.quote,
        })
      }
    >
      {label}
    </button>
  );
}

/** What an event's lines say, in the order an attorney reads a visit. */
const COLUMNS = [
  ["diagnoses", "Diagnoses"],
  ["procedures", "Procedures"],
  ["findings", "Findings"],
  ["restrictions", "Restrictions"],
  ["care", "Care"],
] as const;

function Lines({ lines, onOpen }: { lines: EventLine[]; onOpen: (citation: Citation) => void }) {
  return (
    <ul className="chronology-lines">
      {lines.map((l) => (
        <li key={`${l.citation.factId}-${l.text}`}>
          <CitedText line={l} onOpen={onOpen} />
        </li>
      ))}
    </ul>
  );
}

/**
 * The medical chronology (chronology.get): every treatment event in date order, grouped by
 * provider, each line cited to the page it was read from; above it the flags an adjuster would
 * raise (gaps over N days, care before the date of loss, bills without records and records
 * without bills); a Word table of it all. The per-provider summary is what the letter's treatment
 * section is written from.
 */
export function ChronologyPane({
  documentId,
  documentTitle,
  shown,
  onOpenCitation,
}: {
  documentId: string;
  documentTitle?: string;
  /** Whether its tab is open: a hidden chronology is not refetched after every review decision. */
  shown: boolean;
  onOpenCitation: (citation: Citation) => void;
}) {
  const trpc = useTRPC();
  const headingId = useId();
  const gapFieldId = useId();
  const [gapInput, setGapInput] = useState(String(DEFAULT_GAP_DAYS));
  const parsed = Number(gapInput);
  const gapDays = Number.isInteger(parsed) && parsed >= 1 && parsed <= 365 ? parsed : DEFAULT_GAP_DAYS;
  const chronology = useQuery({
    ...trpc.chronology.get.queryOptions({ documentId, gapDays }),
    enabled: shown,
    placeholderData: keepPreviousData,
  });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const data = chronology.data;

  const exportDocx = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadFile(
        `/api/documents/${documentId}/chronology.docx?gapDays=${gapDays}`,
        `${documentTitle ?? "Case"} chronology.docx`,
      );
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="pane pane-damages" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Medical chronology</h2>
      </header>
      <div className="pane-body">
        <div className="chronology-toolbar">
          <div className="field field-inline">
            <label htmlFor={gapFieldId}>Flag gaps over</label>
            <input
              id={gapFieldId}
              type="number"
              min={1}
              max={365}
              inputMode="numeric"
              className="input-narrow"
              value={gapInput}
              onChange={(e) => setGapInput(e.target.value)}
            />
            <span aria-hidden="true">days</span>
          </div>
          <button
            type="button"
            className="button button-small"
            disabled={exporting || !data || data.timeline.length === 0}
            onClick={() => void exportDocx()}
          >
            {exporting ? "Exporting…" : "Download .docx"}
          </button>
        </div>
        {chronology.isPending && <Loading label="Reading the treatment…" />}
        <ErrorMessage error={chronology.error} onRetry={() => void chronology.refetch()} />
        <ErrorMessage error={exportError} />
        {data && data.timeline.length === 0 && (
          <p className="muted">
            No reviewed treatment yet: approve the records' facts to see the chronology.
          </p>
        )}
        {data && data.flags.length > 0 && (
          <div className="alert alert-warning" data-testid="chronology-flags">
            <strong>For the attorney</strong> (the letter does not mention these)
            <ul>
              {data.flags.map((flag) => (
                <li key={`${flag.kind}-${flag.message}`} data-flag={flag.kind}>
                  {flag.kind === "before-loss" && flag.citation?.sourceId && flag.citation.pageNumber ? (
                    <CitedText
                      line={{ text: flag.message, citation: flag.citation }}
                      onOpen={onOpenCitation}
                    />
                  ) : (
                    flag.message
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
        {data?.timeline.map((group) => {
          const summary = data.providers.find((p) => providerKey(p.provider) === providerKey(group.provider));
          return (
            <article
              key={group.provider}
              className="provider-damages"
              aria-label={group.provider}
              data-testid="chronology-provider"
            >
              <h3>{group.provider}</h3>
              {summary && (
                <p className="muted">
                  {summary.firstVisit === summary.lastVisit
                    ? formatDate(summary.firstVisit)
                    : `${formatDate(summary.firstVisit)} – ${formatDate(summary.lastVisit)}`}
                  {" · "}
                  {summary.statedVisits ?? summary.visitDates.length} visit
                  {(summary.statedVisits ?? summary.visitDates.length) === 1 ? "" : "s"}
                  {summary.visitsFromRecords ? "" : " (dates of service on the bill; no records)"}
                  {summary.discharge ? ` · Discharge: ${summary.discharge}` : ""}
                </p>
              )}
              <ol className="chronology-events" aria-label={`Visits to ${group.provider}, in date order`}>
                {group.events.map((event) => (
                  <li
                    key={event.date}
                    data-testid="chronology-event"
                    className={`chronology-event${event.beforeLoss ? " chronology-before-loss" : ""}`}
                  >
                    <p className="chronology-event-head">
                      <strong>{formatDate(event.date)}</strong> · {event.visitType}
                      {event.billOnly && <span className="muted"> (bill only)</span>}
                      {event.beforeLoss && (
                        <span className="badge badge-warning">before the date of loss</span>
                      )}
                    </p>
                    <dl className="chronology-details">
                      {COLUMNS.map(([key, label]) =>
                        event[key].length > 0 ? (
                          <Fragment key={key}>
                            <dt>{label}</dt>
                            <dd>
                              <Lines lines={event[key]} onOpen={onOpenCitation} />
                            </dd>
                          </Fragment>
                        ) : null,
                      )}
                    </dl>
                  </li>
                ))}
              </ol>
            </article>
          );
        })}
      </div>
    </section>
  );
}
