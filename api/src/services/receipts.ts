// 查询回执 (check receipts): append-only and hash-chained. Each receipt's hash is SHA-256 over its canonical JSON plus
// the previous receipt's hash in the same chain.
//
// Why shards: one chain would make every check in the country wait on one row lock. There are CHAINS chains; a check
// takes whichever head is free (FOR UPDATE SKIP LOCKED), so up to CHAINS checks append at once and a check waits only
// when all heads are busy. Within a chain, the head row lock orders appends, and (chain, chain_seq) is unique, so a
// chain can never fork. Verification walks every chain from its genesis. Checks append through the group commit of
// services/receipt-batch.ts (many receipts on one head in one statement); appendReceipt() below is its one-at-a-time
// fallback and the path for writers outside the check.
//
// What is hashed is what is stored: before anything is hashed or written, storable() turns every string into exactly
// the text PostgreSQL will hand back (the drivers encode strings as UTF-8, so a lone surrogate is stored as U+FFFD),
// and refuses what cannot be stored at all (NUL). The hash of a receipt is therefore recomputable from its row.
import { createHash } from 'node:crypto';
import { type SQL, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { rows } from '../db/rows.js';
import { checks } from '../db/schema.js';
import { canonicalJson } from '../domain/canonical.js';
import { uuidv7Time } from '../domain/uuid7.js';
import { ApiError } from '../errors.js';

/** As created by migrations/0003_chain_heads.sql. */
export const CHAINS = 8;
export const GENESIS_HASH = '0'.repeat(64);

export type ReceiptRow = typeof checks.$inferSelect;
/** What a receipt's hash covers. */
export type ReceiptBody = Omit<ReceiptRow, 'hash' | 'prevHash' | 'partMonth'>;
/** A receipt before it is appended: the chain gives its place and month. */
export type NewReceipt = Omit<ReceiptBody, 'chain' | 'chainSeq'>;

// part_month says where the receipt is kept, not what it says: it is not hashed.
const UNHASHED = new Set<keyof ReceiptRow>(['hash', 'prevHash', 'partMonth']);
const HASHED_COLUMNS = (Object.keys(getTableColumns(checks)) as Array<keyof ReceiptRow>).filter(
  (k) => !UNHASHED.has(k),
);

const BEIJING_MS = 8 * 3600_000;

/** The first day ('YYYY-MM-01') of the month `at` falls in, in Beijing time (UTC+8 all year). */
export function receiptMonth(at: Date): string {
  return new Date(at.getTime() + BEIJING_MS).toISOString().slice(0, 7) + '-01';
}

/** The first day of the month `n` months after `month` ('YYYY-MM-01'). */
export function addMonths(month: string, n: number): string {
  const d = new Date(`${month.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The condition "this receipt" for a read by id. A v7 id names the month of its checked_at; the receipt is kept under
 * that month or, when its chain had already moved on at a month's end, the next one, so the read touches those two
 * partitions only. Any other id (receipts from before ids were v7) is looked for in every month.
 */
export function receiptIdIs(id: string): SQL {
  const at = uuidv7Time(id);
  if (!at) return eq(checks.id, id);
  const month = receiptMonth(at);
  return sql`${checks.id} = ${id} and ${checks.partMonth} in (${month}::date, ${addMonths(month, 1)}::date)`;
}

/** Creates the partition for `month` if it is missing (the function is defined by migrations/0014). */
export async function ensureReceiptMonth(db: Db | Tx, month: string): Promise<void> {
  await db.execute(sql`select yingcha_receipt_partition(${month}::date)`);
}

/** PostgreSQL's "no partition of relation … found for row" (a month nobody created ahead of time). */
export function isMissingPartition(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
    e && typeof e === 'object';
    e = e.cause as typeof e
  ) {
    if (e.code === '23514' && /no partition/i.test(String(e.message))) return true;
  }
  return false;
}

/**
 * Runs an append; when it fails because a month's partition is missing (the workers create them ahead, so only
 * after a long stop or a clock far ahead), creates the months `bodies` fall in and tries once more.
 */
export async function withReceiptMonths<T>(
  db: Db | Tx,
  bodies: Array<{ checkedAt: Date }>,
  append: () => Promise<T>,
): Promise<T> {
  try {
    return await append();
  } catch (err) {
    if (!isMissingPartition(err)) throw err;
    for (const month of new Set(bodies.map((b) => receiptMonth(b.checkedAt)))) await ensureReceiptMonth(db, month);
    return append();
  }
}

/**
 * What the hash covers: every stored column but the two hashes, in canonical form. Empty (null) columns are left out,
 * so a nullable column added by a later migration does not change the hash of the receipts written before it.
 */
export function receiptHash(body: ReceiptBody, prevHash: string): string {
  const fields: Record<string, unknown> = {};
  for (const k of HASHED_COLUMNS) {
    const v = (body as Partial<ReceiptRow>)[k];
    if (v !== null && v !== undefined) fields[k] = v;
  }
  return createHash('sha256').update(canonicalJson(fields)).update('\n').update(prevHash).digest('hex');
}

/**
 * The canonical JSON of a receipt without its place in the chain, split where "chain" and "chainSeq" sort in, so the
 * database can complete it once it has picked a head: prefix + "chain":N,"chainSeq":M + suffix is exactly what
 * receiptHash() hashes.
 */
export function splitCanonical(body: Omit<ReceiptBody, 'chain' | 'chainSeq'>): {
  prefix: string;
  suffix: string;
  texts: Partial<Record<keyof ReceiptRow, string>>;
} {
  const members: Array<[string, string]> = [];
  // each column's canonical JSON, made once: the hash text and the jsonb parameters are both built from it
  const texts: Partial<Record<keyof ReceiptRow, string>> = {};
  for (const k of HASHED_COLUMNS) {
    if (k === 'chain' || k === 'chainSeq') continue;
    const v = (body as Partial<ReceiptRow>)[k];
    if (v !== null && v !== undefined) members.push([k, `${JSON.stringify(k)}:${(texts[k] = canonicalJson(v))}`]);
  }
  members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const before = members.filter(([k]) => k < 'chain').map(([, m]) => m);
  const after = members.filter(([k]) => k > 'chainSeq').map(([, m]) => m);
  return { prefix: `{${before.map((m) => m + ',').join('')}`, suffix: `${after.map((m) => ',' + m).join('')}}`, texts };
}

// A surrogate (paired or not), a NUL or a byte order mark: only strings holding one need a closer look.
// eslint-disable-next-line no-control-regex -- a NUL is one of the characters it looks for
const SUSPECT = /[\u0000\ud800-\udfff\ufeff]/;

/**
 * The value as the database will store and return it, on both engines: every string (and object key) re-encoded the
 * way the drivers send it (UTF-8, a lone surrogate becoming U+FFFD), and without a leading U+FEFF (PGlite decodes each
 * text value with a TextDecoder that drops one, so a stored leading BOM would read back shorter than it was hashed),
 * at any depth. A NUL cannot be stored in text or jsonb, so it is refused (400 VALIDATION_FAILED naming the path)
 * instead of failing the insert. Dates, numbers, booleans and null pass through unchanged.
 */
export function storable<T>(value: T, path = ''): T {
  if (typeof value === 'string') {
    if (!SUSPECT.test(value)) return value;
    if (value.includes('\u0000')) {
      throw new ApiError('VALIDATION_FAILED', `${path || '/'} contains a NUL character, which cannot be stored`, {
        errors: [{ path: path || '/', message: 'contains a NUL character' }],
      });
    }
    return Buffer.from(value, 'utf8')
      .toString('utf8')
      .replace(/^\ufeff+/, '') as T;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v: unknown, i) => storable(v, `${path}/${i}`)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[storable(k, path)] = storable(v, `${path}/${k}`);
  }
  return out as T;
}

/**
 * Appends a receipt in one statement: take a free chain head (SKIP LOCKED), hash in the database (sha256 over the
 * canonical text completed with the head's place, a newline and the head's hash), insert, record its Idempotency-Key,
 * advance the head. One round trip instead of a five-step transaction, and a single statement is atomic by itself.
 * When every head is busy it waits for one instead.
 */
export async function appendReceipt(db: Db | Tx, given: NewReceipt): Promise<ReceiptRow> {
  const body = storable(given);
  return withReceiptMonths(db, [body], () => appendOne(db, body));
}

type Appended = { chain: number; chain_seq: string | number; prev_hash: string; hash: string; part_month: string };

async function appendOne(db: Db | Tx, body: NewReceipt): Promise<ReceiptRow> {
  const { prefix, suffix } = splitCanonical(body);
  const month = receiptMonth(body.checkedAt);
  for (const wait of [false, true]) {
    const lock = wait ? sql`for update` : sql`for update skip locked`;
    const result = await db.execute<Appended>(sql`
      with head as (
        select chain, seq, hash, greatest(month, ${month}::date) as month from check_chain order by random() limit 1 ${lock}
      ), ins as (
        insert into check_receipt (
          id, department_id, key_id, operator, matter_type, matter_reference, matter_title, subject_asked,
          subject_resolved, hits, measures, reasons, verdict, data_version, as_of, checked_at, idempotency_key,
          request_hash, batch_id, chain, chain_seq, prev_hash, hash, part_month)
        select ${body.id}::uuid, ${body.departmentId}::uuid, ${body.keyId}::uuid, ${json(body.operator)}::jsonb,
          ${body.matterType}, ${body.matterReference}, ${body.matterTitle}::text, ${json(body.subjectAsked)}::jsonb,
          ${json(body.subjectResolved)}::jsonb, ${json(body.hits)}::jsonb, ${json(body.measures)}::jsonb,
          ${json(body.reasons)}::jsonb, ${body.verdict}, ${body.dataVersion}, ${iso(body.asOf)}::timestamptz,
          ${iso(body.checkedAt)}::timestamptz, ${body.idempotencyKey}::text, ${body.requestHash}::text, ${body.batchId}::uuid,
          head.chain, head.seq + 1, head.hash,
          encode(sha256(convert_to(${prefix} || '"chain":' || head.chain || ',"chainSeq":' || (head.seq + 1) || ${suffix} || chr(10) || head.hash, 'UTF8')), 'hex'),
          head.month
        from head
        returning chain, chain_seq, prev_hash, hash, part_month::text as part_month
      ), idem as (
        insert into check_idempotency (department_id, idempotency_key, check_id, part_month)
        select ${body.departmentId}::uuid, ${body.idempotencyKey}::text, ${body.id}::uuid, ins.part_month::date from ins
         where ${body.idempotencyKey}::text is not null
      ), moved as (
        update check_chain c set seq = ins.chain_seq, hash = ins.hash, month = ins.part_month::date from ins where c.chain = ins.chain
      )
      select * from ins`);
    const [row] = rows<Appended>(result);
    if (row) return stored(body, row);
  }
  throw new Error('no receipt chain heads: migrations/0003_chain_heads.sql has not run');
}

/** The receipt as stored, from what was sent and what the append statement returned. */
export function stored(body: NewReceipt, row: Appended): ReceiptRow {
  return {
    ...body,
    chain: row.chain,
    chainSeq: Number(row.chain_seq),
    prevHash: row.prev_hash,
    hash: row.hash,
    partMonth: row.part_month,
  };
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
