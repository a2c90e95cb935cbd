import type { WordImportResult } from "@steno/shared";
import { useRef, useState } from "react";
import { ErrorMessage, Notice } from "../components/ui.tsx";
import { fetchWithSession } from "../lib/http.ts";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

type WordImport = {
  pending: boolean;
  result: WordImportResult | null;
  error: unknown;
  start: (file: File) => void;
  dismiss: () => void;
};

/** Sends a .docx edited in Word back to the letter; its edits arrive as suggestions. */
export function useWordImport(documentId: string): WordImport {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<WordImportResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const start = (file: File) => {
    setPending(true);
    setResult(null);
    setError(null);
    fetchWithSession(`/api/documents/${documentId}/import.docx`, {
      method: "POST",
      headers: { "Content-Type": file.type || DOCX },
      body: file,
    })
      .then(async (response) => setResult((await response.json()) as WordImportResult))
      .catch(setError)
      .finally(() => setPending(false));
  };
  return { pending, result, error, start, dismiss: () => setResult(null) };
}

/** The header button: a file picker for one .docx. */
export function WordImportButton({ wordImport }: { wordImport: WordImport }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="button button-small"
        onClick={() => input.current?.click()}
        disabled={wordImport.pending}
      >
        {wordImport.pending ? "Importing…" : "Import .docx"}
      </button>
      <input
        ref={input}
        type="file"
        accept={`${DOCX},.docx`}
        className="sr-only"
        // The visible button opens it: no second, invisible tab stop.
        tabIndex={-1}
        aria-label="Import a Word file edited outside Steno"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) wordImport.start(file);
          event.target.value = "";
        }}
      />
    </>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the import brought back, and everything it could not take (never dropped silently). */
export function WordImportReport({ wordImport }: { wordImport: WordImport }) {
  const { result, error } = wordImport;
  if (error) return <ErrorMessage error={error} />;
  if (!result) return null;
  const added = result.suggestions + result.comments + result.replies + result.resolved;
  return (
    <div data-testid="word-import-report">
      <Notice tone={result.unmapped.length > 0 ? "warning" : "success"}>
        {added === 0
          ? "The Word file holds nothing new: no suggestion or comment was added."
          : `From Word: ${plural(result.suggestions, "suggestion")}, ${plural(result.comments, "comment")}, ${plural(result.replies, "reply", "replies")}${result.resolved ? `, ${plural(result.resolved, "thread")} resolved` : ""}. Accept or reject the suggestions in the letter.`}
        {result.unmapped.length > 0 && (
          <>
            <br />
            Not brought back — check these by hand:
            <ul>
              {result.unmapped.map((u) => (
                <li key={`${u.kind}-${u.near}-${u.message}`}>
                  {u.message}
                  {u.near ? ` (near “${u.near}”)` : ""}
                </li>
              ))}
            </ul>
          </>
        )}{" "}
        <button type="button" className="button button-small" onClick={wordImport.dismiss}>
          Dismiss
        </button>
      </Notice>
    </div>
  );
}
