import type { HttpDb, Statement } from "@steno/db";
import { AppError, type CollaboratorRole, documentScopeInput } from "@steno/shared";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { type SessionUser, sessionUserOf, sessionUserQuery } from "../auth/session.ts";
import {
  type DocumentAccess,
  requireSessionDocumentRole,
  sessionDocumentAccess,
  sessionDocumentQuery,
} from "../documents/access.ts";
import type { DocumentScope, UserScope } from "../lib/scope.ts";
import type { Context } from "./context.ts";

/**
 * Procedure metadata, read by the router-walking access test. `document` marks a
 * document-scoped procedure and the role it needs; `admin` one for firm admins only.
 */
export type Meta = { document?: { role: CollaboratorRole }; admin?: true };

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Plain JSON on the wire (no transformer) so any HTTP client can call the API.
    errorFormatter({ shape, error }) {
      const zod = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      const app = error.cause instanceof AppError ? error.cause : null;
      return {
        ...shape,
        message: zod
          ? "Invalid input"
          : error.code === "INTERNAL_SERVER_ERROR"
            ? "Internal error"
            : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          zodError: zod,
          retryAfter: app?.retryAfter ?? null,
        },
      };
    },
  });

/** Services throw AppError; this turns it into the tRPC error of the same name and status. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(appErrors);

/**
 * Narrows the context to a signed-in user and builds the request's scope for services
 * (`ctx.scope`: database, user, request metadata); everything else answers UNAUTHORIZED.
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.loadUser();
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, user, scope: scopeOf(ctx, user) } });
});

/** The scope for services; its pooled connection is only made if a service uses `db`. */
function scopeOf(ctx: Context, user: SessionUser): UserScope;
function scopeOf(ctx: Context, user: SessionUser, access: DocumentAccess): DocumentScope;
function scopeOf(ctx: Context, user: SessionUser, access?: DocumentAccess): UserScope | DocumentScope {
  return {
    get db() {
      return ctx.db();
    },
    user,
    requestMeta: ctx.requestMeta,
    ...access,
  };
}

/** What `ctx.read` answers: the statements' results in order, as drizzle's batch gives them. */
type Results<T extends readonly Statement[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/**
 * One fetch on Neon's HTTP path: the check's statement first, then a read's own, all in one
 * transaction and one round trip to the database.
 */
async function batchAfter<C extends Statement, T extends readonly Statement[]>(
  http: HttpDb,
  check: C,
  statements: T,
): Promise<[Awaited<C>, Results<T>]> {
  const [checked, ...results] = (await http.batch([check, ...statements] as unknown as [
    Statement,
    ...Statement[],
  ])) as unknown[];
  return [checked as Awaited<C>, results as Results<T>];
}

/** No token: 401 before the input is read (as protectedProcedure answers). */
const requireClaims = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.claims) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, claims: ctx.claims } });
});

/**
 * A signed-in user's read in one round trip: `ctx.read(db => [statements])` sends the session
 * check and the statements (built on `db`, Neon's HTTP path) in one batch, then answers
 * UNAUTHORIZED unless the session is live. The statements run before that answer is known, so
 * they may only read, and only what the token's user (`ctx.claims.userId`) may see.
 */
export const protectedReadProcedure = requireClaims.use(({ ctx, next }) => {
  const { claims } = ctx;
  const read = async <T extends readonly Statement[]>(statements: (db: HttpDb) => T) => {
    const http = ctx.http();
    const [rows, results] = await batchAfter(http, sessionUserQuery(http, claims), statements(http));
    const user = sessionUserOf(rows, claims);
    if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
    return { scope: scopeOf(ctx, user), results };
  };
  return next({ ctx: { ...ctx, read } });
});

/** A firm administrator's procedure; anyone else in the firm answers FORBIDDEN. */
export const adminProcedure = protectedProcedure.meta({ admin: true }).use(({ ctx, next }) => {
  if (ctx.user.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only a firm admin can change the firm's settings" });
  }
  return next({ ctx });
});

/**
 * A procedure on one case. It checks the caller's role before anything else reads the input,
 * answering NOT_FOUND to non-collaborators (ids cannot be probed) and FORBIDDEN to a
 * collaborator whose role is too low; `ctx.scope` then carries the case and the role. Further
 * `.input()` calls extend `{ documentId }`.
 */
export const documentProcedure = (role: CollaboratorRole) =>
  requireClaims
    .meta({ document: { role } })
    .input(documentScopeInput)
    .use(async ({ ctx, input, next }) => {
      // The session and the case in one statement (see requireSessionDocumentRole), one fetch.
      const { user, ...access } = await requireSessionDocumentRole(
        ctx.http(),
        ctx.claims,
        input.documentId,
        role,
      );
      const scope = scopeOf(ctx, user, access);
      return next({ ctx: { ...ctx, user, scope } });
    });

/**
 * A read on one case in one round trip: `ctx.read((db, documentId) => [statements])` sends the
 * session, case and role check (as documentProcedure makes it) and the statements in one batch
 * on Neon's HTTP path, then answers as documentProcedure would before handing back the scope and
 * the results. The statements run before the answer is known, so they may only read, and
 * nothing they read leaves unless the check passed. A further `.input()` is validated before
 * the check (a stranger's malformed filter gets 400; it tells nothing about the case).
 */
export const documentReadProcedure = (role: CollaboratorRole) =>
  requireClaims
    .meta({ document: { role } })
    .input(documentScopeInput)
    .use(({ ctx, input, next }) => {
      const { claims } = ctx;
      const { documentId } = input;
      const read = async <T extends readonly Statement[]>(
        statements: (db: HttpDb, documentId: string) => T,
      ) => {
        const http = ctx.http();
        const [rows, results] = await batchAfter(
          http,
          sessionDocumentQuery(http, claims, documentId),
          statements(http, documentId),
        );
        const { user, ...access } = sessionDocumentAccess(rows, claims, role);
        const scope = scopeOf(ctx, user, access);
        return { scope, results };
      };
      return next({ ctx: { ...ctx, read } });
    });
