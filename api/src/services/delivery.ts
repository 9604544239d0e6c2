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
// Every POST goes through webhookAgent(), which connects only to addresses domain/address.ts allows (public ones, and
// what YINGCHA_WEBHOOK_ALLOW opens), checked after resolution and before connecting; what a subscriber reads of a
// failure is a category, never the socket error (an SSRF port scan learns nothing from it).
import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Agent, Dispatcher } from 'undici';
import type { WorkerConfig } from '../config.js';
import type { Db } from '../db/index.js';
import { rows } from '../db/rows.js';
import { deadLetters, deliveryAttempts, events, subscriptions } from '../db/schema.js';
import {
  type AddressCategory,
  type Allowlist,
  EMPTY_ALLOWLIST,
  decideAddress,
  hostAllowed,
  parseIp,
} from '../domain/address.js';
import { SIGNATURE_HEADER, signature } from '../domain/signature.js';
import { type FeedFilter, type FeedPosition, HORIZON, feedPage } from './changes.js';

// undici (about 110 modules) is loaded by the first delivery, not by every process that builds the API: the routes use
// only this file's target checks.
const undici = () => import('undici');

/** A resolver with dns.lookup's `{ all: true }` shape; tests pass one that answers from a table, without a packet. */
export type Lookup = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** Where webhooks may go: the operator's allowlist, and the resolver (dns.lookup unless a test replaces it). */
export interface WebhookPolicy {
  allow: Allowlist;
  lookup?: Lookup | undefined;
}

export type DeliveryOptions = Omit<WorkerConfig, 'enabled' | 'pollMs' | 'allow'> & {
  /** names this instance in leases and attempt rows */
  workerId: string;
  /** true once the instance is shutting down: no new claim, no further POST */
  stopping?: () => boolean;
  /** YINGCHA_WEBHOOK_ALLOW; nothing beyond public addresses when absent */
  allow?: Allowlist | undefined;
  lookup?: Lookup | undefined;
  /** from webhookAgent(); startWorkers makes one per worker set. Without it each pass makes its own. */
  dispatcher?: Dispatcher | undefined;
};

/**
 * What a subscriber sees of a failed attempt: a category, never the socket error itself. Raw errors would tell an
 * outsider which internal ports are open (a reset) or closed (refused), which is what an SSRF scan wants to learn.
 */
