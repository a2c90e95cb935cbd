import { and, asc, eq, isNull, schema, sql } from "@steno/db";
import { AppError, templateVariablesIn } from "@steno/shared";
import type { SessionUser } from "../auth/session.ts";
import type { RequestStats } from "../env.ts";
import { audit } from "../lib/audit.ts";
import type { UserScope } from "../lib/scope.ts";

export type TemplateView = {
  id: string;
  firmId: string;
  name: string;
  body: string;
  variables: string[];
  version: number;
  archivedAt: string | null;
  updatedAt: string;
};

// Template reads are cached with the Cache API, keyed by template id (current version) or by
// id and version (immutable). Writes delete the current-version entry. The Cache API is per
// data centre, so the TTL bounds how long another location may serve an old body.
const CACHE_TTL_SECONDS = 300;
// Written so the web app, which type-checks this file against the DOM's CacheStorage, agrees.
const edgeCache = () => (caches as CacheStorage & { default: Cache }).default;
const cacheKey = (id: string, version?: number) =>
  new Request(`https://template-cache.steno.internal/${id}${version ? `/v${version}` : ""}`);

function canEditTemplates(user: SessionUser) {
  if (user.role === "paralegal")
    throw new AppError("FORBIDDEN", "Only attorneys and admins can change templates");
}

async function readThrough(
  stats: RequestStats,
  key: Request,
  load: () => Promise<TemplateView | null>,
): Promise<TemplateView | null> {
  const cache = edgeCache();
  const hit = await cache.match(key);
  if (hit) {
    stats.cache.push("template hit");
    return (await hit.json()) as TemplateView;
  }
  stats.cache.push("template miss");
  const value = await load();
  if (value) {
    await cache.put(
      key,
      new Response(JSON.stringify(value), {
        headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${CACHE_TTL_SECONDS}` },
      }),
    );
  }
  return value;
}

const templateFields = {
  id: schema.templates.id,
  firmId: schema.templates.firmId,
  name: schema.templates.name,
  body: schema.templates.body,
  variables: schema.templates.variables,
  version: schema.templates.version,
  archivedAt: schema.templates.archivedAt,
  updatedAt: schema.templates.updatedAt,
};

export async function listTemplates({ db, user }: UserScope) {
  const items = await db
    .select({
      id: schema.templates.id,
      name: schema.templates.name,
      version: schema.templates.version,
      variables: schema.templates.variables,
      updatedAt: schema.templates.updatedAt,
    })
    .from(schema.templates)
    .where(and(eq(schema.templates.firmId, user.firmId), isNull(schema.templates.archivedAt)))
    .orderBy(asc(schema.templates.name));
  return { items };
}

export async function getTemplate(
  { db, user }: UserScope,
  input: { templateId: string; version?: number },
  stats: RequestStats,
): Promise<TemplateView> {
  const current = await readThrough(stats, cacheKey(input.templateId), async () => {
    const [row] = await db
      .select(templateFields)
      .from(schema.templates)
      .where(eq(schema.templates.id, input.templateId));
    return row ?? null;
  });
  // Another firm's template is "not found", like a template that does not exist.
  if (!current || current.firmId !== user.firmId) throw new AppError("NOT_FOUND", "Template not found");
  if (!input.version || input.version === current.version) return current;
  const old = await readThrough(stats, cacheKey(input.templateId, input.version), async () => {
    const [row] = await db
      .select()
      .from(schema.templateVersions)
      .where(
        and(
          eq(schema.templateVersions.templateId, input.templateId),
          eq(schema.templateVersions.version, input.version as number),
        ),
      );
    return row ? { ...current, body: row.body, variables: row.variables, version: row.version } : null;
  });
  if (!old) throw new AppError("NOT_FOUND", "Template version not found");
  return old;
}

export async function createTemplate(scope: UserScope, input: { name: string; body: string }) {
  const { user } = scope;
  canEditTemplates(user);
  const variables = templateVariablesIn(input.body);
  return scope.db.transaction(async (tx) => {
    const [template] = await tx
      .insert(schema.templates)
      .values({ firmId: user.firmId, name: input.name, body: input.body, variables, createdBy: user.id })
      .returning(templateFields);
    if (!template) throw new Error("template insert returned nothing");
    await tx
      .insert(schema.templateVersions)
      .values({ templateId: template.id, version: 1, body: input.body, variables, createdBy: user.id });
    await audit(tx, scope, { action: "template.create", entityType: "template", entityId: template.id });
    return template;
  });
}

/** An update is a new version; letters keep the version they were generated from. */
export async function updateTemplate(
  scope: UserScope,
  input: { templateId: string; name?: string; body?: string },
) {
  const { user } = scope;
  canEditTemplates(user);
  const updated = await scope.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(schema.templates)
      .where(and(eq(schema.templates.id, input.templateId), eq(schema.templates.firmId, user.firmId)))
      .for("update");
    if (!current) throw new AppError("NOT_FOUND", "Template not found");
    if (current.archivedAt) throw new AppError("CONFLICT", "This template is archived");
    const body = input.body ?? current.body;
    const bodyChanged = input.body !== undefined && input.body !== current.body;
    const version = bodyChanged ? current.version + 1 : current.version;
    const variables = templateVariablesIn(body);
    const [row] = await tx
      .update(schema.templates)
      .set({ name: input.name ?? current.name, body, variables, version, updatedAt: sql`now()` })
      .where(eq(schema.templates.id, current.id))
      .returning(templateFields);
    if (bodyChanged) {
      await tx
        .insert(schema.templateVersions)
        .values({ templateId: current.id, version, body, variables, createdBy: user.id });
    }
    await audit(tx, scope, {
      action: "template.update",
      entityType: "template",
      entityId: current.id,
      metadata: { version },
    });
    return row;
  });
  await edgeCache().delete(cacheKey(input.templateId));
  return updated;
}

export async function archiveTemplate(scope: UserScope, input: { templateId: string }) {
  const { db, user } = scope;
  canEditTemplates(user);
  const [row] = await db
    .update(schema.templates)
    .set({ archivedAt: sql`now()`, updatedAt: sql`now()` })
    .where(
      and(
        eq(schema.templates.id, input.templateId),
        eq(schema.templates.firmId, user.firmId),
        isNull(schema.templates.archivedAt),
      ),
    )
    .returning({ id: schema.templates.id });
  if (!row) throw new AppError("NOT_FOUND", "Template not found");
  await edgeCache().delete(cacheKey(input.templateId));
  await audit(db, scope, { action: "template.archive", entityType: "template", entityId: row.id });
  return { ok: true as const };
}
