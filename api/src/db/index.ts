// One schema, two engines: embedded PGlite when there is no DATABASE_URL, PostgreSQL through postgres.js otherwise.
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
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
  /** connections of the bulk pool (`batchDb`) on PostgreSQL; default 2 */
  batchMax?: number;
}

/** Defaults of the pool's timeouts (YINGCHA_STATEMENT_TIMEOUT_MS, YINGCHA_IDLE_TX_TIMEOUT_MS). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TX_TIMEOUT_MS = 60_000;

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) {
    // Startup parameters: every connection of the pool gets them, including those opened later.
    const connection = (name: string) => ({
      application_name: name,
      statement_timeout: opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_TX_TIMEOUT_MS,
    });
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {}, connection: connection('yingcha') });
    const bulk = postgres(opts.url, { max: opts.batchMax ?? 2, onnotice: () => {}, connection: connection('yingcha-batch') });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    const batchDb = drizzlePostgres(bulk, { schema }) as unknown as Db;
    return {
      db,
      batchDb,
      engine: 'postgres',
      url: opts.url,
      ping: async () => {
        await client`select 1`;
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), bulk.end({ timeout: 5 })]);
      },
    };
  }
  const client = new PGlite({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) });
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

const preparedCache = new WeakMap<object, Map<string, unknown>>();

/**
 * A query built once per database and reused: drizzle builds the SQL text on every call otherwise, which is a large
 * part of the check's CPU time. `build` must use sql.placeholder() for every value.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = preparedCache.get(db);
  if (!byName) preparedCache.set(db, (byName = new Map()));
  let q = byName.get(name) as T | undefined;
  if (!q) byName.set(name, (q = build(db)));
  return q;
}
