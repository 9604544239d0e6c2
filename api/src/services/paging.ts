// Keyset pagination for the lists (entries, objections, repairs, imports, deliveries, watches, departments, keys,
// subscriptions): `after=<cursor>&limit=` → `nextCursor` and a `Link: <…>; rel="next"` header, like the change feed.
// The cursor is opaque (base64url) and names the last row of a page by its sort key, (time, id), so the next page
// starts right after it whatever was written meanwhile: no row is skipped or repeated, unlike an offset. Times are
// compared at millisecond precision on both sides (what a JavaScript Date holds), so a row's key read back into the
// app is exactly the key the database compares. A list whose rows have no stable time (dead letters: their dead_at
// moves when an event dies again) pages on its id alone (`at` null; the cursor then holds time 0). The HTTP side (the
// query parameters, the answer and its Link header) is routes/paging.ts; a bad cursor is reported at `/after` of the
// lister's input, which the route puts under `/querystring`.
import { type SQL, asc, desc, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ApiError } from '../errors.js';

export interface PageKey {
  at: Date;
  id: string | number;
}

export interface Page<T> {
  items: T[];
  /** null on the last page */
  nextCursor: string | null;
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

export function encodePageCursor(k: PageKey): string {
  return Buffer.from(`p1:${k.at.getTime()}:${k.id}`).toString('base64url');
}

/** `path` points into the lister's input (`/after`); the route puts it under `/querystring` (inQuery). */
export function decodePageCursor(cursor: string, path = '/after'): PageKey {
  const text = CURSOR.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const m = /^p1:(\d{1,15}):([0-9a-f-]{36}|\d{1,18})$/.exec(text);
  if (!m) {
    throw new ApiError(
      'INVALID_CURSOR',
      'the cursor is not one this list handed out; start without `after` or pass a nextCursor',
      {
        errors: [{ path, message: 'is not a valid cursor' }],
      },
    );
  }
  return { at: new Date(Number(m[1])), id: m[2]! };
}

const ms = (at: AnyPgColumn) => sql`date_trunc('milliseconds', ${at})`;

/** The condition "after the cursor" in the list's order; undefined without a cursor. */
export function afterCursor(
  at: AnyPgColumn | null,
  id: AnyPgColumn,
  after: string | undefined,
  order: 'asc' | 'desc' = 'desc',
  path = '/after',
): SQL | undefined {
  if (after === undefined) return undefined;
  const k = decodePageCursor(after, path);
  const key = at ? sql`(${ms(at)}, ${id})` : sql`${id}`;
  const cursor = at ? sql`(${k.at.toISOString()}::timestamptz, ${String(k.id)})` : sql`${String(k.id)}`;
  return order === 'desc' ? sql`${key} < ${cursor}` : sql`${key} > ${cursor}`;
}

/** ORDER BY for the same key. */
export function pageOrder(at: AnyPgColumn | null, id: AnyPgColumn, order: 'asc' | 'desc' = 'desc'): SQL[] {
  const by = order === 'desc' ? desc : asc;
  return at ? [by(ms(at)), by(id)] : [by(id)];
}

/**
 * One page of a keyset list: `read` gets the "after the cursor" condition (undefined on the first page), the order
 * and `limit + 1` (one row more tells whether a next page exists); `key` names a row's sort key for the cursor.
 */
export async function readPage<T>(
  sort: { at: AnyPgColumn | null; id: AnyPgColumn; order?: 'asc' | 'desc'; path?: string },
  q: { after?: string | undefined; limit: number },
  read: (after: SQL | undefined, orderBy: SQL[], limit: number) => Promise<T[]>,
  key: (row: T) => PageKey,
): Promise<Page<T>> {
  const order = sort.order ?? 'desc';
  const rows = await read(
    afterCursor(sort.at, sort.id, q.after, order, sort.path),
    pageOrder(sort.at, sort.id, order),
    q.limit + 1,
  );
  return toPage(rows, q.limit, key);
}

/** From `limit + 1` rows read in page order: the page and the cursor after it (null when nothing follows). */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => PageKey): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodePageCursor(key(items.at(-1)!)) };
}

/** Every row of a paged list, page after page (the CLI prints whole lists). */
export async function* everyRow<T>(read: (after: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let after: string | undefined;
  do {
    const page = await read(after);
    yield* page.items;
    after = page.nextCursor ?? undefined;
  } while (after);
}
