// One schema, two engines: embedded PGlite when there is no DATABASE_URL, PostgreSQL through postgres.js otherwise.
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { DEFAULTS } from '../defaults.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; services accept Db | Tx where they can run either way. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  /**
   * A small pool of its own for bulk work (check batches): a department's batch of 1,000 fuzzy names runs its
   * queries here, so single checks keep the main pool's connections. The same handle as `db` on PGlite.
   */
  batchDb: Db;
  engine: 'pglite' | 'postgres';
  /** the PostgreSQL URL, for work that needs its own connection (migrations, LISTEN) */
  url?: string;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; undefined → PGlite */
  url?: string | undefined;
  /** PGlite data directory; undefined → in memory */
  dataDir?: string | undefined;
  /**
   * PGlite only: start from this copy of a data directory (a tarball from PGlite's dumpDataDir()) instead of an empty
   * one. The tests clone their databases from a migrated, seeded template this way.
   */
  loadDataDir?: Blob | undefined;
  /** pool size for PostgreSQL */
  max?: number;
  /**
   * PostgreSQL only, per pool connection: a statement running longer is cancelled (57014, answered 503 UNAVAILABLE
   * with Retry-After), and a session idle inside a transaction longer is ended. 0 = none. PGlite runs in this process
   * and has no timer to cancel a statement with, so it ignores both.
   */
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  /** connections of the bulk pool (`batchDb`) on PostgreSQL (YINGCHA_BATCH_CONNECTIONS) */
  batchMax?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    // Startup parameters: every connection of the pool gets them, including those opened later.
    const connection = (name: string) => ({
      application_name: name,
      statement_timeout: opts.statementTimeoutMs ?? DEFAULTS.statementTimeoutMs,
      idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? DEFAULTS.idleInTransactionTimeoutMs,
    });
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {}, connection: connection('yingcha') });
    const bulk = postgres(opts.url, {
      max: opts.batchMax ?? DEFAULTS.batchConnections,
      onnotice: () => {},
      connection: connection('yingcha-batch'),
    });
    // The single check's hand-written statements (services/check-read.ts runRaw: the read and the receipts' group
    // commit) run on a pool of their own whose sessions always take a prepared statement's generic plan. They are
    // written as index lookups whatever the length of their array parameters, so a generic plan is the plan; but with
    // arrays PostgreSQL's own choice is a fresh custom plan on every call (a custom plan knows the array length, so its
    // estimate always wins), and planning was 60 % of the database's CPU per check. Other queries keep the default.
    const checks = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      connection: { ...connection('yingcha-check'), plan_cache_mode: 'force_generic_plan' },
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    const batchDb = drizzlePostgres(bulk, { schema }) as unknown as Db;
    rawClients.set(db, checks);
    return {
      db,
      batchDb,
      engine: 'postgres',
      url: opts.url,
      ping: async () => {
        await client`select 1`;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), bulk.end({ timeout: 5 }), checks.end({ timeout: 5 })]);
      },
    };
  }
  const client = new PGlite({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    batchDb: db,
    engine: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/**
 * The SQLSTATE of a database error, on either engine. drizzle 0.45 wraps driver errors in a DrizzleQueryError whose
 * `cause` is the driver's error, so the code may be one level down.
 */
export function sqlState(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const { code, cause } = err as { code?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return cause ? sqlState(cause) : undefined;
}

const rawClients = new WeakMap<object, postgres.Sql>();

/**
 * The driver client that runs hand-written statements for `db`: on PostgreSQL, the main handle's check pool (generic
 * plans, see openDatabase); otherwise the handle's own client (the bulk pool, whose batch statements are planned once
 * per thousand items, or PGlite).
 */
export function rawClient(db: Db): postgres.Sql | PGlite {
  return rawClients.get(db) ?? (db as unknown as { $client: postgres.Sql | PGlite }).$client;
}

const preparedCache = new WeakMap<object, Map<string, unknown>>();

/**
 * A query built once per database and reused: drizzle builds the SQL text on every call otherwise, which is a large
 * part of the check's CPU time. `build` must use sql.placeholder() for every value.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = preparedCache.get(db);
  if (!byName) preparedCache.set(db, (byName = new Map<string, unknown>()));
  let q = byName.get(name) as T | undefined;
  if (!q) byName.set(name, (q = build(db)));
  return q;
}
