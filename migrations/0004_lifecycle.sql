ALTER TABLE "event" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "event" ADD COLUMN "department_id" uuid;--> statement-breakpoint
ALTER TABLE "import" ADD COLUMN "rows_read" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "entry_version_expiry_idx" ON "entry_version" USING btree ("valid_until") WHERE superseded_at is null and valid_until is not null;--> statement-breakpoint
CREATE INDEX "event_order_idx" ON "event" USING btree ("xid","id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_current_uq" ON "feedback" USING btree ("check_id","measure_id") WHERE superseded_at is null;--> statement-breakpoint
CREATE UNIQUE INDEX "objection_open_uq" ON "objection" USING btree ("entry_id") WHERE status in ('received', 'verifying');--> statement-breakpoint
CREATE INDEX "objection_due_idx" ON "objection" USING btree ("due_at") WHERE status in ('received', 'verifying');--> statement-breakpoint
CREATE UNIQUE INDEX "repair_open_uq" ON "repair" USING btree ("entry_id") WHERE status in ('received', 'verifying');