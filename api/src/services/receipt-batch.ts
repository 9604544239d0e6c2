// Group commit of check receipts. Receipts that arrive together are appended to one chain head in ONE statement: a
// free head is taken (FOR UPDATE SKIP LOCKED), a recursive step hashes each receipt over the one before it in the
// database (the same text receiptHash() covers: the canonical JSON completed with the chain place, a newline and the
// previous hash), all rows are inserted, and the head is advanced to the last one. One statement is one transaction
// and one WAL flush (synchronous_commit as the server has it), so N receipts cost one commit instead of N, and every
// waiting request is answered only after that statement returns: nothing is acknowledged before it is durable.
//
// The window: a receipt is sent at once when fewer than `maxInFlight` group statements are running; otherwise it waits
// for the next free slot, collecting whatever else arrives meanwhile (at most `maxBatch` per statement). The latency
// this adds is therefore at most one group statement's duration (the wait for a slot), plus `windowMs` (0 by
// default: no timer, the next turn of the event loop). A lone check is never delayed by a timer.
//
// A statement that fails (a unique violation from a replayed Idempotency-Key, most often) is retried one receipt at a
// time with appendReceipt(), so only the receipt at fault fails and the others still land, in a chain without gaps.
import type { Db } from '../db/index.js';
import { type RawParam, runRaw } from './check-read.js';
import {
  appendReceipt,
  type NewReceipt,
  type ReceiptRow,
  receiptMonth,
  splitCanonical,
  storable,
  stored,
  withReceiptMonths,
} from './receipts.js';

type Body = NewReceipt;

interface Pending {
  body: Body;
  resolve: (row: ReceiptRow) => void;
  reject: (err: unknown) => void;
}

export interface GroupOptions {
  /** group statements running at once (each holds one chain head) */
  maxInFlight: number;
  /** receipts per statement */
  maxBatch: number;
  /** extra wait before sending, in ms (0: none) */
  windowMs: number;
}

export const DEFAULT_GROUP: GroupOptions = { maxInFlight: 4, maxBatch: 64, windowMs: 0 };

// $1..: one array per column, in order (dates and times as text[]: drizzle hands postgres.js date arrays through
// unserialised, which breaks the Bind message); the recursive step walks them by ordinality, hashing each receipt over the
// one before it and carrying the chain's month forward (a receipt is kept under its own month or the chain's, the
// later of the two: services/receipts.ts).
const GROUP_SQL = `
with recursive head as (
  select chain, seq, hash, month from check_chain order by random() limit 1 for update skip locked
), item as (
  select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::uuid[],
    $20::text[], $21::text[], $22::text[])
    with ordinality as t(id, department_id, key_id, operator, matter_type, matter_reference, matter_title, subject_asked,
      subject_resolved, hits, measures, reasons, verdict, data_version, as_of, checked_at, idempotency_key, request_hash,
      batch_id, prefix, suffix, month, ord)
), link as (
  select 0::bigint as ord, head.chain, head.seq, head.hash::text as hash, head.month from head
  union all
  select item.ord, link.chain, link.seq + 1,
         encode(sha256(convert_to(item.prefix || '"chain":' || link.chain || ',"chainSeq":' || (link.seq + 1) || item.suffix || chr(10) || link.hash, 'UTF8')), 'hex'),
         greatest(link.month, item.month::date)
    from link join item on item.ord = link.ord + 1
), ins as (
  insert into check_receipt (
    id, department_id, key_id, operator, matter_type, matter_reference, matter_title, subject_asked, subject_resolved,
    hits, measures, reasons, verdict, data_version, as_of, checked_at, idempotency_key, request_hash, batch_id,
    chain, chain_seq, prev_hash, hash, part_month)
  select item.id, item.department_id, item.key_id, item.operator::jsonb, item.matter_type, item.matter_reference,
         item.matter_title, item.subject_asked::jsonb, item.subject_resolved::jsonb, item.hits::jsonb, item.measures::jsonb,
         item.reasons::jsonb, item.verdict, item.data_version, item.as_of::timestamptz, item.checked_at::timestamptz,
         item.idempotency_key, item.request_hash, item.batch_id, link.chain, link.seq, prev.hash, link.hash, link.month
    from item join link on link.ord = item.ord join link prev on prev.ord = item.ord - 1
  returning id, chain, chain_seq, prev_hash, hash, part_month
), idem as (
  insert into check_idempotency (department_id, idempotency_key, check_id, part_month)
  select item.department_id, item.idempotency_key, item.id, link.month
    from item join link on link.ord = item.ord where item.idempotency_key is not null
), moved as (
  update check_chain c set seq = last.seq, hash = last.hash, month = last.month
    from (select chain, seq, hash, month from link order by ord desc limit 1) last
   where c.chain = last.chain and exists (select 1 from ins)
)
select id, chain, chain_seq::text as chain_seq, prev_hash, hash, part_month::text as part_month from ins`;

