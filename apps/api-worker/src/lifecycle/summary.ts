import { sql } from "@steno/db";
import type { OfferParty } from "@steno/shared";

// What the case list shows of each case's lifecycle, as expressions on the `documents` row of
// the statement they are put in (one statement for a page of cases, not one per case). The
// outer row is named as `documents.id` in the text: an interpolated column may be left
// unqualified by drizzle and would then mean the subquery's own `id`.

/** The newest send: when, its deadline, and the first insurer offer since (the response). */
export const responseSummary = sql<{
  sentOn: string;
  responseDueOn: string;
  respondedOn: string | null;
} | null>`(select json_build_object('sentOn', ls.sent_on, 'responseDueOn', ls.response_due_on, 'respondedOn', (select min(o.made_on) from offers o where o.document_id = ls.document_id and o.party = 'insurer' and o.made_on >= ls.sent_on)) from letter_sends ls where ls.document_id = documents.id order by ls.created_at desc limit 1)`;

/** The newest offer or counter-offer. */
export const latestOfferSummary = sql<{
  madeOn: string;
  amountCents: number;
  party: OfferParty;
} | null>`(select json_build_object('madeOn', o.made_on, 'amountCents', o.amount_cents, 'party', o.party) from offers o where o.document_id = documents.id order by o.made_on desc, o.created_at desc limit 1)`;
