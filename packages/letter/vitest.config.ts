import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "letter", environment: "node", include: ["src/**/*.test.ts"] },
});
