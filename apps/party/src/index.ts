// The party Worker: routes /parties/letter-room/<document id> WebSockets (with a verified room
// token) to the letter's room, and answers /health. The room itself: ./letter-room.ts.
import { type Health, healthOf, timedCheck } from "@steno/shared";
import { routePartykitRequest } from "partyserver";
import { type LetterRoom, letterStoreOf, USER_HEADER } from "./letter-room.ts";
import { verifyRoomToken } from "./room-auth.ts";

export { LetterRoom } from "./letter-room.ts";

/** The room a health check opens: its SQLite storage is real, its name can never be a letter's. */
const HEALTH_ROOM = "health-probe";

/** Deep health: what a room needs to accept an edit and push the letter on. */
async function checkHealth(env: Env): Promise<Health> {
  const [rooms, letterStore, roomTokens] = await Promise.all([
    timedCheck(async () => {
      // Loading a room reads its SQLite storage.
      const room = env.LetterRoom.get(env.LetterRoom.idFromName(HEALTH_ROOM));
      await (room as unknown as Pick<LetterRoom, "snapshot">).snapshot();
      return undefined;
    }),
    timedCheck(async () => {
      await letterStoreOf(env).ping();
      return undefined;
    }),
    timedCheck(async () => {
      if ((env.JWT_SECRET ?? "").length < 32)
        throw new Error("JWT_SECRET is missing or shorter than 32 characters");
      return undefined;
    }),
  ]);
  return healthOf("steno-party", env.ENVIRONMENT, { rooms, letterStore, roomTokens });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") {
      const health = await checkHealth(env);
      return Response.json(health, {
        status: health.status === "ok" ? 200 : 503,
        headers: { "Cache-Control": "no-store" },
      });
    }
    const routed = await routePartykitRequest(request, env, {
      onBeforeConnect: async (req, lobby) => {
        const user = await verifyRoomToken(
          env.JWT_SECRET,
          new URL(req.url).searchParams.get("token"),
          lobby.name,
        );
        if (user instanceof Response) return user;
        const forwarded = new Request(req);
        forwarded.headers.set(USER_HEADER, JSON.stringify(user));
        return forwarded;
      },
      // The room speaks WebSocket only; its content reaches HTTP clients through the API.
      onBeforeRequest: () => new Response("Not found", { status: 404 }),
    });
    return routed ?? Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
  },
} satisfies ExportedHandler<Env>;
