import { publicProcedure, router } from "../trpc/init.ts";

export const systemRouter = router({
  /** What the web app shows before sign-in: which environment and AI provider it talks to. */
  info: publicProcedure.query(({ ctx }) => ({
    service: "steno-api",
    environment: ctx.env.ENVIRONMENT,
    aiProvider: ctx.env.AI_PROVIDER === "anthropic" && ctx.env.ANTHROPIC_API_KEY ? "anthropic" : "local",
    time: new Date().toISOString(),
  })),
});
