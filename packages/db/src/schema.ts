import {
  COLLABORATOR_ROLES,
  DOCUMENT_STATUSES,
  FACT_CATEGORIES,
  FACT_STATUSES,
  FIRM_ROLES,
  MONEY_KINDS,
  OFFER_PARTIES,
  SEND_METHODS,
} from "@steno/shared";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  inet,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

// The enums' values are @steno/shared's lists, which the API's inputs and the web app use too.

// Y.Doc states are binary; bytea keeps them compact and exact.
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () =>
  timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow();
const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow();

export const userRole = pgEnum("user_role", FIRM_ROLES);
export const documentStatus = pgEnum("document_status", DOCUMENT_STATUSES);
export const collaboratorRole = pgEnum("collaborator_role", COLLABORATOR_ROLES);
export const inviteState = pgEnum("invite_state", ["pending", "accepted"]);
export const sourceStatus = pgEnum("source_status", ["uploaded", "extracting", "ready", "failed"]);
export const factCategory = pgEnum("fact_category", FACT_CATEGORIES);
// What an amount on a bill is: only charges are damages; the rest reconcile the statement.
export const moneyKind = pgEnum("money_kind", MONEY_KINDS);
export const factStatus = pgEnum("fact_status", FACT_STATUSES);
export const jobKind = pgEnum("job_kind", ["extract-text", "extract-facts", "generate-letter"]);
export const jobStatus = pgEnum("job_status", ["queued", "running", "succeeded", "failed"]);

