import { chronologyInput } from "@steno/shared";
import { documentProcedure, router } from "../trpc/init.ts";
import { caseChronology } from "./service.ts";

export const chronologyRouter = router({
  /**
   * The medical chronology: every treatment event in date order, grouped by provider, each line
   * cited; the per-provider summary the letter's treatment section is written from; and the flags
   * for the attorney (gaps over `gapDays`, default 30; care before the date of loss; bills without
   * records and records without bills), which the letter never prints.
   */
  get: documentProcedure("viewer")
    .input(chronologyInput)
    .query(({ ctx, input }) => caseChronology(ctx.scope.db, ctx.scope.document, input)),
});
