import { type Db, schema } from "@steno/db";
import { DEFAULT_TEMPLATE_BODY, DEFAULT_TEMPLATE_NAME, templateVariablesIn } from "@steno/shared";

type Tx = Pick<Db, "insert">;

/** Every new firm starts with the standard demand-letter template, as version 1. */
export async function createDefaultTemplate(tx: Tx, firmId: string, userId: string | null) {
  const variables = templateVariablesIn(DEFAULT_TEMPLATE_BODY);
  const [template] = await tx
    .insert(schema.templates)
    .values({
      firmId,
      name: DEFAULT_TEMPLATE_NAME,
      body: DEFAULT_TEMPLATE_BODY,
      variables,
      createdBy: userId,
    })
    .returning();
  if (!template) throw new Error("template insert returned nothing");
  await tx.insert(schema.templateVersions).values({
    templateId: template.id,
    version: 1,
    body: DEFAULT_TEMPLATE_BODY,
    variables,
    createdBy: userId,
  });
  return template;
}