type Out = { id: string; chain: number; chain_seq: string; prev_hash: string; hash: string; part_month: string };

const exec = (db: Db, params: RawParam[]) => runRaw<Out>(db, GROUP_SQL, params);

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Appends `given` receipts to one chain head in one statement, in order. Resolves with the stored rows in the same
 * order, or with none when every head was taken (the caller tries again or waits).
 */
export async function appendReceiptGroup(db: Db, given: Body[]): Promise<ReceiptRow[] | null> {
  const bodies = given.map((b) => storable(b));
  const cols: RawParam[][] = Array.from({ length: 22 }, () => []);
  for (const b of bodies) {
    // the canonical JSON of each column is made once: the jsonb parameters are the very texts the hash covers
    const { prefix, suffix, texts: t } = splitCanonical(b);
    const values = [
      b.id,
      b.departmentId,
      b.keyId,
      t.operator,
      b.matterType,
      b.matterReference,
      b.matterTitle,
      t.subjectAsked,
      t.subjectResolved,
      t.hits,
      t.measures,
      t.reasons,
      b.verdict,
      b.dataVersion,
      iso(b.asOf),
      iso(b.checkedAt),
      b.idempotencyKey,
      b.requestHash,
      b.batchId,
      prefix,
      suffix,
      receiptMonth(b.checkedAt),
    ];
    values.forEach((v, i) => cols[i]!.push(v ?? null));
  }
  const rows = await withReceiptMonths(db, bodies, () => exec(db, cols));
  if (rows.length === 0) return null;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return bodies.map((b) => stored(b, byId.get(b.id)!));
}

/** The group-commit queue of one database handle. */
class Committer {
  private pending: Pending[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly opts: GroupOptions,
  ) {}

  append(body: Body): Promise<ReceiptRow> {
    return new Promise<ReceiptRow>((resolve, reject) => {
      this.pending.push({ body, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.inFlight >= this.opts.maxInFlight || this.pending.length === 0 || this.timer) return;
    if (this.opts.windowMs > 0 && this.pending.length < this.opts.maxBatch) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.send();
      }, this.opts.windowMs);
    } else {
      // the next turn of the event loop: requests parsed in this turn join the group
      this.timer = setImmediate(() => {
        this.timer = undefined;
        this.send();
      }) as unknown as NodeJS.Timeout;
    }
  }

  private send() {
    while (this.inFlight < this.opts.maxInFlight && this.pending.length > 0) {
      const group = this.pending.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async flush(group: Pending[]) {
    const landed = await landGroup(
      this.db,
      group.map((p) => p.body),
    );
    landed.forEach((r, i) => ('row' in r ? group[i]!.resolve(r.row) : group[i]!.reject(r.error)));
  }
}

/**
 * Lands `bodies` as one group statement; when every head is taken it tries again, and when the statement fails it
 * falls back to one appendReceipt() each, so only the receipt at fault fails.
 */
async function landGroup(db: Db, bodies: Body[]): Promise<Array<{ row: ReceiptRow } | { error: unknown }>> {
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows = await appendReceiptGroup(db, bodies);
      if (rows) return rows.map((row) => ({ row }));
    }
  } catch {
    // below: one at a time
  }
  const out: Array<{ row: ReceiptRow } | { error: unknown }> = [];
  for (const body of bodies) {
    try {
      out.push({ row: await appendReceipt(db, body) });
    } catch (error) {
      out.push({ error });
    }
  }
  return out;
}

/**
 * A batch's receipts: split into at most `opts.maxInFlight` groups, one statement per chain head, run at once.
 * Results in the order given.
 */
export async function landBatch(
  db: Db,
  bodies: Body[],
  opts: GroupOptions = DEFAULT_GROUP,
): Promise<Array<{ row: ReceiptRow } | { error: unknown }>> {
  if (bodies.length === 0) return [];
  const size = Math.ceil(bodies.length / Math.min(opts.maxInFlight, bodies.length));
  const groups = Array.from({ length: Math.ceil(bodies.length / size) }, (_, k) =>
    bodies.slice(k * size, (k + 1) * size),
  );
  return (await Promise.all(groups.map((g) => landGroup(db, g)))).flat();
}

const committers = new WeakMap<object, Committer>();

/** Appends a receipt through the group commit of `db`; resolves once it is durable. */
export function commitReceipt(db: Db, body: Body, opts: GroupOptions = DEFAULT_GROUP): Promise<ReceiptRow> {
  let c = committers.get(db);
  if (!c) committers.set(db, (c = new Committer(db, opts)));
  return c.append(body);
}
