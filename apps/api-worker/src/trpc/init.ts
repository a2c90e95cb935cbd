import { AppError } from "@steno/shared";
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import type { Context } from "./context.ts";

const t = initTRPC.context<Context>().create({
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

/** Narrows the context to a signed-in user; everything else answers UNAUTHORIZED. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});
