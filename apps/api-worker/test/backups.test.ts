import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Client } from "@neondatabase/serverless";
import { applyMigrations, createDb, eq, migrationsFromFiles, restoreLetter, schema } from "@steno/db";
import {
  type BackupManifest,
  backupDate,
  LETTER_FIELD,
  letterKey,
  manifestKey,
  parseLetterBackup,
} from "@steno/shared";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import worker from "../src/index.ts";
import { migrationFiles, signUp, testDb, typeLetterAndLeave } from "./helpers.ts";

/** A case whose letter someone typed in the room, pushed to Postgres when they left. */
async function caseWithLetter(words: string) {
  const owner = await signUp("backup");
  const doc = await owner.session.trpc.documents.create.mutate({ title: "Okafor v. Metro Transit" });
  const stored = await typeLetterAndLeave(owner.session, doc.id, words);
  return { owner, doc, stored };
}

async function runNightly(time: number) {
  const ctx = createExecutionContext();
  const handler = worker as ExportedHandler<Cloudflare.Env>;
  await handler.scheduled?.(createScheduledController({ scheduledTime: time, cron: "0 3 * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("nightly letter backup and restore", () => {
  it("writes each letter to R2 under the night's date, and a drill rebuilds it in an empty database", async () => {
    const words = `Restored word for word ${crypto.randomUUID()}`;
    const { owner, doc, stored } = await caseWithLetter(words);
    // A comment as a push of the letter copies it out of the room (comments.test.ts pushes one).
    const comment = {
      threadId: crypto.randomUUID(),
      messageId: crypto.randomUUID(),
      authorId: owner.user.id,
      authorName: owner.user.name,
      body: `@${owner.user.name} check the wage loss`,
      mentions: [owner.user.id],
      resolved: true,
      createdAt: "2026-11-26 15:00:00+00",
    };
    const seed = testDb();
    try {
      await seed.db.insert(schema.letterComments).values({ ...comment, documentId: doc.id });
    } finally {
      await seed.close();
    }
    const time = Date.parse("2026-11-27T03:00:00Z");
    await runNightly(time);

    const date = backupDate(time);
    const manifestObject = await env.BACKUPS.get(manifestKey(date));
    expect(manifestObject).not.toBeNull();
    const manifest = (await manifestObject?.json()) as BackupManifest;
    expect(manifest.letters).toContainEqual({ documentId: doc.id, key: letterKey(date, doc.id) });
    const backup = parseLetterBackup(await (await env.BACKUPS.get(letterKey(date, doc.id)))?.json());
    expect(backup.document).toMatchObject({ id: doc.id, title: "Okafor v. Metro Transit" });
    expect(backup.author.email).toBe(owner.email);
    expect(backup.content).toEqual(stored?.letterContent);
    expect(backup.comments).toEqual([comment]);

    // The drill: an empty database, migrated, then the letter from R2.
    const client = new Client({ connectionString: env.TEST_RESTORE_DATABASE_URL });
    client.on("error", () => {});
    await client.connect();
    try {
      await applyMigrations(client, migrationsFromFiles(migrationFiles));
    } finally {
      await client.end();
    }
    const target = createDb({ ...env, DATABASE_URL: env.TEST_RESTORE_DATABASE_URL });
    try {
      await restoreLetter(target.db, backup);
      await restoreLetter(target.db, backup); // twice is the same as once
      const [restored] = await target.db
        .select()
        .from(schema.documents)
        .where(eq(schema.documents.id, doc.id));
      expect(restored?.letterContent).toEqual(stored?.letterContent);
      expect(restored?.letterUpdatedAt).toBe(stored?.letterUpdatedAt);
      const ydoc = new Y.Doc();
      Y.applyUpdate(ydoc, restored?.letterState as Uint8Array);
      expect(ydoc.getXmlFragment(LETTER_FIELD).toString()).toContain(words);
      const comments = await target.db
        .select()
        .from(schema.letterComments)
        .where(eq(schema.letterComments.documentId, doc.id));
      expect(comments).toEqual([{ ...comment, documentId: doc.id }]);
      // The author owns the case again, but holds no credentials from a backup.
      const owners = await target.db
        .select()
        .from(schema.documentCollaborators)
        .where(eq(schema.documentCollaborators.documentId, doc.id));
      expect(owners.map((o) => [o.userId, o.role])).toEqual([[backup.author.id, "owner"]]);
      const [author] = await target.db
        .select()
        .from(schema.users)
        .where(eq(schema.users.id, backup.author.id));
      expect(author?.passwordHash).not.toContain("pbkdf2");
    } finally {
      await target.close();
    }
  });

  it("backs up only cases that have a letter, and a night's manifest lists what it wrote", async () => {
    const { session } = await signUp("empty");
    const empty = await session.trpc.documents.create.mutate({ title: "No letter yet" });
    const time = Date.parse("2026-11-28T03:00:00Z");
    await runNightly(time);
    const manifest = (await (await env.BACKUPS.get(manifestKey(backupDate(time))))?.json()) as BackupManifest;
    expect(manifest.letters.some((l) => l.documentId === empty.id)).toBe(false);
    for (const { key } of manifest.letters.slice(0, 5)) expect(await env.BACKUPS.head(key)).not.toBeNull();
  });

  it("refuses a backup that is not one", () => {
    expect(() => parseLetterBackup({ format: "something else" })).toThrow();
  });
});
