// A fact is verified when the words it quotes are on the page it cites. PDF text extraction
// breaks lines and spaces unpredictably, so whitespace is ignored, and typographic quotes and
// dashes count as their plain forms.
const normalize = (text: string) =>
  text
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/\s+/g, "");

export function quoteIsOnPage(quote: string | null | undefined, pageText: string | undefined): boolean {
  if (!quote || !pageText) return false;
  const needle = normalize(quote);
  return needle.length > 0 && normalize(pageText).includes(needle);
}
