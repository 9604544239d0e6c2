// Webhook delivery. Each subscription's outbox is its cursor over the event feed (services/changes.ts): the matching
// events after the cursor are what remains, in commit order. A worker leases a subscription, POSTs its next event,
// and only after a 2xx advances the cursor, in a statement that also checks the lease is still its own. So:
//   - at least once: the cursor moves only after a 2xx; a worker killed mid-POST leaves the cursor where it was, and
//     its lease lapses;
//   - in order per subscription: one event at a time, and a failing event holds the later ones back (head of line);
//   - never delivered twice because two workers raced: only the lease holder POSTs, and it holds at least
//     leaseMs - timeoutMs of lease when each request is sent (the claim, and every cursor advance, set the lease to
//     leaseMs from then). A POST cannot outlive its timeout, so the lease cannot lapse while it is in flight, unless
//     the process stalls for longer than the difference (e.g. a stopped VM; config.ts insists the lease is at least
//     twice the timeout). Each event costs one POST and one transaction.
// Failures back off exponentially with full jitter; once the head event has failed for longer than the horizon it
// moves to dead_letter and the queue goes on. A replayed dead letter is sent ahead of the cursor.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { WorkerConfig } from '../config.js';
import type { Db } from '../db/index.js';
import { deadLetters, deliveryAttempts, events, subscriptions } from '../db/schema.js';
import { SIGNATURE_HEADER, signatureHeader } from '../domain/signature.js';
import { type FeedFilter, type FeedPosition, HORIZON, feedPage } from './changes.js';

export type DeliveryOptions = Omit<WorkerConfig, 'enabled' | 'pollMs'> & {
  /** names this instance in leases and attempt rows */
  workerId: string;
  /** true once the instance is shutting down: no new claim, no further POST */
  stopping?: () => boolean;
};

type Subscription = typeof subscriptions.$inferSelect;

interface Item {
  eventId: number;
  type: string;
  occurredAt: Date;
  data: unknown;
  /** set for events from the feed; absent for a replayed dead letter */
  position?: FeedPosition;
}

export interface Outcome {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** Exponential backoff with full jitter: uniform in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoffMs(failures: number, base: number, max: number, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function deliveryBody(item: { eventId: number; type: string; occurredAt: Date; data: unknown }): string {
  return JSON.stringify({ eventId: String(item.eventId), type: item.type, occurredAt: item.occurredAt.toISOString(), data: item.data });
}

export async function post(url: string, secret: string, item: Item, attempt: number, timeoutMs: number): Promise<Outcome> {
  const body = deliveryBody(item);
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'yingcha-webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(secret, body),
        'x-yingcha-event-id': String(item.eventId),
        'x-yingcha-event-type': item.type,
        'x-yingcha-attempt': String(attempt),
      },
    });
    // The body is not needed, but it must be consumed so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, httpStatus: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.code ?? e.message).slice(0, 200);
    return { ok: false, httpStatus: null, error, durationMs: Math.round(performance.now() - started) };
  }
}

const ms = (n: number) => sql`(${n}::double precision * interval '1 millisecond')`;

/** Claims due subscriptions that have something to send: leases them to this worker. */
async function claim(db: Db, o: DeliveryOptions): Promise<Subscription[]> {
  return db
    .update(subscriptions)
    .set({ leaseOwner: o.workerId, leaseUntil: sql`now() + ${ms(o.leaseMs)}` })
    .where(
      sql`${subscriptions.id} in (
        select s.id from ${subscriptions} s
        where s.deleted_at is null and s.next_attempt_at <= now() and (s.lease_until is null or s.lease_until < now())
          and (exists (select 1 from ${deadLetters} d where d.subscription_id = s.id and d.status = 'replay_queued')
            or exists (select 1 from ${events} e
                       where (e.xid, e.id) > (s.cursor_xid, s.cursor_id) and e.xid < ${HORIZON}
                         and (e.department_id is null or e.department_id = s.department_id) and e.type = any(s.events)))
        order by s.next_attempt_at limit ${o.claim}
        for update of s skip locked)`,
    )
    .returning();
}

async function release(db: Db, o: DeliveryOptions, id: string) {
  await db
    .update(subscriptions)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(subscriptions.id, id), eq(subscriptions.leaseOwner, o.workerId)));
}

