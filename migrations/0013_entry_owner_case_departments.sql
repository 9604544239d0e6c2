DROP INDEX "entry_source_uq";--> statement-breakpoint
ALTER TABLE "entry" ADD COLUMN "department_id" uuid;--> statement-breakpoint
-- Existing records keep their owner: the deciding department of their current version.
UPDATE "entry" e SET "department_id" = v."deciding_department_id" FROM "entry_version" v WHERE v."entry_id" = e."id" AND v."version" = e."current_version";--> statement-breakpoint
ALTER TABLE "entry" ALTER COLUMN "department_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "objection" ADD COLUMN "filed_by_department_id" uuid;--> statement-breakpoint
ALTER TABLE "objection" ADD COLUMN "deciding_department_id" uuid;--> statement-breakpoint
ALTER TABLE "objection" ADD COLUMN "check_id" uuid;--> statement-breakpoint
ALTER TABLE "objection" ADD COLUMN "decided_by_department_id" uuid;--> statement-breakpoint
-- Who filed and decided, from the bookkeeping the evidence jsonb carried (or the acting key's department).
UPDATE "objection" c SET
  "filed_by_department_id" = coalesce((c."evidence"->>'filedByDepartmentId')::uuid, (SELECT k."department_id" FROM "api_key" k WHERE k."id" = c."filed_by")),
  "deciding_department_id" = coalesce((c."evidence"->>'decidingDepartmentId')::uuid,
    (SELECT v."deciding_department_id" FROM "entry_version" v WHERE v."entry_id" = c."entry_id" AND v."recorded_at" <= c."filed_at" ORDER BY v."version" DESC LIMIT 1),
    (SELECT v."deciding_department_id" FROM "entry_version" v WHERE v."entry_id" = c."entry_id" ORDER BY v."version" LIMIT 1)),
  "decided_by_department_id" = CASE WHEN c."decided_by" IS NULL THEN NULL ELSE coalesce((c."evidence"->>'decidedByDepartmentId')::uuid, (SELECT k."department_id" FROM "api_key" k WHERE k."id" = c."decided_by")) END;--> statement-breakpoint
ALTER TABLE "objection" ALTER COLUMN "filed_by_department_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "objection" ALTER COLUMN "deciding_department_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "repair" ADD COLUMN "filed_by_department_id" uuid;--> statement-breakpoint
ALTER TABLE "repair" ADD COLUMN "deciding_department_id" uuid;--> statement-breakpoint
ALTER TABLE "repair" ADD COLUMN "check_id" uuid;--> statement-breakpoint
ALTER TABLE "repair" ADD COLUMN "decided_by_department_id" uuid;--> statement-breakpoint
-- Who filed and decided, from the bookkeeping the evidence jsonb carried (or the acting key's department).
UPDATE "repair" c SET
  "filed_by_department_id" = coalesce((c."evidence"->>'filedByDepartmentId')::uuid, (SELECT k."department_id" FROM "api_key" k WHERE k."id" = c."filed_by")),
  "deciding_department_id" = coalesce((c."evidence"->>'decidingDepartmentId')::uuid,
    (SELECT v."deciding_department_id" FROM "entry_version" v WHERE v."entry_id" = c."entry_id" AND v."recorded_at" <= c."filed_at" ORDER BY v."version" DESC LIMIT 1),
    (SELECT v."deciding_department_id" FROM "entry_version" v WHERE v."entry_id" = c."entry_id" ORDER BY v."version" LIMIT 1)),
  "decided_by_department_id" = CASE WHEN c."decided_by" IS NULL THEN NULL ELSE coalesce((c."evidence"->>'decidedByDepartmentId')::uuid, (SELECT k."department_id" FROM "api_key" k WHERE k."id" = c."decided_by")) END;--> statement-breakpoint
ALTER TABLE "repair" ALTER COLUMN "filed_by_department_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "repair" ALTER COLUMN "deciding_department_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "entry" ADD CONSTRAINT "entry_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection" ADD CONSTRAINT "objection_filed_by_department_id_department_id_fk" FOREIGN KEY ("filed_by_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection" ADD CONSTRAINT "objection_deciding_department_id_department_id_fk" FOREIGN KEY ("deciding_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection" ADD CONSTRAINT "objection_check_id_check_receipt_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."check_receipt"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection" ADD CONSTRAINT "objection_decided_by_department_id_department_id_fk" FOREIGN KEY ("decided_by_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair" ADD CONSTRAINT "repair_filed_by_department_id_department_id_fk" FOREIGN KEY ("filed_by_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair" ADD CONSTRAINT "repair_deciding_department_id_department_id_fk" FOREIGN KEY ("deciding_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair" ADD CONSTRAINT "repair_check_id_check_receipt_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."check_receipt"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair" ADD CONSTRAINT "repair_decided_by_department_id_department_id_fk" FOREIGN KEY ("decided_by_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "objection_filed_by_department_idx" ON "objection" USING btree ("filed_by_department_id");--> statement-breakpoint
CREATE INDEX "objection_deciding_department_idx" ON "objection" USING btree ("deciding_department_id");--> statement-breakpoint
CREATE INDEX "repair_filed_by_department_idx" ON "repair" USING btree ("filed_by_department_id");--> statement-breakpoint
CREATE INDEX "repair_deciding_department_idx" ON "repair" USING btree ("deciding_department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "entry_source_uq" ON "entry" USING btree ("department_id","source","source_record_id");