// A firm's worth of cases written straight to the database, for measuring how the API holds up
// as a firm grows (`npm run bench:scale`). Not the demo seed: no PDF is read, nothing is
// extracted; the rows look like what the pipeline and an attorney's review leave behind —
// distinct cases, sources, facts of every category with citations, some letters sent and offers
// made — in bulk inserts, so 1,000 cases take seconds rather than hours of processing.
import { randomUUID } from "node:crypto";
import { type Db, eq, schema, sql } from "@steno/db";
import { DOCUMENT_STATUSES, type FactCategoryName, type FactStatus } from "@steno/shared";

export type ScaleFirm = { firmId: string; userId: string; email: string };
export type ScaleShape = { cases: number; factsPerCase: number; sourcesPerCase: number };

/** The word some case titles and their facts carry, for the search step of the loop. */
export const SEARCH_WORD = "motorcycle";
/** A client's surname only one case of a firm has, whatever its size (an attorney looking a client up). */
export const RARE_CLIENT = "Quintanilla";

// Every twelfth case is a motorcycle case, so a firm of 10 has one match and a firm of 1,000 has 84.
const INCIDENTS = [
  "motorcycle collision",
  "rear-end collision",
  "slip and fall",
  "dog bite",
  "pedestrian struck in crosswalk",
  "T-bone collision at intersection",
  "trucking accident",
  "premises liability — stair collapse",
  "rideshare passenger injury",
  "bicycle dooring",
  "construction site fall",
  "parking garage assault",
];
const FIRST = [
  "Maria",
  "James",
  "Aisha",
  "Tomás",
  "Wei",
  "Priya",
  "Daniel",
  "Olga",
  "Kwame",
  "Sofia",
  "Liam",
  "Hana",
  "Mateo",
  "Grace",
  "Ibrahim",
  "Chloe",
  "Andrei",
  "Fatima",
  "Noah",
  "Yuki",
];
const LAST = [
  "Rivera",
  "Okafor",
  "Nguyen",
  "Schmidt",
  "Haddad",
  "Kowalski",
  "Patel",
  "Johnson",
  "Moreau",
  "Tanaka",
  "O'Brien",
  "Fischer",
  "Lindqvist",
  "Mensah",
  "Castillo",
  "Novak",
  "Ahmed",
  "Byrne",
  "Delgado",
  "Petrov",
  "Walsh",
  "Romano",
  "Adeyemi",
  "Larsen",
];
const DEFENDANTS = [
  "Acme Logistics",
  "Metro Transit Authority",
  "Northside Grocers",
  "Harbor Freight Lines",
  "Cityview Apartments LLC",
  "Swift Rideshare Inc.",
  "Brookfield Construction",
  "Lakeshore Mall Partners",
  "Pinecrest HOA",
  "Redline Trucking",
  "Summit Property Group",
  "Delta Delivery Co.",
];
const PROVIDERS = [
  "Springfield General Hospital",
  "Lakeside Physical Therapy",
  "Riverside Orthopedics",
  "Northgate Imaging Center",
  "Valley Chiropractic",
  "St. Anne's Emergency Physicians",
];
const SOURCE_KINDS = [
  "Police report",
  "ER record",
  "Therapy notes",
  "Billing statement",
  "Wage loss letter",
  "Insurance declarations",
];

