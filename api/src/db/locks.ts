// Every PostgreSQL advisory-lock id the service takes, in one place, so that two features never share a number by
// accident. The ids are per database, so another application on the same database could collide with them; the
// one-key ids count up from 4207310 and the imports use the two-key form in a space of their own. PGlite has one
// process per data directory, so there the locks that are taken never wait.

/** db/migrate.ts: a session lock on the migrating connection, so instances starting together migrate once. */
export const MIGRATION_LOCK = 4_207_310;

/**
 * services/keys.ts (revokeKey): serialises revocations, so two admins revoking each other's keys cannot both pass the
 * last-admin check.
 */
export const KEY_REVOCATION_LOCK = 4_207_311;

/** services/bootstrap.ts: instances starting together on an empty database; only the first creates the first key. */
export const BOOTSTRAP_LOCK = 4_207_312;

/**
 * services/catalog-seed.ts and catalog-edits.ts: every catalogue write, so versions never race and a version names
 * exactly one state.
 */
export const CATALOG_LOCK = 4_207_313;

/**
 * The SQL function yingcha_receipt_partition (migrations/0014_receipt_partitions.sql) takes this before it creates a
 * month's receipt partition, so two instances never create the same one at once. It is written into the migration's
 * SQL, not read from here: change both together (by a new migration), never one alone.
 */
export const RECEIPT_PARTITION_LOCK = 4_207_314;

/**
 * services/imports.ts: the first key of the two-key form ("YC" + 1). A running import holds (IMPORT_LOCK_SPACE, a key
 * from its id) for as long as it runs, so another instance that sees the lock missing in pg_locks knows the import's
 * process died.
 */
export const IMPORT_LOCK_SPACE = 0x59430001;
