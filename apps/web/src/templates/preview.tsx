import { generateHTML } from "@tiptap/core";
import { TableKit } from "@tiptap/extension-table";
import StarterKit from "@tiptap/starter-kit";
import { useMemo } from "react";
import type { Outputs } from "../lib/types.ts";

type Letter = Outputs["templates"]["preview"];

// The editor's own schema, so the preview shows what the draft will look like in the editor.
const EXTENSIONS = [StarterKit, TableKit];

/**
 * A template filled from a case by the server, with the code that prints drafts
 * (`templates.preview`), shown read-only. ProseMirror's serializer escapes the text.
 */
export function TemplatePreview({ letter }: { letter: Letter }) {
  const html = useMemo(
    () => generateHTML(letter as Parameters<typeof generateHTML>[0], EXTENSIONS),
    [letter],
  );
  return (
    <div
      className="template-preview letter-doc"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: ProseMirror's DOM serializer builds it from the letter's JSON, escaping its text
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
