import { eq, schema } from "@steno/db";
import { loginInput, registerInput } from "@steno/shared";
import { enforceRateLimit } from "../lib/rate-limit.ts";
import type { Context } from "../trpc/context.ts";
import { authedProcedure, publicProcedure, router } from "../trpc/init.ts";
import { authCookies, clearedAuthCookies, REFRESH_COOKIE } from "./cookies.ts";
import { type IssuedSession, login, logout, refresh, register } from "./service.ts";

const meta = (ctx: Context) => ({ ip: ctx.ip, userAgent: ctx.userAgent, env: ctx.env });

function signIn(ctx: Context, session: IssuedSession) {
  ctx.setCookies(
    authCookies({ access: session.accessToken, refresh: session.refreshToken }, ctx.secureCookies),
  );
  return { user: session.user };
}

const THROTTLED = "Too many sign-in attempts; wait a minute and try again";

export const authRouter = router({
  register: publicProcedure.input(registerInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `register:${ctx.ip}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    return signIn(ctx, await register(ctx.db(), input, meta(ctx)));
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    // Per client and per account: a botnet spraying one account is slowed as much as one
    // client trying many accounts.
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `ip:${ctx.ip}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `email:${input.email}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    return signIn(ctx, await login(ctx.db(), input, meta(ctx)));
  }),

  refresh: publicProcedure.mutation(async ({ ctx }) => {
    try {
      return signIn(ctx, await refresh(ctx.db(), ctx.cookies[REFRESH_COOKIE], meta(ctx)));
    } catch (error) {
      ctx.setCookies(clearedAuthCookies(ctx.secureCookies));
      throw error;
    }
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await logout(ctx.db(), {
      sessionId: ctx.user?.sessionId,
      refreshToken: ctx.cookies[REFRESH_COOKIE],
      actorId: ctx.user?.id,
      ip: ctx.ip,
    });
    ctx.setCookies(clearedAuthCookies(ctx.secureCookies));
    return { ok: true };
  }),

  me: authedProcedure.query(async ({ ctx }) => {
    const [firm] = await ctx
      .db()
      .select({ id: schema.firms.id, name: schema.firms.name })
      .from(schema.firms)
      .where(eq(schema.firms.id, ctx.user.firmId));
    const { sessionId: _session, ...user } = ctx.user;
    return { user, firm: firm ?? null };
  }),
});
