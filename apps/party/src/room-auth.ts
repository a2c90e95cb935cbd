import { errors, jwtVerify } from "jose";

export type RoomRole = "owner" | "editor" | "viewer";
export type RoomUser = {
  userId: string;
  role: RoomRole;
  name: string;
  /** the API session the token was minted for (signing out closes its connections) */
  sessionId: string | null;
  /** when the token was minted, in seconds (access changes after it hold it to them) */
  issuedAt: number;
};

const ROLES: RoomRole[] = ["owner", "editor", "viewer"];

/**
 * Verifies the room token the API minted (`letters.roomToken`). 401 for a missing, forged or
 * expired token; 403 for a valid token of another room. Nothing of the room is sent before this.
 */
export async function verifyRoomToken(
  secret: string | undefined,
  token: string | null,
  room: string,
): Promise<RoomUser | Response> {
  if (!secret || secret.length < 32) {
    return new Response("The room is not configured (JWT_SECRET)", { status: 500 });
  }
  if (!token) return new Response("A room token is required", { status: 401 });
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: "steno",
      audience: "steno-room",
      algorithms: ["HS256"],
    });
    const role = payload.role as RoomRole;
    if (typeof payload.sub !== "string" || !ROLES.includes(role)) {
      return new Response("Invalid room token", { status: 401 });
    }
    if (payload.doc !== room) return new Response("This token is for another letter", { status: 403 });
    return {
      userId: payload.sub,
      role,
      name: typeof payload.name === "string" ? payload.name : "",
      sessionId: typeof payload.sid === "string" ? payload.sid : null,
      issuedAt: typeof payload.iat === "number" ? payload.iat : 0,
    };
  } catch (error) {
    if (error instanceof errors.JOSEError) {
      const expired = error instanceof errors.JWTExpired;
      return new Response(expired ? "The room token has expired" : "Invalid room token", { status: 401 });
    }
    throw error;
  }
}
