import {
  createTemplateInput,
  getTemplateInput,
  previewTemplateInput,
  templateIdInput,
  updateTemplateInput,
} from "@steno/shared";
import { previewTemplate } from "../letters/preview.ts";
import { documentProcedure, protectedProcedure, router } from "../trpc/init.ts";
import { archiveTemplate, createTemplate, getTemplate, listTemplates, updateTemplate } from "./service.ts";

export const templatesRouter = router({
  list: protectedProcedure.query(({ ctx }) => listTemplates(ctx.db(), ctx.user)),
  get: protectedProcedure
    .input(getTemplateInput)
    .query(({ ctx, input }) => getTemplate(ctx.db(), ctx.stats, ctx.user, input)),
  create: protectedProcedure
    .input(createTemplateInput)
    .mutation(({ ctx, input }) => createTemplate(ctx.db(), ctx.user, input, ctx.ip)),
  update: protectedProcedure
    .input(updateTemplateInput)
    .mutation(({ ctx, input }) => updateTemplate(ctx.db(), ctx.user, input, ctx.ip)),
  // A mutation only so the body (up to 50,000 characters) travels in a POST, not a URL; it
  // writes nothing.
  preview: documentProcedure("viewer")
    .input(previewTemplateInput)
    .mutation(({ ctx, input }) => previewTemplate(ctx.db(), ctx, input)),
  archive: protectedProcedure
    .input(templateIdInput)
    .mutation(({ ctx, input }) => archiveTemplate(ctx.db(), ctx.user, input, ctx.ip)),
});
