ALTER TABLE "delivery" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "delivery" CASCADE;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "cursor_xid" "xid8" DEFAULT '0'::xid8 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "cursor_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "lease_owner" text;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "delivered_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscription" ADD COLUMN "last_delivered_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "subscription_due_idx" ON "subscription" USING btree ("next_attempt_at") WHERE deleted_at is null;