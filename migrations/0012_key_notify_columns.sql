-- Custom migration (drizzle-kit generate --custom): the key-cache notification fires only when a column that decides
-- what a key may do changes. last_used_at is refreshed about once a minute per key in use (services/keys.ts); if
-- that touch also told every instance to drop its key cache, each active key would flush all caches every minute.
DROP TRIGGER api_key_notify ON "api_key";--> statement-breakpoint
CREATE TRIGGER api_key_notify AFTER UPDATE OF department_id, scopes, secret_hash, revoked_at, expires_at, successor_id OR DELETE ON "api_key" FOR EACH STATEMENT EXECUTE FUNCTION yingcha_notify_keys();