async function queuedReplays(db: Db, subscriptionId: string, limit: number): Promise<Item[]> {
  return db
    .select({ eventId: events.id, type: events.type, occurredAt: events.occurredAt, data: events.data })
    .from(deadLetters)
    .innerJoin(events, eq(events.id, deadLetters.eventId))
    .where(and(eq(deadLetters.subscriptionId, subscriptionId), eq(deadLetters.status, 'replay_queued')))
    .orderBy(asc(deadLetters.eventId))
    .limit(limit);
}

export const filterOf = (s: Pick<Subscription, 'events' | 'filters'>): FeedFilter => {
  const f = (s.filters ?? {}) as { lists?: string[]; regions?: string[] };
  return { types: s.events, lists: f.lists, regions: f.regions };
};

/**
 * Delivers what one leased subscription has due, up to o.batch events, then releases it. Returns how many events
 * were delivered.
 */
async function work(db: Db, o: DeliveryOptions, sub: Subscription, now: () => number): Promise<number> {
  let delivered = 0;
  let failures = sub.failures;
  let failingSince = sub.failingSince;
  let cursor: FeedPosition = { xid: sub.cursorXid, id: sub.cursorId };
  // Replays queued before this claim go first; one queued during it waits for the next claim.
  const queue: Item[] = await queuedReplays(db, sub.id, o.batch);
  let fed = false;
  const mine = and(eq(subscriptions.id, sub.id), eq(subscriptions.leaseOwner, o.workerId), sql`${subscriptions.deletedAt} is null`);
  try {
    for (let round = 0; round < o.batch && !o.stopping?.(); round++) {
      if (queue.length === 0) {
        if (fed) return delivered;
        fed = true;
        const page = await feedPage(db, { after: cursor, limit: o.batch - round, departmentId: sub.departmentId, filter: filterOf(sub) });
        queue.push(...page.events.map((e) => ({ eventId: Number(e.eventId), type: e.type, occurredAt: new Date(e.occurredAt), data: e.data, position: e.position })));
        if (queue.length === 0) {
          // Nothing matching: skip the cursor past whatever the filters left out, so it is not scanned again.
          await db.update(subscriptions).set({ cursorXid: page.next.xid, cursorId: page.next.id }).where(mine);
          return delivered;
        }
      }
      const item = queue.shift()!;
      // The claim, or the update after the previous event, set the lease to leaseMs from then; the POST below
      // cannot take more than timeoutMs, and config.ts keeps leaseMs ≥ 2 × timeoutMs.
      const attempt = failures + 1;
      const attemptedAt = new Date(now());
      const outcome = await post(sub.url, sub.secret, item, attempt, o.timeoutMs);
      const pastHorizon = !outcome.ok && attemptedAt.getTime() - (failingSince ?? attemptedAt).getTime() >= o.horizonMs;
      const result: 'delivered' | 'failed' | 'dead' = outcome.ok ? 'delivered' : pastHorizon ? 'dead' : 'failed';
      const moved = result === 'delivered' && item.position
        ? await advanceDelivered(db, o, sub.id, item.position, { eventId: item.eventId, attempt, attemptedAt, outcome })
        : await recordAttempt(db, o, sub.id, item, { attempt, attemptedAt, outcome, result, failingSince });
      if (!moved) return delivered;
      if (result === 'delivered') delivered++;
      failures = 0;
      failingSince = null;
      if (item.position) cursor = item.position;
    }
    return delivered;
  } finally {
    await release(db, o, sub.id).catch(() => undefined);
  }
}

/**
 * Any other outcome, in one transaction: the attempt, then a backoff (failed), a dead letter (past the horizon) or a
 * replay marked done, and the cursor advanced past a dead or delivered event. Returns whether the queue moved on.
 */
