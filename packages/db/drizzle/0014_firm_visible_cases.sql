DROP INDEX "documents_firm_response_due_idx";--> statement-breakpoint
CREATE INDEX "documents_firm_visible_idx" ON "documents" USING btree ("firm_id") WHERE "documents"."visibility" = 'firm';