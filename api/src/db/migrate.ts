import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Database } from './index.js';
import { MIGRATION_LOCK } from './locks.js';

/** drizzle.config.ts writes here; src/db and dist/db sit at the same depth, so this holds for both. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));

// The receipt partitions of this month and the next (UTC or Beijing, whichever is later), so the first checks after a
// migration find their month; the workers keep months ahead from then on (services/partitions.ts).
const RECEIPT_MONTHS = `select yingcha_receipt_partition((now() at time zone 'UTC')::date),
  yingcha_receipt_partition(((now() at time zone 'UTC') + interval '8 hours')::date),
  yingcha_receipt_partition(((now() at time zone 'UTC') + interval '1 month')::date)`;

/**
 * Applies pending migrations. On PostgreSQL this runs on its own single connection holding an advisory lock, so
 * several instances starting together migrate once and the rest wait, then find nothing to do.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.engine === 'pglite') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await client.exec(RECEIPT_MONTHS);
    return;
  }
  if (!database.url) throw new Error('migrateDatabase: the PostgreSQL url is missing');
  const conn = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migratePostgres(drizzlePostgres(conn), { migrationsFolder: MIGRATIONS_FOLDER });
      await conn.unsafe(RECEIPT_MONTHS);
    } finally {
      await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await conn.end({ timeout: 5 });
  }
}
