// Template databases: the tests' databases are copies of two templates made once per run, so a test does not migrate
// and seed a database of its own (on PGlite that was about half the cost of each build(t), on PostgreSQL nine tenths).
//
//   migrated  every migration applied, nothing else (testDatabase)
//   seeded    migrated, the seed catalogue synced and the first department with its admin key bootstrapped (build)
//
// PostgreSQL copies them with CREATE DATABASE … TEMPLATE; PGlite starts from a tarball of the template's data
// directory (dumpDataDir(), then the loadDataDir option).
//
// `pnpm test` runs tap through test/suite.ts, which makes the templates before the first test file starts, hands them
// to every test process in YINGCHA_TEST_TEMPLATES, and drops them once tap has exited, whatever its outcome. A test
// file run any other way (tap with a file name, tsx) makes a set of its own on first use (on PGlite, in memory) and
// drops it when its root test ends. Either way every run makes its templates anew under new names: nothing a previous run left is read.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { type BootstrapResult, bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';

export const TEMPLATES_ENV = 'YINGCHA_TEST_TEMPLATES';

export interface Templates {
  engine: 'pglite' | 'postgres';
  /** PostgreSQL: the template databases' names. PGlite: the paths of the data directory tarballs. */
  migrated: string;
  seeded: string;
  /** the seeded template's bootstrap admin key (all scopes) and its department */
  adminKey: string;
  departmentId: string;
}

export interface MadeTemplates {
  templates: Templates;
  /** Drops the template databases, or removes the tarballs. */
  drop(): Promise<void>;
}

/** Tarballs by path (or, for a process's own templates, by a key naming no file). */
const tarballs = new Map<string, Blob>();

const admin = (url: string) => postgres(url, { max: 1, onnotice: () => {} });

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabases(adminUrl: string, names: string[]): Promise<void> {
  const a = admin(adminUrl);
  try {
    for (const name of names) await a.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await a.end();
  }
}

/**
 * Makes both templates: databases on the PostgreSQL server of `adminUrl`, or (no URL) PGlite tarballs. With `files`
 * the tarballs are written to a new temporary folder, for other processes to read (test/suite.ts); without, they stay
 * in this process's memory, so a process that dies before its teardown leaves no file behind. On failure whatever was
 * made is dropped before the error is thrown.
 */
export async function makeTemplates(
  adminUrl: string | undefined,
  opts: { files?: boolean } = {},
): Promise<MadeTemplates> {
  return adminUrl ? makePostgres(adminUrl) : makePglite(opts.files === true);
}

async function makePostgres(adminUrl: string): Promise<MadeTemplates> {
  // yingcha_test_ like every test database, so .ci/run counts a template left behind as a leftover.
  const base = `yingcha_test_tpl_${process.pid}_${randomBytes(4).toString('hex')}`;
  const migrated = `${base}_migrated`;
  const seeded = `${base}_seeded`;
  const drop = () => dropDatabases(adminUrl, [seeded, migrated]);
  const a = admin(adminUrl);
  try {
    await a.unsafe(`create database ${migrated}`);
    const m = await openDatabase({ url: databaseUrl(adminUrl, migrated), max: 2, batchMax: 1 });
    try {
      await migrateDatabase(m);
    } finally {
      await m.close();
    }
    // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template; every pool above is closed (a
    // backend still exiting is waited for by PostgreSQL, up to 5 s).
    await a.unsafe(`create database ${seeded} template ${migrated}`);
    const s = await openDatabase({ url: databaseUrl(adminUrl, seeded), max: 2, batchMax: 1 });
    let boot: BootstrapResult;
    try {
      await syncSeedCatalog(s.db);
      boot = await bootstrap(s.db, { demo: true });
    } finally {
      await s.close();
    }
    if (!boot.created) throw new Error('templates: bootstrap did not run on a new database');
    // No connection to a template from now on, so no copy can fail on one (autovacuum leaves such databases alone).
    await a.unsafe(`alter database ${migrated} allow_connections false`);
    await a.unsafe(`alter database ${seeded} allow_connections false`);
    return {
      templates: {
        engine: 'postgres',
        migrated,
        seeded,
        adminKey: boot.key.secret,
        departmentId: boot.department.departmentId,
      },
      drop,
    };
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  } finally {
    await a.end();
  }
}

async function makePglite(files: boolean): Promise<MadeTemplates> {
  const dir = files ? mkdtempSync(join(tmpdir(), 'yingcha-test-templates-')) : undefined;
  const kept: string[] = [];
  const drop = async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const key of kept) tarballs.delete(key);
  };
  try {
    const database = await openDatabase({});
    const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
    const save = async (name: string) => {
      // Uncompressed: about 30 MB, and both the dump and each load are faster than with gzip.
      const blob = await client.dumpDataDir('none');
      if (!dir) {
        const key = `memory:${process.pid}:${randomBytes(4).toString('hex')}:${name}`;
        tarballs.set(key, blob);
        kept.push(key);
        return key;
      }
      const path = join(dir, `${name}.tar`);
      writeFileSync(path, Buffer.from(await blob.arrayBuffer()));
      return path;
    };
    try {
      await migrateDatabase(database);
      const migrated = await save('migrated');
      await syncSeedCatalog(database.db);
      const boot = await bootstrap(database.db, { demo: true });
      if (!boot.created) throw new Error('templates: bootstrap did not run on a new database');
      const seeded = await save('seeded');
      return {
        templates: {
          engine: 'pglite',
          migrated,
          seeded,
          adminKey: boot.key.secret,
          departmentId: boot.department.departmentId,
        },
        drop,
      };
    } finally {
      await database.close();
    }
  } catch (err) {
    await drop();
    throw err;
  }
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

let own: Promise<Templates> | undefined;

/**
 * This run's templates for the engine in use: those test/suite.ts made, or else a set of this process's own, made on
 * first use and dropped when the root test (`root`, tap's default export) ends.
 */
export function templates(engine: 'pglite' | 'postgres', root: () => Promise<Teardown>): Promise<Templates> {
  const given = process.env[TEMPLATES_ENV];
  if (given) {
    const parsed = JSON.parse(given) as Templates;
    if (parsed.engine === engine) return Promise.resolve(parsed);
  }
  own ??= (async () => {
    const made = await makeTemplates(engine === 'postgres' ? process.env.TEST_DATABASE_URL : undefined);
    (await root()).teardown(() => made.drop());
    return made.templates;
  })();
  return own;
}

/** A template's tarball, read once per process (a Blob is never changed by the PGlite that loads it). */
export function tarball(path: string): Blob {
  let blob = tarballs.get(path);
  if (!blob) tarballs.set(path, (blob = new Blob([readFileSync(path)])));
  return blob;
}