/** Deterministic randomness, so two runs seed the same firm. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T,
  };
}

const day = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// How a case's 60 facts split over the categories (scaled for other counts).
const CATEGORY_SHARE: Record<FactCategoryName, number> = {
  incident: 5,
  liability: 5,
  injury: 8,
  treatment: 12,
  billing: 18,
  wage_loss: 3,
  insurance: 4,
  future_care: 2,
  other: 3,
};

function factText(
  category: FactCategoryName,
  r: ReturnType<typeof random>,
  c: { incident: string; client: string; defendant: string; provider: string; date: string },
) {
  switch (category) {
    case "incident":
      return r.pick([
        `On ${c.date} ${c.client} was injured in a ${c.incident} involving ${c.defendant}.`,
        `Police responded to the scene of the ${c.incident} at ${r.int(1, 12)}:${String(r.int(0, 59)).padStart(2, "0")} pm.`,
        `Weather was clear and the road surface dry at the time of the ${c.incident}.`,
      ]);
    case "liability":
      return r.pick([
        `The officer cited the driver for ${c.defendant} for failure to yield.`,
        `A witness states the other party was looking at a phone before the ${c.incident}.`,
        `${c.defendant} admitted the hazard had been reported ${r.int(2, 9)} days earlier.`,
      ]);
    case "injury":
      return r.pick([
        "Cervical strain with muscle spasm diagnosed at the emergency department.",
        `MRI shows a ${r.int(2, 6)} mm disc protrusion at L4-L5.`,
        "Fractured left radius, closed reduction performed.",
        "Post-concussive headaches reported at follow-up.",
      ]);
    case "treatment":
      return r.pick([
        `Physical therapy session ${r.int(1, 24)} at ${c.provider}: range of motion improving.`,
        `Orthopedic follow-up at ${c.provider}; epidural steroid injection recommended.`,
        `Prescribed cyclobenzaprine 10 mg and ibuprofen 800 mg by ${c.provider}.`,
      ]);
    case "billing":
      return `${c.provider}: ${r.pick(["office visit", "MRI lumbar spine", "emergency department visit", "therapeutic exercise", "x-ray, two views", "injection"])}`;
    case "wage_loss":
      return `Missed ${r.int(3, 40)} work days at $${r.int(140, 420)} per day, per employer letter.`;
    case "insurance":
      return `${c.defendant} carries bodily injury limits of $${r.pick(["100,000", "250,000", "500,000", "1,000,000"])} per person.`;
    case "future_care":
      return `Future care estimate: ${r.int(6, 30)} additional physical therapy sessions.`;
    default:
      return `Client reports difficulty sleeping and ${r.pick(["lifting her child", "driving", "climbing stairs", "working at a desk"])} since the ${c.incident}.`;
  }
}

/** The firm's account: signs in through the API like anyone (the API hashes the password). */
export async function firmOf(db: Db, email: string): Promise<ScaleFirm> {
  const [user] = await db
    .select({ userId: schema.users.id, firmId: schema.users.firmId })
    .from(schema.users)
    .where(eq(sql`lower(${schema.users.email})`, email.toLowerCase()));
  if (!user) throw new Error(`no account ${email}`);
  return { ...user, email };
}

/** Inserts `rows` into `table` in statements of `size` rows (Postgres takes 65,535 parameters). */
async function insertAll<T>(db: Db, table: Parameters<Db["insert"]>[0], rows: T[], size: number) {
  for (let i = 0; i < rows.length; i += size) {
    await db.insert(table).values(rows.slice(i, i + size) as never);
  }
}

/**
 * Fills the firm with `shape.cases` cases owned by its attorney: sources, facts, for about one
 * case in six a letter sent (and for half of those an insurer's offer), and in one case in ten
 * three @mentions of the attorney, one unread. Returns the case ids, newest
 * first as the case list orders them, and row counts.
 */
