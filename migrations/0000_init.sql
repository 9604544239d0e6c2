CREATE TABLE "api_key" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"label" text,
	"scopes" text[] NOT NULL,
	"secret_hash" char(64) NOT NULL,
	"hint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	CONSTRAINT "api_key_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"key_id" uuid,
	"department_id" uuid,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "catalog_version" (
	"version" integer PRIMARY KEY NOT NULL,
	"content_hash" char(64) NOT NULL,
	"note" text NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_chain" (
	"chain" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" char(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_receipt" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
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
	"data_version" text NOT NULL,
	"as_of" timestamp with time zone,
	"checked_at" timestamp with time zone NOT NULL,
	"idempotency_key" text,
	"batch_id" uuid,
	"chain" integer NOT NULL,
	"chain_seq" bigint NOT NULL,
	"prev_hash" char(64) NOT NULL,
	"hash" char(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery" (
	"subscription_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "delivery_subscription_id_event_id_pk" PRIMARY KEY("subscription_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "department" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"uscc" char(18) NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"region" char(6) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "department_uscc_unique" UNIQUE("uscc")
);
--> statement-breakpoint
CREATE TABLE "entry" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"list_code" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"source" text NOT NULL,
	"source_record_id" text NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entry_version" (
	"entry_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"list_code" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"deciding_department_id" uuid NOT NULL,
	"decision_doc_no" text NOT NULL,
	"reason" text NOT NULL,
	"points" integer,
	"decided_at" timestamp with time zone NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	"status" text NOT NULL,
	"scope_region" char(6) DEFAULT '000000' NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"content_hash" char(64) NOT NULL,
	"change" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"superseded_at" timestamp with time zone,
	"recorded_by" uuid,
	CONSTRAINT "entry_version_entry_id_version_pk" PRIMARY KEY("entry_id","version")
);
--> statement-breakpoint
CREATE TABLE "event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"list_code" text,
	"region" char(6),
	"entry_id" uuid,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"check_id" uuid NOT NULL,
	"measure_id" uuid NOT NULL,
	"action" text NOT NULL,
	"note" text,
	"department_id" uuid NOT NULL,
	"key_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"superseded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"key_id" uuid NOT NULL,
	"format" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"errors" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "list" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"polarity" text NOT NULL,
	"memoranda" text[] NOT NULL,
	"validity_days" integer,
	"auto_remove_after_days" integer,
	"objection_working_days" integer DEFAULT 15 NOT NULL,
	"repair_working_days" integer,
	"restart_term_on_objection_rejected" boolean DEFAULT false NOT NULL,
	"points_rule" jsonb,
	"repair_lock" jsonb,
	"publisher_categories" text[] NOT NULL,
	"source" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "measure" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"memorandum_id" uuid NOT NULL,
	"ordinal" text NOT NULL,
	"text" text NOT NULL,
	"effect" text NOT NULL,
	"mandatory" boolean NOT NULL,
	"matter_types" text[] NOT NULL,
	"categories" text[] NOT NULL,
	"legal_basis" text,
	"applies_to" text[] NOT NULL,
	"implementing_units" text[],
	"source" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memorandum" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"doc_no" text NOT NULL,
	"title" text NOT NULL,
	"polarity" text NOT NULL,
	"initiating_category" text NOT NULL,
	"signatory_categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"region" char(6) DEFAULT '000000' NOT NULL,
	"effective_from" date,
	"effective_to" date,
	"adopts" text,
	"source" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memorandum_doc_no_unique" UNIQUE("doc_no")
);
--> statement-breakpoint
CREATE TABLE "name_bigram" (
	"bigram" text NOT NULL,
	"subject_id" uuid NOT NULL,
	CONSTRAINT "name_bigram_bigram_subject_id_pk" PRIMARY KEY("bigram","subject_id")
);
--> statement-breakpoint
CREATE TABLE "memorandum_no_duty" (
	"memorandum_id" uuid NOT NULL,
	"category" text NOT NULL,
	"region" char(6) NOT NULL,
	"reason" text NOT NULL,
	"stated_by" text NOT NULL,
	"source" jsonb,
	CONSTRAINT "memorandum_no_duty_memorandum_id_category_region_pk" PRIMARY KEY("memorandum_id","category","region")
);
--> statement-breakpoint
CREATE TABLE "objection" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"applicant" jsonb NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb,
	"status" text NOT NULL,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" date NOT NULL,
	"filed_by" uuid NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"outcome" text,
	"correction" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "related_person" (
	"subject_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "related_person_subject_id_person_id_role_pk" PRIMARY KEY("subject_id","person_id","role")
);
--> statement-breakpoint
CREATE TABLE "repair" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entry_id" uuid NOT NULL,
	"applicant" jsonb NOT NULL,
	"reason" text NOT NULL,
	"pledge" text NOT NULL,
	"evidence" jsonb,
	"status" text NOT NULL,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"due_at" date NOT NULL,
	"filed_by" uuid NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"effective_from" timestamp with time zone,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "subject_name" (
	"subject_id" uuid NOT NULL,
	"name" text NOT NULL,
	"normalized" text NOT NULL,
	"former" boolean DEFAULT false NOT NULL,
	CONSTRAINT "subject_name_subject_id_normalized_pk" PRIMARY KEY("subject_id","normalized")
);
--> statement-breakpoint
CREATE TABLE "subject" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"uscc" char(18),
	"id_hash" char(64),
	"id_masked" text,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subject_uscc_unique" UNIQUE("uscc"),
	CONSTRAINT "subject_id_hash_unique" UNIQUE("id_hash")
);
--> statement-breakpoint
CREATE TABLE "subscription" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"filters" jsonb,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_receipt" ADD CONSTRAINT "check_receipt_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_subscription_id_subscription_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_event_id_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."event"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry" ADD CONSTRAINT "entry_list_code_list_code_fk" FOREIGN KEY ("list_code") REFERENCES "public"."list"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry" ADD CONSTRAINT "entry_subject_id_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subject"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry_version" ADD CONSTRAINT "entry_version_entry_id_entry_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."entry"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry_version" ADD CONSTRAINT "entry_version_deciding_department_id_department_id_fk" FOREIGN KEY ("deciding_department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_check_id_check_receipt_id_fk" FOREIGN KEY ("check_id") REFERENCES "public"."check_receipt"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import" ADD CONSTRAINT "import_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measure" ADD CONSTRAINT "measure_memorandum_id_memorandum_id_fk" FOREIGN KEY ("memorandum_id") REFERENCES "public"."memorandum"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "name_bigram" ADD CONSTRAINT "name_bigram_subject_id_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subject"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memorandum_no_duty" ADD CONSTRAINT "memorandum_no_duty_memorandum_id_memorandum_id_fk" FOREIGN KEY ("memorandum_id") REFERENCES "public"."memorandum"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objection" ADD CONSTRAINT "objection_entry_id_entry_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."entry"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "related_person" ADD CONSTRAINT "related_person_subject_id_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subject"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "related_person" ADD CONSTRAINT "related_person_person_id_subject_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."subject"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair" ADD CONSTRAINT "repair_entry_id_entry_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."entry"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subject_name" ADD CONSTRAINT "subject_name_subject_id_subject_id_fk" FOREIGN KEY ("subject_id") REFERENCES "public"."subject"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription" ADD CONSTRAINT "subscription_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_key_department_idx" ON "api_key" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "audit_target_idx" ON "audit_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "check_chain_seq_uq" ON "check_receipt" USING btree ("chain","chain_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "check_idempotency_uq" ON "check_receipt" USING btree ("department_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "check_department_time_idx" ON "check_receipt" USING btree ("department_id","checked_at");--> statement-breakpoint
CREATE INDEX "delivery_due_idx" ON "delivery" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "entry_source_uq" ON "entry" USING btree ("source","source_record_id");--> statement-breakpoint
CREATE INDEX "entry_subject_idx" ON "entry" USING btree ("subject_id");--> statement-breakpoint
CREATE INDEX "entry_version_subject_idx" ON "entry_version" USING btree ("subject_id","superseded_at");--> statement-breakpoint
CREATE INDEX "event_type_idx" ON "event" USING btree ("type");--> statement-breakpoint
CREATE INDEX "feedback_check_measure_idx" ON "feedback" USING btree ("check_id","measure_id");--> statement-breakpoint
CREATE UNIQUE INDEX "measure_memo_ordinal_uq" ON "measure" USING btree ("memorandum_id","ordinal");--> statement-breakpoint
CREATE INDEX "objection_entry_idx" ON "objection" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "related_person_person_idx" ON "related_person" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "repair_entry_idx" ON "repair" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "subject_name_norm_idx" ON "subject_name" USING btree ("normalized");--> statement-breakpoint
CREATE INDEX "subscription_department_idx" ON "subscription" USING btree ("department_id");