export const firms = pgTable("firms", {
  id: id(),
  name: text("name").notNull(),
  addressLine1: text("address_line1"),
  addressLine2: text("address_line2"),
  city: text("city"),
  region: text("region"),
  postalCode: text("postal_code"),
  phone: text("phone"),
  email: text("email"),
  attorneyName: text("attorney_name"),
  signatureBlock: text("signature_block"),
  // Whether letters claim what providers billed or what was paid (firm policy; default billed).
  claimBasis: text("claim_basis").notNull().default("billed"),
  // The paper letters are printed on: "letter" (US Letter, the default) or "a4".
  pageSize: text("page_size").notNull().default("letter"),
  // Who sees a case opened from now on: "collaborators" (the default: only the people on it) or
  // "firm" (every member, as a viewer). Copied to the case when it is opened (documents.visibility).
  caseVisibility: text("case_visibility").notNull().default("collaborators"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  "users",
  {
    id: id(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    // "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>": the parameters travel with the hash.
    passwordHash: text("password_hash").notNull(),
    role: userRole("role").notNull().default("attorney"),
    // Set when the person opened the link mailed to this address. Until then the account is
    // only its own firm's: it sees no invitation and joins no one else's case.
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true, mode: "string" }),
    // What a letter's signature block prints for this person when they sign (set in Firm
    // settings); the sign-in address is not printed unless given here.
    barNumber: text("bar_number"),
    phone: text("phone"),
    contactEmail: text("contact_email"),
    /** whether an @mention in a comment is emailed too (the bell has it either way) */
    mentionEmails: boolean("mention_emails").notNull().default(true),
    // The rest of the profile letters and mail use: a title under the name ("Senior Associate")
    // and the person's email signature.
    title: text("title"),
    emailSignature: text("email_signature"),
    // Set when an admin removed the person from the firm: they cannot sign in until a firm
    // invites them again (the row stays: cases and audit entries name them).
    removedAt: timestamp("removed_at", { withTimezone: true, mode: "string" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`),
    index("users_firm_idx").on(t.firmId),
  ],
);

// A refresh-token family: one per sign-in. Every refresh rotates the token (refresh_tokens);
// presenting a rotated token (reuse) revokes the family, and with it every access token of
// the session, since each request checks its session.
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userAgent: text("user_agent"),
    ip: inet("ip"),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "string" }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "string" }),
    revokedReason: text("revoked_reason"),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

// Every refresh token ever issued, stored as a SHA-256 hash. The live one has rotated_at null.
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    rotatedAt: timestamp("rotated_at", { withTimezone: true, mode: "string" }),
    createdAt: createdAt(),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);

// Links mailed to a person (verify this address). Only the SHA-256 of the token is kept; a
// token is single-use (used_at) and expires. It names the address it was sent to, so it proves
// that address and no other.
export const emailTokens = pgTable(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").notNull(),
    email: text("email").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "string" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "string" }),
    createdAt: createdAt(),
  },
  (t) => [index("email_tokens_user_idx").on(t.userId)],
);

// An admin's invitation to join the firm with a role. The link mailed to the address carries a
// token; only its SHA-256 is kept. It works once (accepted_at) and until it expires, and proves the
// mailbox as a verification link does.
export const firmInvitations = pgTable(
  "firm_invitations",
  {
    id: id(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: userRole("role").notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "string" }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true, mode: "string" }),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("firm_invitations_token_idx").on(t.tokenHash),
    index("firm_invitations_firm_idx").on(t.firmId),
  ],
);

/** A sentence of an AI draft to check, keyed by a hash of section and sentence. */
export type DraftFlag = { key: string; section: string; sentence: string; reason: string };

export const documents = pgTable(
  "documents",
  {
    id: id(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    clientName: text("client_name"),
    incidentDate: date("incident_date", { mode: "string" }),
    status: documentStatus("status").notNull().default("draft"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    templateId: uuid("template_id"),
    templateVersion: integer("template_version"),
    // The letter outside the room: latest Y.Doc state and its ProseMirror JSON.
    letterState: bytea("letter_state"),
    letterContent: jsonb("letter_content"),
    letterUpdatedAt: timestamp("letter_updated_at", { withTimezone: true, mode: "string" }),
    // Sentences of the last AI draft a person should check (no citation, or a number or date its
    // cited facts do not state); replaced by each generation, shown by readiness before export.
    draftFlags: jsonb("draft_flags").$type<DraftFlag[]>(),
    // "collaborators" or "firm" (every member of the case's firm may open it as a viewer); the
    // firm's setting when the case was opened.
    visibility: text("visibility").notNull().default("collaborators"),
    // The deadline of the demand awaiting its response: the newest letter sent's, while no
    // insurer offer has come since it was sent (null otherwise). The case list sorts by it, so it
    // is kept on the case rather than worked out per case for every case of the firm. Triggers on
    // letter_sends and offers keep it (the rule is SQL function awaiting_response_due, migration
    // 0013): every write to either table updates it in its own statement, whoever writes.
    responseDueOn: date("response_due_on", { mode: "string" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("documents_created_by_created_at_idx").on(t.createdBy, t.createdAt.desc()),
    index("documents_title_search_idx").using("gin", sql`to_tsvector('english', ${t.title})`),
    index("documents_firm_created_at_idx").on(t.firmId, t.createdAt.desc()),
    // A firm's cases open to all its members: with the caller's own cases (their collaborations),
    // the set the case list and search find the cases open to the caller in (casesOpenTo).
    index("documents_firm_visible_idx").on(t.firmId).where(sql`${t.visibility} = 'firm'`),
  ],
);

export const documentCollaborators = pgTable(
  "document_collaborators",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    // Null while the invite is pending: an invitation is to an address, and only the verified
    // owner of that address, accepting it, becomes the collaborator.
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: collaboratorRole("role").notNull(),
    inviteState: inviteState("invite_state").notNull().default("accepted"),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("document_collaborators_doc_email_idx").on(t.documentId, sql`lower(${t.email})`),
    index("document_collaborators_user_idx").on(t.userId),
  ],
);

export const sources = pgTable(
  "sources",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    r2Key: text("r2_key").notNull(),
    sha256: text("sha256").notNull(),
    filename: text("filename").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    pageCount: integer("page_count"),
    pagesDone: integer("pages_done").notNull().default(0),
    status: sourceStatus("status").notNull().default("uploaded"),
    error: text("error"),
    // A scan's copy with the OCR words as an invisible text layer (what the viewer shows, so a
    // cited quote is highlighted on a scanned page as on any other); null when no page was OCR'd.
    searchableR2Key: text("searchable_r2_key"),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("sources_document_sha256_idx").on(t.documentId, t.sha256),
    index("sources_document_idx").on(t.documentId),
  ],
);

export const sourcePages = pgTable(
  "source_pages",
  {
    sourceId: uuid("source_id")
      .notNull()
      .references(() => sources.id, { onDelete: "cascade" }),
    pageNumber: integer("page_number").notNull(),
    text: text("text").notNull(),
    // How the page was read: "text" (its text layer), "ocr", or "blank" (OCR found nothing).
    readBy: text("read_by").notNull().default("text"),
    // OCR's mean word confidence, 0–100; null for a text-layer page.
    ocrConfidence: real("ocr_confidence"),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.pageNumber] })],
);

export const facts = pgTable(
  "facts",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id").references(() => sources.id, { onDelete: "cascade" }),
    pageNumber: integer("page_number"),
    category: factCategory("category").notNull(),
    text: text("text").notNull(),
    quote: text("quote"),
    originalText: text("original_text"),
    verified: boolean("verified").notNull().default(false),
    status: factStatus("status").notNull().default("pending"),
    // Marked by the attorney: the fact stays reviewed (and in the ledger) but the letter's prose
    // leaves it out, because it hurts the client's claim or describes another person.
    harmful: boolean("harmful").notNull().default(false),
    amountCents: bigint("amount_cents", { mode: "number" }),
    eventDate: date("event_date", { mode: "string" }),
    provider: text("provider"),
    code: text("code"),
    moneyKind: moneyKind("money_kind"),
    // The last date of service of a line billed over a range.
    dateTo: date("date_to", { mode: "string" }),
    // Groups a bill's lines with its stated totals, so each statement reconciles on its own.
    statementKey: text("statement_key"),
    // A case-profile field this fact proposes a value for (see PROFILE_FIELDS), and the value.
    profileField: text("profile_field"),
    fieldValue: text("field_value"),
    // Every passage the fact rests on (page and quote), the first being page_number/quote: a
    // model may cite a charge row and the header that dates it. Null for facts added by hand.
    citations: jsonb("citations").$type<{ pageNumber: number; quote: string }[]>(),
    // Deterministic key of an extracted fact, so a redelivered job cannot insert it twice.
    dedupeKey: text("dedupe_key"),
    reviewedBy: uuid("reviewed_by").references(() => users.id, { onDelete: "set null" }),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true, mode: "string" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("facts_document_status_idx").on(t.documentId, t.status),
    index("facts_source_idx").on(t.sourceId),
    uniqueIndex("facts_document_dedupe_idx").on(t.documentId, t.dedupeKey),
    index("facts_text_search_idx").using("gin", sql`to_tsvector('english', ${t.text})`),
  ],
);

export const templates = pgTable(
  "templates",
  {
    id: id(),
    firmId: uuid("firm_id")
      .notNull()
      .references(() => firms.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    body: text("body").notNull(),
    variables: jsonb("variables").$type<string[]>().notNull().default([]),
    version: integer("version").notNull().default(1),
    archivedAt: timestamp("archived_at", { withTimezone: true, mode: "string" }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("templates_firm_idx").on(t.firmId)],
);

// Every saved version of a template body, so a letter can name the exact version it came from.
export const templateVersions = pgTable(
  "template_versions",
  {
    templateId: uuid("template_id")
      .notNull()
      .references(() => templates.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    body: text("body").notNull(),
    variables: jsonb("variables").$type<string[]>().notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.templateId, t.version] })],
);

export const letterVersions = pgTable(
  "letter_versions",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
    state: bytea("state").notNull(),
    content: jsonb("content"),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    // Set when the version is what left the firm (a sent letter): it is never renamed or deleted.
    lockedAt: timestamp("locked_at", { withTimezone: true, mode: "string" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("letter_versions_document_idx").on(t.documentId, t.createdAt.desc()),
    // A label names one version of a letter: the list, the audit log and a redline cite it.
    uniqueIndex("letter_versions_label_idx").on(t.documentId, t.label),
  ],
);

export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id").references(() => sources.id, { onDelete: "cascade" }),
    kind: jobKind("kind").notNull(),
    status: jobStatus("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    phase: text("phase"),
    // What the job was asked to do beyond its kind (generation: template, demand amount).
    params: jsonb("params").$type<Record<string, unknown>>(),
    progressDone: integer("progress_done").notNull().default(0),
    progressTotal: integer("progress_total"),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("jobs_document_idx").on(t.documentId), index("jobs_source_idx").on(t.sourceId)],
);

export const aiUsage = pgTable(
  "ai_usage",
  {
    id: id(),
    documentId: uuid("document_id").references(() => documents.id, { onDelete: "cascade" }),
    jobId: uuid("job_id").references(() => jobs.id, { onDelete: "set null" }),
    operation: text("operation").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cacheReadTokens: integer("cache_read_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    // Dollars, exact: numeric avoids float drift when costs are summed per case.
    costUsd: numeric("cost_usd", { precision: 12, scale: 6 }).notNull().default("0"),
    durationMs: integer("duration_ms").notNull(),
    // Anthropic's request-id (or the batch id), for their support and our logs.
    requestId: text("request_id"),
    // How the call ended: its stop_reason, or timeout / stream_error for an attempt cut off.
    outcome: text("outcome"),
    createdAt: createdAt(),
  },
  (t) => [index("ai_usage_document_idx").on(t.documentId)],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    documentId: uuid("document_id"),
    ip: inet("ip"),
    metadata: jsonb("metadata"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
    index("audit_log_created_at_idx").on(t.createdAt.desc()),
    // The sign-in throttle counts an account's recent failures, per client and in all.
    index("audit_log_login_failed_idx")
      .on(t.entityId, t.createdAt)
      .where(sql`${t.action} = 'auth.login_failed'`),
  ],
);

// What a person confirmed about the case's parties and numbers; proposals are computed from facts.
export const caseProfiles = pgTable("case_profiles", {
  documentId: uuid("document_id")
    .primaryKey()
    .references(() => documents.id, { onDelete: "cascade" }),
  fields: jsonb("fields")
    .$type<
      Record<string, { value: string; factId: string | null; confirmedBy: string; confirmedAt: string }>
    >()
    .notNull()
    .default({}),
  updatedAt: updatedAt(),
});

// Readiness items a person dismissed with a reason (the reason is also in audit_log).
export const readinessDismissals = pgTable(
  "readiness_dismissals",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    itemKey: text("item_key").notNull(),
    // What the item said when dismissed: when it says something else (a bill's gap grew), the
    // dismissal no longer covers it.
    itemMessage: text("item_message"),
    reason: text("reason").notNull(),
    dismissedBy: uuid("dismissed_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("readiness_dismissals_item_idx").on(t.documentId, t.itemKey)],
);

export const sendMethod = pgEnum("send_method", SEND_METHODS);
export const offerParty = pgEnum("offer_party", OFFER_PARTIES);

// A letter that left the firm: when, how, to whom, and the exact file (kept in R2 under the case's
// prefix, its SHA-256 here) with the locked version it was printed from. The newest one per case
// carries the response deadline the case list and the reminders follow.
export const letterSends = pgTable(
  "letter_sends",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    versionId: uuid("version_id").references(() => letterVersions.id, { onDelete: "set null" }),
    sentOn: date("sent_on", { mode: "string" }).notNull(),
    method: sendMethod("method").notNull(),
    recipient: text("recipient").notNull(),
    format: text("format").notNull(),
    filename: text("filename").notNull(),
    r2Key: text("r2_key").notNull(),
    sha256: text("sha256").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    responseDueOn: date("response_due_on", { mode: "string" }).notNull(),
    sentBy: uuid("sent_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("letter_sends_document_idx").on(t.documentId, t.createdAt.desc()),
    index("letter_sends_due_idx").on(t.responseDueOn),
  ],
);

// Offers and counter-offers on a case, in cents.
export const offers = pgTable(
  "offers",
  {
    id: id(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    madeOn: date("made_on", { mode: "string" }).notNull(),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    party: offerParty("party").notNull(),
    note: text("note"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("offers_document_idx").on(t.documentId, t.madeOn.desc())],
);

// What a person is told in the app (the bell): a deadline reminder, later mentions. `kind` is text
// checked by the schema in packages/shared, so a new kind needs no migration; `dedupeKey` makes a
// sweep that runs twice create nothing twice.
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    documentId: uuid("document_id").references(() => documents.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    readAt: timestamp("read_at", { withTimezone: true, mode: "string" }),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.createdAt.desc()),
    uniqueIndex("notifications_dedupe_idx").on(t.userId, t.dedupeKey),
    // The case list's "@" marker counts a row's unread mentions for each case of the page: one
    // lookup here, instead of a walk over all of the caller's notifications per row.
    index("notifications_unread_mentions_idx")
      .on(t.userId, t.documentId)
      .where(sql`${t.kind} = 'mention' and ${t.readAt} is null`),
  ],
);

// A letter's comment messages as its room last pushed them (the threads themselves live in the
// letter's Y.Doc, @steno/shared/review): the copy search, backups and mention notifications read
// without a room. One row per message; each push deletes the rows of messages that are gone.
export const letterComments = pgTable(
  "letter_comments",
  {
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    threadId: text("thread_id").notNull(),
    // Ids made by the clients (crypto.randomUUID()), unique within the letter.
    messageId: text("message_id").notNull(),
    // The room checks that a message's author is its sender. No foreign key: a person's words
    // stay when they are gone.
    authorId: uuid("author_id"),
    authorName: text("author_name").notNull(),
    // As a person reads it: each mention as "@Name" (their ids are in `mentions`).
    body: text("body").notNull(),
    mentions: uuid("mentions").array().notNull().default(sql`'{}'::uuid[]`),
    // The thread's state (a thread is resolved as a whole).
    resolved: boolean("resolved").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.documentId, t.messageId] }),
    index("letter_comments_body_search_idx").using("gin", sql`to_tsvector('english', ${t.body})`),
  ],
);
