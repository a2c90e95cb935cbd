// `npm run db:migrate`: applies the migrations a database lacks (Neon in staging/production).
// Takes DATABASE_URL from the environment — Neon's direct (non-pooled) string: a migration holds
// an advisory lock and runs DDL in transactions, which a transaction-pooling endpoint does not keep.
import { migrate } from "../local/index.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. Example: DATABASE_URL=postgres://… npm run db:migrate");
  process.exit(1);
}
const applied = await migrate(url);
console.log(applied.length ? `Applied ${applied.join(", ")}` : "Already up to date");
