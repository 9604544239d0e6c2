ALTER TABLE "check_receipt" ADD COLUMN "reasons" jsonb;--> statement-breakpoint
ALTER TABLE "check_receipt" ADD COLUMN "request_hash" char(64);