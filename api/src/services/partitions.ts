// Receipts by month: partitions made ahead of time, and the oldest months archived to NDJSON files and dropped.
//
// Ahead: the workers keep the current month's partition and the next `aheadMonths` in place (an append into a
// missing month also creates it, services/receipts.ts, so a late worker costs one retry, not a failed check).
//
// Archive: with a retention of N months, every month older than the N most recent (in Beijing time) is written to
// `<dir>/receipts-YYYY-MM.ndjson` (a header line, then one receipt per line in chain order with its hashes), the file
// is verified as it is written and synced, and then, in one transaction, the month's partition is dropped, its
// Idempotency-Keys are forgotten and a check_archive row records the file, its SHA-256 and where each chain stands at
// its end. The live chains then verify from there (verifyReceipts), and the file verifies on its own or after the
// files before it (`yingcha receipts verify --archive FILE…`). A month whose receipts do not verify is not archived:
// a break stays in the database, where `receipts verify` reports it.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { rows } from '../db/rows.js';
import { checkArchives, checkIdempotency, checks } from '../db/schema.js';
import { ARCHIVE_FORMAT, archiveStands, type ChainStand, ChainWalker } from './receipt-verify.js';
import { addMonths, ensureReceiptMonth, type ReceiptRow, receiptMonth } from './receipts.js';

/** Archiving a month was refused; nothing was archived or dropped. */
export class ArchiveRefused extends Error {}

