// Webhook subscriptions. A department manages its own; an admin manages all. The signing secret is shown once, at
// creation or rotation; it is stored in the clear because the server must sign with it. A target that is not a
// public address is refused unless the operator's allowlist opens it (services/delivery.ts checks again at delivery).
import { randomBytes } from 'node:crypto';
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { deadLetters, deliveryAttempts, subscriptions } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { currentCatalog } from './catalog-snapshot.js';
import { feedHead } from './changes.js';
import { type WebhookPolicy, checkWebhookTarget, shownError } from './delivery.js';
import type { AuthContext } from './keys.js';
import { type Page, readPage } from './paging.js';
import type {
  CreatedSubscription,
  CreateSubscriptionBody,
  Deliveries,
  Replayed,
  RotatedSecret,
  Subscription,
} from '../routes/subscriptions/schemas.js';

// What is subscribed and answered is the schemas' (routes/subscriptions/schemas.ts).
export type SubscriptionInput = CreateSubscriptionBody;
export type SubscriptionView = Subscription;

type Row = typeof subscriptions.$inferSelect;

const toView = (s: Row, dead: number): SubscriptionView => ({
  subscriptionId: s.id,
  departmentId: s.departmentId,
  url: s.url,
  events: s.events,
  filters: s.filters ?? {},
  createdAt: s.createdAt.toISOString(),
  delivery: {
    delivered: s.deliveredCount,
    lastDeliveredAt: s.lastDeliveredAt?.toISOString() ?? null,
    failures: s.failures,
    failingSince: s.failingSince?.toISOString() ?? null,
    nextAttemptAt: s.nextAttemptAt.toISOString(),
    deadLetters: dead,
  },
});

const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const isAdmin = (caller: AuthContext) => caller.scopes.includes('admin');
const actorOf = (caller: AuthContext): Actor => ({ keyId: caller.keyId, departmentId: caller.department.departmentId });

export async function createSubscription(
  db: Db,
  caller: AuthContext,
  input: SubscriptionInput,
  policy: WebhookPolicy,
): Promise<CreatedSubscription> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw ApiError.invalid('/url', 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw ApiError.invalid('/url', 'must be http:// or https://');
  if (url.username || url.password)
    throw ApiError.invalid('/url', 'must not carry credentials; verify the signature instead');
  const target = await checkWebhookTarget(policy, url);
  if (!target.ok) {
    const what = `the host is or resolves to an address webhooks may not reach (${target.category.replace('_', '-')})`;
    throw new ApiError('FORBIDDEN_WEBHOOK_TARGET', `${what}; an operator can open it with YINGCHA_WEBHOOK_ALLOW`, {
      errors: [{ path: '/url', message: what }],
    });
  }
  const catalog = await currentCatalog(db);
  const lists = input.filters?.lists ? [...new Set(input.filters.lists)] : undefined;
  lists?.forEach((code, i) => {
    if (!catalog.listByCode.has(code))
      throw ApiError.invalid(`/filters/lists/${i}`, `is not a list code in the catalogue: ${code}`);
  });
  const regions = input.filters?.regions ? [...new Set(input.filters.regions)] : undefined;
  const filters = { ...(lists ? { lists } : {}), ...(regions ? { regions } : {}) };
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    // A new subscription receives what commits from now on; the feed (GET /v1/changes) has the past.
    const head = await feedHead(tx);
    const [row] = await tx
      .insert(subscriptions)
      .values({
        departmentId: caller.department.departmentId,
        url: url.toString(),
        events: [...new Set(input.events)],
        filters,
        secret,
        createdBy: caller.keyId,
        cursorXid: head.xid,
        cursorId: head.id,
      })
      .returning();
    await audit(
      tx,
      actorOf(caller),
      'subscription.create',
      { type: 'subscription', id: row!.id },
      { url: row!.url, events: row!.events },
    );
    return { ...toView(row!, 0), secret };
  });
}

/** The subscription if the caller may manage it; NOT_FOUND otherwise, so other departments' ids are not confirmed. */
async function owned(db: Db, caller: AuthContext, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.id, id), isNull(subscriptions.deletedAt)));
  if (!row || (!isAdmin(caller) && row.departmentId !== caller.department.departmentId))
    throw new ApiError('NOT_FOUND', `no subscription ${id}`);
  return row;
}

async function deadCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: deadLetters.subscriptionId, n: count() })
    .from(deadLetters)
    .where(and(sql`${deadLetters.subscriptionId} = any(${sql.param(ids)}::uuid[])`, eq(deadLetters.status, 'dead')))
    .groupBy(deadLetters.subscriptionId);
  return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** Oldest first, a page at a time (services/paging.ts). */
