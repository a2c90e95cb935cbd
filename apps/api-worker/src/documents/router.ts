import {
  createDocumentInput,
  listDocumentsInput,
  searchDocumentsInput,
  updateDocumentInput,
} from "@steno/shared";
import { authedProcedure, documentProcedure, router } from "../trpc/init.ts";
import {
  aiCost,
  createDocument,
  deleteDocument,
  getDocument,
  listDocuments,
  searchDocuments,
  updateDocument,
} from "./service.ts";

export const documentsRouter = router({
  list: authedProcedure
    .input(listDocumentsInput)
    .query(({ ctx, input }) => listDocuments(ctx.db(), { userId: ctx.user.id, ...input })),

  search: authedProcedure
    .input(searchDocumentsInput)
    .query(({ ctx, input }) => searchDocuments(ctx.db(), { userId: ctx.user.id, ...input })),

  create: authedProcedure
    .input(createDocumentInput)
    .mutation(({ ctx, input }) => createDocument(ctx.db(), ctx.user, input, ctx.ip)),

  get: documentProcedure("viewer").query(({ ctx }) => getDocument(ctx.db(), ctx)),

  update: documentProcedure("editor")
    .input(updateDocumentInput)
    .mutation(({ ctx, input }) => updateDocument(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  /** What AI cost this case so far, from ai_usage. */
  aiCost: documentProcedure("viewer").query(({ ctx }) => aiCost(ctx.db(), ctx.document.id)),

  delete: documentProcedure("owner").mutation(({ ctx }) =>
    deleteDocument(ctx.db(), ctx.env, ctx, ctx.user, ctx.ip),
  ),
});
