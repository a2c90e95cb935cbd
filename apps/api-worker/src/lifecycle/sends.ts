import { and, type Db, desc, eq, gte, schema } from "@steno/db";
import {
  AppError,
  addDays,
  DEFAULT_RESPONSE_DAYS,
  isoDay,
  type LetterRoomNamespace,
  type LetterSend,
  letterRoom,
  type MarkSentInput,
  SEND_METHOD_LABELS,
} from "@steno/shared";
import { confirmedProfile } from "../case-profile/service.ts";
import { type ExportFile, exportLetter } from "../letters/export.ts";
import { latestDraftJob } from "../letters/readiness.ts";
import { insertVersion } from "../letters/versions.ts";
import { audit } from "../lib/audit.ts";
import { toHex } from "../lib/hex.ts";
import type { DocumentScope } from "../lib/scope.ts";

/** What marking sent needs besides the request: the rooms, the bucket the file is kept in, the clock. */
export type SendDeps = { rooms: LetterRoomNamespace; bucket: R2Bucket; now?: Date };

const sendColumns = {
  id: schema.letterSends.id,
  sentOn: schema.letterSends.sentOn,
  method: schema.letterSends.method,
  recipient: schema.letterSends.recipient,
  format: schema.letterSends.format,
  filename: schema.letterSends.filename,
  sha256: schema.letterSends.sha256,
  sizeBytes: schema.letterSends.sizeBytes,
  responseDueOn: schema.letterSends.responseDueOn,
  versionId: schema.letterSends.versionId,
  versionLabel: schema.letterVersions.label,
  sentBy: schema.users.name,
  createdAt: schema.letterSends.createdAt,
};

async function sendsOf(db: Db, documentId: string): Promise<LetterSend[]> {
  return db
    .select(sendColumns)
    .from(schema.letterSends)
    .leftJoin(schema.letterVersions, eq(schema.letterVersions.id, schema.letterSends.versionId))
    .leftJoin(schema.users, eq(schema.users.id, schema.letterSends.sentBy))
    .where(eq(schema.letterSends.documentId, documentId))
    .orderBy(desc(schema.letterSends.createdAt));
}

/**
 * The response period the composed letter states: the one its last successful draft was asked
 * for ("respond within N days"), else the firm's default.
 */
export async function responseDaysOf(db: Db, documentId: string): Promise<number> {
  const [job] = await latestDraftJob(db, documentId);
  const days = job?.params?.responseDays;
  return typeof days === "number" && Number.isInteger(days) && days > 0 ? days : DEFAULT_RESPONSE_DAYS;
}

/** The addressee the profile confirms: adjuster, carrier, and the adjuster's email or address. */
async function defaultRecipient(db: Db, documentId: string): Promise<string> {
  const p = await confirmedProfile(db, documentId);
  return [p.adjusterName, p.atFaultCarrier, p.adjusterEmail ?? p.adjusterAddress?.replace(/\s*\n\s*/g, ", ")]
    .filter(Boolean)
    .join(", ");
}

/** The first insurer offer on or after the day the letter was sent: the demand was answered. */
async function respondedOn(db: Db, documentId: string, sentOn: string | undefined): Promise<string | null> {
  if (!sentOn) return null;
  const [offer] = await db
    .select({ madeOn: schema.offers.madeOn })
    .from(schema.offers)
    .where(
      and(
        eq(schema.offers.documentId, documentId),
        eq(schema.offers.party, "insurer"),
        gte(schema.offers.madeOn, sentOn),
      ),
    )
    .orderBy(schema.offers.madeOn)
    .limit(1);
  return offer?.madeOn ?? null;
}

export async function getLifecycle({ db, document }: DocumentScope) {
  // One after another: statements in parallel would open more connections (more round trips).
  const sends = await sendsOf(db, document.id);
  return {
    sends,
    defaultRecipient: await defaultRecipient(db, document.id),
    responseDays: await responseDaysOf(db, document.id),
    respondedOn: await respondedOn(db, document.id, sends[0]?.sentOn),
  };
}

