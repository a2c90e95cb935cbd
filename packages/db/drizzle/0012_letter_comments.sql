CREATE TABLE "letter_comments" (
	"document_id" uuid NOT NULL,
	"thread_id" text NOT NULL,
	"message_id" text NOT NULL,
	"author_id" uuid,
	"author_name" text NOT NULL,
	"body" text NOT NULL,
	"mentions" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"resolved" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "letter_comments_document_id_message_id_pk" PRIMARY KEY("document_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "letter_comments" ADD CONSTRAINT "letter_comments_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "letter_comments_body_search_idx" ON "letter_comments" USING gin (to_tsvector('english', "body"));