// The room's RPC contract lives in @steno/shared (the API Worker imports it from there); the
// party Worker implements it.
export type {
  AccessChange,
  ApplyUpdateResult,
  LetterNow,
  LetterRoomRpc,
  LetterSnapshot,
  RestoreResult,
} from "@steno/shared";
