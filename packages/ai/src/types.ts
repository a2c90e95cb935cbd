// The shapes both AI providers (see DESIGN.md: `local` and `anthropic`) exchange with the
// pipeline. A page's text and a proposed fact are the reader package's own.

import type { PageImage } from "@steno/ocr";
import type { ExtractedFact, FactCategory, FactCitation, PageText as ReaderPageText } from "@steno/reader";
import { FACT_CATEGORIES, type MoneyKind, type ProfileField } from "@steno/shared";

export type { ExtractedFact, FactCategory, FactCitation, MoneyKind, PageImage, ProfileField };

/**
 * A page's text, and for a scanned page OCR read with low confidence its image: a provider that
 * sees images (Anthropic) reads the page from it, and still cites the page's OCR text lines.
 */
export type PageText = ReaderPageText & { image?: PageImage };
export { FACT_CATEGORIES };

/** Pages one model call reads, inclusive. */
export type PageRange = { from: number; to: number };

/** What planning a source's ranges needs to know of a page, without its text. */
export type PageSize = { pageNumber: number; chars: number; lines: number };