export async function listSubscriptions(
  db: Db,
  caller: AuthContext,
  q: { limit: number; after?: string | undefined },
): Promise<Page<SubscriptionView>> {
  const page = await readPage(
    { at: subscriptions.createdAt, id: subscriptions.id, order: 'asc' },
    q,
    (after, orderBy, limit) =>
      db
        .select()
        .from(subscriptions)
        .where(
          and(
            isNull(subscriptions.deletedAt),
            isAdmin(caller) ? undefined : eq(subscriptions.departmentId, caller.department.departmentId),
            after,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit),
    (r) => ({ at: r.createdAt, id: r.id }),
  );
  const dead = await deadCounts(
    db,
    page.items.map((r) => r.id),
  );
  return { items: page.items.map((r) => toView(r, dead.get(r.id) ?? 0)), nextCursor: page.nextCursor };
}

export async function getSubscription(db: Db, caller: AuthContext, id: string): Promise<SubscriptionView> {
  const row = await owned(db, caller, id);
  return toView(row, (await deadCounts(db, [id])).get(id) ?? 0);
}

/** Soft delete: attempts and dead letters stay readable for the audit trail; delivery stops at once. */
export async function deleteSubscription(db: Db, caller: AuthContext, id: string): Promise<void> {
  await owned(db, caller, id);
  await db.transaction(async (tx) => {
    await tx.update(subscriptions).set({ deletedAt: new Date() }).where(eq(subscriptions.id, id));
    await audit(tx, actorOf(caller), 'subscription.delete', { type: 'subscription', id });
  });
}

/**
 * Two lists in one answer, each paged by its own cursor (services/paging.ts): the attempts newest first (`after` →
 * `nextCursor`, and the Link header), the dead letters by event id (`deadLettersAfter` → `deadLettersNextCursor`; by
 * id, not by dead_at, which moves when a replayed event dies again). Each array shows the page at its own cursor, the
 * first one without, so a client that knows neither cursor reads what it always read.
 */
export async function listDeliveries(
  db: Db,
  caller: AuthContext,
  id: string,
  q: { limit: number; after?: string | undefined; deadLettersAfter?: string | undefined },
): Promise<Deliveries> {
  await owned(db, caller, id);
  const [attempts, dead] = await Promise.all([
    readPage(
      { at: deliveryAttempts.attemptedAt, id: deliveryAttempts.id },
      q,
      (after, orderBy, limit) =>
        db
          .select()
          .from(deliveryAttempts)
          .where(and(eq(deliveryAttempts.subscriptionId, id), after))
          .orderBy(...orderBy)
          .limit(limit),
      (a) => ({ at: a.attemptedAt, id: a.id }),
    ),
    readPage(
      { at: null, id: deadLetters.eventId, order: 'asc', path: '/deadLettersAfter' },
      { limit: q.limit, after: q.deadLettersAfter },
      (after, orderBy, limit) =>
        db
          .select()
          .from(deadLetters)
          .where(and(eq(deadLetters.subscriptionId, id), after))
          .orderBy(...orderBy)
          .limit(limit),
      (d) => ({ at: new Date(0), id: d.eventId }),
    ),
  ]);
  return {
    nextCursor: attempts.nextCursor,
    deadLettersNextCursor: dead.nextCursor,
    attempts: attempts.items.map((a) => ({
      eventId: String(a.eventId),
      attempt: a.attempt,
      attemptedAt: a.attemptedAt.toISOString(),
      outcome: a.outcome,
      httpStatus: a.httpStatus,
      error: shownError(a.error),
      durationMs: a.durationMs,
      replay: a.replay,
      worker: a.worker,
    })),
    deadLetters: dead.items.map((d) => ({
      eventId: String(d.eventId),
      status: d.status,
      failures: d.failures,
      lastError: shownError(d.lastError),
      deadAt: d.deadAt.toISOString(),
      replayRequestedAt: d.replayRequestedAt?.toISOString() ?? null,
      replayedAt: d.replayedAt?.toISOString() ?? null,
    })),
  };
}

/** Queues a dead-lettered event again; the worker sends it ahead of the subscription's cursor. */
export async function replayDeadLetter(db: Db, caller: AuthContext, id: string, eventId: string): Promise<Replayed> {
  await owned(db, caller, id);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(deadLetters)
      .set({ status: 'replay_queued', replayRequestedAt: new Date(), replayedAt: null })
      .where(and(eq(deadLetters.subscriptionId, id), eq(deadLetters.eventId, Number(eventId))))
      .returning();
    if (!row) throw new ApiError('NOT_FOUND', `event ${eventId} is not a dead letter of subscription ${id}`);
    // Due now, even if the subscription is backing off from another failure.
    await tx.update(subscriptions).set({ nextAttemptAt: new Date() }).where(eq(subscriptions.id, id));
    await audit(tx, actorOf(caller), 'subscription.replay', { type: 'subscription', id }, { eventId });
    return { eventId, status: row.status };
  });
}

/** How long the previous secret keeps signing after a rotation, unless the caller says otherwise. */
export const SECRET_OVERLAP_DEFAULT_S = 24 * 3600;
export const SECRET_OVERLAP_MAX_S = 30 * 86_400;

/**
 * A new signing secret. Until `overlapSeconds` from now deliveries carry two signatures (`v1=` for the new secret, then
 * `v1=` for the previous one), so receivers can switch at their own pace; afterwards only the new one. Rotating again
 * during an overlap retires the older secret at once: only the one being replaced keeps signing.
 */
export async function rotateSecret(
  db: Db,
  caller: AuthContext,
  id: string,
  overlapSeconds: number,
): Promise<RotatedSecret> {
  await owned(db, caller, id);
  const secret = newWebhookSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(subscriptions)
      .set({
        previousSecret: overlapSeconds > 0 ? sql`${subscriptions.secret}` : null,
        previousSecretUntil: overlapSeconds > 0 ? sql`now() + ${overlapSeconds} * interval '1 second'` : null,
        secret,
      })
      .where(and(eq(subscriptions.id, id), isNull(subscriptions.deletedAt)))
      .returning();
    if (!row) throw new ApiError('NOT_FOUND', `no subscription ${id}`);
    await audit(tx, actorOf(caller), 'subscription.rotate_secret', { type: 'subscription', id }, { overlapSeconds });
    return { subscriptionId: id, secret, previousSecretValidUntil: row.previousSecretUntil?.toISOString() ?? null };
  });
}
