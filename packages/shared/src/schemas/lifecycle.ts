import { z } from "zod";
import { idSchema } from "../ids.ts";
import { cleanText, isoDateSchema } from "./common.ts";

// The demand after it is drafted: sent (how, to whom, the exact file), the insurer's response
// deadline, the reminders before it, and the offers that follow.

export const SEND_METHODS = ["email", "mail", "fax", "portal", "hand"] as const;
export type SendMethod = (typeof SEND_METHODS)[number];
export const SEND_METHOD_LABELS: Record<SendMethod, string> = {
  email: "Email",
  mail: "Mail",
  fax: "Fax",
  portal: "Carrier portal",
  hand: "Hand delivery",
};

/** When the letter names no response period, the firm's: 30 days. */
export const DEFAULT_RESPONSE_DAYS = 30;
/** Reminders go out this many days before a response is due. */
export const REMINDER_DAYS = [7, 1] as const;

export const markSentInput = z.object({
  /** the day it left the firm; today by default */
  sentOn: isoDateSchema.optional(),
  method: z.enum(SEND_METHODS),
  /** the addressee; by default the case profile's adjuster and carrier */
  recipient: cleanText(500, { multiline: true }).optional(),
  /** the file kept as the one sent */
  format: z.enum(["pdf", "docx"]).default("pdf"),
  /** by default the sent day plus the letter's response period */
  responseDueOn: isoDateSchema.optional(),
});
export type MarkSentInput = z.infer<typeof markSentInput>;

export const setResponseDueInput = z.object({ sendId: idSchema, responseDueOn: isoDateSchema });

export const letterSendSchema = z.object({
  id: z.string(),
  sentOn: z.string(),
  method: z.enum(SEND_METHODS),
  recipient: z.string(),
  format: z.string(),
  filename: z.string(),
  /** of the file kept in storage, hex */
  sha256: z.string(),
  sizeBytes: z.number().int(),
  responseDueOn: z.string(),
  versionId: z.string().nullable(),
  versionLabel: z.string().nullable(),
  sentBy: z.string().nullable(),
  createdAt: z.string(),
});
export type LetterSend = z.infer<typeof letterSendSchema>;

/** The case's lifecycle: the letters sent (newest first), the response's state, what to prefill. */
export const lifecycleSchema = z.object({
  sends: z.array(letterSendSchema),
  /** the firm's default addressee from the case profile, empty when it has none */
  defaultRecipient: z.string(),
  /** from the composed letter's stated response period, or the default */
  responseDays: z.number().int(),
  /** the first insurer offer on or after the newest send, which answers it */
  respondedOn: z.string().nullable(),
});

export const OFFER_PARTIES = ["insurer", "us"] as const;
export type OfferParty = (typeof OFFER_PARTIES)[number];
export const OFFER_PARTY_LABELS: Record<OfferParty, string> = { insurer: "Insurer", us: "Us" };

const offerFields = {
  madeOn: isoDateSchema,
  /** whole cents, up to $1 billion */
  amountCents: z.number().int().min(0).max(100_000_000_000),
  party: z.enum(OFFER_PARTIES),
  note: cleanText(1000, { multiline: true }).nullish(),
};
export const addOfferInput = z.object(offerFields);
export const updateOfferInput = z.object({ offerId: idSchema, ...offerFields });
export const deleteOfferInput = z.object({ offerId: idSchema });

export const offerSchema = z.object({
  id: z.string(),
  madeOn: z.string(),
  amountCents: z.number().int(),
  party: z.enum(OFFER_PARTIES),
  note: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
export type Offer = z.infer<typeof offerSchema>;

/** A case's response and newest offer, as the case list shows them. */
export const caseLifecycleSummarySchema = z.object({
  response: z
    .object({ sentOn: z.string(), responseDueOn: z.string(), respondedOn: z.string().nullable() })
    .nullable(),
  latestOffer: z
    .object({ madeOn: z.string(), amountCents: z.number().int(), party: z.enum(OFFER_PARTIES) })
    .nullable(),
});

// Notifications: one row per person told. Each kind has its payload; a kind added later (a
// mention) adds its schema here.
export const deadlineReminderPayload = z.object({
  sendId: z.string(),
  caseTitle: z.string(),
  responseDueOn: z.string(),
  daysBefore: z.number().int(),
});
/** Someone mentioned the user in a comment on the case's letter (`threadId` opens it). */
export const mentionPayload = z.object({
  threadId: z.string(),
  messageId: z.string(),
  authorName: z.string(),
  caseTitle: z.string(),
  excerpt: z.string(),
});
export const NOTIFICATION_KINDS = ["deadline_reminder", "mention"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  documentId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type AppNotification = z.infer<typeof notificationSchema>;

export const listNotificationsInput = z.object({
  limit: z.number().int().min(1).max(100).default(30),
  unreadOnly: z.boolean().default(false),
});
export const listNotificationsOutput = z.object({
  items: z.array(notificationSchema),
  unread: z.number().int(),
});
/** Marks the given notifications read, or all of the caller's. */
export const markNotificationsReadInput = z.union([
  z.object({ ids: z.array(idSchema).min(1).max(100) }),
  z.object({ all: z.literal(true) }),
]);

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

/** `iso` plus `days` calendar days, as YYYY-MM-DD. */
export const addDays = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/** A Date's calendar day in UTC, as YYYY-MM-DD (the server's "today"). */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

export type ResponseState =
  | { state: "awaiting"; daysLeft: number }
  | { state: "overdue"; daysOverdue: number }
  | { state: "responded"; on: string };

/** Where a sent demand stands on `today`. */
export function responseState(
  response: { responseDueOn: string; respondedOn: string | null },
  today: string,
): ResponseState {
  if (response.respondedOn) return { state: "responded", on: response.respondedOn };
  const left = daysBetween(today, response.responseDueOn);
  return left >= 0 ? { state: "awaiting", daysLeft: left } : { state: "overdue", daysOverdue: -left };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Awaiting response — 9 days left", "Response due today", "Response overdue by 2 days". */
export function responseLabel(state: ResponseState): string {
  if (state.state === "responded") return "Response received";
  if (state.state === "overdue") return `Response overdue by ${plural(state.daysOverdue, "day")}`;
  if (state.daysLeft === 0) return "Response due today";
  return `Awaiting response — ${plural(state.daysLeft, "day")} left`;
}
