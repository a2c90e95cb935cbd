// Drafting the letter: template, readiness, progress of the queued job as it streams.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import { ErrorMessage, Field } from "../components/ui.tsx";
import { parseUsd } from "../lib/money.ts";
import type { Job } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import type { LetterRoom } from "./use-letter-room.ts";

const done = (job: Job | undefined) => job?.status === "succeeded" || job?.status === "failed";

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function GeneratePanel({
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
      // A new draft settles the items about the old one's words (a blank it printed).
      void queryClient.invalidateQueries({ queryKey: trpc.letters.readiness.pathKey() });
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
