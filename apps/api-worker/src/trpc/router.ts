import { authRouter } from "../auth/router.ts";
import { collaboratorsRouter } from "../collaborators/router.ts";
import { documentsRouter } from "../documents/router.ts";
import { firmRouter } from "../firm/router.ts";
import { systemRouter } from "../system/router.ts";
import { templatesRouter } from "../templates/router.ts";
import { router } from "./init.ts";

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  documents: documentsRouter,
  collaborators: collaboratorsRouter,
  templates: templatesRouter,
  firm: firmRouter,
});

export type AppRouter = typeof appRouter;
