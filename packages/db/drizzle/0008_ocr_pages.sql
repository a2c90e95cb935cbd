ALTER TABLE "source_pages" ADD COLUMN "read_by" text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE "source_pages" ADD COLUMN "ocr_confidence" real;--> statement-breakpoint
ALTER TABLE "sources" ADD COLUMN "searchable_r2_key" text;