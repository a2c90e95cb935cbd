// drizzle's query operators travel with the schema, so every package builds queries with the
// same drizzle-orm copy as the tables it queries.
export * from "drizzle-orm";
export * from "./client.ts";
export * from "./errors.ts";
export * from "./migrate.ts";
export * from "./prepared.ts";
export * from "./restore-letter.ts";
export type { DraftFlag } from "./schema.ts";
export * as schema from "./schema.ts";