/** The months (first days, ascending) that have a receipt partition. */
export async function receiptMonths(db: Db): Promise<string[]> {
  const parts = await db.execute<{ name: string }>(sql`
    select c.relname as name from pg_inherits i
      join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
     where p.relname = 'check_receipt'`);
  return rows<{ name: string }>(parts)
    .map((r) => r.name)
    .map((n) => /^check_receipt_p(\d{4})(\d{2})$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}-${m[2]}-01`)
    .sort();
}

/** Creates the partitions of the month `now` falls in and the `ahead` months after it; returns those it created. */
export async function ensureMonthsAhead(db: Db, now: Date, ahead: number): Promise<string[]> {
  const have = new Set(await receiptMonths(db));
  const created: string[] = [];
  for (let k = 0; k <= ahead; k++) {
    const month = addMonths(receiptMonth(now), k);
    if (have.has(month)) continue;
    await ensureReceiptMonth(db, month);
    created.push(month);
  }
  return created;
}

/** Reads a month's receipts in chain order, a page at a time, and hands each to `each`. */
async function eachReceiptOf(db: Db, month: string, each: (r: ReceiptRow) => Promise<void> | void): Promise<void> {
  const PAGE = 1000;
  let after: { chain: number; seq: number } | null = null;
  for (;;) {
    const cursor = after;
    const page: ReceiptRow[] = await db
      .select()
      .from(checks)
      .where(
        and(
          eq(checks.partMonth, month),
          cursor
            ? or(gt(checks.chain, cursor.chain), and(eq(checks.chain, cursor.chain), gt(checks.chainSeq, cursor.seq)))
            : undefined,
        ),
      )
      .orderBy(asc(checks.chain), asc(checks.chainSeq))
      .limit(PAGE);
    for (const r of page) await each(r);
    if (page.length < PAGE) return;
    const last = page.at(-1)!;
    after = { chain: last.chain, seq: last.chainSeq };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Archiving

export interface ArchivedMonth {
  month: string;
  file: string;
  fileSha256: string;
  receipts: number;
  chains: ChainStand[];
}

/**
 * Archives one month: writes its file under a name of its own while verifying it from where the archives before it
 * end, and syncs it; then, in one transaction, takes the month's partition (no append can reach it meanwhile), makes
 * sure it still holds exactly the receipts written, records the archive, forgets the month's Idempotency-Keys, drops
 * the partition and only then gives the file its final name. A month that does not verify, or that changed while it
 * was written, is refused (ArchiveRefused) and left as it was. Instances archiving the same month at once: one
 * transaction wins; the others find the partition gone or the month recorded, and remove only their own file.
 */
export async function archiveMonth(db: Db, month: string, dir: string): Promise<ArchivedMonth> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `receipts-${month.slice(0, 7)}.ndjson`);
  // each attempt writes its own file, so two instances archiving the same month never touch each other's
  const partial = `${file}.${randomUUID()}.partial`;
  const walker = new ChainWalker(await archiveStands(db));
  const digest = createHash('sha256');
  const out = await open(partial, 'w');
  let receipts = 0;
  try {
    const write = async (line: string) => {
      digest.update(line);
      await out.write(line);
    };
    await write(`${JSON.stringify({ format: ARCHIVE_FORMAT, month })}\n`);
    await eachReceiptOf(db, month, async (r) => {
      walker.visit(r);
      receipts++;
      await write(`${JSON.stringify(r)}\n`);
    });
    await out.sync();
  } finally {
    await out.close();
  }
  const chains = walker.summary();
  const fileSha256 = digest.digest('hex');
  const part = `check_receipt_p${month.slice(0, 4)}${month.slice(5, 7)}`;
  try {
    if (!walker.ok) {
      const b = walker.firstBroken!;
      throw new ArchiveRefused(
        `${month.slice(0, 7)} does not verify (chain ${b.chain}, place ${b.chainSeq}: ${b.problem}); nothing was archived`,
      );
    }
    await db.transaction(async (tx) => {
      const [there] = rows<{ t: string | null }>(await tx.execute(sql`select to_regclass(${part}) as t`));
      if (!there?.t)
        throw new ArchiveRefused(`${month.slice(0, 7)} is no longer in the database (archived meanwhile?)`);
      await tx.execute(sql.raw(`lock table "${part}" in access exclusive mode`));
      const [now] = rows<{ n: string | number }>(await tx.execute(sql.raw(`select count(*) as n from "${part}"`)));
      if (Number(now?.n) !== receipts)
        throw new ArchiveRefused(`${month.slice(0, 7)} changed while it was being archived; try again`);
      await tx.insert(checkArchives).values({
        month,
        file,
        fileSha256,
        receipts,
        chains: chains.map(({ chain, firstSeq, lastSeq, prevHash, lastHash }) => ({
          chain,
          firstSeq,
          lastSeq,
          prevHash,
          lastHash,
        })),
      });
      await tx.delete(checkIdempotency).where(eq(checkIdempotency.partMonth, month));
      // every chain goes on after this month, even one whose last receipt is older (a clock far behind included)
      await tx.execute(
        sql`update check_chain set month = ${addMonths(month, 1)}::date where month < ${addMonths(month, 1)}::date`,
      );
      await tx.execute(sql.raw(`drop table "${part}"`));
      // last inside the transaction: if the name cannot be given, nothing is dropped
      await rename(partial, file);
    });
  } catch (err) {
    // only this attempt's file: the final name belongs to whichever attempt committed
    await rm(partial, { force: true });
    throw err;
  }
  return { month, file, fileSha256, receipts, chains };
}

/** Archives every month older than the `keep` most recent ones (counting the month `now` is in). */
export async function archiveOldMonths(
  db: Db,
  opts: { now: Date; keep: number; dir: string },
): Promise<ArchivedMonth[]> {
  if (!Number.isInteger(opts.keep) || opts.keep < 1)
    throw new Error('archiveOldMonths: keep at least the current month');
  // Counted from a day ago: a check that began in the last moments of a month may append a little after it ends,
  // so a month is archived no sooner than a day after the retention lets it go.
  const before = addMonths(receiptMonth(new Date(opts.now.getTime() - 86_400_000)), 1 - opts.keep);
  const done: ArchivedMonth[] = [];
  for (const month of await receiptMonths(db)) {
    if (month >= before) break;
    done.push(await archiveMonth(db, month, opts.dir));
  }
  return done;
}