export async function seedFirm(db: Db, firm: ScaleFirm, shape: ScaleShape, seed = 1) {
  const r = random(seed);
  const now = Date.now();
  const documents: (typeof schema.documents.$inferInsert)[] = [];
  const collaborators: (typeof schema.documentCollaborators.$inferInsert)[] = [];
  const sources: (typeof schema.sources.$inferInsert)[] = [];
  const facts: (typeof schema.facts.$inferInsert)[] = [];
  const sends: (typeof schema.letterSends.$inferInsert)[] = [];
  const offers: (typeof schema.offers.$inferInsert)[] = [];
  const notifications: (typeof schema.notifications.$inferInsert)[] = [];
  const shares = Object.entries(CATEGORY_SHARE) as [FactCategoryName, number][];
  const shareTotal = shares.reduce((n, [, s]) => n + s, 0);

  for (let i = 0; i < shape.cases; i++) {
    const documentId = randomUUID();
    const client = `${r.pick(FIRST)} ${i === 4 ? RARE_CLIENT : r.pick(LAST)}`;
    const defendant = r.pick(DEFENDANTS);
    const incident = INCIDENTS[i % INCIDENTS.length] as string;
    // Opened over the last three years, one every day or so; the newest is case 0.
    const createdMs = now - i * (day + r.int(0, 3_600_000)) - r.int(0, 3_600_000);
    const incidentMs = createdMs - r.int(20, 400) * day;
    documents.push({
      id: documentId,
      firmId: firm.firmId,
      title: `${client.split(" ")[1]} v. ${defendant} — ${incident}`,
      clientName: client,
      incidentDate: isoDate(incidentMs),
      status: r.pick(DOCUMENT_STATUSES),
      createdBy: firm.userId,
      createdAt: new Date(createdMs).toISOString(),
      updatedAt: new Date(createdMs + r.int(0, 30) * day).toISOString(),
    });
    collaborators.push({ documentId, userId: firm.userId, email: firm.email, role: "owner" });

    const caseSources = Array.from({ length: shape.sourcesPerCase }, (_, s) => {
      const id = randomUUID();
      const kind = SOURCE_KINDS[s % SOURCE_KINDS.length] as string;
      const provider = PROVIDERS[(i + s) % PROVIDERS.length] as string;
      const pageCount = r.int(2, 40);
      sources.push({
        id,
        documentId,
        r2Key: `documents/${documentId}/sources/${id}.pdf`,
        sha256: randomUUID().replaceAll("-", "").repeat(2),
        filename: `${kind} — ${provider}${s >= SOURCE_KINDS.length ? ` (${s})` : ""}.pdf`,
        sizeBytes: pageCount * r.int(40_000, 180_000),
        pageCount,
        pagesDone: pageCount,
        status: "ready",
        uploadedBy: firm.userId,
        createdAt: new Date(createdMs + s * 60_000).toISOString(),
      });
      return { id, pageCount, provider };
    });

    let k = 0;
    for (const [category, share] of shares) {
      const count =
        category === "other"
          ? shape.factsPerCase - k // the rest, so the case has exactly factsPerCase
          : Math.round((share / shareTotal) * shape.factsPerCase);
      for (let n = 0; n < count && k < shape.factsPerCase; n++, k++) {
        const source = r.pick(caseSources);
        const pageNumber = r.int(1, source.pageCount);
        const eventMs = incidentMs + r.int(0, 180) * day;
        const text = factText(category, r, {
          incident,
          client,
          defendant,
          provider: source.provider,
          date: isoDate(incidentMs),
        });
        const quote = text.length > 80 ? text.slice(0, 80) : text;
        const roll = r.next();
        const status: FactStatus =
          roll < 0.5 ? "approved" : roll < 0.8 ? "pending" : roll < 0.9 ? "edited" : "rejected";
        const money = category === "billing" || category === "wage_loss" || category === "future_care";
        facts.push({
          documentId,
          sourceId: source.id,
          pageNumber,
          category,
          text,
          quote,
          citations: [
            { pageNumber, quote },
            ...(r.next() < 0.3 ? [{ pageNumber: Math.max(1, pageNumber - 1), quote: "Statement date" }] : []),
          ],
          verified: r.next() < 0.95,
          status,
          amountCents: money ? r.int(8_000, 2_500_000) : null,
          eventDate: category === "insurance" ? null : isoDate(eventMs),
          provider: category === "billing" ? source.provider : null,
          code: category === "billing" ? String(r.int(97_000, 99_499)) : null,
          moneyKind: category === "billing" ? (n % 6 === 5 ? "total" : "charge") : null,
          statementKey: category === "billing" ? `${source.id}:1` : null,
          dedupeKey: `scale-${k}`,
          reviewedBy: status === "pending" ? null : firm.userId,
          reviewedAt: status === "pending" ? null : new Date(createdMs + 2 * day).toISOString(),
          createdAt: new Date(createdMs + 3_600_000 + k * 1_000).toISOString(),
        });
      }
    }

    // A colleague @mentioned the attorney in one case in ten (the case list counts the unread).
    if (i % 10 === 7) {
      for (let m = 0; m < 3; m++) {
        const messageId = randomUUID();
        notifications.push({
          userId: firm.userId,
          documentId,
          kind: "mention",
          payload: {
            threadId: randomUUID(),
            messageId,
            authorName: "A colleague",
            caseTitle: client,
            excerpt: "Can you check the bills?",
          },
          dedupeKey: `mention:${documentId}:${messageId}`,
          readAt: m === 0 ? null : new Date(createdMs + day).toISOString(),
          createdAt: new Date(createdMs + m * 3_600_000).toISOString(),
        });
      }
    }

    if (i % 6 === 3) {
      const sentMs = createdMs + r.int(10, 60) * day;
      sends.push({
        documentId,
        sentOn: isoDate(sentMs),
        method: r.pick(["email", "mail", "portal"] as const),
        recipient: `${defendant} claims department`,
        format: "pdf",
        filename: `Demand — ${client}.pdf`,
        r2Key: `documents/${documentId}/sent/${randomUUID()}.pdf`,
        sha256: randomUUID().replaceAll("-", "").repeat(2),
        sizeBytes: r.int(80_000, 400_000),
        responseDueOn: isoDate(sentMs + 30 * day),
        sentBy: firm.userId,
        createdAt: new Date(sentMs).toISOString(),
      });
      if (i % 12 === 3) {
        offers.push({
          documentId,
          madeOn: isoDate(sentMs + r.int(5, 25) * day),
          amountCents: r.int(1_000_000, 25_000_000),
          party: "insurer",
          createdBy: firm.userId,
        });
      }
    }
  }

  await insertAll(db, schema.documents, documents, 500);
  await insertAll(db, schema.documentCollaborators, collaborators, 1_000);
  await insertAll(db, schema.sources, sources, 1_000);
  await insertAll(db, schema.facts, facts, 1_000);
  await insertAll(db, schema.letterSends, sends, 500);
  await insertAll(db, schema.offers, offers, 500);
  await insertAll(db, schema.notifications, notifications, 500);
  return {
    documentIds: documents.map((d) => d.id as string),
    counts: {
      cases: documents.length,
      sources: sources.length,
      facts: facts.length,
      sends: sends.length,
      offers: offers.length,
      mentions: notifications.length,
    },
  };
}
