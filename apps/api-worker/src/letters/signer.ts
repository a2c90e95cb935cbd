import { and, type Db, eq, ne, schema, sql } from "@steno/db";

type Firm = typeof schema.firms.$inferSelect;
export type Signer = {
  name: string;
  /** from the person's profile ("Senior Associate"), printed under the name */
  title?: string | null;
  barNumber: string | null;
  phone: string | null;
  contactEmail: string | null;
};

/**
 * Who signs a case's letters: the attorney (or admin) who opened the case; for a case a paralegal
 * opened, the firm's signing attorney, with that person's own settings when they have an account
 * in the firm under that name.
 */
export async function signerOf(db: Db, firm: Firm, createdBy: string): Promise<Signer | null> {
  const columns = {
    name: schema.users.name,
    role: schema.users.role,
    title: schema.users.title,
    barNumber: schema.users.barNumber,
    phone: schema.users.phone,
    contactEmail: schema.users.contactEmail,
  };
  const [opener] = await db.select(columns).from(schema.users).where(eq(schema.users.id, createdBy));
  if (opener && opener.role !== "paralegal") return opener;
  if (!firm.attorneyName) return null;
  const [named] = await db
    .select(columns)
    .from(schema.users)
    .where(
      and(
        eq(schema.users.firmId, firm.id),
        ne(schema.users.role, "paralegal"),
        sql`lower(${schema.users.name}) = lower(${firm.attorneyName})`,
      ),
    )
    .limit(1);
  return named ?? { name: firm.attorneyName, barNumber: null, phone: null, contactEmail: null };
}
