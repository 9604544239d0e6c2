// Verifying receipts: the live chains in the database (verifyReceipts, `GET /v1/admin/receipts/verify`, `yingcha
// receipts verify`) and archived months in their files (verifyArchiveFiles, `yingcha receipts verify --archive`).
// Both follow the chains with one ChainWalker, so they cannot disagree about what a broken link is.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { and, asc, eq, gt, gte } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { checkArchives, checkChains, checks } from '../db/schema.js';
import type { BrokenLink, ChainReport } from '../routes/checks/schemas.js';
import { addMonths, GENESIS_HASH, type ReceiptRow, receiptHash } from './receipts.js';

export const ARCHIVE_FORMAT = 'yingcha-receipts/1';

// The report's types are the schema's (routes/checks/schemas.ts ChainReport): the first broken link found (the lowest
// chain, then the lowest sequence number), every broken link up to MAX_BROKEN_PER_CHAIN per chain (`chains[].brokenLinks`
// has the full count), and the months archived to files and dropped, whose receipts verify from the files.
export type { BrokenLink, ChainReport };
export type ChainProblem = BrokenLink['problem'];

/** How many broken links one chain lists; more are counted, not listed. */
export const MAX_BROKEN_PER_CHAIN = 100;
export interface ChainStand {
  chain: number;
  /** the first place seen and the hash it links to (for an archive, where the file joins what came before it) */
  firstSeq: number;
  prevHash: string;
  lastSeq: number;
  lastHash: string;
  receipts: number;
  brokenLinks: number;
}

/**
 * Follows receipts in chain order (ascending chain_seq within a chain) and notes every broken link: a gap in the
 * places, a previous hash that is not the last one's hash, a hash that does not recompute, months going backwards.
 * After a broken link it goes on from the stored values, so one altered receipt counts once and a later alteration
 * is still found. A chain with no known start is joined wherever it is first seen.
 */
export class ChainWalker {
  readonly stands = new Map<number, ChainStand & { month: string }>();
  readonly broken: BrokenLink[] = [];
  firstBroken: BrokenLink | null = null;

  /** `starts`: where each chain stands before the first receipt; `genesis`: chains without one start at genesis */
  constructor(
    starts: Map<number, { seq: number; hash: string; month?: string }> = new Map(),
    private readonly genesis = true,
  ) {
    for (const [chain, s] of starts) {
      this.stands.set(chain, {
        chain,
        firstSeq: s.seq + 1,
        prevHash: s.hash,
        lastSeq: s.seq,
        lastHash: s.hash,
        receipts: 0,
        brokenLinks: 0,
        month: s.month ?? '1970-01-01',
      });
    }
  }

  /** Where a chain stands now (its place, hash and month), if it has been started or seen. */
  at(chain: number): { seq: number; hash: string; month: string } | undefined {
    const s = this.stands.get(chain) ?? (this.genesis ? this.start(chain, 0, GENESIS_HASH) : undefined);
    return s && { seq: s.lastSeq, hash: s.lastHash, month: s.month };
  }

  private start(chain: number, seq: number, hash: string) {
    const s = {
      chain,
      firstSeq: seq + 1,
      prevHash: hash,
      lastSeq: seq,
      lastHash: hash,
      receipts: 0,
      brokenLinks: 0,
      month: '1970-01-01',
    };
    this.stands.set(chain, s);
    return s;
  }

  visit(r: ReceiptRow): void {
    const s =
      this.stands.get(r.chain) ??
      (this.genesis ? this.start(r.chain, 0, GENESIS_HASH) : this.start(r.chain, r.chainSeq - 1, r.prevHash));
    const at = { checkId: r.id, chain: r.chain, chainSeq: r.chainSeq };
    if (r.chainSeq !== s.lastSeq + 1) this.flag(r.chain, { ...at, problem: 'sequence_gap' });
    if (r.prevHash !== s.lastHash) this.flag(r.chain, { ...at, problem: 'prev_hash_mismatch' });
    if (receiptHash(r, r.prevHash) !== r.hash) this.flag(r.chain, { ...at, problem: 'hash_mismatch' });
    if (r.partMonth < s.month) this.flag(r.chain, { ...at, problem: 'month_order' });
    s.lastSeq = r.chainSeq;
    s.lastHash = r.hash;
    s.month = r.partMonth;
    s.receipts++;
  }

  /** Notes a broken link on `chain` (started at genesis, or where it is first seen, if it was not yet). */
  flag(chain: number, link: BrokenLink): void {
    const s = this.stands.get(chain) ?? this.start(chain, 0, GENESIS_HASH);
    s.brokenLinks++;
    this.firstBroken ??= link;
    if (s.brokenLinks <= MAX_BROKEN_PER_CHAIN) this.broken.push(link);
  }

  brokenLinks(chain: number): number {
    return this.stands.get(chain)?.brokenLinks ?? 0;
  }

  get ok(): boolean {
    return this.firstBroken === null;
  }