export const FAILURE_CATEGORIES = [
  'timeout',
  'refused',
  'tls',
  'http_status',
  'forbidden_target',
  'dns',
  'connection',
  'network',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** A connection the policy refuses: thrown by the connector, before any packet leaves for that address. */
export class ForbiddenTargetError extends Error {
  readonly code = 'ERR_YINGCHA_FORBIDDEN_TARGET';
  constructor(readonly category: AddressCategory) {
    super(`webhook target is a ${category} address, which YINGCHA_WEBHOOK_ALLOW does not open`);
    this.name = 'ForbiddenTargetError';
  }
}

/** Every address `hostname` resolves to, or the first refused one. */
function resolveChecked(
  policy: WebhookPolicy,
  hostname: string,
  family: number | undefined,
  cb: (err: Error | null, addresses: LookupAddress[]) => void,
): void {
  const lookup = policy.lookup ?? dnsLookup;
  lookup(hostname, { all: true, ...(family ? { family } : {}) }, (err, addresses) => {
    if (err) return cb(err, []);
    if (addresses.length === 0)
      return cb(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    for (const a of addresses) {
      const ip = parseIp(a.address);
      const decision = ip ? decideAddress(ip, policy.allow, hostname) : ({ ok: false, category: 'reserved' } as const);
      if (!decision.ok) return cb(new ForbiddenTargetError(decision.category), []);
    }
    cb(null, addresses);
  });
}

/**
 * An undici Agent that connects only to checked addresses. A literal address in the URL is decided before connecting;
 * a name is resolved by our lookup, which refuses the connection unless EVERY address it resolves to is allowed, and
 * net.connect then uses exactly those addresses. There is no second resolution between check and connect, so a name
 * that answers a public address to the check and 127.0.0.1 to the connect (DNS rebinding) gets nowhere.
 */
export async function webhookAgent(policy: WebhookPolicy, timeoutMs: number): Promise<Agent> {
  const { Agent, buildConnector } = await undici();
  const lookup = ((hostname: string, options: { family?: number; all?: boolean }, cb: (...args: unknown[]) => void) => {
    resolveChecked(
      policy,
      hostname,
      typeof options.family === 'number' ? options.family : undefined,
      (err, addresses) => {
        if (err) return cb(err, options.all ? [] : undefined, undefined);
        if (options.all) return cb(null, addresses);
        cb(null, addresses[0]!.address, addresses[0]!.family);
      },
    );
  }) as unknown as LookupFunction;
  const base = buildConnector({ lookup, timeout: timeoutMs });
  return new Agent({
    connect: (opts, callback) => {
      const ip = parseIp(opts.hostname);
      if (ip) {
        const decision = decideAddress(ip, policy.allow, opts.hostname);
        if (!decision.ok) return callback(new ForbiddenTargetError(decision.category), null);
      }
      return base(opts, callback);
    },
  });
}

/**
 * The check at POST /v1/subscriptions, so a subscriber learns at once that a target is out of bounds. A name that does
 * not resolve (yet) is let through: the connector checks again at every delivery, which is the check that counts.
 */
export async function checkWebhookTarget(
  policy: WebhookPolicy,
  url: URL,
  timeoutMs = 3_000,
): Promise<{ ok: true } | { ok: false; category: AddressCategory }> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const ip = parseIp(host);
  if (ip) {
    const d = decideAddress(ip, policy.allow, host);
    return d.ok ? { ok: true } : { ok: false, category: d.category };
  }
  if (hostAllowed(host, policy.allow)) return { ok: true };
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: true }), timeoutMs);
    resolveChecked(policy, host, undefined, (err) => {
      clearTimeout(timer);
      resolve(err instanceof ForbiddenTargetError ? { ok: false, category: err.category } : { ok: true });
    });
  });
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** The category of a failed request, from the error's code and name (never its message). */
export function failureCategory(err: unknown): FailureCategory {
  let e = err as { name?: string; code?: string; cause?: unknown } | undefined;
  // undici wraps some errors; the innermost cause with a code decides.
  for (let depth = 0; depth < 4 && e; depth++) {
    if (e instanceof ForbiddenTargetError) return 'forbidden_target';
    const code = e.code ?? '';
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT|ETIMEDOUT/.test(code)) return 'timeout';
    if (code === 'ECONNREFUSED') return 'refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return 'dns';
    if (TLS_CODE.test(code)) return 'tls';
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
      return 'connection';
    if (!e.cause || typeof e.cause !== 'object') break;
    e = e.cause;
  }
  return 'network';
}

/** An error column written before categories (raw socket text), shown as the category it stands for. */
export function shownError(stored: string | null): FailureCategory | null {
  if (stored === null) return null;
  if ((FAILURE_CATEGORIES as readonly string[]).includes(stored)) return stored as FailureCategory;
  if (/^HTTP \d+/.test(stored)) return 'http_status';
  if (/timed out/.test(stored)) return 'timeout';
  if (stored === 'ECONNREFUSED') return 'refused';
  return 'network';
}

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
  return JSON.stringify({
    eventId: String(item.eventId),
    type: item.type,
    occurredAt: item.occurredAt.toISOString(),
    data: item.data,
  });
}

/** `t=<unix>,v1=<hex>` with one v1 per secret: during a secret rotation both the new and the previous one sign. */
export function signatureHeaderFor(secrets: readonly string[], body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return [`t=${t}`, ...secrets.map((s) => `v1=${signature(s, t, body)}`)].join(',');
}

