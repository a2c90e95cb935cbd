import { defineProject } from "vitest/config";

// The extraction corpus in Node: PDFs generated in memory, read with the app's own pdf.js path,
// scored against their ground truth (the same evaluation `npm run bench:extract` prints).
export default defineProject({
  test: {
    name: "extraction",
    environment: "node",
    // The corpus, and the launcher's process handling (lib/processes.test.ts).
    include: ["fixtures/**/*.test.ts", "lib/**/*.test.ts"],
    testTimeout: 120_000,
    // The corpus is generated and read in a beforeAll: ~12 s alone, more on a busy 2-core machine
    // (it passed the default 10 s hook limit there and failed the whole file).
    hookTimeout: 120_000,
  },
});