  summary(): ChainStand[] {
    return [...this.stands.values()]
      .filter((s) => s.receipts > 0)
      .sort((a, b) => a.chain - b.chain)
      .map(({ month: _month, ...s }) => s);
  }
}

type Archive = typeof checkArchives.$inferSelect;

const readArchives = (db: Db): Promise<Archive[]> => db.select().from(checkArchives).orderBy(asc(checkArchives.month));

/** Where each chain stands at the end of the archives so far (the last month archived that holds it). */
export async function archiveStands(
  db: Db,
  archives?: Archive[],
): Promise<Map<number, { seq: number; hash: string; month: string }>> {
  const stands = new Map<number, { seq: number; hash: string; month: string }>();
  for (const a of archives ?? (await readArchives(db))) {
    for (const c of a.chains) stands.set(c.chain, { seq: c.lastSeq, hash: c.lastHash, month: addMonths(a.month, 1) });
  }
  return stands;
}

const PAGE = 1000;

/**
 * Walks every chain from its genesis, or from where its archived months end, and reports every broken link. The
 * archived months themselves verify from their files (verifyArchiveFiles); `archived` lists them.
 */
export async function verifyReceipts(db: Db): Promise<ChainReport> {
  const heads = await db.select().from(checkChains).orderBy(asc(checkChains.chain));
  const archived = await readArchives(db);
  const walker = new ChainWalker(await archiveStands(db, archived));
  const chains: ChainReport['chains'] = [];
  let receipts = 0;
  for (const head of heads) {
    for (;;) {
      const at = walker.at(head.chain)!;
      const page = await db
        .select()
        .from(checks)
        // a chain's months never go backwards: the months before the last one read need not be looked at
        .where(and(eq(checks.chain, head.chain), gt(checks.chainSeq, at.seq), gte(checks.partMonth, at.month)))
        .orderBy(asc(checks.chainSeq))
        .limit(PAGE);
      for (const r of page) walker.visit(r);
      receipts += page.length;
      if (page.length < PAGE) break;
    }
    const end = walker.at(head.chain)!;
    if (head.seq !== end.seq || head.hash !== end.hash)
      walker.flag(head.chain, { checkId: null, chain: head.chain, chainSeq: end.seq, problem: 'head_mismatch' });
    chains.push({ chain: head.chain, length: end.seq, head: end.hash, brokenLinks: walker.brokenLinks(head.chain) });
  }
  return {
    ok: walker.ok,
    receipts,
    chains,
    firstBroken: walker.firstBroken,
    broken: walker.broken,
    archived: archived.map((a) => ({
      month: a.month.slice(0, 7),
      file: a.file,
      fileSha256: a.fileSha256,
      receipts: a.receipts,
    })),
  };
}

export interface ArchiveReport {
  ok: boolean;
  files: Array<{ file: string; month: string; receipts: number; sha256: string }>;
  receipts: number;
  /** per chain: where the files join what came before them (firstSeq, prevHash) and where they end */
  chains: ChainStand[];
  firstBroken: BrokenLink | null;
  broken: BrokenLink[];
  /** a line that is not a receipt of this format */
  malformed: Array<{ file: string; line: number; message: string }>;
}

const DATE_FIELDS = ['asOf', 'checkedAt'] as const;

/**
 * Verifies archive files in the order given: every receipt's hash recomputes, and within and across the files each
 * chain links without gaps. The first file's chains are joined where they start (nothing before them is known here);
 * compare `chains[].prevHash` with the check_archive row or the file before it to join them further back.
 */
export async function verifyArchiveFiles(files: string[]): Promise<ArchiveReport> {
  const walker = new ChainWalker(new Map(), false);
  const report: ArchiveReport = {
    ok: true,
    files: [],
    receipts: 0,
    chains: [],
    firstBroken: null,
    broken: [],
    malformed: [],
  };
  for (const file of files) {
    const digest = createHash('sha256');
    let month = '';
    let receipts = 0;
    let n = 0;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      n++;
      digest.update(`${line}\n`);
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        report.malformed.push({ file, line: n, message: 'not JSON' });
        continue;
      }
      if (n === 1) {
        if (value.format !== ARCHIVE_FORMAT || typeof value.month !== 'string')
          report.malformed.push({ file, line: 1, message: `not a ${ARCHIVE_FORMAT} header` });
        month = typeof value.month === 'string' ? value.month : '';
        continue;
      }
      if (typeof value.chain !== 'number' || typeof value.chainSeq !== 'number' || typeof value.hash !== 'string') {
        report.malformed.push({ file, line: n, message: 'not a receipt' });
        continue;
      }
      for (const k of DATE_FIELDS) if (typeof value[k] === 'string') value[k] = new Date(value[k]);
      walker.visit(value as unknown as ReceiptRow);
      receipts++;
    }
    report.files.push({ file, month, receipts, sha256: digest.digest('hex') });
    report.receipts += receipts;
  }
  report.chains = walker.summary();
  report.firstBroken = walker.firstBroken;
  report.broken = walker.broken;
  report.ok = walker.ok && report.malformed.length === 0;
  return report;
}
