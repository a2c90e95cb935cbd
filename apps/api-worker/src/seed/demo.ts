import { type Db, eq, schema, sql } from "@steno/db";
import { DEMO_LOGIN } from "@steno/shared/demo";
import { hashPassword } from "../auth/password.ts";
import { createDefaultTemplate } from "../templates/default-template.ts";

/**
 * The demo firm, attorney, default template and one case, for `npm start` (through
 * `POST /dev/seed`). Idempotent: a database that already has the demo attorney is left as it is.
 */
export async function seedDemo(db: Db): Promise<{ created: boolean }> {
  const existing = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(eq(sql`lower(${schema.users.email})`, DEMO_LOGIN.email));
  if (existing.length > 0) return { created: false };

  const passwordHash = await hashPassword(DEMO_LOGIN.password);
  await db.transaction(async (tx) => {
    const [firm] = await tx
      .insert(schema.firms)
      .values({
        name: "Harper & Lane Injury Law",
        addressLine1: "200 Market Street, Suite 1400",
        city: "Springfield",
        region: "IL",
        postalCode: "62701",
        phone: "(217) 555-0142",
        email: "intake@harperlane.example",
        attorneyName: "Dana Harper",
        signatureBlock: "Dana Harper\nAttorney at Law\nHarper & Lane Injury Law",
      })
      .returning();
    if (!firm) throw new Error("firm insert returned nothing");
    const [user] = await tx
      .insert(schema.users)
      .values({
        firmId: firm.id,
        email: DEMO_LOGIN.email,
        name: "Dana Harper",
        passwordHash,
        role: "admin",
        // The demo address is not a real mailbox; the demo account starts verified.
        emailVerifiedAt: new Date().toISOString(),
      })
      .returning();
    if (!user) throw new Error("user insert returned nothing");
    const template = await createDefaultTemplate(tx, firm.id, user.id);
    const [document] = await tx
      .insert(schema.documents)
      .values({
        firmId: firm.id,
        title: "Rivera v. Acme Logistics — rear-end collision",
        clientName: "Maria Rivera",
        incidentDate: "2026-03-14",
        createdBy: user.id,
        templateId: template.id,
        templateVersion: template.version,
      })
      .returning();
    if (!document) throw new Error("document insert returned nothing");
    await tx.insert(schema.documentCollaborators).values({
      documentId: document.id,
      userId: user.id,
      email: user.email,
      role: "owner",
    });
  });
  return { created: true };
}
