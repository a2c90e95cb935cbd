import { idSchema } from "@steno/shared";
import { z } from "zod";
import { documentProcedure, router } from "../trpc/init.ts";
import { getJob, latestJobs } from "./service.ts";

export const jobsRouter = router({
  /** Progress of one job: status, phase, pages done / total. */
  get: documentProcedure("viewer")
    .input(z.object({ jobId: idSchema }))
    .query(({ ctx, input }) => getJob(ctx.scope, input)),
  list: documentProcedure("viewer").query(({ ctx }) => latestJobs(ctx.scope)),
});
