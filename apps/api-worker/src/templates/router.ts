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
  list: protectedProcedure.query(({ ctx }) => listTemplates(ctx.scope)),
  get: protectedProcedure
    .input(getTemplateInput)
    .query(({ ctx, input }) => getTemplate(ctx.scope, input, ctx.stats)),
  create: protectedProcedure
    .input(createTemplateInput)
    .mutation(({ ctx, input }) => createTemplate(ctx.scope, input)),
  update: protectedProcedure
    .input(updateTemplateInput)
    .mutation(({ ctx, input }) => updateTemplate(ctx.scope, input)),
  // A mutation only so the body (up to 50,000 characters) travels in a POST, not a URL; it
  // writes nothing.
  preview: documentProcedure("viewer")
    .input(previewTemplateInput)
    .mutation(({ ctx, input }) => previewTemplate(ctx.scope, input)),
  archive: protectedProcedure
    .input(templateIdInput)
    .mutation(({ ctx, input }) => archiveTemplate(ctx.scope, input)),
});
