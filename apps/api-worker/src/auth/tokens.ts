import { errors, jwtVerify, SignJWT } from "jose";
import { toHex } from "../lib/hex.ts";

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_SECONDS = 7 * 24 * 60 * 60;
const ROOM_TOKEN_SECONDS = 60;
const ISSUER = "steno";

export type AccessClaims = { userId: string; sessionId: string };

const keys = new Map<string, Promise<CryptoKey>>();

/**
 * The signing key, imported once per isolate (every request verifies a token; importing the key
 * each time is measurable). A missing or short secret is a deployment error: fail loudly, never
 * default.
 */
function jwtKey(env: { JWT_SECRET?: string }): Promise<CryptoKey> {
  const secret = env.JWT_SECRET;
  if (!secret || secret.length < 32) {
    throw new Error(
      "JWT_SECRET is missing or shorter than 32 characters: `wrangler secret put JWT_SECRET` (or run `npm start` locally)",
    );
  }
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

export async function signAccessToken(env: { JWT_SECRET?: string }, claims: AccessClaims): Promise<string> {
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience("steno-api")
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .sign(await jwtKey(env));
}

/**
 * Access tokens this isolate has verified, until they expire: a user's requests carry the same
 * token for its 15 minutes, and checking its signature again each time was ~9 % of a request's
 * CPU in bench:load. Keyed by the secret too, so a rotated secret verifies afresh. Only the
 * signature is remembered: the session behind the token is still read on every request.
 */
const verified = new Map<string, { secret: string; claims: AccessClaims; expiresAtMs: number }>();
const VERIFIED_MAX = 5_000;

/** The claims of a valid access token, or null for a missing, forged or expired one. */
export async function verifyAccessToken(
  env: { JWT_SECRET?: string },
  token: string | undefined,
): Promise<AccessClaims | null> {
  if (!token) return null;
  const known = verified.get(token);
  if (known && known.secret === env.JWT_SECRET && known.expiresAtMs > Date.now()) return known.claims;
  try {
    const { payload } = await jwtVerify(token, await jwtKey(env), {
      issuer: ISSUER,
      audience: "steno-api",
      algorithms: ["HS256"],
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
    const claims = { userId: payload.sub, sessionId: payload.sid };
    if (verified.size >= VERIFIED_MAX) verified.clear();
    if (payload.exp && env.JWT_SECRET) {
      verified.set(token, { secret: env.JWT_SECRET, claims, expiresAtMs: payload.exp * 1000 });
    }
    return claims;
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

export function randomToken(bytes = 32): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * The refresh token that replaces this one: an HMAC of it under the signing key, so the same
 * successor can be handed to a concurrent refresh (the grace window) though only hashes are stored.
 * The input never looks like a JWT's signing input (no dots), so the two uses cannot collide.
 */
export async function refreshSuccessor(env: { JWT_SECRET?: string }, token: string): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await jwtKey(env),
    new TextEncoder().encode(`refresh:${token}`),
  );
  return btoa(String.fromCharCode(...new Uint8Array(mac)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return toHex(digest);
}

export type RoomClaims = {
  userId: string;
  documentId: string;
  role: "owner" | "editor" | "viewer";
  name: string;
  /** the session asking: the room closes its connections when it is signed out */
  sessionId: string;
};

/**
 * A short-lived token for one letter's room. The party Worker verifies it at connect with the
 * same secret; it names the room, so it cannot open another letter.
 */
export async function signRoomToken(env: { JWT_SECRET?: string }, claims: RoomClaims): Promise<string> {
  return new SignJWT({ doc: claims.documentId, role: claims.role, name: claims.name, sid: claims.sessionId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience("steno-room")
    .setIssuedAt()
    .setExpirationTime(`${ROOM_TOKEN_SECONDS}s`)
    .sign(await jwtKey(env));
}
