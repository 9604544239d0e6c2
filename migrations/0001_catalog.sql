ALTER TABLE "catalog_version" ADD COLUMN "seed_hash" char(64);--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "repair_calendar_days" integer;--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "escalates_to" text;--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "removes_from_red_lists" boolean;--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "seed_hash" char(64);--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "amended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "list" ADD COLUMN "amended_by" uuid;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "implements" text;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "parts" jsonb;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "list_codes" text[];--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "seed_hash" char(64);--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "amended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "measure" ADD COLUMN "amended_by" uuid;--> statement-breakpoint
ALTER TABLE "memorandum" ADD COLUMN "position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "memorandum" ADD COLUMN "seed_hash" char(64);--> statement-breakpoint
ALTER TABLE "memorandum" ADD COLUMN "amended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memorandum" ADD COLUMN "amended_by" uuid;