CREATE TYPE "public"."money_kind" AS ENUM('charge', 'total', 'payment', 'adjustment', 'balance');--> statement-breakpoint
ALTER TYPE "public"."fact_category" ADD VALUE 'future_care' BEFORE 'other';--> statement-breakpoint
CREATE TABLE "case_profiles" (
	"document_id" uuid PRIMARY KEY NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "readiness_dismissals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"document_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"reason" text NOT NULL,
	"dismissed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "money_kind" "money_kind";--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "date_to" date;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "statement_key" text;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "profile_field" text;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "field_value" text;--> statement-breakpoint
ALTER TABLE "firms" ADD COLUMN "claim_basis" text DEFAULT 'billed' NOT NULL;--> statement-breakpoint
ALTER TABLE "case_profiles" ADD CONSTRAINT "case_profiles_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readiness_dismissals" ADD CONSTRAINT "readiness_dismissals_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "readiness_dismissals" ADD CONSTRAINT "readiness_dismissals_dismissed_by_users_id_fk" FOREIGN KEY ("dismissed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "readiness_dismissals_item_idx" ON "readiness_dismissals" USING btree ("document_id","item_key");