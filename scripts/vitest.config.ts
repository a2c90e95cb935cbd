import { defineProject } from "vitest/config";

// The extraction corpus in Node: PDFs generated in memory, read with the app's own pdf.js path,
// scored against their ground truth (the same evaluation `npm run bench:extract` prints).
export default defineProject({
  test: {
    name: "extraction",
    environment: "node",
    include: ["fixtures/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
