CREATE TABLE "entry_read" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"department_id" uuid NOT NULL,
	"key_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"subject_ids" uuid[] NOT NULL,
	"asked_by" text NOT NULL,
	"asked_uscc" char(18),
	"asked_id_hash" char(64),
	"entry_count" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_key" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_key" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_key" ADD COLUMN "successor_id" uuid;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "previous_secret_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "entry_read_department_idx" ON "entry_read" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "entry_read_subject_idx" ON "entry_read" USING gin ("subject_ids");