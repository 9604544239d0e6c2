CREATE TABLE "notice_counter" (
	"department_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "notice_counter_department_id_year_pk" PRIMARY KEY("department_id","year")
);
--> statement-breakpoint
CREATE TABLE "notice" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"check_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"number" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_by_key" uuid NOT NULL,
	"issued_by_operator" text
);
--> statement-breakpoint
ALTER TABLE "department" ADD COLUMN "notice_prefix" text;--> statement-breakpoint
ALTER TABLE "notice_counter" ADD CONSTRAINT "notice_counter_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice" ADD CONSTRAINT "notice_check_id_check_receipt_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."check_receipt"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice" ADD CONSTRAINT "notice_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notice_check_uq" ON "notice" USING btree ("check_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notice_dept_year_seq_uq" ON "notice" USING btree ("department_id","year","seq");--> statement-breakpoint
CREATE INDEX "check_hash_idx" ON "check_receipt" USING btree ("hash");