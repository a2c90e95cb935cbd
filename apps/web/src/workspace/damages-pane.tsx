import { formatUsd } from "@steno/shared";
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { Link } from "wouter";
import { ErrorMessage, formatDate, Loading } from "../components/ui.tsx";
import { type Citation, canEdit, type Ledger, type Role } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import type { AddFactPrefill } from "./add-fact.tsx";

type Provider = Ledger["providers"][number];
type Statement = Provider["statements"][number];
type Cited = {
  factId: string;
  sourceId: string | null;
  sourceFilename: string | null;
  pageNumber: number | null;
  quote: string | null;
  verified: boolean;
};

type Props = {
  documentId: string;
  role: Role;
  onOpenCitation: (citation: Citation) => void;
  /** opens the statement's page with the add-fact form beside it */
  onAddMissingLine: (citation: Citation, prefill: AddFactPrefill) => void;
};

const dates = (from: string | null, to: string | null) =>
  to && to !== from ? `${formatDate(from)} – ${formatDate(to)}` : formatDate(from);

function CitationButton({ cited, onOpen }: { cited: Cited; onOpen: (citation: Citation) => void }) {
  if (!cited.sourceId || !cited.pageNumber) return <span className="muted">added by hand</span>;
  return (
    <button
      type="button"
      className="link-button"
      title={cited.quote ?? undefined}
      onClick={() =>
        onOpen({
          sourceId: cited.sourceId as string,
          filename: cited.sourceFilename ?? "Source",
          pageNumber: cited.pageNumber as number,
          quote: cited.quote,
        })
      }
    >
      p. {cited.pageNumber} of {cited.sourceFilename}
      {!cited.verified && <span className="sr-only"> (quote not found on the page)</span>}
      {!cited.verified && <span aria-hidden="true"> ⚠</span>}
    </button>
  );
}

/**
 * The damages as the ledger computes them, per provider: billed, paid, adjusted and claimed, the
 * charges with their pages, and each bill reconciled against the total it states itself.
 */
export function DamagesPane({ documentId, role, onOpenCitation, onAddMissingLine }: Props) {
  const trpc = useTRPC();
  const headingId = useId();
  const damages = useQuery(trpc.letters.damages.queryOptions({ documentId }));
  const ledger = damages.data;
  const editable = canEdit(role);
  return (
    <section className="pane pane-damages" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Damages</h2>
        {ledger && (
          <strong className="damages-total" data-testid="damages-pane-total">
            {formatUsd(ledger.totalCents)}
          </strong>
        )}
      </header>
      <div className="pane-body">
        {damages.isPending && <Loading label="Computing damages…" />}
        <ErrorMessage error={damages.error} onRetry={() => void damages.refetch()} />
        {ledger && (
          <>
            <table className="table table-compact damages-summary">
              <caption className="sr-only">Damages summary</caption>
              <tbody>
                <tr>
                  <th scope="row">Billed</th>
                  <td className="num">{formatUsd(ledger.billedCents)}</td>
                </tr>
                <tr>
                  <th scope="row">Paid</th>
                  <td className="num">{formatUsd(ledger.paidCents)}</td>
                </tr>
                <tr>
                  <th scope="row">Adjusted / written off</th>
                  <td className="num">{formatUsd(ledger.adjustedCents)}</td>
                </tr>
                <tr>
                  <th scope="row">
                    Medical specials claimed (
                    {ledger.claimBasis === "paid" ? "billed less adjustments" : "billed"})
                  </th>
                  <td className="num">{formatUsd(ledger.medicalTotalCents)}</td>
                </tr>
                <tr>
                  <th scope="row">Lost wages</th>
                  <td className="num">{formatUsd(ledger.wageLossCents)}</td>
                </tr>
                <tr className="total">
                  <th scope="row">Past economic damages</th>
                  <td className="num">{formatUsd(ledger.totalCents)}</td>
                </tr>
                {ledger.futureCareCents > 0 && (
                  <tr>
                    <th scope="row">Future care (estimates, not in the total)</th>
                    <td className="num">{formatUsd(ledger.futureCareCents)}</td>
                  </tr>
                )}
              </tbody>
            </table>
            <p className="muted damages-basis">
              Letters claim {ledger.claimBasis === "paid" ? "what was paid" : "what was billed"} (
              <Link href="/settings/firm">Firm settings</Link>).
            </p>
            {ledger.providers.length === 0 &&
              ledger.wageLoss.length === 0 &&
              ledger.futureCare.length === 0 && (
                <p className="empty muted">
                  Approve billing, wage-loss and future-care facts to build the ledger.
                </p>
              )}
            {ledger.providers.map((provider) => (
              <ProviderDamages
                key={provider.provider}
                provider={provider}
                editable={editable}
                onOpenCitation={onOpenCitation}
                onAddMissingLine={onAddMissingLine}
              />
            ))}
            <CitedAmounts title="Lost wages" items={ledger.wageLoss} onOpenCitation={onOpenCitation} />
            <CitedAmounts
              title="Future care (estimates)"
              items={ledger.futureCare}
              onOpenCitation={onOpenCitation}
            />
          </>
        )}
      </div>
    </section>
  );
}

