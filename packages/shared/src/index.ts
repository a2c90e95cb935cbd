export * from "./errors.ts";
export * from "./health.ts";
export * from "./ids.ts";
export * from "./templates/default-template.ts";
export * from "./templates/variables.ts";
