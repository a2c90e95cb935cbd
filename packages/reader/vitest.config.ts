import { defineProject } from "vitest/config";

export default defineProject({
  test: { name: "reader", environment: "node", include: ["src/**/*.test.ts"] },
});
