import { authRouter } from "../auth/router.ts";
import { caseProfileRouter } from "../case-profile/router.ts";
import { chronologyRouter } from "../chronology/router.ts";
import { collaboratorsRouter } from "../collaborators/router.ts";
import { documentsRouter } from "../documents/router.ts";
import { factsRouter } from "../facts/router.ts";
import { firmRouter } from "../firm/router.ts";
import { jobsRouter } from "../jobs/router.ts";
import { lettersRouter } from "../letters/router.ts";
import { lifecycleRouter } from "../lifecycle/router.ts";
import { notificationsRouter } from "../notifications/router.ts";
import { sourcesRouter } from "../sources/router.ts";
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
  sources: sourcesRouter,
  jobs: jobsRouter,
  facts: factsRouter,
  profile: caseProfileRouter,
  letters: lettersRouter,
  lifecycle: lifecycleRouter,
  notifications: notificationsRouter,
  chronology: chronologyRouter,
});

export type AppRouter = typeof appRouter;
