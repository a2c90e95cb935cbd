ALTER TABLE "ai_usage" ADD COLUMN "request_id" text;--> statement-breakpoint
ALTER TABLE "ai_usage" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "facts" ADD COLUMN "citations" jsonb;