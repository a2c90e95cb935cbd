import { SignJWT } from "jose";

export const TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-signing";

/** A room token as the API mints it (letters.roomToken), or a bad one for refusal tests. */
export async function roomToken(options: {
  room: string;
  role?: "owner" | "editor" | "viewer";
  secret?: string;
  expiresIn?: string;
  userId?: string;
  name?: string;
  sessionId?: string;
  /** seconds since the epoch; now by default */
  issuedAt?: number;
}): Promise<string> {
  return new SignJWT({
    doc: options.room,
    role: options.role ?? "editor",
    name: options.name ?? "Test",
    sid: options.sessionId ?? crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(options.userId ?? crypto.randomUUID())
    .setIssuer("steno")
    .setAudience("steno-room")
    .setIssuedAt(options.issuedAt)
    .setExpirationTime(options.expiresIn ?? "60s")
    .sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}
