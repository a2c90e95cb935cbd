import {
  createVersionInput,
  dismissReadinessItemInput,
  generateLetterInput,
  ledgerSchema,
  readinessInput,
  readinessSchema,
  renameVersionInput,
  rewriteLetterInput,
  versionCompareSchema,
  versionIdInput,
  versionSchema,
} from "@steno/shared";
import { documentProcedure, documentReadProcedure, router } from "../trpc/init.ts";
import { requestGeneration } from "./generate-request.ts";
import { claimBasisQuery, ledgerFacts, ledgerOf } from "./ledger.ts";
import { dismissReadinessItem, readinessNow } from "./readiness.ts";
import { rewriteLetter } from "./rewrite.ts";
import { issueRoomToken } from "./room-access.ts";
import {
  compareVersion,
  createVersion,
  deleteVersion,
  getVersion,
  listVersions,
  renameVersion,
  restoreVersion,
} from "./versions.ts";

export const lettersRouter = router({
  /** The damages ledger: approved billing facts by provider and date, computed in code. */
  damages: documentReadProcedure("viewer")
    .output(ledgerSchema)
    .query(async ({ ctx }) => {
      const { results } = await ctx.read(
        (db, documentId) => [ledgerFacts(db, documentId), claimBasisQuery(db, documentId)] as const,
      );
      return ledgerOf(...results);
    }),

  /** What must be confirmed, fixed or dismissed before a letter is generated or exported. */
  readiness: documentProcedure("viewer")
    .input(readinessInput)
    .output(readinessSchema)
    .query(({ ctx, input }) => readinessNow(ctx.scope, input, ctx.env.ROOMS)),

  dismissReadinessItem: documentProcedure("editor")
    .input(dismissReadinessItemInput)
    .mutation(({ ctx, input }) => dismissReadinessItem(ctx.scope, input)),

  generate: documentProcedure("editor")
    .input(generateLetterInput)
    .mutation(({ ctx, input }) => requestGeneration(ctx.scope, input, ctx.env)),

  /**
   * "Rewrite with AI": a paragraph rewritten or a section regenerated, checked against the case;
   * the editor offers the answer as a suggestion. Capped like drafts (burst) and per hour.
   */
  rewrite: documentProcedure("editor")
    .input(rewriteLetterInput)
    .mutation(({ ctx, input }) => rewriteLetter(ctx.scope, input, ctx.env)),

  /** A token (about a minute) to join this letter's room with the caller's role. */
  roomToken: documentProcedure("viewer").mutation(({ ctx }) => issueRoomToken(ctx.scope, ctx.env)),

  versions: router({
    list: documentProcedure("viewer").query(({ ctx }) => listVersions(ctx.scope)),
    /** A version's letter, to preview before restoring it. */
    get: documentProcedure("viewer")
      .input(versionIdInput)
      .output(versionSchema)
      .query(({ ctx, input }) => getVersion(ctx.scope, input)),
    /** The redline of the current letter against a version. */
    compare: documentProcedure("viewer")
      .input(versionIdInput)
      .output(versionCompareSchema)
      .query(({ ctx, input }) => compareVersion(ctx.scope, input, ctx.env.ROOMS)),
    /** A label already used by another version of the letter is refused (409). */
    create: documentProcedure("editor")
      .input(createVersionInput)
      .mutation(({ ctx, input }) => createVersion(ctx.scope, input, ctx.env.ROOMS)),
    restore: documentProcedure("editor")
      .input(versionIdInput)
      .mutation(({ ctx, input }) => restoreVersion(ctx.scope, input, ctx.env.ROOMS)),
    /** Renaming and deleting refuse a locked version (a sent letter's); renaming, a taken label. */
    rename: documentProcedure("editor")
      .input(renameVersionInput)
      .mutation(({ ctx, input }) => renameVersion(ctx.scope, input)),
    delete: documentProcedure("editor")
      .input(versionIdInput)
      .mutation(({ ctx, input }) => deleteVersion(ctx.scope, input)),
  }),
});
