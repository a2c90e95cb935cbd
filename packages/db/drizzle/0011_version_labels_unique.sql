-- Labels written before they had to be unique ("Before generation" twice) get " (2)", " (3)"… in the order they were saved.
UPDATE "letter_versions" AS v SET "label" = v."label" || ' (' || d.n || ')' FROM (SELECT "id", row_number() OVER (PARTITION BY "document_id", "label" ORDER BY "created_at", "id") AS n FROM "letter_versions") AS d WHERE v."id" = d."id" AND d.n > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "letter_versions_label_idx" ON "letter_versions" USING btree ("document_id","label");
