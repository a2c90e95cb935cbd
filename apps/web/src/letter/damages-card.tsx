// The damages the letter will claim, from the reconciled ledger.
import { formatUsd, table } from "@steno/shared";
import { useQuery } from "@tanstack/react-query";
import { ErrorMessage, formatDate, Loading } from "../components/ui.tsx";
import { useTRPC } from "../trpc.ts";

/** One day, or the range a line was billed over. */
const serviceDates = (from: string | null, to: string | null) =>
  to && to !== from ? `${formatDate(from)} – ${formatDate(to)}` : formatDate(from);

export function DamagesCard({
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
