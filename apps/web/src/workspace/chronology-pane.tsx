import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { ErrorMessage, formatDate, Loading } from "../components/ui.tsx";
import { useTRPC } from "../trpc.ts";

/**
 * The treatment chronology the letter's treatment section is written from (chronology.get): per
 * provider, the visits, diagnoses, imaging, procedures and discharge, from the reviewed facts;
 * above it, the gaps in care over 30 days, which the letter never prints but the attorney must
 * be ready to answer.
 */
export function ChronologyPane({ documentId }: { documentId: string }) {
  const trpc = useTRPC();
  const headingId = useId();
  const chronology = useQuery(trpc.chronology.get.queryOptions({ documentId }));
  const data = chronology.data;
  return (
    <section className="pane pane-damages" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Treatment chronology</h2>
      </header>
      <div className="pane-body">
        {chronology.isPending && <Loading label="Reading the treatment…" />}
        <ErrorMessage error={chronology.error} onRetry={() => void chronology.refetch()} />
        {data && data.providers.length === 0 && (
          <p className="muted">
            No reviewed treatment yet: approve the records' facts to see the chronology.
          </p>
        )}
        {data && data.gaps.length > 0 && (
          <div className="alert alert-warning" data-testid="treatment-gaps">
            <strong>Gaps in treatment over 30 days</strong> (for you; the letter does not mention them)
            <ul>
              {data.gaps.map((gap) => (
                <li key={`${gap.provider ?? "any"}-${gap.from}`}>
                  {gap.days} days without {gap.provider ? `care at ${gap.provider}` : "any care"}:{" "}
                  {formatDate(gap.from)} – {formatDate(gap.to)}
                </li>
              ))}
            </ul>
          </div>
        )}
        {data?.providers.map((p) => (
          <article
            key={p.provider}
            className="provider-damages"
            aria-label={p.provider}
            data-testid="chronology-provider"
          >
            <h3>{p.provider}</h3>
            <p className="muted">
              {p.firstVisit === p.lastVisit
                ? formatDate(p.firstVisit)
                : `${formatDate(p.firstVisit)} – ${formatDate(p.lastVisit)}`}
              {" · "}
              {p.statedVisits ?? p.visitDates.length} visit
              {(p.statedVisits ?? p.visitDates.length) === 1 ? "" : "s"}
              {p.visitsFromRecords ? "" : " (dates of service on the bill; no records)"}
            </p>
            <dl className="chronology-details">
              {p.diagnoses.length > 0 && (
                <>
                  <dt>Diagnoses</dt>
                  <dd>
                    {p.diagnoses
                      .map((d) => [d.words, d.code && `(${d.code})`].filter(Boolean).join(" "))
                      .join("; ")}
                  </dd>
                </>
              )}
              {p.imaging.length > 0 && (
                <>
                  <dt>Imaging</dt>
                  <dd>{p.imaging.map((i) => `${i.study}: ${i.finding}`).join("; ")}</dd>
                </>
              )}
              {p.procedures.length > 0 && (
                <>
                  <dt>Procedures</dt>
                  <dd>
                    {p.procedures
                      .map((x) => [x.words, x.code && `(${x.code})`].filter(Boolean).join(" "))
                      .join("; ")}
                  </dd>
                </>
              )}
              {p.discharge && (
                <>
                  <dt>Discharge</dt>
                  <dd>{p.discharge}</dd>
                </>
              )}
            </dl>
          </article>
        ))}
      </div>
    </section>
  );
}
