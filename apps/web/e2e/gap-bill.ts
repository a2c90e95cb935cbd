// An imaging center's statement whose table does not itemize every charge its total includes: a
// late-posted x-ray is printed only in a note under the table, which the reader (rightly) does not
// take for a row. The ledger must show the difference; the attorney adds the line by hand.
import {
  type Column,
  createLayout,
  fields,
  finish,
  heading,
  line,
  newPage,
  RIGHT_EDGE,
  space,
  table,
  tableRow,
  title,
} from "../../../scripts/fixtures/pdf-layout.ts";

const usd = (cents: number) =>
  `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const GAP_BILL = {
  filename: "bill-capitol-imaging.pdf",
  provider: "Capitol City Imaging",
  lines: [
    { date: "03/20/2026", code: "72141", description: "MRI cervical spine without contrast", cents: 185_000 },
    { date: "03/20/2026", code: "72148", description: "MRI lumbar spine without contrast", cents: 197_500 },
  ],
  /** printed in a note on page 2, not in the table: the line the attorney adds */
  missing: {
    pageNumber: 2,
    isoDate: "2026-04-09",
    cents: 28_575,
    quote: "follow-up lumbar spine x-ray on 04/09/2026, $285.75",
    note: "Posted after this statement was itemized: follow-up lumbar spine x-ray on 04/09/2026, $285.75.",
  },
  get statedCents() {
    return this.lines.reduce((sum, l) => sum + l.cents, 0) + this.missing.cents;
  },
};

export async function gapBill(): Promise<Uint8Array> {
  const b = GAP_BILL;
  const l = await createLayout(
    {
      title: "CAPITOL CITY IMAGING",
      lines: ["Billing Department - 800 N. Rutledge Street, Springfield, IL 62702", "Tax ID 37-2204815"],
      right: ["PATIENT STATEMENT", "Account #: CCI-55812"],
    },
    "Capitol City Imaging Billing - (217) 555-0133",
    "Statement CCI-55812",
  );
  title(l, "ITEMIZED STATEMENT");
  fields(l, [
    ["Statement Date:", "05/12/2026"],
    ["Account #:", "CCI-55812"],
    ["Patient:", "Maria L. Rivera"],
    ["DOB:", "07/22/1988"],
    ["Referring Physician:", "Karen Liu, MD"],
    ["Radiologist:", "Paul Brandt, MD"],
  ]);
  const cols: Column[] = [
    { title: "DOS", x: 54 },
    { title: "CPT", x: 120 },
    { title: "Description", x: 170 },
    { title: "Units", x: 440, align: "right" },
    { title: "Amount", x: RIGHT_EDGE, align: "right" },
  ];
  heading(l, "SERVICES");
  table(
    l,
    cols,
    b.lines.map((x) => [x.date, x.code, x.description, "1", usd(x.cents)]),
  );
  // The note and the totals on the second page: "Add the missing line" opens the page of the total.
  newPage(l);
  fields(l, [
    ["Patient:", "Maria L. Rivera"],
    ["Account #:", "CCI-55812"],
  ]);
  heading(l, "NOTES");
  line(l, b.missing.note, { size: 9 });
  space(l, 6);
  heading(l, "ACCOUNT SUMMARY");
  const summary: Column[] = [
    { title: "", x: 300 },
    { title: "", x: RIGHT_EDGE, align: "right" },
  ];
  tableRow(l, summary, ["Total Charges", usd(b.statedCents)], 10, true);
  tableRow(l, summary, ["Insurance Payments", usd(0)], 10);
  tableRow(l, summary, ["Adjustments", usd(0)], 10);
  tableRow(l, summary, ["Balance Due", usd(b.statedCents)], 11, true);
  return finish(l);
}
