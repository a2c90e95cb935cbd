// The shapes both AI providers (see DESIGN.md: `local` and `anthropic`) exchange with the
// pipeline. A page's text and a proposed fact are the reader package's own.

import type { ExtractedFact, FactCategory, FactCitation, PageText } from "@steno/reader";
import { FACT_CATEGORIES, type MoneyKind, type ProfileField } from "@steno/shared";

export type { ExtractedFact, FactCategory, FactCitation, MoneyKind, PageText, ProfileField };
export { FACT_CATEGORIES };

/** Pages one model call reads, inclusive. */
export type PageRange = { from: number; to: number };

/** What planning a source's ranges needs to know of a page, without its text. */
export type PageSize = { pageNumber: number; chars: number; lines: number };
