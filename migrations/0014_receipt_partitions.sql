-- Receipts by month (issue #13). drizzle-kit does not model partitioning, so this migration is written by hand; it
-- reaches the state api/src/db/schema.ts describes (and meta/0014_snapshot.json records), with check_receipt as the
-- parent of one partition per month. See the comment on `checks` in schema.ts for why part_month is what it is.
CREATE TABLE "check_archive" (
	"month" date PRIMARY KEY NOT NULL,
	"file" text NOT NULL,
	"file_sha256" char(64) NOT NULL,
	"receipts" integer NOT NULL,
	"chains" jsonb NOT NULL,
	"archived_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_idempotency" (
	"department_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"check_id" uuid NOT NULL,
	"part_month" date NOT NULL,
	CONSTRAINT "check_idempotency_department_id_idempotency_key_pk" PRIMARY KEY("department_id","idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "check_idempotency_month_idx" ON "check_idempotency" USING btree ("part_month");--> statement-breakpoint
-- Nothing refers to a receipt by foreign key any more: a month that is archived is dropped whole.
ALTER TABLE "feedback" DROP CONSTRAINT "feedback_check_id_check_receipt_id_fk";--> statement-breakpoint
ALTER TABLE "notice" DROP CONSTRAINT "notice_check_id_check_receipt_id_fk";--> statement-breakpoint
ALTER TABLE "objection" DROP CONSTRAINT "objection_check_id_check_receipt_id_fk";--> statement-breakpoint
ALTER TABLE "repair" DROP CONSTRAINT "repair_check_id_check_receipt_id_fk";--> statement-breakpoint
ALTER TABLE "check_chain" ADD COLUMN "month" date DEFAULT '1970-01-01' NOT NULL;--> statement-breakpoint
-- The unpartitioned table steps aside with its indexes, so the partitioned one can take their names.
ALTER TABLE "check_receipt" DROP CONSTRAINT "check_receipt_department_id_department_id_fk";--> statement-breakpoint
DROP INDEX "check_idempotency_uq";--> statement-breakpoint
DROP INDEX "check_chain_seq_uq";--> statement-breakpoint
DROP INDEX "check_department_time_idx";--> statement-breakpoint
DROP INDEX "check_hash_idx";--> statement-breakpoint
ALTER TABLE "check_receipt" RENAME TO "check_receipt_unpartitioned";--> statement-breakpoint
CREATE TABLE "check_receipt" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"key_id" uuid NOT NULL,
	"operator" jsonb,
	"matter_type" text NOT NULL,
	"matter_reference" text NOT NULL,
	"matter_title" text,
	"subject_asked" jsonb NOT NULL,
	"subject_resolved" jsonb,
	"hits" jsonb NOT NULL,
	"measures" jsonb NOT NULL,
	"verdict" text NOT NULL,
	"reasons" jsonb,
	"data_version" text NOT NULL,
	"as_of" timestamp with time zone,
	"checked_at" timestamp with time zone NOT NULL,
	"idempotency_key" text,
	"request_hash" char(64),
	"batch_id" uuid,
	"chain" integer NOT NULL,
	"chain_seq" bigint NOT NULL,
	"prev_hash" char(64) NOT NULL,
	"hash" char(64) NOT NULL,
	"part_month" date NOT NULL,
	CONSTRAINT "check_receipt_id_part_month_pk" PRIMARY KEY("id","part_month")
) PARTITION BY RANGE ("part_month");
--> statement-breakpoint
ALTER TABLE "check_receipt" ADD CONSTRAINT "check_receipt_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "check_chain_seq_uq" ON "check_receipt" USING btree ("chain","chain_seq","part_month");--> statement-breakpoint
CREATE INDEX "check_department_time_idx" ON "check_receipt" USING btree ("department_id","checked_at");--> statement-breakpoint
CREATE INDEX "check_hash_idx" ON "check_receipt" USING btree ("hash");--> statement-breakpoint
-- The partition of the month holding `m`, created when missing (services/partitions.ts calls this ahead of time).
-- The advisory lock keeps two instances from creating the same partition at once. A month that was archived is never
-- made again: a receipt that would land in it (a clock far behind) fails instead of splitting an archived month.
CREATE OR REPLACE FUNCTION yingcha_receipt_partition(m date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	first date := date_trunc('month', m)::date;
	part text := 'check_receipt_p' || to_char(date_trunc('month', m), 'YYYYMM');
BEGIN
	IF to_regclass(part) IS NULL THEN
		PERFORM pg_advisory_xact_lock(4207314);
		IF EXISTS (SELECT 1 FROM check_archive WHERE month = first) THEN
			RAISE EXCEPTION 'the receipts of % are archived; that month takes no more receipts', to_char(first, 'YYYY-MM');
		END IF;
		EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF check_receipt FOR VALUES FROM (%L) TO (%L)',
			part, first, (first + interval '1 month')::date);
	END IF;
	RETURN part;
END $$;
--> statement-breakpoint
-- Existing receipts keep their chains: each goes under the month of its checked_at in Beijing time, or under the
-- latest month of the receipts before it in its chain if that is later, so a chain's months never go backwards.
CREATE TEMPORARY TABLE "receipt_month" AS
	SELECT "id", max(date_trunc('month', ("checked_at" AT TIME ZONE 'UTC') + interval '8 hours')::date)
		OVER (PARTITION BY "chain" ORDER BY "chain_seq") AS "part_month"
	FROM "check_receipt_unpartitioned";
--> statement-breakpoint
SELECT yingcha_receipt_partition(m) FROM (SELECT DISTINCT "part_month" AS m FROM "receipt_month") months;--> statement-breakpoint
INSERT INTO "check_receipt" (
	"id", "department_id", "key_id", "operator", "matter_type", "matter_reference", "matter_title", "subject_asked",
	"subject_resolved", "hits", "measures", "verdict", "reasons", "data_version", "as_of", "checked_at",
	"idempotency_key", "request_hash", "batch_id", "chain", "chain_seq", "prev_hash", "hash", "part_month")
SELECT r."id", r."department_id", r."key_id", r."operator", r."matter_type", r."matter_reference", r."matter_title",
	r."subject_asked", r."subject_resolved", r."hits", r."measures", r."verdict", r."reasons", r."data_version", r."as_of",
	r."checked_at", r."idempotency_key", r."request_hash", r."batch_id", r."chain", r."chain_seq", r."prev_hash", r."hash",
	m."part_month"
FROM "check_receipt_unpartitioned" r JOIN "receipt_month" m ON m."id" = r."id";
--> statement-breakpoint
INSERT INTO "check_idempotency" ("department_id", "idempotency_key", "check_id", "part_month")
SELECT "department_id", "idempotency_key", "id", "part_month" FROM "check_receipt" WHERE "idempotency_key" IS NOT NULL;--> statement-breakpoint
UPDATE "check_chain" c SET "month" = m."month"
FROM (SELECT "chain", max("part_month") AS "month" FROM "check_receipt" GROUP BY "chain") m WHERE m."chain" = c."chain";--> statement-breakpoint
DROP TABLE "receipt_month";--> statement-breakpoint
DROP TABLE "check_receipt_unpartitioned";
