import {
  formatLongDate,
  formatUsd,
  TEMPLATE_PROFILE_FIELDS,
  TEMPLATE_VARIABLES,
  type TemplateVariable,
  toIsoDate,
} from "@steno/shared";
import type { ReactNode } from "react";
import type { Outputs } from "../lib/types.ts";

type Ledger = Outputs["letters"]["damages"];
type Firm = Outputs["firm"]["get"];
type Doc = Outputs["documents"]["get"];
type Fact = Outputs["facts"]["list"]["items"][number];
type Profile = Outputs["profile"]["get"];

type Value = string | { list: string[] } | { ledger: Ledger };

/**
 * The variables filled from what the case has now: the case profile's confirmed values (as a
 * draft prints them); the rest (an unconfirmed field, the narrative) as bracketed placeholders.
 */
export function previewValues(input: {
  firm: Firm;
  doc: Doc;
  facts: Fact[];
  ledger: Ledger;
  profile?: Profile;
}) {
  const { firm, doc, facts, ledger, profile } = input;
  const today = new Date().toISOString().slice(0, 10);
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const of = (category: string) => facts.filter((f) => f.category === category).map((f) => f.text);
  const placeholder = (name: TemplateVariable) => `[${TEMPLATE_VARIABLES[name]}]`;
  const cityLine = [firm.city, [firm.region, firm.postalCode].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  const values: Record<TemplateVariable, Value> = {
    today: formatLongDate(today),
    "exhibits.list": "Exhibit 1: (each cited file, with the pages cited, listed when the draft is generated)",
    "firm.name": firm.name,
    "firm.address":
      [firm.addressLine1, firm.addressLine2, cityLine].filter(Boolean).join("\n") ||
      placeholder("firm.address"),
    "firm.phone": firm.phone ?? placeholder("firm.phone"),
    "firm.email": firm.email ?? placeholder("firm.email"),
    "attorney.name": firm.attorneyName ?? placeholder("attorney.name"),
    "attorney.signature": firm.signatureBlock ?? firm.attorneyName ?? placeholder("attorney.signature"),
    "client.name": doc.clientName ?? placeholder("client.name"),
    "incident.date": doc.incidentDate ? formatLongDate(doc.incidentDate) : placeholder("incident.date"),
    "incident.location": placeholder("incident.location"),
    "incident.description": placeholder("incident.description"),
    "insurer.name": placeholder("insurer.name"),
    "insurer.adjuster": placeholder("insurer.adjuster"),
    "claim.number": placeholder("claim.number"),
    "policy.number": placeholder("policy.number"),
    "insured.name": placeholder("insured.name"),
    "facts.incident": { list: of("incident") },
    "facts.liability": { list: of("liability") },
    "facts.injuries": { list: of("injury") },
    "facts.treatment": { list: of("treatment") },
    "damages.table": { ledger },
    "damages.medical_total": formatUsd(ledger.medicalTotalCents),
    "damages.wage_loss": formatUsd(ledger.wageLossCents),
    "damages.total": formatUsd(ledger.totalCents),
    "demand.amount": formatUsd(Math.ceil((ledger.totalCents * 3) / 100_000) * 100_000),
    "demand.deadline": formatLongDate(deadline),
  };
  for (const [variable, field] of Object.entries(TEMPLATE_PROFILE_FIELDS)) {
    const confirmed = field ? profile?.fields[field].confirmed?.value : undefined;
    if (!confirmed) continue;
    values[variable as TemplateVariable] =
      field === "dateOfLoss" ? formatLongDate(toIsoDate(confirmed) ?? confirmed) : confirmed;
  }
  return values;
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

function inline(text: string, values: Record<string, Value>): ReactNode[] {
  const out: ReactNode[] = [];
  // Plain text, with its line breaks; keys are offsets into the block.
  const pushText = (chunk: string, offset: number) => {
    let at = offset;
    chunk.split("\n").forEach((line, n) => {
      if (n > 0) out.push(<br key={`br${at}`} />);
      out.push(line);
      at += line.length + 1;
    });
  };
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const index = match.index ?? 0;
    pushText(text.slice(last, index), last);
    const value = values[match[1] ?? ""];
    const rendered = typeof value === "string" ? value : value ? "[block]" : match[0];
    out.push(
      <mark key={`var${index}`} className="var-value">
        {rendered}
      </mark>,
    );
    last = index + match[0].length;
  }
  pushText(text.slice(last), last);
  return out;
}

/** The template's blocks (paragraphs, "# " headings, "- " lists) with the case's values. */
export function TemplatePreview({ body, values }: { body: string; values: Record<string, Value> }) {
  // Keyed by offset in the body, which is stable while typing elsewhere.
  const blocks: Array<{ block: string; key: number }> = [];
  let offset = 0;
  for (const part of body.split(/(\n\s*\n)/)) {
    if (part.trim() && !/^\n\s*\n$/.test(part)) blocks.push({ block: part, key: offset });
    offset += part.length;
  }
  return (
    <div className="template-preview letter-doc">
      {blocks.map(({ block, key }) => {
        const trimmed = block.trim();
        const only = /^\{\{\s*([^{}]*?)\s*\}\}$/.exec(trimmed)?.[1];
        const value = only ? values[only] : undefined;
        if (value && typeof value === "object" && "list" in value) {
          return value.list.length ? (
            <ul key={key}>
              {value.list.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          ) : (
            <p key={key} className="muted">
              [No approved facts for {TEMPLATE_VARIABLES[only as TemplateVariable]?.toLowerCase()}]
            </p>
          );
        }
        if (value && typeof value === "object" && "ledger" in value) {
          return (
            <table key={key} className="table table-compact">
              <thead>
                <tr>
                  <th>Provider</th>
                  <th>Date of service</th>
                  <th className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {value.ledger.lines.map((l) => (
                  <tr key={`${l.provider}:${l.dateOfService}:${l.dateTo}`}>
                    <td>{l.provider}</td>
                    <td>
                      {l.dateTo && l.dateTo !== l.dateOfService
                        ? `${formatLongDate(l.dateOfService)} – ${formatLongDate(l.dateTo)}`
                        : formatLongDate(l.dateOfService)}
                    </td>
                    <td className="num">{formatUsd(l.amountCents)}</td>
                  </tr>
                ))}
                <tr className="total">
                  <td colSpan={2}>Total</td>
                  <td className="num">{formatUsd(value.ledger.totalCents)}</td>
                </tr>
              </tbody>
            </table>
          );
        }
        if (trimmed.startsWith("# ")) return <h3 key={key}>{inline(trimmed.slice(2), values)}</h3>;
        if (trimmed.split("\n").every((line) => line.startsWith("- "))) {
          return (
            <ul key={key}>
              {trimmed.split("\n").map((line) => (
                <li key={line}>{inline(line.slice(2), values)}</li>
              ))}
            </ul>
          );
        }
        return <p key={key}>{inline(trimmed, values)}</p>;
      })}
    </div>
  );
}
