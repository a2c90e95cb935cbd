import { idSchema } from "@steno/shared";
import { z } from "zod";
import { documentProcedure, router } from "../trpc/init.ts";
import { getJob, latestJobs } from "./service.ts";

export const jobsRouter = router({
  /** Progress of one job: status, phase, pages done / total. */
  get: documentProcedure("viewer")
    .input(z.object({ jobId: idSchema }))
    .query(({ ctx, input }) => getJob(ctx.db(), ctx.document.id, input.jobId)),
  list: documentProcedure("viewer").query(async ({ ctx }) => ({
    items: await latestJobs(ctx.db(), ctx.document.id),
  })),
});
