// 查询回执 (check receipts): append-only and hash-chained. Each receipt's hash is SHA-256 over its canonical JSON plus
// the previous receipt's hash in the same chain.
//
// Why shards: one chain would make every check in the country wait on one row lock. There are CHAINS chains; a check
// takes whichever head is free (FOR UPDATE SKIP LOCKED), so up to CHAINS checks append at once and a check waits only
// when all heads are busy. Within a chain, the head row lock orders appends, and (chain, chain_seq) is unique, so a
// chain can never fork. Verification walks every chain from its genesis.
import { createHash } from 'node:crypto';
import { and, asc, eq, getTableColumns, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { checkChains, checks } from '../db/schema.js';
import { canonicalJson } from '../domain/canonical.js';

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

/** Appends a receipt inside the caller's transaction and returns it with its place in the chain. */
export async function appendReceipt(tx: Tx, body: Omit<ReceiptBody, 'chain' | 'chainSeq'>): Promise<ReceiptRow> {
  let [head] = await tx
    .select()
    .from(checkChains)
    .orderBy(sql`random()`)
    .limit(1)
    .for('update', { skipLocked: true });
  if (!head) {
    // Every head is busy: wait for one.
    [head] = await tx.select().from(checkChains).orderBy(sql`random()`).limit(1).for('update');
  }
  if (!head) throw new Error('no receipt chain heads: migrations/0003_chain_heads.sql has not run');
  const full: ReceiptBody = { ...body, chain: head!.chain, chainSeq: head!.seq + 1 };
  const hash = receiptHash(full, head!.hash);
  const [row] = await tx.insert(checks).values({ ...full, prevHash: head!.hash, hash }).returning();
  await tx.update(checkChains).set({ seq: full.chainSeq, hash }).where(eq(checkChains.chain, head!.chain));
  return row!;
}

export interface ChainReport {
  ok: boolean;
  receipts: number;
  chains: Array<{ chain: number; length: number; head: string }>;
  firstBroken: null | {
    checkId: string | null;
    chain: number;
    chainSeq: number;
    problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';
  };
}

const PAGE = 1000;

/** Walks every chain from its genesis and reports the first broken link. */
export async function verifyReceipts(db: Db): Promise<ChainReport> {
  const heads = await db.select().from(checkChains).orderBy(asc(checkChains.chain));
  const report: ChainReport = { ok: true, receipts: 0, chains: [], firstBroken: null };
  for (const head of heads) {
    let prev = GENESIS_HASH;
    let seq = 0;
    for (;;) {
      const page = await db
        .select()
        .from(checks)
        .where(and(eq(checks.chain, head.chain), gt(checks.chainSeq, seq)))
        .orderBy(asc(checks.chainSeq))
        .limit(PAGE);
      for (const r of page) {
        const broken = (problem: NonNullable<ChainReport['firstBroken']>['problem']) => ({ checkId: r.id, chain: r.chain, chainSeq: r.chainSeq, problem });
        if (r.chainSeq !== seq + 1) report.firstBroken ??= broken('sequence_gap');
        else if (r.prevHash !== prev) report.firstBroken ??= broken('prev_hash_mismatch');
        else if (receiptHash(r, r.prevHash) !== r.hash) report.firstBroken ??= broken('hash_mismatch');
        if (report.firstBroken) {
          report.ok = false;
          return report;
        }
        prev = r.hash;
        seq = r.chainSeq;
        report.receipts++;
      }
      if (page.length < PAGE) break;
    }
    if (head.seq !== seq || head.hash !== prev) {
      report.ok = false;
      report.firstBroken = { checkId: null, chain: head.chain, chainSeq: seq, problem: 'head_mismatch' };
      return report;
    }
    report.chains.push({ chain: head.chain, length: seq, head: prev });
  }
  return report;
}
