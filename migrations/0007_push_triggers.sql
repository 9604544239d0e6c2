-- Custom migration (drizzle-kit generate --custom): triggers drizzle cannot express. They run inside the writing
-- transaction, so whichever service writes (publish, lifecycle, bulk import, catalogue admin) needs no extra call.
-- NOTIFY inside a transaction is delivered on commit, and identical notifications in one transaction are folded
-- into one, so a bulk import of many rows wakes the workers once.
CREATE FUNCTION yingcha_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('yingcha_event', '');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER event_notify AFTER INSERT ON "event" FOR EACH STATEMENT EXECUTE FUNCTION yingcha_notify_event();--> statement-breakpoint
-- A revoked or re-scoped key must stop working on every instance, not only on the one that changed it.
CREATE FUNCTION yingcha_notify_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('yingcha_cache', 'keys');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER api_key_notify AFTER UPDATE OR DELETE ON "api_key" FOR EACH STATEMENT EXECUTE FUNCTION yingcha_notify_keys();--> statement-breakpoint
-- Every catalogue version is a catalog.changed event in the same transaction, so subscribers learn of it in order
-- with the list changes, and the notify on "event" wakes the other instances to re-read the catalogue.
CREATE FUNCTION yingcha_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "event" ("type", "data") VALUES ('catalog.changed', jsonb_build_object('version', NEW.version, 'note', NEW.note, 'changedAt', NEW.changed_at));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER catalog_version_event AFTER INSERT ON "catalog_version" FOR EACH ROW EXECUTE FUNCTION yingcha_catalog_changed();
