import type { PmNode } from "@steno/shared";
import { generateHTML } from "@tiptap/core";
import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import { useMemo } from "react";
import { Suggestions } from "../letter/suggestions.ts";

// The editor's own schema (suggested changes included), so a preview looks like the letter in the editor.
const EXTENSIONS = [StarterKit, TableKit, Suggestions];

/**
 * A letter as ProseMirror JSON shown read-only: a template filled from a case by the server
 * (`templates.preview`) or a saved version (`letters.versions.get`). ProseMirror's serializer
 * escapes the text.
 */
export function LetterPreview({ letter, className = "" }: { letter: PmNode; className?: string }) {
  const html = useMemo(
    () => generateHTML(letter as Parameters<typeof generateHTML>[0], EXTENSIONS),
    [letter],
  );
  return (
    <div
      className={`${className} letter-doc`.trim()}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: ProseMirror's DOM serializer builds it from the letter's JSON, escaping its text
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
