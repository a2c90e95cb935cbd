// The local reader of case files: a PDF's page text (pdf-text) and the layout readers that turn
// it into cited facts (extract). Shared by the API Worker, the benchmarks and the corpus tests.
export { extractFactsLocally } from "./extract.ts";
export { amountsIn, datesIn, isoDatesIn, normalizeForMatch } from "./match.ts";
export { openPdf, type PdfDocument, PdfReadError, readPageText } from "./pdf-text.ts";
export type { ExtractedFact, FactCategory, FactCitation, PageText } from "./types.ts";
