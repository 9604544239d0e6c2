// The background work of an instance: webhook delivery, the watch matcher and the expiry sweep. Each loops over
// passes. Delivery and matching run at once when a commit notifies (LISTEN/NOTIFY on PostgreSQL, PGlite's own
// notifications in embedded mode) and otherwise every pollMs, which bounds how late a retry after backoff (or a
// missed notification) can be. The sweep only has the clock to go by, so it runs every expirySweepMs, and so does the
// receipt-month keeper (services/partitions.ts): partitions made ahead, old months archived, every receipts.everyMs.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/index.js';
import { type DeliveryOptions, deliverOnce, webhookAgent } from './delivery.js';
import { EMPTY_ALLOWLIST } from '../domain/address.js';
import { sweepExpired } from './expiry.js';
import { forgetKeys } from './keys.js';
import { metaChanged, metaListening } from './check-read.js';
import { CACHE_CHANNEL, EVENT_CHANNEL, type Listener, listen } from './notify.js';
import { matchWatchesOnce } from './watches.js';
import { archiveOldMonths, ensureMonthsAhead } from './partitions.js';
import type { ReceiptConfig } from '../config.js';

export interface WorkerOptions extends Omit<DeliveryOptions, 'workerId' | 'stopping' | 'dispatcher'> {
  pollMs: number;
  /** how often expired records are moved to `expired` (their event); unset: no sweep in this worker set */
  expirySweepMs?: number;
  /** the receipt-month keeper; unset: none in this worker set */
  receipts?: ReceiptConfig & { everyMs: number; now?: () => Date };
  workerId?: string;
  log?: { error(obj: unknown, msg: string): void; info?(obj: unknown, msg: string): void };
}

/** One pass of the receipt-month keeper: the months ahead, then (with a retention) the months to archive. */
export async function keepReceiptMonths(
  database: Database,
  opts: ReceiptConfig & { now?: () => Date },
  log?: WorkerOptions['log'],
): Promise<number> {
  const now = opts.now?.() ?? new Date();
  const created = await ensureMonthsAhead(database.db, now, opts.aheadMonths);
  const archived = opts.keepMonths
    ? await archiveOldMonths(database.db, { now, keep: opts.keepMonths, dir: opts.archiveDir })
    : [];
  for (const a of archived)
    log?.info?.(
      { month: a.month, file: a.file, receipts: a.receipts, sha256: a.fileSha256 },
      'receipt month archived and dropped',
    );
  return created.length + archived.length;
}

export interface Workers {
  /** run a pass now (tests, or after a local write) */
  wake(): void;
  /**
   * Settles once every loop has finished its pass and waits for a wake-up or its timer: tests wait on this instead
   * of sleeping. A loop that is woken meanwhile is waited for again.
   */
  idle(): Promise<void>;
  /** finish the current passes and stop */
  stop(): Promise<void>;
}

/** A loop that runs `pass` when woken or every pollMs, never two passes at once, and again at once if it was busy. */
function loop(pollMs: number, pass: () => Promise<number>, onError: (err: unknown) => void) {
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let wakeNow: (() => void) | undefined;
  let again = false;
  // Between passes, waiting for wakeNow or the timer; idle() callers are told when a loop gets there.
  let waiting = false;
  let onIdle: Array<() => void> = [];
  const settle = () => {
    const callers = onIdle;
    onIdle = [];
    for (const resolve of callers) resolve();
  };
  const done = (async () => {
    while (running) {
      again = false;
      let didWork = 0;
      try {
        didWork = await pass();
      } catch (err) {
        onError(err);
      }
      if (!running) break;
      if (didWork > 0 || again) continue;
      await new Promise<void>((resolve) => {
        wakeNow = resolve;
        timer = setTimeout(resolve, pollMs);
        waiting = true;
        settle();
      });
      waiting = false;
      clearTimeout(timer);
      wakeNow = undefined;
    }
    settle();
  })();
  return {
    wake() {
      again = true;
      waiting = false;
      wakeNow?.();
    },
    idle(): Promise<void> {
      if (waiting || !running) return Promise.resolve();
      return new Promise<void>((resolve) => onIdle.push(resolve));
    },
    async stop() {
      running = false;
      wakeNow?.();
      await done;
    },
  };
}

export async function startWorkers(database: Database, opts: WorkerOptions): Promise<Workers> {
  const workerId = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const log = opts.log ?? { error: () => {} };
  const { db } = database;
  let stopping = false;
  // One connection pool for this worker set's webhooks, connecting only where the policy allows (delivery.ts).
  const dispatcher = await webhookAgent({ allow: opts.allow ?? EMPTY_ALLOWLIST, lookup: opts.lookup }, opts.timeoutMs);
  const delivery = loop(
    opts.pollMs,
    () => deliverOnce(db, { ...opts, dispatcher, workerId, stopping: () => stopping }),
    (err) => log.error({ err }, 'delivery pass failed'),
  );
  const matcher = loop(
    opts.pollMs,
    () => matchWatchesOnce(db),
    (err) => log.error({ err }, 'watch matcher pass failed'),
  );
  const expiry = opts.expirySweepMs
    ? loop(
        opts.expirySweepMs,
        () => sweepExpired(db),
        (err) => log.error({ err }, 'expiry sweep failed'),
      )
    : undefined;
  const { receipts } = opts;
  const months = receipts
    ? loop(
        receipts.everyMs,
        () => keepReceiptMonths(database, receipts, log),
        (err) => log.error({ err }, 'receipt months pass failed'),
      )
    : undefined;
  let listener: Listener | undefined;
  try {
    listener = await listen(
      database,
      [EVENT_CHANNEL, CACHE_CHANNEL],
      (channel) => {
        if (channel === CACHE_CHANNEL) return forgetKeys(db);
        // events were written (a catalogue change writes one too): the check's cached versions are stale
        metaChanged(db);
        delivery.wake();
        matcher.wake();
      },
      // (Re)connected: whatever was notified meanwhile is lost, so act as if everything changed.
      () => {
        forgetKeys(db);
        metaListening(db, true);
        delivery.wake();
        matcher.wake();
      },
    );
  } catch (err) {
    // Without notifications the loops still poll; staleness is then bounded by pollMs and the key cache TTL.
    log.error({ err }, 'LISTEN failed; falling back to polling');
  }
  return {
    wake() {
      delivery.wake();
      matcher.wake();
    },
    async idle() {
      await Promise.all([delivery.idle(), matcher.idle(), expiry?.idle(), months?.idle()]);
    },
    async stop() {
      stopping = true;
      await Promise.all([delivery.stop(), matcher.stop(), expiry?.stop(), months?.stop()]);
      metaListening(db, false);
      await Promise.all([listener?.close(), dispatcher.close()]);
    },
  };
}
