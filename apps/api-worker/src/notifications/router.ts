import { listNotificationsInput, listNotificationsOutput, markNotificationsReadInput } from "@steno/shared";
import { z } from "zod";
import { protectedProcedure, router } from "../trpc/init.ts";
import { listNotifications, markNotificationsRead } from "./service.ts";

export const notificationsRouter = router({
  /** The caller's own notifications (the bell), newest first, with the unread count. */
  list: protectedProcedure
    .input(listNotificationsInput)
    .output(listNotificationsOutput)
    .query(({ ctx, input }) => listNotifications(ctx.scope, input)),

  markRead: protectedProcedure
    .input(markNotificationsReadInput)
    .output(z.object({ updated: z.number().int() }))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.scope, input)),
});