function ProviderDamages({
  provider,
  editable,
  onOpenCitation,
  onAddMissingLine,
}: {
  provider: Provider;
  editable: boolean;
  onOpenCitation: (citation: Citation) => void;
  onAddMissingLine: Props["onAddMissingLine"];
}) {
  const headingId = useId();
  return (
    <article className="provider-damages" aria-labelledby={headingId} data-testid="provider-damages">
      <h3 id={headingId}>{provider.provider}</h3>
      {provider.aliases.length > 0 && (
        <p className="muted provider-aliases">Also printed as {provider.aliases.join(", ")}</p>
      )}
      <dl className="provider-sums">
        <div>
          <dt>Billed</dt>
          <dd>{formatUsd(provider.billedCents)}</dd>
        </div>
        <div>
          <dt>Paid</dt>
          <dd>{formatUsd(provider.paidCents)}</dd>
        </div>
        <div>
          <dt>Adjusted</dt>
          <dd>{formatUsd(provider.adjustedCents)}</dd>
        </div>
        <div>
          <dt>Claimed</dt>
          <dd>{formatUsd(provider.claimedCents)}</dd>
        </div>
      </dl>
      {provider.statements.length > 0 && (
        <ul className="statements" aria-label={`Bills from ${provider.provider}`}>
          {provider.statements.map((st) => (
            <StatementLine
              key={st.key}
              statement={st}
              editable={editable}
              onOpenCitation={onOpenCitation}
              onAddMissingLine={onAddMissingLine}
            />
          ))}
        </ul>
      )}
      {provider.charges.length > 0 && (
        <table className="table table-compact">
          <caption className="sr-only">Charges from {provider.provider}</caption>
          <thead>
            <tr>
              <th scope="col">Date of service</th>
              <th scope="col">Code</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {provider.charges.map((c) => (
              <tr key={c.factId} className={c.duplicateOf ? "is-duplicate" : undefined}>
                <td>{dates(c.dateOfService, c.dateTo)}</td>
                <td>{c.code ?? ""}</td>
                <td className="num">
                  {formatUsd(c.amountCents)}
                  {c.duplicateOf && (
                    <span className="muted"> (same charge in another file; counted once)</span>
                  )}
                </td>
                <td>
                  <CitationButton cited={c} onOpen={onOpenCitation} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

function StatementLine({
  statement: st,
  editable,
  onOpenCitation,
  onAddMissingLine,
}: {
  statement: Statement;
  editable: boolean;
  onOpenCitation: (citation: Citation) => void;
  onAddMissingLine: Props["onAddMissingLine"];
}) {
  const page = st.total?.pageNumber ?? st.pages[0] ?? 1;
  const where = st.sourceFilename
    ? `${st.sourceFilename}${st.pages.length ? `, p. ${st.pages.join(", ")}` : ""}`
    : "Added by hand";
  const stated = formatUsd(st.statedTotalCents ?? 0);
  return (
    <li className={`statement statement-${st.status}`} data-testid="statement">
      <span className="statement-where">{where}</span>
      {st.status === "reconciled" && (
        <span className="statement-status">
          <span aria-hidden="true">✓ </span>Reconciled: lines {formatUsd(st.linesCents)} = stated {stated}
        </span>
      )}
      {st.status === "unstated" && (
        <span className="statement-status muted">
          Lines {formatUsd(st.linesCents)}; the bill states no total to check them against
        </span>
      )}
      {st.status === "gap" && (
        <span className="statement-status">
          {st.gapCents > 0
            ? `lines ${formatUsd(st.linesCents)} of stated ${stated} — ${formatUsd(st.gapCents)} not itemized`
            : `lines ${formatUsd(st.linesCents)} exceed the stated ${stated} by ${formatUsd(-st.gapCents)}`}
        </span>
      )}
      {st.pendingCents > 0 && (
        <span className="muted statement-pending">{formatUsd(st.pendingCents)} of lines still to review</span>
      )}
      <span className="statement-actions">
        {st.total && <CitationButton cited={st.total} onOpen={onOpenCitation} />}
        {st.status === "gap" && st.gapCents > 0 && editable && st.sourceId && (
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              onAddMissingLine(
                {
                  sourceId: st.sourceId as string,
                  filename: st.sourceFilename ?? "Source",
                  pageNumber: page,
                  quote: st.total?.quote ?? null,
                },
                {
                  category: "billing",
                  moneyKind: "charge",
                  amountCents: st.gapCents,
                  provider: st.provider,
                  sourceId: st.sourceId as string,
                  pageNumber: page,
                  // The ledger keys a statement "<source>|<bill>"; the bill part groups the new line.
                  statementKey: st.key.slice(st.key.indexOf("|") + 1),
                },
              )
            }
          >
            Add the missing line
          </button>
        )}
      </span>
    </li>
  );
}

function CitedAmounts({
  title,
  items,
  onOpenCitation,
}: {
  title: string;
  items: Ledger["wageLoss"];
  onOpenCitation: (citation: Citation) => void;
}) {
  const headingId = useId();
  if (items.length === 0) return null;
  return (
    <article className="provider-damages" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      <table className="table table-compact">
        <caption className="sr-only">{title}</caption>
        <tbody>
          {items.map((item) => (
            <tr key={item.factId}>
              <td>{item.text}</td>
              <td className="num">{formatUsd(item.amountCents)}</td>
              <td>
                <CitationButton cited={item} onOpen={onOpenCitation} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
