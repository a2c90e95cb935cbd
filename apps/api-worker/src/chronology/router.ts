import { documentProcedure, router } from "../trpc/init.ts";
import { caseChronology } from "./service.ts";

export const chronologyRouter = router({
  /**
   * The treatment chronology per provider (visits, diagnoses, imaging, procedures, discharge) and
   * the gaps in care over 30 days: for the attorney, the letter prints the care but not the gaps.
   */
  get: documentProcedure("viewer").query(({ ctx }) => caseChronology(ctx.scope.db, ctx.scope.document)),
});
