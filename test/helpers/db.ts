// Each test file gets its own database: in-memory PGlite by default, or a uniquely named PostgreSQL database when
// TEST_DATABASE_URL is set, created here and dropped when the test ends.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export const ENGINE: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** Creates an empty PostgreSQL database and returns its URL; undefined on PGlite runs. */
export async function freshPostgresUrl(t: Teardown): Promise<string | undefined> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `yingcha_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  t.teardown(async () => {
    const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated, empty database for one test. */
export async function testDatabase(t: Teardown): Promise<Database> {
  const url = await freshPostgresUrl(t);
  const database = await openDatabase({ url, max: 5 });
  // Registered after the drop above, so it runs first (tap runs teardowns in reverse order of registration).
  t.teardown(() => database.close());
  await migrateDatabase(database);
  return database;
}
