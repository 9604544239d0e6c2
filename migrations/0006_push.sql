CREATE TABLE "dead_letter" (
	"subscription_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"status" text NOT NULL,
	"failures" integer NOT NULL,
	"last_error" text,
	"dead_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replay_requested_at" timestamp with time zone,
	"replayed_at" timestamp with time zone,
	CONSTRAINT "dead_letter_subscription_id_event_id_pk" PRIMARY KEY("subscription_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "delivery_attempt" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subscription_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"attempted_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"error" text,
	"duration_ms" integer NOT NULL,
	"worker" text NOT NULL,
	"replay" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feed_cursor" (
	"name" text PRIMARY KEY NOT NULL,
	"cursor_xid" "xid8" DEFAULT '0'::xid8 NOT NULL,
	"cursor_id" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "watch_hit" (
	"watch_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"event_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "watch_hit_watch_id_entry_id_version_pk" PRIMARY KEY("watch_id","entry_id","version")
);
--> statement-breakpoint
CREATE TABLE "watch" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department_id" uuid NOT NULL,
	"uscc" char(18),
	"id_hash" char(64),
	"id_masked" text,
	"name" text,
	"normalized_name" text,
	"matter_type" text NOT NULL,
	"matter_reference" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "dead_letter" ADD CONSTRAINT "dead_letter_subscription_id_subscription_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dead_letter" ADD CONSTRAINT "dead_letter_event_id_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."event"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempt" ADD CONSTRAINT "delivery_attempt_subscription_id_subscription_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscription"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watch_hit" ADD CONSTRAINT "watch_hit_watch_id_watch_id_fk" FOREIGN KEY ("watch_id") REFERENCES "public"."watch"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "watch" ADD CONSTRAINT "watch_department_id_department_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."department"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dead_letter_queued_idx" ON "dead_letter" USING btree ("subscription_id","event_id") WHERE status = 'replay_queued';--> statement-breakpoint
CREATE INDEX "delivery_attempt_sub_idx" ON "delivery_attempt" USING btree ("subscription_id","id");--> statement-breakpoint
CREATE INDEX "watch_department_idx" ON "watch" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "watch_uscc_idx" ON "watch" USING btree ("uscc") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "watch_id_hash_idx" ON "watch" USING btree ("id_hash") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "watch_name_idx" ON "watch" USING btree ("normalized_name") WHERE deleted_at is null;