import {
  approveAllFactsInput,
  approveManyFactsInput,
  createFactInput,
  extractFactsInput,
  factIdInput,
  listFactsInput,
  listFactsOutput,
  updateFactInput,
} from "@steno/shared";
import { documentProcedure, documentReadProcedure, router } from "../trpc/init.ts";
import {
  approveAllFacts,
  approveManyFacts,
  createFact,
  decideFact,
  extractFactsAgain,
  listFactsQuery,
  updateFact,
} from "./service.ts";

export const factsRouter = router({
  list: documentReadProcedure("viewer")
    .input(listFactsInput)
    .output(listFactsOutput)
    .query(async ({ ctx, input }) => {
      const { results } = await ctx.read(
        (db, documentId) => [listFactsQuery(db, documentId, input)] as const,
      );
      return { items: results[0] };
    }),

  update: documentProcedure("editor")
    .input(updateFactInput)
    .mutation(({ ctx, input }) => updateFact(ctx.scope, input)),

  approve: documentProcedure("editor")
    .input(factIdInput)
    .mutation(({ ctx, input }) => decideFact(ctx.scope, ctx.http(), input, "approved")),

  reject: documentProcedure("editor")
    .input(factIdInput)
    .mutation(({ ctx, input }) => decideFact(ctx.scope, ctx.http(), input, "rejected")),

  approveAll: documentProcedure("editor")
    .input(approveAllFactsInput)
    .mutation(({ ctx, input }) => approveAllFacts(ctx.scope, input)),

  /** "Approve selected": the facts the reviewer ticked, in one call. */
  approveMany: documentProcedure("editor")
    .input(approveManyFactsInput)
    .mutation(({ ctx, input }) => approveManyFacts(ctx.scope, input)),

  create: documentProcedure("editor")
    .input(createFactInput)
    .mutation(({ ctx, input }) => createFact(ctx.scope, input)),

  /** Runs fact extraction on a source again (e.g. after switching provider). */
  extract: documentProcedure("editor")
    .input(extractFactsInput)
    .mutation(({ ctx, input }) => extractFactsAgain(ctx.scope, input, ctx.env)),
});
