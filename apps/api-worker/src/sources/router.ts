import { idSchema } from "@steno/shared";
import { z } from "zod";
import { documentProcedure, router } from "../trpc/init.ts";
import { deleteSource, getSource, listSources } from "./service.ts";

const sourceInput = z.object({ sourceId: idSchema });

export const sourcesRouter = router({
  list: documentProcedure("viewer").query(({ ctx }) => listSources(ctx.db(), ctx.document.id)),
  get: documentProcedure("viewer")
    .input(sourceInput)
    .query(({ ctx, input }) => getSource(ctx.db(), ctx.document.id, input.sourceId)),
  delete: documentProcedure("editor")
    .input(sourceInput)
    .mutation(({ ctx, input }) =>
      deleteSource(ctx.db(), ctx.env.SOURCES, ctx, ctx.user, input.sourceId, ctx.ip),
    ),
});
