import { type Db, eq, schema } from "@steno/db";
import {
  AppError,
  type LetterRoomNamespace,
  type LetterSnapshot,
  letterRoom,
  openSuggestionCount,
  PAGE_SIZES,
  type PageSize,
  type PmNode,
} from "@steno/shared";
import { audit } from "../lib/audit.ts";
import type { DocumentScope } from "../lib/scope.ts";
import { buildExhibitsPdf, citedExhibits } from "./exhibits.ts";
import { placeComments } from "./export-comments.ts";
import { letterToDocx } from "./export-docx.ts";
import { letterToPdf } from "./export-pdf.ts";
import type { LetterPrint } from "./print.ts";
import { assertReady } from "./readiness.ts";
import { type Signer, signerOf } from "./signer.ts";

export type ExportFormat = "docx" | "pdf";

/** A file to download: its bytes, type and name. */
export type ExportFile = { body: ArrayBuffer | Uint8Array; contentType: string; filename: string };

const CONTENT_TYPES: Record<ExportFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
};

/** A case's title as a file name: letters, digits and a little punctuation. */
const caseName = (title: string, fallback: string) =>
  title.replace(/[^\p{L}\p{N} ._-]+/gu, " ").trim() || fallback;

type Firm = typeof schema.firms.$inferSelect;

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The firm's name over its address and contacts, as printed at the top of page one. */
export function letterheadOf(firm: Firm): NonNullable<LetterPrint["letterhead"]> {
  const cityLine = [firm.city, [firm.region, firm.postalCode].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  return {
    name: firm.name,
    lines: [
      [firm.addressLine1, firm.addressLine2, cityLine].filter(Boolean).join(", "),
      [firm.phone ? `Tel. ${firm.phone}` : null, firm.email].filter(Boolean).join(" · "),
    ].filter(Boolean),
  };
}

/**
 * The signature block: the signer's name, title and bar number, the firm's signature lines (title, firm;
 * the firm's name when it has none), then the signer's direct phone and email when they gave them.
 * A first signature line repeating the name (signature blocks written before the name was printed
 * separately) is not printed twice.
 */
export function signatureOf(firm: Firm, signer: Signer | null): string[] {
  const name = signer?.name ?? firm.attorneyName ?? "";
  const extra = firm.signatureBlock
    ? firm.signatureBlock
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean)
    : [firm.name];
  if (name && extra[0] && same(extra[0], name)) extra.shift();
  // The signer's own title (their profile) replaces the same words in the firm's lines.
  const title = signer?.title ?? "";
  return [
    name,
    title,
    signer?.barNumber ? `Bar No. ${signer.barNumber}` : "",
    ...extra.filter((line) => !(title && same(line, title))),
    signer?.phone ? `Direct: ${signer.phone}` : "",
    signer?.contactEmail ?? "",
  ].filter(Boolean);
}

/**
 * Drafts written before the letterhead moved to export start with the firm's name in bold and
 * its address: printed with today's letterhead above them they would say it twice.
 */
export function withoutDraftLetterhead(content: PmNode, firm: Firm): PmNode {
  const [first, second, ...rest] = content.content ?? [];
  const only = first?.type === "paragraph" && first.content?.length === 1 ? first.content[0] : undefined;
  const boldName =
    only?.type === "text" && only.marks?.some((m) => m.type === "bold") && same(only.text ?? "", firm.name);
  if (!boldName) return content;
  const contacts =
    second?.type === "paragraph" &&
    (second.content ?? []).every((n) => n.type === "hardBreak" || (n.type === "text" && !n.marks?.length));
  const letterheadText = [firm.addressLine1, firm.addressLine2, firm.city, firm.phone, firm.email];
  const looksLikeContacts =
    contacts &&
    (second?.content ?? [])
      .filter((n) => n.type === "text")
      .every((n) => letterheadText.some((part) => part && n.text?.includes(part)));
  return { ...content, content: looksLikeContacts ? rest : ([second, ...rest].filter(Boolean) as PmNode[]) };
}

