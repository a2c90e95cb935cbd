import {
  createTemplateInput,
  getTemplateInput,
  previewTemplateInput,
  templateIdInput,
  updateTemplateInput,
} from "@steno/shared";
import { previewTemplate } from "../letters/preview.ts";
import { authedProcedure, documentProcedure, router } from "../trpc/init.ts";
import { archiveTemplate, createTemplate, getTemplate, listTemplates, updateTemplate } from "./service.ts";

export const templatesRouter = router({
  list: authedProcedure.query(({ ctx }) => listTemplates(ctx.db(), ctx.user)),
  get: authedProcedure
    .input(getTemplateInput)
    .query(({ ctx, input }) => getTemplate(ctx.db(), ctx.stats, ctx.user, input)),
  create: authedProcedure
    .input(createTemplateInput)
    .mutation(({ ctx, input }) => createTemplate(ctx.db(), ctx.user, input, ctx.ip)),
  update: authedProcedure
    .input(updateTemplateInput)
    .mutation(({ ctx, input }) => updateTemplate(ctx.db(), ctx.user, input, ctx.ip)),
  // A mutation only so the body (up to 50,000 characters) travels in a POST, not a URL; it
  // writes nothing.
  preview: documentProcedure("viewer")
    .input(previewTemplateInput)
    .mutation(({ ctx, input }) => previewTemplate(ctx.db(), ctx, input)),
  archive: authedProcedure
    .input(templateIdInput)
    .mutation(({ ctx, input }) => archiveTemplate(ctx.db(), ctx.user, input, ctx.ip)),
});
