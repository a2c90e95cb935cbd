import { firmInvitationInput, joinFirmInput, loginInput, verifyEmailInput } from "@steno/shared";
import { strongRegisterAndJoinInput, strongRegisterInput } from "@steno/shared/password-strength";
import { joinFirm, previewInvitation, registerAndJoinFirm } from "../firm/join.ts";
import { enforceRateLimit } from "../lib/rate-limit.ts";
import type { RequestScope } from "../lib/scope.ts";
import type { Context } from "../trpc/context.ts";
import { protectedProcedure, publicProcedure, router } from "../trpc/init.ts";
import { authCookies, clearedAuthCookies, REFRESH_COOKIE } from "./cookies.ts";
import { resendVerification, verifyEmail } from "./email-verification.ts";
import { currentUser, type IssuedSession, login, logout, refresh, register } from "./service.ts";

/** Sign-in happens before anyone is known: the request's database and where it came from. */
const requestScope = (ctx: Context): RequestScope => ({ db: ctx.db(), requestMeta: ctx.requestMeta });

function signIn(ctx: Context, session: IssuedSession) {
  ctx.setCookies(
    authCookies({ access: session.accessToken, refresh: session.refreshToken }, ctx.secureCookies),
  );
  return { user: session.user };
}

const THROTTLED = "Too many sign-in attempts; wait a minute and try again";

export const authRouter = router({
  // The same answer whether or not the address has an account; the mail says which.
  register: publicProcedure.input(strongRegisterInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `register:${ctx.requestMeta.ip}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    return register(requestScope(ctx), input, ctx.env, new Date());
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    // Per client here (one client trying many accounts); per account and client, from the
    // failures themselves, in the service: guessing at an account never locks its owner out.
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `ip:${ctx.requestMeta.ip}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    return signIn(ctx, await login(requestScope(ctx), input, ctx.env, new Date()));
  }),

  /** What a firm invitation link offers (the link is the proof; no session needed). */
  firmInvitation: publicProcedure
    .input(firmInvitationInput)
    .query(({ ctx, input }) => previewInvitation(requestScope(ctx), input.token, new Date())),

  /** Signs in with the invited address's account and joins the inviting firm. */
  joinFirm: publicProcedure.input(joinFirmInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `ip:${ctx.requestMeta.ip}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    return signIn(ctx, await joinFirm(requestScope(ctx), input, ctx.env, new Date()));
  }),

  /** Creates the invited address's account in the inviting firm, signed in. */
  registerAndJoinFirm: publicProcedure.input(strongRegisterAndJoinInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `register:${ctx.requestMeta.ip}`, {
      message: THROTTLED,
      periodSeconds: 60,
    });
    return signIn(ctx, await registerAndJoinFirm(requestScope(ctx), input, ctx.env, new Date()));
  }),

  refresh: publicProcedure.mutation(async ({ ctx }) => {
    try {
      const token = ctx.cookies[REFRESH_COOKIE];
      return signIn(ctx, await refresh(requestScope(ctx), token, ctx.env, new Date()));
    } catch (error) {
      ctx.setCookies(clearedAuthCookies(ctx.secureCookies));
      throw error;
    }
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await logout(
      requestScope(ctx),
      {
        sessionId: ctx.claims?.sessionId,
        refreshToken: ctx.cookies[REFRESH_COOKIE],
        actorId: ctx.claims?.userId,
      },
      ctx.env.ROOMS,
    );
    ctx.setCookies(clearedAuthCookies(ctx.secureCookies));
    return { ok: true };
  }),

  /** Opens the link mailed at registration; works signed in or not (the link is the proof). */
  verifyEmail: publicProcedure
    .input(verifyEmailInput)
    .mutation(({ ctx, input }) => verifyEmail(requestScope(ctx), input.token, new Date())),

  resendVerification: protectedProcedure.mutation(async ({ ctx }) => {
    await enforceRateLimit(ctx.env.LOGIN_RATE_LIMIT, `verify-mail:${ctx.user.id}`, {
      message: "Too many links sent; wait a minute and try again",
      periodSeconds: 60,
    });
    return resendVerification(ctx.scope, ctx.env, new Date());
  }),

  me: protectedProcedure.query(({ ctx }) => currentUser(ctx.scope)),
});