/** How the firm's letters are printed now: page size, letterhead, signature, author. */
export async function letterPrint(
  db: Db,
  { document }: { document: { firmId: string; createdBy: string; title: string } },
): Promise<{ print: LetterPrint; firm: Firm }> {
  const [firm] = await db.select().from(schema.firms).where(eq(schema.firms.id, document.firmId));
  if (!firm) throw new AppError("NOT_FOUND", "Firm not found");
  const signer = await signerOf(db, firm, document.createdBy);
  const pageSize: PageSize = (PAGE_SIZES as readonly string[]).includes(firm.pageSize)
    ? (firm.pageSize as PageSize)
    : "letter";
  return {
    firm,
    print: {
      title: document.title,
      author: signer?.name || firm.name,
      pageSize,
      letterhead: letterheadOf(firm),
      signature: signatureOf(firm, signer),
    },
  };
}

/**
 * The letter as it leaves the firm, in Word or PDF: the room's persisted content (the stored
 * copy when the room is empty), printed with the letterhead, signature and page size of the
 * settings as they are now, and recorded in the audit log. CONFLICT while there is no letter or
 * readiness items are open. The caller checked the user's access to the case (the scope).
 */
export async function exportLetter(
  scope: DocumentScope,
  {
    rooms,
    format,
    snapshot,
    final = false,
  }: {
    rooms: LetterRoomNamespace;
    format: ExportFormat;
    /** the room's snapshot when the caller took it (marking sent keeps the same one as a version) */
    snapshot?: LetterSnapshot;
    /** the letter is being sent: nothing may be left undecided, whatever the format */
    final?: boolean;
  },
): Promise<ExportFile> {
  const { db, document } = scope;
  const documentId = document.id;
  const live = snapshot ?? (await letterRoom(rooms, documentId).snapshot());
  if (live.problem) throw new AppError("CONFLICT", `This letter cannot be exported: ${live.problem}`);
  const content = live.empty ? (document.letterContent as PmNode | null) : live.content;
  if (!content?.content?.length)
    throw new AppError("CONFLICT", "This case has no letter yet; generate a draft first");
  // A PDF cannot show a suggestion as one: it would print the words proposed for deletion
  // beside their replacement. Word carries them as tracked changes, for a reviewer to decide.
  const open = openSuggestionCount(content);
  if (open > 0 && (format === "pdf" || final))
    throw new AppError(
      "CONFLICT",
      `${open === 1 ? "1 suggestion is" : `${open} suggestions are`} still open: accept or reject ${open === 1 ? "it" : "them"} before ${final ? "sending" : "exporting a PDF"}`,
    );
  // A letter leaves the firm only when nothing in it is unconfirmed or unexplained.
  await assertReady(db, { document, action: "exporting", letter: content });
  const { print, firm } = await letterPrint(db, { document });
  // Open comment threads go to Word as comments; the PDF is the letter alone.
  const placed = placeComments(content, format === "docx" && !live.empty ? (live.comments ?? []) : []);
  const letter = withoutDraftLetterhead(placed.content, firm);
  const body =
    format === "docx" ? await letterToDocx(letter, print, placed.comments) : await letterToPdf(letter, print);
  await audit(db, scope, {
    action: "letter.export",
    entityType: "document",
    entityId: documentId,
    metadata: { format, pageSize: print.pageSize },
  });
  return {
    body,
    contentType: CONTENT_TYPES[format],
    filename: `${caseName(document.title, "letter")}.${format}`,
  };
}

/**
 * The exhibits: one PDF of every page the case's reviewed facts cite, source by source in
 * upload order, bookmarked per exhibit. Read from storage as uploaded; recorded in the audit log.
 */
export async function exportExhibits(
  scope: DocumentScope,
  {
    readObject,
  }: {
    /** a stored source's bytes by its R2 key, null when it is missing */
    readObject: (key: string) => Promise<Uint8Array | null>;
  },
): Promise<ExportFile> {
  const { db, document } = scope;
  const documentId = document.id;
  const exhibits = await citedExhibits(db, documentId);
  const sources = await db
    .select({ id: schema.sources.id, r2Key: schema.sources.r2Key })
    .from(schema.sources)
    .where(eq(schema.sources.documentId, documentId));
  const keys = new Map(sources.map((s) => [s.id, s.r2Key]));
  const body = await buildExhibitsPdf(
    exhibits,
    async (sourceId) => {
      const key = keys.get(sourceId);
      return key ? readObject(key) : null;
    },
    { title: document.title },
  );
  await audit(db, scope, {
    action: "letter.export",
    entityType: "document",
    entityId: documentId,
    metadata: { format: "exhibits.pdf", exhibits: exhibits.length },
  });
  return {
    body,
    contentType: "application/pdf",
    filename: `${caseName(document.title, "case")} exhibits.pdf`,
  };
}
