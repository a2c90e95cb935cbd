import { and, eq, schema } from "@steno/db";
import {
  AppError,
  approveAllFactsInput,
  createFactInput,
  extractFactsInput,
  factIdInput,
  listFactsInput,
  updateFactInput,
} from "@steno/shared";
import { reserveAiJob } from "../jobs/ai-quota.ts";
import { enqueue } from "../jobs/service.ts";
import { documentProcedure, router } from "../trpc/init.ts";
import { approveAllFacts, createFact, decideFact, listFacts, updateFact } from "./service.ts";

export const factsRouter = router({
  list: documentProcedure("viewer")
    .input(listFactsInput)
    .query(({ ctx, input }) => listFacts(ctx.db(), ctx.document.id, input)),

  update: documentProcedure("editor")
    .input(updateFactInput)
    .mutation(({ ctx, input }) => updateFact(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  approve: documentProcedure("editor")
    .input(factIdInput)
    .mutation(({ ctx, input }) => decideFact(ctx.db(), ctx, ctx.user, input.factId, "approved", ctx.ip)),

  reject: documentProcedure("editor")
    .input(factIdInput)
    .mutation(({ ctx, input }) => decideFact(ctx.db(), ctx, ctx.user, input.factId, "rejected", ctx.ip)),

  approveAll: documentProcedure("editor")
    .input(approveAllFactsInput)
    .mutation(({ ctx, input }) => approveAllFacts(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  create: documentProcedure("editor")
    .input(createFactInput)
    .mutation(({ ctx, input }) => createFact(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  /** Runs fact extraction on a source again (e.g. after switching provider). */
  extract: documentProcedure("editor")
    .input(extractFactsInput)
    .mutation(async ({ ctx, input }) => {
      const db = ctx.db();
      const [source] = await db
        .select({ id: schema.sources.id, status: schema.sources.status })
        .from(schema.sources)
        .where(and(eq(schema.sources.id, input.sourceId), eq(schema.sources.documentId, ctx.document.id)));
      if (!source) throw new AppError("NOT_FOUND", "Source not found");
      if (source.status !== "ready") throw new AppError("CONFLICT", "The source's text is not ready yet");
      const job = await reserveAiJob(
        ctx.scope,
        { documentId: ctx.document.id, sourceId: source.id, kind: "extract-facts", params: { manual: true } },
        ctx.env,
      );
      await enqueue(ctx.env.AI_JOBS, { jobId: job.id, kind: "extract-facts" });
      return { jobId: job.id };
    }),
});
