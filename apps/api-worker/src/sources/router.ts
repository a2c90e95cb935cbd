import { idSchema } from "@steno/shared";
import { z } from "zod";
import { documentProcedure, router } from "../trpc/init.ts";
import { deleteSource, getSource, listSources, retrySource } from "./service.ts";

const sourceInput = z.object({ sourceId: idSchema });

export const sourcesRouter = router({
  list: documentProcedure("viewer").query(({ ctx }) => listSources(ctx.db(), ctx.document.id)),
  get: documentProcedure("viewer")
    .input(sourceInput)
    .query(({ ctx, input }) => getSource(ctx.db(), ctx.document.id, input.sourceId)),
  /** Reads a failed or stuck source again, from where it stopped. */
  retry: documentProcedure("editor")
    .input(sourceInput)
    .mutation(({ ctx, input }) =>
      retrySource(ctx.db(), ctx.env.AI_JOBS, ctx, ctx.user, input.sourceId, ctx.ip),
    ),
  delete: documentProcedure("editor")
    .input(sourceInput)
    .mutation(({ ctx, input }) =>
      deleteSource(ctx.db(), ctx.env.SOURCES, ctx, ctx.user, input.sourceId, ctx.ip),
    ),
});
