import { usesAnthropic } from "../ai/index.ts";
import { publicProcedure, router } from "../trpc/init.ts";

export const systemRouter = router({
  /** What the web app shows before sign-in: which environment and AI provider it talks to. */
  info: publicProcedure.query(({ ctx }) => ({
    service: "steno-api",
    environment: ctx.env.ENVIRONMENT,
    aiProvider: usesAnthropic(ctx.env) ? ("anthropic" as const) : ("local" as const),
    time: new Date().toISOString(),
  })),
});
