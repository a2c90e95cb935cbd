import { AppError, type CollaboratorRole, documentScopeInput } from "@steno/shared";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { requireSessionDocumentRole } from "../documents/access.ts";
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
  const scope: UserScope = { db: ctx.db(), user, requestMeta: ctx.requestMeta };
  return next({ ctx: { ...ctx, user, scope } });
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
  publicProcedure
    .meta({ document: { role } })
    // Without a token, 401 before the input is read (as protectedProcedure answers).
    .use(({ ctx, next }) => {
      if (!ctx.claims) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
      return next({ ctx: { ...ctx, claims: ctx.claims } });
    })
    .input(documentScopeInput)
    .use(async ({ ctx, input, next }) => {
      const db = ctx.db();
      // The session and the case in one statement (see requireSessionDocumentRole).
      const { user, ...access } = await requireSessionDocumentRole(db, ctx.claims, input.documentId, role);
      const scope: DocumentScope = { db, user, requestMeta: ctx.requestMeta, ...access };
      return next({ ctx: { ...ctx, user, scope } });
    });
