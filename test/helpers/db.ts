// Each test gets its own database: in-memory PGlite by default, or a uniquely named PostgreSQL database when
// TEST_DATABASE_URL is set, created here and dropped when the test ends. Migrated (and seeded) databases are copies of
// the run's templates (helpers/templates.ts).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, openDatabase } from '../../api/src/db/index.js';
import { databaseUrl, type Templates, tarball, templates } from './templates.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export const ENGINE: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

const runTemplates = () => templates(ENGINE, async () => (await import('tap')).default);

/** Creates a PostgreSQL database, empty or a copy of `template`, dropped when the test ends; returns its URL. */
async function createPostgres(t: Teardown, adminUrl: string, template?: string): Promise<string> {
  const name = `yingcha_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  t.teardown(async () => {
    const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  return databaseUrl(adminUrl, name);
}

/** Creates an empty PostgreSQL database (not even migrated) and returns its URL; undefined on PGlite runs. */
export async function freshPostgresUrl(t: Teardown): Promise<string | undefined> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  return adminUrl ? createPostgres(t, adminUrl) : undefined;
}

/** A copy of one of the run's templates, closed (and on PostgreSQL dropped) when the test ends. */
async function copyOf(
  t: Teardown,
  which: 'migrated' | 'seeded',
): Promise<{ database: Database; templates: Templates }> {
  const tpl = await runTemplates();
  const adminUrl = process.env.TEST_DATABASE_URL;
  const database = adminUrl
    ? await openDatabase({ url: await createPostgres(t, adminUrl, tpl[which]), max: 5 })
    : await openDatabase({ loadDataDir: tarball(tpl[which]) });
  // Registered after the drop above, so it runs first (tap runs teardowns in reverse order of registration).
  t.teardown(() => database.close());
  return { database, templates: tpl };
}

/**
 * The database of an instance run as a child process (helpers/process.ts), started from the migrated template: on
 * PostgreSQL a copy of it (its URL is returned), on PGlite the template unpacked into the data directory `pgdata`
 * (undefined is returned). The instance's own start finds the migrations applied and does all else a first start does.
 */
export async function migratedInstance(t: Teardown, pgdata: string): Promise<string | undefined> {
  const tpl = await runTemplates();
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) return createPostgres(t, adminUrl, tpl.migrated);
  const database = await openDatabase({ dataDir: pgdata, loadDataDir: tarball(tpl.migrated) });
  await database.close();
  return undefined;
}

/** A migrated, empty database for one test. */
export async function testDatabase(t: Teardown): Promise<Database> {
  return (await copyOf(t, 'migrated')).database;
}

/** A migrated database with the seed catalogue and the bootstrap department and admin key, for one test. */
export async function seededDatabase(
  t: Teardown,
): Promise<{ database: Database; adminKey: string; departmentId: string }> {
  const { database, templates: tpl } = await copyOf(t, 'seeded');
  return { database, adminKey: tpl.adminKey, departmentId: tpl.departmentId };
}
