import {
  addOfferInput,
  deleteOfferInput,
  letterSendSchema,
  lifecycleSchema,
  markSentInput,
  offerSchema,
  setResponseDueInput,
  updateOfferInput,
} from "@steno/shared";
import { z } from "zod";
import { documentProcedure, router } from "../trpc/init.ts";
import { addOffer, deleteOffer, listOffers, updateOffer } from "./offers.ts";
import { getLifecycle, markSent, setResponseDue } from "./sends.ts";

export const lifecycleRouter = router({
  /** The letters sent on the case, the response's state, and what the send form starts from. */
  get: documentProcedure("viewer")
    .output(lifecycleSchema)
    .query(({ ctx }) => getLifecycle(ctx.scope)),

  /** Exports the letter as it is now, keeps that file (SHA-256) and a locked version of it. */
  markSent: documentProcedure("editor")
    .input(markSentInput)
    .output(letterSendSchema)
    .mutation(({ ctx, input }) =>
      markSent(ctx.scope, input, { rooms: ctx.env.ROOMS, bucket: ctx.env.SOURCES }),
    ),

  setResponseDue: documentProcedure("editor")
    .input(setResponseDueInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => setResponseDue(ctx.scope, input)),

  offers: router({
    list: documentProcedure("viewer")
      .output(z.object({ items: z.array(offerSchema) }))
      .query(({ ctx }) => listOffers(ctx.scope)),
    add: documentProcedure("editor")
      .input(addOfferInput)
      .output(offerSchema)
      .mutation(({ ctx, input }) => addOffer(ctx.scope, input)),
    update: documentProcedure("editor")
      .input(updateOfferInput)
      .output(offerSchema)
      .mutation(({ ctx, input }) => updateOffer(ctx.scope, input)),
    delete: documentProcedure("editor")
      .input(deleteOfferInput)
      .output(z.object({ ok: z.literal(true) }))
      .mutation(({ ctx, input }) => deleteOffer(ctx.scope, input)),
  }),
});
