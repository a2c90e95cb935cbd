import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "db",
    environment: "node",
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    // PGlite compiles its WebAssembly when a hook starts it: over 10 s on a busy 2-core machine.
    hookTimeout: 60_000,
  },
});
