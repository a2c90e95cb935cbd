ALTER TABLE "documents" ADD COLUMN "response_due_on" date;--> statement-breakpoint
CREATE INDEX "documents_firm_response_due_idx" ON "documents" USING btree ("firm_id","response_due_on","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
-- The rule, in one place: the deadline of the case's newest letter sent (by when it was recorded,
-- as the case list's response summary reads it), unless an insurer offer has been made on or
-- after the day it was sent; null when nothing was sent.
CREATE FUNCTION "awaiting_response_due"(case_id uuid) RETURNS date LANGUAGE sql STABLE AS $$
  select case when not exists (
           select 1 from offers o
           where o.document_id = case_id and o.party = 'insurer' and o.made_on >= ls.sent_on
         ) then ls.response_due_on end
  from letter_sends ls
  where ls.document_id = case_id
  order by ls.created_at desc, ls.id desc
  limit 1
$$;--> statement-breakpoint
-- Kept by the database, in the statement that writes a send or an offer: every writer (the API,
-- a seed, a restore, a hand-run fix) keeps the case list's order right without knowing the rule.
-- A case's rows deleted with it find no case left to update.
CREATE FUNCTION "documents_refresh_response_due"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  case_id uuid;
BEGIN
  FOR case_id IN
    SELECT DISTINCT c FROM unnest(ARRAY[
      CASE WHEN TG_OP <> 'INSERT' THEN OLD.document_id END,
      CASE WHEN TG_OP <> 'DELETE' THEN NEW.document_id END
    ]) AS c WHERE c IS NOT NULL
  LOOP
    UPDATE documents d SET response_due_on = due.due_on
    FROM (SELECT awaiting_response_due(case_id) AS due_on) due
    WHERE d.id = case_id AND d.response_due_on IS DISTINCT FROM due.due_on;
  END LOOP;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "letter_sends_response_due" AFTER INSERT OR DELETE OR UPDATE OF "document_id", "sent_on", "response_due_on", "created_at" ON "letter_sends" FOR EACH ROW EXECUTE FUNCTION "documents_refresh_response_due"();--> statement-breakpoint
CREATE TRIGGER "offers_response_due" AFTER INSERT OR DELETE OR UPDATE OF "document_id", "made_on", "party" ON "offers" FOR EACH ROW EXECUTE FUNCTION "documents_refresh_response_due"();--> statement-breakpoint
UPDATE "documents" SET "response_due_on" = awaiting_response_due("id") WHERE "id" IN (SELECT "document_id" FROM "letter_sends");
