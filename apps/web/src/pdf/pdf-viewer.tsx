import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, TextLayer } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { Dialog, ErrorMessage, Loading } from "../components/ui.tsx";
import { fetchWithSession } from "../lib/http.ts";
import type { Citation } from "../lib/types.ts";

GlobalWorkerOptions.workerSrc = workerUrl;

// Parsed PDFs by source: reopening a citation in the same file is instant.
const cache = new Map<string, Promise<PDFDocumentProxy>>();

function loadPdf(sourceId: string): Promise<PDFDocumentProxy> {
  let pending = cache.get(sourceId);
  if (!pending) {
    // Fetched by us (not by pdf.js) so an expired session is refreshed like any other call.
    pending = fetchWithSession(`/api/sources/${sourceId}/file`)
      .then((response) => response.arrayBuffer())
      .then((data) => getDocument({ data: new Uint8Array(data) }).promise);
    pending.catch(() => cache.delete(sourceId));
    cache.set(sourceId, pending);
  }
  return pending;
}

/** One character of the page's text with whitespace dropped: which run it is in, and where. */
type Place = { item: number; at: number; length: number };

/**
 * The page's text lower-cased with whitespace removed (PDF text runs split words and lines
 * arbitrarily), and for each of its characters the run and offset it came from.
 */
function squashRuns(strings: string[]): { joined: string; places: Place[] } {
  let joined = "";
  const places: Place[] = [];
  strings.forEach((text, item) => {
    let at = 0;
    for (const char of text) {
      if (!/\s/.test(char)) {
        const lower = char.toLowerCase();
        joined += lower;
        for (let k = 0; k < lower.length; k++) places.push({ item, at, length: char.length });
      }
      at += char.length;
    }
  });
  return { joined, places };
}

const squash = (text: string) => text.toLowerCase().replace(/\s+/g, "");

/** Wraps `text[from, to)` of a run in a highlight, leaving the run's place and scale as they are. */
function markPart(div: HTMLElement, text: string, from: number, to: number): HTMLElement {
  const mark = document.createElement("span");
  mark.className = "highlight quote-part";
  mark.textContent = text.slice(from, to);
  div.replaceChildren(text.slice(0, from), mark, text.slice(to));
  return mark;
}

/**
 * Highlights the quote's own characters in the text layer: the runs it starts and ends in are
 * split so the words around it stay unmarked. Falls back to the quote's first 40 characters when
 * the whole does not match (a quote spanning a page break, or reflowed text).
 */
function highlight(divs: HTMLElement[], strings: string[], quote: string): HTMLElement | null {
  const { joined, places } = squashRuns(strings);
  const target = squash(quote);
  if (!target) return null;
  let start = joined.indexOf(target);
  let length = target.length;
  if (start < 0 && target.length > 40) {
    start = joined.indexOf(target.slice(0, 40));
    length = 40;
  }
  if (start < 0) return null;
  // Each run the match touches, from its first to its last matched character.
  const spans = new Map<number, { from: number; to: number }>();
  for (const place of places.slice(start, start + length)) {
    const span = spans.get(place.item);
    const end = place.at + place.length;
    if (span) span.to = Math.max(span.to, end);
    else spans.set(place.item, { from: place.at, to: end });
  }
  let first: HTMLElement | null = null;
  for (const [item, { from, to }] of spans) {
    const div = divs[item];
    const text = strings[item];
    if (!div || text === undefined) continue;
    const mark = markPart(div, text, from, to);
    first ??= mark;
  }
  return first;
}

