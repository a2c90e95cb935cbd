// Applies drizzle-kit's generated SQL migrations. drizzle's own migrator reads them from the
// file system, which Workers do not have, so this one takes the files' text from the caller:
// the Node CLI reads them from disk, tests inside workerd import them through Vite.

export type MigrationFile = { tag: string; sql: string };

export type Queryable = {
  query: (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
};

const MIGRATIONS_LOCK = 7_345_001;

export function migrationsFromFiles(files: Record<string, string>): MigrationFile[] {
  return Object.entries(files)
    .map(([path, sql]) => ({ tag: path.replace(/^.*\//, "").replace(/\.sql$/, ""), sql }))
    .sort((a, b) => a.tag.localeCompare(b.tag));
}

/** Applies the migrations not yet applied, in order, each in its own transaction. Returns their tags. */
export async function applyMigrations(client: Queryable, migrations: MigrationFile[]): Promise<string[]> {
  await client.query(
    `create table if not exists steno_migrations (
       tag text primary key,
       applied_at timestamptz not null default now()
     )`,
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    await client.query("begin");
    try {
      // Two migrators at once (two Workers starting, a deploy during a test) wait for each other.
      await client.query("select pg_advisory_xact_lock($1)", [MIGRATIONS_LOCK]);
      const done = await client.query("select 1 from steno_migrations where tag = $1", [migration.tag]);
      if (done.rows.length === 0) {
        for (const statement of migration.sql.split("--> statement-breakpoint")) {
          if (statement.trim()) await client.query(statement);
        }
        await client.query("insert into steno_migrations (tag) values ($1)", [migration.tag]);
        applied.push(migration.tag);
      }
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => {});
      throw new Error(`migration ${migration.tag} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return applied;
}
