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
import { and, asc, eq, getTableColumns, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { checkChains, checks } from '../db/schema.js';
import { canonicalJson } from '../domain/canonical.js';
import { ApiError } from '../errors.js';

/** As created by migrations/0003_chain_heads.sql. */
export const CHAINS = 8;
export const GENESIS_HASH = '0'.repeat(64);

export type ReceiptRow = typeof checks.$inferSelect;
export type ReceiptBody = Omit<ReceiptRow, 'hash' | 'prevHash'>;

const HASHED_COLUMNS = (Object.keys(getTableColumns(checks)) as Array<keyof ReceiptRow>).filter((k) => k !== 'hash' && k !== 'prevHash');

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
export function splitCanonical(body: Omit<ReceiptBody, 'chain' | 'chainSeq'>): { prefix: string; suffix: string; texts: Partial<Record<keyof ReceiptRow, string>> } {
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
    return Buffer.from(value, 'utf8').toString('utf8').replace(/^\ufeff+/, '') as T;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v, i) => storable(v, `${path}/${i}`)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    out[storable(k, path)] = storable(v, `${path}/${k}`);
  }
  return out as T;
}

/**
 * Appends a receipt in one statement: take a free chain head (SKIP LOCKED), hash in the database (sha256 over the
 * canonical text completed with the head's place, a newline and the head's hash), insert, advance the head. One round
 * trip instead of a five-step transaction, and a single statement is atomic by itself. When every head is busy it
 * waits for one instead.
 */
export async function appendReceipt(db: Db | Tx, given: Omit<ReceiptBody, 'chain' | 'chainSeq'>): Promise<ReceiptRow> {
  const body = storable(given);
  const { prefix, suffix } = splitCanonical(body);
  for (const wait of [false, true]) {
    const lock = wait ? sql`for update` : sql`for update skip locked`;
    const rows = await db.execute<{ chain: number; chain_seq: string | number; prev_hash: string; hash: string }>(sql`
      with head as (
        select chain, seq, hash from check_chain order by random() limit 1 ${lock}
      ), ins as (
        insert into check_receipt (
          id, department_id, key_id, operator, matter_type, matter_reference, matter_title, subject_asked,
          subject_resolved, hits, measures, reasons, verdict, data_version, as_of, checked_at, idempotency_key,
          request_hash, batch_id, chain, chain_seq, prev_hash, hash)
        select ${body.id}::uuid, ${body.departmentId}::uuid, ${body.keyId}::uuid, ${json(body.operator)}::jsonb,
          ${body.matterType}, ${body.matterReference}, ${body.matterTitle}::text, ${json(body.subjectAsked)}::jsonb,
          ${json(body.subjectResolved)}::jsonb, ${json(body.hits)}::jsonb, ${json(body.measures)}::jsonb,
          ${json(body.reasons)}::jsonb, ${body.verdict}, ${body.dataVersion}, ${iso(body.asOf)}::timestamptz,
          ${iso(body.checkedAt)}::timestamptz, ${body.idempotencyKey}::text, ${body.requestHash}::text, ${body.batchId}::uuid,
          head.chain, head.seq + 1, head.hash,
          encode(sha256(convert_to(${prefix} || '"chain":' || head.chain || ',"chainSeq":' || (head.seq + 1) || ${suffix} || chr(10) || head.hash, 'UTF8')), 'hex')
        from head
        returning chain, chain_seq, prev_hash, hash
      ), moved as (
        update check_chain c set seq = ins.chain_seq, hash = ins.hash from ins where c.chain = ins.chain
      )
      select * from ins`);
    const row = ((rows as unknown as { rows?: unknown[] }).rows ?? (rows as unknown as unknown[]))[0] as
      | { chain: number; chain_seq: string | number; prev_hash: string; hash: string }
      | undefined;
    if (row) return { ...(body as ReceiptRow), chain: row.chain, chainSeq: Number(row.chain_seq), prevHash: row.prev_hash, hash: row.hash };
  }
  throw new Error('no receipt chain heads: migrations/0003_chain_heads.sql has not run');
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export type ChainProblem = 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';

export interface BrokenLink {
  /** null for a head that does not match its chain's last receipt */
  checkId: string | null;
  chain: number;
  chainSeq: number;
  problem: ChainProblem;
}

export interface ChainReport {
  ok: boolean;
  receipts: number;
  chains: Array<{ chain: number; length: number; head: string; brokenLinks: number }>;
  /** the first broken link found (the lowest chain, then the lowest sequence number) */
  firstBroken: BrokenLink | null;
  /** every broken link, up to MAX_BROKEN_PER_CHAIN per chain; `chains[].brokenLinks` has the full count */
  broken: BrokenLink[];
}

/** How many broken links one chain lists; more are counted, not listed. */
export const MAX_BROKEN_PER_CHAIN = 100;
const PAGE = 1000;

/**
 * Walks every chain from its genesis and reports every broken link. After a broken link the walk goes on from the
 * stored values (the next receipt is compared with the stored hash and sequence number), so one altered receipt
 * counts once and a later alteration is still found.
 */
export async function verifyReceipts(db: Db): Promise<ChainReport> {
  const heads = await db.select().from(checkChains).orderBy(asc(checkChains.chain));
  const report: ChainReport = { ok: true, receipts: 0, chains: [], firstBroken: null, broken: [] };
  for (const head of heads) {
    let prev = GENESIS_HASH;
    let seq = 0;
    let brokenLinks = 0;
    const flag = (link: BrokenLink) => {
      brokenLinks++;
      report.ok = false;
      report.firstBroken ??= link;
      if (brokenLinks <= MAX_BROKEN_PER_CHAIN) report.broken.push(link);
    };
    for (;;) {
      const page = await db
        .select()
        .from(checks)
        .where(and(eq(checks.chain, head.chain), gt(checks.chainSeq, seq)))
        .orderBy(asc(checks.chainSeq))
        .limit(PAGE);
      for (const r of page) {
        const at = { checkId: r.id, chain: r.chain, chainSeq: r.chainSeq };
        if (r.chainSeq !== seq + 1) flag({ ...at, problem: 'sequence_gap' });
        if (r.prevHash !== prev) flag({ ...at, problem: 'prev_hash_mismatch' });
        if (receiptHash(r, r.prevHash) !== r.hash) flag({ ...at, problem: 'hash_mismatch' });
        prev = r.hash;
        seq = r.chainSeq;
        report.receipts++;
      }
      if (page.length < PAGE) break;
    }
    if (head.seq !== seq || head.hash !== prev) flag({ checkId: null, chain: head.chain, chainSeq: seq, problem: 'head_mismatch' });
    report.chains.push({ chain: head.chain, length: seq, head: prev, brokenLinks });
  }
  return report;
}
