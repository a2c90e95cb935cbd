import {
  cleanText,
  dismissReadinessItemInput,
  generateLetterInput,
  idSchema,
  readinessInput,
} from "@steno/shared";
import { z } from "zod";
import { signRoomToken } from "../auth/tokens.ts";
import { documentProcedure, router } from "../trpc/init.ts";
import { requestGeneration } from "./generate-request.ts";
import { computeLedger } from "./ledger.ts";
import { computeReadiness, dismissReadinessItem } from "./readiness.ts";
import { createVersion, listVersions, restoreVersion } from "./versions.ts";

export const lettersRouter = router({
  /** The damages ledger: approved billing facts by provider and date, computed in code. */
  damages: documentProcedure("viewer").query(({ ctx }) => computeLedger(ctx.db(), ctx.document.id)),

  /** What must be confirmed, fixed or dismissed before a letter is generated or exported. */
  readiness: documentProcedure("viewer")
    .input(readinessInput)
    .query(({ ctx, input }) =>
      computeReadiness(ctx.db(), { document: ctx.document, templateId: input.templateId }),
    ),

  dismissReadinessItem: documentProcedure("editor")
    .input(dismissReadinessItemInput)
    .mutation(({ ctx, input }) => dismissReadinessItem(ctx.db(), ctx, ctx.user, input, ctx.ip)),

  generate: documentProcedure("editor")
    .input(generateLetterInput)
    .mutation(({ ctx, input }) => requestGeneration(ctx.db(), ctx.env, ctx, ctx.user, input, ctx.ip)),

  /** A token (about a minute) to join this letter's room with the caller's role. */
  roomToken: documentProcedure("viewer").mutation(async ({ ctx }) => {
    const token = await signRoomToken(ctx.env, {
      userId: ctx.user.id,
      documentId: ctx.document.id,
      role: ctx.role,
      name: ctx.user.name,
      sessionId: ctx.user.sessionId,
    });
    return { token, role: ctx.role, expiresAt: new Date(Date.now() + 60_000).toISOString() };
  }),

  versions: router({
    list: documentProcedure("viewer").query(({ ctx }) => listVersions(ctx.db(), ctx.document.id)),
    create: documentProcedure("editor")
      .input(z.object({ label: cleanText(200).pipe(z.string().min(1, { message: "Name the version" })) }))
      .mutation(({ ctx, input }) =>
        createVersion(ctx.db(), ctx.env.ROOMS, ctx, ctx.user, input.label, ctx.ip),
      ),
    restore: documentProcedure("editor")
      .input(z.object({ versionId: idSchema }))
      .mutation(({ ctx, input }) =>
        restoreVersion(ctx.db(), ctx.env.ROOMS, ctx, ctx.user, input.versionId, ctx.ip),
      ),
  }),
});
