import {
  createDocumentInput,
  listDocumentsInput,
  listDocumentsOutput,
  searchDocumentsInput,
  updateDocumentInput,
} from "@steno/shared";
import { documentProcedure, protectedProcedure, router } from "../trpc/init.ts";
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
  list: protectedProcedure
    .input(listDocumentsInput)
    .output(listDocumentsOutput)
    .query(({ ctx, input }) => listDocuments(ctx.scope, input)),

  search: protectedProcedure
    .input(searchDocumentsInput)
    .query(({ ctx, input }) => searchDocuments(ctx.scope, input)),

  create: protectedProcedure
    .input(createDocumentInput)
    .mutation(({ ctx, input }) => createDocument(ctx.scope, input)),

  get: documentProcedure("viewer").query(({ ctx }) => getDocument(ctx.scope)),

  update: documentProcedure("editor")
    .input(updateDocumentInput)
    .mutation(({ ctx, input }) => updateDocument(ctx.scope, input)),

  /** What AI cost this case so far, from ai_usage. */
  aiCost: documentProcedure("viewer").query(({ ctx }) => aiCost(ctx.scope)),

  delete: documentProcedure("owner").mutation(({ ctx }) => deleteDocument(ctx.scope, ctx.env)),
});
