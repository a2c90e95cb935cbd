import { blocksGenerating, presenceColor } from "@steno/shared";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Editor } from "@tiptap/react";
import { useEffect, useId, useMemo, useState } from "react";
import { ErrorMessage, Loading } from "../components/ui.tsx";
import { downloadFile } from "../lib/http.ts";
import type { SessionData } from "../lib/session.ts";
import { type CaseDocument, canEdit, type ReadinessItem } from "../lib/types.ts";
import { useTRPC } from "../trpc.ts";
import { AiRewriteMenu } from "./ai-rewrite-menu.tsx";
import { CommentsPanel } from "./comments-panel.tsx";
import { DamagesCard } from "./damages-card.tsx";
import { GeneratePanel } from "./generate-panel.tsx";
import { insertBlock, LetterEditor } from "./letter-editor.tsx";
import { PrepSection } from "./prep-section.tsx";
import { ReadinessPanel } from "./readiness-panel.tsx";
import { Presence, SyncStatus } from "./room-status.tsx";
import { SuggestionsPanel } from "./suggestions-panel.tsx";
import { useLetterRoom } from "./use-letter-room.ts";
import { VersionsDialog } from "./versions-dialog.tsx";
import { useWordImport, WordImportButton, WordImportReport } from "./word-import.tsx";

export default function LetterPane({
  document,
  session,
  onFix,
}: {
  document: CaseDocument;
  session: SessionData;
  /** takes the attorney to what a readiness item is about */
  onFix?: (item: ReadinessItem) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const exportNoteId = useId();
  const documentId = document.id;
  // The template chosen for the next draft decides which profile fields it needs.
  const [templateId, setTemplateId] = useState("");
  const readiness = useQuery(
    trpc.letters.readiness.queryOptions({ documentId, templateId: templateId || undefined }),
  );
  // Export checks the letter's own template (the same query unless another one is chosen).
  const exportReadiness = useQuery(trpc.letters.readiness.queryOptions({ documentId }));
  const exportBlocked = exportReadiness.data?.open ?? 0;
  const room = useLetterRoom(documentId, session.user.id);
  // Items about the letter's own words (a blank it prints, a figure nothing vouches for) go away
  // as the words change: look again once editing pauses.
  const textItemsOpen = [readiness.data, exportReadiness.data].some((r) =>
    r?.items.some((item) => !item.dismissed && !blocksGenerating(item)),
  );
  useEffect(() => {
    if (!room || !textItemsOpen) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lookAgain = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: trpc.letters.readiness.pathKey() }),
        1_500,
      );
    };
    room.doc.on("update", lookAgain);
    return () => {
      clearTimeout(timer);
      room.doc.off("update", lookAgain);
    };
  }, [room, textItemsOpen, queryClient, trpc]);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [showVersions, setShowVersions] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const user = useMemo(
    () => ({ name: session.user.name, color: presenceColor(session.user.id) }),
    [session.user.name, session.user.id],
  );
  const author = useMemo(
    () => ({ id: session.user.id, name: session.user.name }),
    [session.user.id, session.user.name],
  );
  // The room's answer wins: it is what the server will enforce.
  const role = room?.role ?? document.role;
  const editable = canEdit(role);

  const download = async (file: "export.docx" | "export.pdf" | "exhibits.pdf", name: string) => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadFile(`/api/documents/${documentId}/${file}`, name);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };
  const exportDocx = () => download("export.docx", `${document.title}.docx`);
  const exportPdf = () => download("export.pdf", `${document.title}.pdf`);
  const exportExhibits = () => download("exhibits.pdf", `${document.title} exhibits.pdf`);
  const wordImport = useWordImport(documentId);

  return (
    <section className="pane pane-letter" aria-labelledby={headingId}>
      <header className="pane-header">
        <h2 id={headingId}>Letter</h2>
        {room && <Presence room={room} />}
        <div className="pane-header-actions">
          <button type="button" className="button button-small" onClick={() => setShowVersions(true)}>
            Versions
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={exportDocx}
            disabled={exporting || exportBlocked > 0}
            aria-describedby={exportBlocked > 0 ? exportNoteId : undefined}
          >
            {exporting ? "Exporting…" : "Export .docx"}
          </button>
          {/* The same letter as a PDF made by the server: letterhead, signature and paper from Firm settings. */}
          <button
            type="button"
            className="button button-small"
            onClick={exportPdf}
            disabled={exporting || exportBlocked > 0}
            aria-describedby={exportBlocked > 0 ? exportNoteId : undefined}
          >
            Export .pdf
          </button>
          {/* A partner's edits in Word come back as suggestions to accept or reject. */}
          {editable && <WordImportButton wordImport={wordImport} />}
          {/* Every page the reviewed facts cite, one bookmark per file: what goes with the letter. */}
          <button type="button" className="button button-small" onClick={exportExhibits} disabled={exporting}>
            Exhibits .pdf
          </button>
          {/* The print stylesheet leaves only the letter's page, so "Save as PDF" gives the letter. */}
          <button type="button" className="button button-small" onClick={() => window.print()}>
            Print / PDF
          </button>
        </div>
      </header>
      <div className="pane-body">
        <ErrorMessage error={exportError} />
        <WordImportReport wordImport={wordImport} />
        <PrepSection
          openItems={readiness.data?.open}
          exportNote={
            exportBlocked > 0 ? (
              <span id={exportNoteId}>
                export waits until {exportBlocked === 1 ? "it is" : "they are"} resolved or dismissed
              </span>
            ) : null
          }
        >
          <ReadinessPanel
            documentId={documentId}
            readiness={readiness.data}
            error={readiness.error}
            editable={editable}
            onFix={onFix}
          />
          {editable && (
            <GeneratePanel
              documentId={documentId}
              room={room}
              approvedFacts={document.factCounts.approved + document.factCounts.edited}
              templateId={templateId}
              onTemplateChange={setTemplateId}
              // When the list cannot load, the server still refuses an unready draft (409, naming each item).
              openItems={
                readiness.isError
                  ? 0
                  : readiness.data?.items.filter((i) => !i.dismissed && blocksGenerating(i)).length
              }
            />
          )}
          <DamagesCard
            documentId={documentId}
            onInsert={editable && editor ? (node) => insertBlock(editor, node) : undefined}
          />
        </PrepSection>
        {!room ? (
          <Loading label="Opening the letter…" />
        ) : (
          <>
            <SyncStatus room={room} readOnly={!editable} />
            {room.connected || room.localLoaded ? (
              <div className="letter-review">
                <div className="letter-review-grid">
                  <LetterEditor
                    doc={room.doc}
                    provider={room.provider}
                    user={user}
                    author={author}
                    readOnly={!editable}
                    onReady={setEditor}
                    tools={
                      editable
                        ? (e) => <AiRewriteMenu editor={e} documentId={documentId} requester={author} />
                        : undefined
                    }
                  />
                  {editor && (
                    <div className="review-margin">
                      <SuggestionsPanel editor={editor} canDecide={editable} />
                      <CommentsPanel doc={room.doc} editor={editor} author={author} documentId={documentId} />
                    </div>
                  )}
                </div>
              </div>
            ) : (
              <Loading label="Opening the letter…" />
            )}
          </>
        )}
      </div>
      {showVersions && (
        <VersionsDialog
          documentId={documentId}
          editable={editable}
          onClose={() => setShowVersions(false)}
          onRestored={() =>
            void queryClient.invalidateQueries({ queryKey: trpc.letters.versions.list.pathKey() })
          }
        />
      )}
    </section>
  );
}