async function recordAttempt(
  db: Db,
  o: DeliveryOptions,
  subscriptionId: string,
  item: Item,
  a: { attempt: number; attemptedAt: Date; outcome: Outcome; result: 'delivered' | 'failed' | 'dead'; failingSince: Date | null },
): Promise<boolean> {
  const { attempt, attemptedAt, outcome, result, failingSince } = a;
  const replay = item.position === undefined;
  const mine = and(eq(subscriptions.id, subscriptionId), eq(subscriptions.leaseOwner, o.workerId), sql`${subscriptions.deletedAt} is null`);
  return db.transaction(async (tx) => {
    await tx.insert(deliveryAttempts).values({
      subscriptionId,
      eventId: item.eventId,
      attempt,
      attemptedAt,
      outcome: result,
      httpStatus: outcome.httpStatus,
      error: outcome.error,
      durationMs: outcome.durationMs,
      worker: o.workerId,
      replay,
    });
    if (result === 'failed') {
      const wait = backoffMs(attempt, o.backoffBaseMs, o.backoffMaxMs);
      await tx
        .update(subscriptions)
        .set({ failures: attempt, failingSince: failingSince ?? attemptedAt, nextAttemptAt: sql`now() + ${ms(wait)}` })
        .where(mine);
      return false;
    }
    if (result === 'dead') {
      await tx
        .insert(deadLetters)
        .values({ subscriptionId, eventId: item.eventId, status: 'dead', failures: attempt, lastError: outcome.error })
        .onConflictDoUpdate({
          target: [deadLetters.subscriptionId, deadLetters.eventId],
          set: { status: 'dead', failures: attempt, lastError: outcome.error, deadAt: sql`now()` },
        });
    } else if (replay) {
      await tx
        .update(deadLetters)
        .set({ status: 'replayed', replayedAt: sql`now()` })
        .where(and(eq(deadLetters.subscriptionId, subscriptionId), eq(deadLetters.eventId, item.eventId)));
    }
    const advance = item.position ? { cursorXid: item.position.xid, cursorId: item.position.id } : {};
    const counted = result === 'delivered' ? { deliveredCount: sql`${subscriptions.deliveredCount} + 1`, lastDeliveredAt: sql`now()` } : {};
    // Only while the lease is still ours: if it lapsed, another worker may already have sent this event, and
    // this one must stop (the event was delivered at least once; the other worker goes on from the cursor).
    const rows = await tx
      .update(subscriptions)
      .set({ ...advance, ...counted, failures: 0, failingSince: null, leaseUntil: sql`now() + ${ms(o.leaseMs)}` })
      .where(and(mine, sql`${subscriptions.leaseUntil} > now()`))
      .returning({ id: subscriptions.id });
    return rows.length === 1;
  });
}

/**
 * The common case in one statement (one round trip instead of a four-statement transaction): record the successful
 * attempt and advance the cursor, renewing the lease, only if the lease is still ours. Atomic like the transaction it
 * replaces; returns whether the cursor moved.
 */
async function advanceDelivered(
  db: Db,
  o: DeliveryOptions,
  subscriptionId: string,
  to: FeedPosition,
  a: { eventId: number; attempt: number; attemptedAt: Date; outcome: Outcome },
): Promise<boolean> {
  const result = await db.execute(sql`
    with attempt as (
      insert into ${deliveryAttempts} (subscription_id, event_id, attempt, attempted_at, outcome, http_status, error, duration_ms, worker, replay)
      values (${subscriptionId}, ${a.eventId}, ${a.attempt}, ${a.attemptedAt.toISOString()}::timestamptz, 'delivered', ${a.outcome.httpStatus},
              null, ${a.outcome.durationMs}, ${o.workerId}, false)
    ), moved as (
      update ${subscriptions}
      set cursor_xid = ${to.xid}::xid8, cursor_id = ${to.id}, delivered_count = delivered_count + 1, last_delivered_at = now(),
          failures = 0, failing_since = null, lease_until = now() + ${ms(o.leaseMs)}
      where id = ${subscriptionId} and lease_owner = ${o.workerId} and deleted_at is null and lease_until > now()
      returning 1
    )
    select count(*)::int as n from moved`);
  // postgres.js answers with the rows, PGlite with { rows }.
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as Array<{ n: number }>;
  return rows[0]?.n === 1;
}

/** One pass: claim due subscriptions and work them in parallel. Returns the events delivered. */
export async function deliverOnce(db: Db, o: DeliveryOptions, now: () => number = Date.now): Promise<number> {
  if (o.stopping?.()) return 0;
  const claimed = await claim(db, o);
  const done = await Promise.all(claimed.map((s) => work(db, o, s, now)));
  return done.reduce((a, b) => a + b, 0);
}
