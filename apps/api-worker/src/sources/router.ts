import { idSchema } from "@steno/shared";
import { z } from "zod";
import { documentProcedure, router } from "../trpc/init.ts";
import { deleteSource, getSource, listSources, retrySource } from "./service.ts";

const sourceInput = z.object({ sourceId: idSchema });

export const sourcesRouter = router({
  list: documentProcedure("viewer").query(({ ctx }) => listSources(ctx.scope)),
  get: documentProcedure("viewer")
    .input(sourceInput)
    .query(({ ctx, input }) => getSource(ctx.scope, input)),
  /** Reads a failed or stuck source again, from where it stopped. */
  retry: documentProcedure("editor")
    .input(sourceInput)
    .mutation(({ ctx, input }) => retrySource(ctx.scope, input, ctx.env)),
  delete: documentProcedure("editor")
    .input(sourceInput)
    .mutation(({ ctx, input }) => deleteSource(ctx.scope, input, ctx.env.SOURCES)),
});
