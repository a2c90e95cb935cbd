// The wire format between a letter room and its editors: y-websocket's sync and awareness
// protocols (y-protocols), as y-partyserver's browser provider speaks them, plus its custom string
// messages. Only bytes in and out; what the room does with a message is the room's business.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import type * as Y from "yjs";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;
/** y-partyserver's provider sends and receives custom string messages with this prefix. */
const CUSTOM_PREFIX = "__YPS:";

/** What a client sent, decoded. Step 2 and update both carry a document update. */
export type ClientMessage =
  | { type: "sync-step-1"; stateVector: Uint8Array }
  | { type: "update"; update: Uint8Array }
  | { type: "awareness"; update: Uint8Array }
  | { type: "query-awareness" }
  | { type: "custom"; message: string }
  | { type: "unknown" };

function asBytes(message: ArrayBuffer | ArrayBufferView): Uint8Array {
  return message instanceof ArrayBuffer
    ? new Uint8Array(message)
    : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/** Decodes one WebSocket message. Throws on bytes that are not a y-protocols message. */
export function readClientMessage(message: string | ArrayBuffer | ArrayBufferView): ClientMessage {
  if (typeof message === "string") {
    return message.startsWith(CUSTOM_PREFIX)
      ? { type: "custom", message: message.slice(CUSTOM_PREFIX.length) }
      : { type: "unknown" };
  }
  const decoder = decoding.createDecoder(asBytes(message));
  switch (decoding.readVarUint(decoder)) {
    case MESSAGE_SYNC:
      switch (decoding.readVarUint(decoder)) {
        case syncProtocol.messageYjsSyncStep1:
          return { type: "sync-step-1", stateVector: decoding.readVarUint8Array(decoder) };
        case syncProtocol.messageYjsSyncStep2:
        case syncProtocol.messageYjsUpdate:
          return { type: "update", update: decoding.readVarUint8Array(decoder) };
        default:
          return { type: "unknown" };
      }
    case MESSAGE_AWARENESS:
      return { type: "awareness", update: decoding.readVarUint8Array(decoder) };
    case MESSAGE_QUERY_AWARENESS:
      return { type: "query-awareness" };
    default:
      return { type: "unknown" };
  }
}

function message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1: the room's state vector (the client answers with what the room lacks). */
export function syncStep1Message(doc: Y.Doc): Uint8Array {
  return message(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, doc));
}

/** Sync step 2: what a client with this state vector lacks. */
export function syncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return message(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep2(e, doc, stateVector));
}

/** A document update, relayed. */
export function updateMessage(update: Uint8Array): Uint8Array {
  return message(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update));
}

/** An awareness update (y-protocols' encoding of presence entries). */
export function awarenessMessage(update: Uint8Array): Uint8Array {
  return message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, update));
}

/** A custom string message as y-partyserver's provider receives it (its "custom-message" event). */
export function customMessage(text: string): string {
  return `${CUSTOM_PREFIX}${text}`;
}
