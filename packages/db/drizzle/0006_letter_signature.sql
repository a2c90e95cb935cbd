ALTER TABLE "firms" ADD COLUMN "page_size" text DEFAULT 'letter' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bar_number" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "contact_email" text;