export default function PdfViewer({
  citation,
  onClose,
  aside,
}: {
  citation: Citation;
  onClose: () => void;
  /** a panel beside the page (the add-fact form while reading a bill) */
  aside?: ReactNode;
}) {
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [page, setPage] = useState(citation.pageNumber);
  const [zoom, setZoom] = useState(1);
  const [found, setFound] = useState<boolean | null>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setPage(citation.pageNumber);
    setPdf(null);
    setError(null);
    let cancelled = false;
    loadPdf(citation.sourceId).then(
      (doc) => !cancelled && setPdf(doc),
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [citation.sourceId, citation.pageNumber]);

  useEffect(() => {
    if (!pdf) return;
    let cancelled = false;
    let textLayer: TextLayer | null = null;
    let renderTask: { cancel: () => void; promise: Promise<void> } | null = null;
    const draw = async () => {
      const pdfPage = await pdf.getPage(Math.min(Math.max(1, page), pdf.numPages));
      if (cancelled) return;
      const container = pageRef.current;
      const canvas = canvasRef.current;
      const text = textRef.current;
      if (!container || !canvas || !text) return;
      const width = Math.max(320, (container.parentElement?.clientWidth ?? 800) - 32);
      const base = pdfPage.getViewport({ scale: 1 });
      const scale = (width / base.width) * zoom;
      const viewport = pdfPage.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      container.style.setProperty("--total-scale-factor", String(scale));
      container.style.width = `${Math.floor(viewport.width)}px`;
      container.style.height = `${Math.floor(viewport.height)}px`;
      renderTask = pdfPage.render({
        canvas,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      });
      await renderTask.promise;
      if (cancelled) return;
      text.replaceChildren();
      textLayer = new TextLayer({
        textContentSource: pdfPage.streamTextContent(),
        container: text,
        viewport,
      });
      await textLayer.render();
      if (cancelled) return;
      const isCitedPage = page === citation.pageNumber && Boolean(citation.quote);
      if (isCitedPage && citation.quote) {
        const mark = highlight(textLayer.textDivs, textLayer.textContentItemsStr, citation.quote);
        setFound(mark !== null);
        // Scroll only the page area (scrollIntoView would move the whole dialog too).
        const stage = container.parentElement;
        if (mark && stage) {
          const offset = mark.getBoundingClientRect().top - stage.getBoundingClientRect().top;
          stage.scrollTop += offset - stage.clientHeight / 3;
        }
      }
    };
    draw().catch((e: unknown) => {
      if (!cancelled && (e as Error)?.name !== "RenderingCancelledException") setError(e);
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    };
  }, [pdf, page, zoom, citation.pageNumber, citation.quote]);

  const pages = pdf?.numPages ?? 0;
  return (
    <Dialog
      title={citation.filename}
      onClose={onClose}
      wide
      actions={
        <fieldset className="pdf-controls">
          <legend className="sr-only">Page controls</legend>
          <button
            type="button"
            className="button button-small"
            onClick={() => setPage((p) => Math.max(1, p - 1))}
            disabled={page <= 1}
            aria-label="Previous page"
          >
            ‹
          </button>
          <span aria-live="polite">
            Page {page}
            {pages ? ` of ${pages}` : ""}
          </span>
          <button
            type="button"
            className="button button-small"
            onClick={() => setPage((p) => Math.min(pages || p, p + 1))}
            disabled={pages > 0 && page >= pages}
            aria-label="Next page"
          >
            ›
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setZoom((z) => Math.max(0.5, z - 0.25))}
            aria-label="Zoom out"
          >
            −
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => setZoom((z) => Math.min(3, z + 0.25))}
            aria-label="Zoom in"
          >
            +
          </button>
        </fieldset>
      }
    >
      {citation.quote && page === citation.pageNumber && (
        <p className={`pdf-quote${found === false ? " is-missing" : ""}`}>
          {found === false ? "Not found on this page: " : "Cited: "}
          <q>{citation.quote}</q>
        </p>
      )}
      <ErrorMessage error={error} />
      {!pdf && !error && <Loading label="Loading the PDF…" />}
      <div className={aside ? "pdf-split" : "pdf-single"}>
        <div className="pdf-stage" data-testid="pdf-stage">
          <div className="pdf-page" ref={pageRef} hidden={!pdf}>
            <canvas ref={canvasRef} />
            <div className="textLayer" ref={textRef} />
          </div>
        </div>
        {aside}
      </div>
    </Dialog>
  );
}