async function sha256Hex(body: ExportFile["body"]): Promise<string> {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  return toHex(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

/**
 * Records that the letter left the firm. The letter is exported now, from one snapshot of the
 * room, and that file is what is kept: its bytes in R2 (downloadable from the send), its SHA-256
 * here, and the same snapshot as a locked version. Hashing an earlier download instead would
 * prove nothing: an export's bytes change with every run (timestamps in the file), and the
 * letter may have been edited since. So the attorney sends the file this step produces.
 */
export async function markSent(scope: DocumentScope, input: MarkSentInput, deps: SendDeps) {
  const { db, document } = scope;
  const today = isoDay(deps.now ?? new Date());
  const sentOn = input.sentOn ?? today;
  // A day of slack: the attorney's calendar may already be on tomorrow in UTC terms.
  if (sentOn > addDays(today, 1)) throw new AppError("BAD_REQUEST", "A letter cannot be sent in the future");
  const recipient = input.recipient || (await defaultRecipient(db, document.id));
  if (!recipient) {
    throw new AppError("BAD_REQUEST", "Say to whom the letter was sent (the case profile names no adjuster)");
  }
  const responseDueOn = input.responseDueOn ?? addDays(sentOn, await responseDaysOf(db, document.id));
  if (responseDueOn < sentOn)
    throw new AppError("BAD_REQUEST", "The response cannot be due before the letter was sent");

  const snapshot = await letterRoom(deps.rooms, document.id).snapshot();
  const file = await exportLetter(scope, {
    rooms: deps.rooms,
    format: input.format,
    snapshot,
    final: true,
  });
  // An empty room has not loaded the letter: its stored state is what was printed.
  const state = snapshot.empty ? document.letterState : snapshot.state;
  const content = snapshot.empty ? document.letterContent : snapshot.content;
  if (!state) throw new AppError("CONFLICT", "This case has no letter yet; generate a draft first");

  const sendId = crypto.randomUUID();
  const sha256 = await sha256Hex(file.body);
  const r2Key = `documents/${document.id}/sent/${sendId}.${input.format}`;
  // The file first: a failure after it leaves an orphaned object, never a send without its file.
  await deps.bucket.put(r2Key, file.body, {
    httpMetadata: { contentType: file.contentType },
    customMetadata: { sha256 },
    sha256,
  });
  const label = `Sent ${sentOn} by ${SEND_METHOD_LABELS[input.method].toLowerCase()}`;
  const id = await db.transaction(async (tx) => {
    // A second send the same day by the same means is "… (2)": a label names one version.
    const version = await insertVersion(tx, {
      documentId: document.id,
      label,
      state,
      content,
      authorId: scope.user.id,
      lockedAt: new Date().toISOString(),
    });
    await tx.insert(schema.letterSends).values({
      id: sendId,
      documentId: document.id,
      versionId: version?.id ?? null,
      sentOn,
      method: input.method,
      recipient,
      format: input.format,
      filename: file.filename,
      r2Key,
      sha256,
      sizeBytes: file.body.byteLength,
      responseDueOn,
      sentBy: scope.user.id,
    });
    await audit(tx, scope, {
      action: "letter.sent",
      entityType: "letter_send",
      entityId: sendId,
      metadata: { method: input.method, format: input.format, sha256, versionId: version?.id, responseDueOn },
    });
    return sendId;
  });
  const [send] = (await sendsOf(db, document.id)).filter((s) => s.id === id);
  if (!send) throw new Error("letter send insert returned nothing");
  return send;
}

/** Moves a send's response deadline (an extension the adjuster asked for, a typo). */
export async function setResponseDue(scope: DocumentScope, input: { sendId: string; responseDueOn: string }) {
  const [send] = await scope.db
    .select({ sentOn: schema.letterSends.sentOn, responseDueOn: schema.letterSends.responseDueOn })
    .from(schema.letterSends)
    .where(
      and(eq(schema.letterSends.id, input.sendId), eq(schema.letterSends.documentId, scope.document.id)),
    );
  if (!send) throw new AppError("NOT_FOUND", "Sent letter not found");
  if (input.responseDueOn < send.sentOn) {
    throw new AppError("BAD_REQUEST", "The response cannot be due before the letter was sent");
  }
  await scope.db
    .update(schema.letterSends)
    .set({ responseDueOn: input.responseDueOn })
    .where(eq(schema.letterSends.id, input.sendId));
  await audit(scope.db, scope, {
    action: "letter.response_due_change",
    entityType: "letter_send",
    entityId: input.sendId,
    metadata: { from: send.responseDueOn, to: input.responseDueOn },
  });
  return { ok: true as const };
}

/** The file that was sent, exactly as kept; NOT_FOUND for another case's send. */
export async function sentFile(
  { db, document }: DocumentScope,
  sendId: string,
  bucket: R2Bucket,
): Promise<ExportFile & { sha256: string }> {
  const [send] = await db
    .select()
    .from(schema.letterSends)
    .where(and(eq(schema.letterSends.id, sendId), eq(schema.letterSends.documentId, document.id)));
  if (!send) throw new AppError("NOT_FOUND", "Sent letter not found");
  const object = await bucket.get(send.r2Key);
  if (!object) throw new AppError("NOT_FOUND", "The sent file is missing from storage");
  return {
    body: new Uint8Array(await object.arrayBuffer()),
    contentType: object.httpMetadata?.contentType ?? "application/octet-stream",
    filename: send.filename,
    sha256: send.sha256,
  };
}
