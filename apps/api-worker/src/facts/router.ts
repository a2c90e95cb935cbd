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
import { documentProcedure, router } from "../trpc/init.ts";
import {
  approveAllFacts,
  approveManyFacts,
  createFact,
  decideFact,
  extractFactsAgain,
  listFacts,
  updateFact,
} from "./service.ts";

export const factsRouter = router({
  list: documentProcedure("viewer")
    .input(listFactsInput)
    .output(listFactsOutput)
    .query(({ ctx, input }) => listFacts(ctx.scope, input)),

  update: documentProcedure("editor")
    .input(updateFactInput)
    .mutation(({ ctx, input }) => updateFact(ctx.scope, input)),

  approve: documentProcedure("editor")
    .input(factIdInput)
    .mutation(({ ctx, input }) => decideFact(ctx.scope, input, "approved")),

  reject: documentProcedure("editor")
    .input(factIdInput)
    .mutation(({ ctx, input }) => decideFact(ctx.scope, input, "rejected")),

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
