import {
  createDocumentInput,
  listDocumentsInput,
  listDocumentsOutput,
  searchDocumentsInput,
  updateDocumentInput,
} from "@steno/shared";
import {
  documentProcedure,
  documentReadProcedure,
  protectedProcedure,
  protectedReadProcedure,
  router,
} from "../trpc/init.ts";
import { userFirm } from "./access.ts";
import {
  aiCost,
  createDocument,
  deleteDocument,
  documentCountsQuery,
  documentsPage,
  documentView,
  listDocumentsQuery,
  searchDocuments,
  updateDocument,
} from "./service.ts";

export const documentsRouter = router({
  // One round trip: the session check and the page in one batch (the token names the user).
  list: protectedReadProcedure
    .input(listDocumentsInput)
    .output(listDocumentsOutput)
    .query(async ({ ctx, input }) => {
      const { userId } = ctx.claims;
      const { results } = await ctx.read(
        (db) => [listDocumentsQuery(db, { id: userId, firmId: userFirm(userId) }, input)] as const,
      );
      return documentsPage(results[0], input);
    }),

  search: protectedProcedure
    .input(searchDocumentsInput)
    .query(({ ctx, input }) => searchDocuments(ctx.scope, input)),

  create: protectedProcedure
    .input(createDocumentInput)
    .mutation(({ ctx, input }) => createDocument(ctx.scope, input)),

  get: documentReadProcedure("viewer").query(async ({ ctx }) => {
    const { scope, results } = await ctx.read(
      (db, documentId) => [documentCountsQuery(db, documentId)] as const,
    );
    return documentView(scope, results[0]);
  }),

  update: documentProcedure("editor")
    .input(updateDocumentInput)
    .mutation(({ ctx, input }) => updateDocument(ctx.scope, input)),

  /** What AI cost this case so far, from ai_usage. */
  aiCost: documentProcedure("viewer").query(({ ctx }) => aiCost(ctx.scope)),

  delete: documentProcedure("owner").mutation(({ ctx }) => deleteDocument(ctx.scope, ctx.env)),
});
