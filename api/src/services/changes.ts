// The change feed: every list event in commit order, behind an opaque cursor. Webhook delivery and the watch matcher
// follow the same feed with their own cursors, so all three see exactly the same sequence.
import { type SQL, and, asc, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { events } from '../db/schema.js';
import { ApiError } from '../errors.js';
import type { ChangesPage } from '../routes/changes/schemas.js';

/** A position in the feed: the writing transaction and the event id within it. */
export interface FeedPosition {
  xid: string;
  id: number;
}

export const FEED_START: FeedPosition = { xid: '0', id: 0 };
const MAX_XID8 = 2n ** 64n - 1n;

export const EVENT_TYPES = [
  'entry.created',
  'entry.updated',
  'entry.revoked',
  'entry.expired',
  'entry.repaired',
  'entry.objection_opened',
  'entry.reinstated',
  'entry.corrected',
  'entry.transferred',
  'subject.renamed',
  'objection.opened',
  'objection.decided',
  'repair.opened',
  'repair.decided',
  'catalog.changed',
  'watch.hit',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface FeedFilter {
  /** event types; empty or undefined = all */
  types?: readonly string[] | undefined;
  /** list codes; events without a list (catalog.changed) pass */
  lists?: readonly string[] | undefined;
  /** 行政区划代码: events scoped to that region or to a region covering it; events without a region pass */
  regions?: readonly string[] | undefined;
}

export interface FeedEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  data: unknown;
  position: FeedPosition;
}

export function encodeCursor(p: FeedPosition): string {
  return Buffer.from(`${p.xid}:${p.id}`).toString('base64url');
}

export function decodeCursor(cursor: string, path = '/after'): FeedPosition {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^(\d{1,20}):(\d{1,16})$/.exec(text);
  // The regex bounds the digits; these bound the values, so a cursor never reaches SQL out of range (xid8 is
  // unsigned 64-bit: 22003 otherwise) or loses precision as a JavaScript number.
  if (!m || BigInt(m[1]!) > MAX_XID8 || Number(m[2]) > MAX_EVENT_ID) {
    throw new ApiError(
      'INVALID_CURSOR',
      'the cursor is not one this feed handed out; start without `after` or pass a nextCursor',
      {
        errors: [{ path, message: 'is not a valid cursor' }],
      },
    );
  }
  return { xid: m[1]!, id: Number(m[2]) };
}

/** A region and the regions that cover it: 230402 → 000000, 230000, 230400, 230402. */
export function coveringRegions(region: string): string[] {
  return [...new Set(['000000', `${region.slice(0, 2)}0000`, `${region.slice(0, 4)}00`, region])];
}

/**
 * The conditions shared by every reader of the feed. Only events of transactions below the horizon are shown: the
 * oldest transaction of this database still running (yingcha_feed_horizon(), migrations/0008). Ids and xids are
 * assigned before commit, so a newer-looking event may commit first, but nothing can commit below the horizon any
 * more. Hence a cursor never passes an event that later appears behind it. The price: one long-running writer holds
 * the feed back until it ends.
 */
/** Evaluated once per statement (an InitPlan), not per row. */
export const HORIZON = sql`(select yingcha_feed_horizon())`;

export function feedWhere(after: FeedPosition, audience: string | null | 'all', filter: FeedFilter): SQL {
  const conds: SQL[] = [
    sql`(${events.xid}, ${events.id}) > (${after.xid}::xid8, ${after.id}::bigint)`,
    sql`${events.xid} < ${HORIZON}`,
  ];
  if (audience !== 'all') {
    conds.push(
      audience === null
        ? sql`${events.departmentId} is null`
        : sql`(${events.departmentId} is null or ${events.departmentId} = ${audience})`,
    );
  }
  if (filter.types?.length) conds.push(inArray(events.type, [...filter.types]));
  if (filter.lists?.length)
    conds.push(sql`(${events.listCode} is null or ${inArray(events.listCode, [...filter.lists])})`);
  if (filter.regions?.length) {
    const covering = [...new Set(filter.regions.flatMap(coveringRegions))];
    conds.push(sql`(${events.region} is null or ${inArray(events.region, covering)})`);
  }
  return and(...conds)!;
}

/**
 * The next events after `after` that `departmentId` may see (the public ones plus those addressed to it), in commit
 * order.
 */
export async function readFeed(
  db: Db | Tx,
  opts: { after: FeedPosition; limit: number; departmentId: string | null | 'all'; filter?: FeedFilter },
): Promise<FeedEvent[]> {
  const rows = await db
    .select({ id: events.id, xid: events.xid, type: events.type, occurredAt: events.occurredAt, data: events.data })
    .from(events)
    .where(feedWhere(opts.after, opts.departmentId, opts.filter ?? {}))
    .orderBy(asc(events.xid), asc(events.id))
    .limit(opts.limit);
  return rows.map((r) => ({
    eventId: String(r.id),
    type: r.type,
    occurredAt: r.occurredAt.toISOString(),
    data: r.data,
    position: { xid: r.xid, id: r.id },
  }));
}

/** The feed position every event committed so far lies behind; a new subscription starts here. */
export async function feedHead(db: Db | Tx): Promise<FeedPosition> {
  const [row] = await db.select({ horizon: sql<string>`${HORIZON}::text` }).from(sql`(select 1) as one`);
  // Transactions below the horizon have all ended, so each of their events lies behind (horizon - 1, any id).
  return { xid: String(BigInt(row!.horizon) - 1n), id: MAX_EVENT_ID };
}

const MAX_EVENT_ID = Number.MAX_SAFE_INTEGER;

export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  const x = BigInt(a.xid) - BigInt(b.xid);
  return x !== 0n ? (x < 0n ? -1 : 1) : a.id - b.id;
}

export interface FeedPage {
  events: FeedEvent[];
  /** where the next read starts: past the last event, or past everything committed when the page is not full */
  next: FeedPosition;
}

/**
 * One page and the position after it. When the page is not full, every matching event committed so far has been
 * returned, so the next position may skip to the head: a filtered reader then never rescans the events it does not
 * want. Page and head must come from one snapshot, hence `tx` must be REPEATABLE READ (or use feedPage).
 */
export async function feedPageIn(
  tx: Tx,
  opts: { after: FeedPosition; limit: number; departmentId: string | null | 'all'; filter?: FeedFilter },
): Promise<FeedPage> {
  const page = await readFeed(tx, opts);
  const last = page.at(-1)?.position ?? opts.after;
  if (page.length === opts.limit) return { events: page, next: last };
  const head = await feedHead(tx);
  return { events: page, next: comparePositions(head, last) > 0 ? head : last };
}

export function feedPage(db: Db, opts: Parameters<typeof feedPageIn>[1]): Promise<FeedPage> {
  return db.transaction((tx) => feedPageIn(tx, opts), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

export async function changesPage(
  db: Db,
  departmentId: string,
  q: { after?: string | undefined; limit: number; filter: FeedFilter },
): Promise<ChangesPage> {
  const after = q.after ? decodeCursor(q.after) : FEED_START;
  const page = await feedPage(db, { after, limit: q.limit, departmentId, filter: q.filter });
  return {
    events: page.events.map((e) => ({
      eventId: e.eventId,
      type: e.type,
      occurredAt: e.occurredAt,
      data: e.data as ChangesPage['events'][number]['data'],
    })),
    nextCursor: encodeCursor(page.next),
  };
}