export async function post(
  url: string,
  secrets: readonly string[],
  item: Item,
  attempt: number,
  timeoutMs: number,
  dispatcher: Dispatcher,
): Promise<Outcome> {
  const body = deliveryBody(item);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // undici's request() follows no redirect: a 3xx is an answer like any other non-2xx (a redirect to an internal
    // address would otherwise walk around the check).
    const { request } = await undici();
    const res = await request(url, {
      method: 'POST',
      body,
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'yingcha-webhooks/1',
        [SIGNATURE_HEADER]: signatureHeaderFor(secrets, body),
        'x-yingcha-event-id': String(item.eventId),
        'x-yingcha-event-type': item.type,
        'x-yingcha-attempt': String(attempt),
      },
    });
    // The body is not needed, but it must be consumed so the connection can be reused.
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    return { ok, httpStatus: res.statusCode, error: ok ? null : 'http_status', durationMs: elapsed() };
  } catch (err) {
    return { ok: false, httpStatus: null, error: failureCategory(err), durationMs: elapsed() };
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

/** The secrets that sign a delivery now: the current one, and the previous one while its rotation overlap lasts. */
export const secretsOf = (
  s: Pick<Subscription, 'secret' | 'previousSecret' | 'previousSecretUntil'>,
  at: Date,
): string[] =>
  s.previousSecret && s.previousSecretUntil && s.previousSecretUntil > at ? [s.secret, s.previousSecret] : [s.secret];

export const filterOf = (s: Pick<Subscription, 'events' | 'filters'>): FeedFilter => {
  const f = (s.filters ?? {}) as { lists?: string[]; regions?: string[] };
  return { types: s.events, lists: f.lists, regions: f.regions };
};

/**
 * Delivers what one leased subscription has due, up to o.batch events, then releases it. Returns how many events
 * were delivered.
 */
async function work(
  db: Db,
  o: DeliveryOptions,
  sub: Subscription,
  now: () => number,
  dispatcher: Dispatcher,
): Promise<number> {
  let delivered = 0;
  let failures = sub.failures;
  let failingSince = sub.failingSince;
  let cursor: FeedPosition = { xid: sub.cursorXid, id: sub.cursorId };
  // Replays queued before this claim go first; one queued during it waits for the next claim.
  const queue: Item[] = await queuedReplays(db, sub.id, o.batch);
  let fed = false;
  const mine = and(
    eq(subscriptions.id, sub.id),
    eq(subscriptions.leaseOwner, o.workerId),
    sql`${subscriptions.deletedAt} is null`,
  );
  try {
    for (let round = 0; round < o.batch && !o.stopping?.(); round++) {
      if (queue.length === 0) {
        if (fed) return delivered;
        fed = true;
        const page = await feedPage(db, {
          after: cursor,
          limit: o.batch - round,
          departmentId: sub.departmentId,
          filter: filterOf(sub),
        });
        queue.push(
          ...page.events.map((e) => ({
            eventId: Number(e.eventId),
            type: e.type,
            occurredAt: new Date(e.occurredAt),
            data: e.data,
            position: e.position,
          })),
        );
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
      const outcome = await post(sub.url, secretsOf(sub, attemptedAt), item, attempt, o.timeoutMs, dispatcher);
      const pastHorizon = !outcome.ok && attemptedAt.getTime() - (failingSince ?? attemptedAt).getTime() >= o.horizonMs;
      const result: 'delivered' | 'failed' | 'dead' = outcome.ok ? 'delivered' : pastHorizon ? 'dead' : 'failed';
      const moved =
        result === 'delivered' && item.position
          ? await advanceDelivered(db, o, sub.id, item.position, {
              eventId: item.eventId,
              attempt,
              attemptedAt,
              outcome,
            })
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
  a: {
    attempt: number;
    attemptedAt: Date;
    outcome: Outcome;
    result: 'delivered' | 'failed' | 'dead';
    failingSince: Date | null;
  },
): Promise<boolean> {
  const { attempt, attemptedAt, outcome, result, failingSince } = a;
  const replay = item.position === undefined;
  const mine = and(
    eq(subscriptions.id, subscriptionId),
    eq(subscriptions.leaseOwner, o.workerId),
    sql`${subscriptions.deletedAt} is null`,
  );
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
    const counted =
      result === 'delivered'
        ? { deliveredCount: sql`${subscriptions.deliveredCount} + 1`, lastDeliveredAt: sql`now()` }
        : {};
    // Only while the lease is still ours: if it lapsed, another worker may already have sent this event, and
    // this one must stop (the event was delivered at least once; the other worker goes on from the cursor).
    const moved = await tx
      .update(subscriptions)
      .set({ ...advance, ...counted, failures: 0, failingSince: null, leaseUntil: sql`now() + ${ms(o.leaseMs)}` })
      .where(and(mine, sql`${subscriptions.leaseUntil} > now()`))
      .returning({ id: subscriptions.id });
    return moved.length === 1;
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
  return rows<{ n: number }>(result)[0]?.n === 1;
}

/** One pass: claim due subscriptions and work them in parallel. Returns the events delivered. */
export async function deliverOnce(db: Db, o: DeliveryOptions, now: () => number = Date.now): Promise<number> {
  if (o.stopping?.()) return 0;
  const claimed = await claim(db, o);
  if (claimed.length === 0) return 0;
  const dispatcher =
    o.dispatcher ?? (await webhookAgent({ allow: o.allow ?? EMPTY_ALLOWLIST, lookup: o.lookup }, o.timeoutMs));
  try {
    const done = await Promise.all(claimed.map((s) => work(db, o, s, now, dispatcher)));
    return done.reduce((a, b) => a + b, 0);
  } finally {
    if (!o.dispatcher) await dispatcher.close();
  }
}
