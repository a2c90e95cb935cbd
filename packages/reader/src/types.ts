// What a reader of case files produces: the text of a page, and a fact proposed from it with
// the page and the exact words it rests on. Both AI providers return these.

import { FACT_CATEGORIES, type FactCategoryName, type MoneyKind, type ProfileField } from "@steno/shared";

export type { MoneyKind, ProfileField };
export { FACT_CATEGORIES };
export type FactCategory = FactCategoryName;

/** The text of one page of a source PDF, 1-based page number. */
export type PageText = { pageNumber: number; text: string };

/** A fact as a provider proposes it: always with the page and the exact words it rests on. */
export type ExtractedFact = {
  category: FactCategory;
  /** one sentence a paralegal would write, e.g. "ER visit at Springfield General on 2026-03-14" */
  text: string;
  /** words copied from the page, used to verify the citation */
  quote: string;
  pageNumber: number;
  amountCents?: number | null;
  /** YYYY-MM-DD */
  eventDate?: string | null;
  provider?: string | null;
  /** ICD-10 or CPT code where the fact is a diagnosis or a procedure */
  code?: string | null;
  /** for amounts on bills: a charge (the ledger), or a total, payment, adjustment or balance (reconciliation) */
  moneyKind?: MoneyKind | null;
  /** last date of service of a line billed over a range, YYYY-MM-DD */
  dateTo?: string | null;
  /** groups one bill's lines and stated totals within a source */
  statementKey?: string | null;
  /** a case-profile field this fact proposes a value for, and that value as printed */
  profileField?: ProfileField | null;
  fieldValue?: string | null;
  /**
   * Every passage the fact rests on, the first being `pageNumber`/`quote`. A model may cite two
   * lines for one fact (a charge row and the header that dates it); the local reader cites one.
   */
  citations?: FactCitation[];
};

/** One cited passage: the page and the words on it. */
export type FactCitation = { pageNumber: number; quote: string };
