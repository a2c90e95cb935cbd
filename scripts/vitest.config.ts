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
  },
});
