// 在办事项监测 (watches): a department registers the subjects it has already approved, e.g. bidders under contract.
// When one of them is newly listed, the department receives a watch.hit event with the record and the measures its
// category must apply for the matter type it recorded. A matcher follows the public feed with its own cursor, so
// publishing, the lifecycle and bulk imports need not know that watches exist.
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import {
  departments,
  entryVersions,
  events,
  feedCursors,
  subjectNames,
  subjects,
  watchHits,
  watches,
} from '../db/schema.js';
import type { Category, MatterType } from '../domain/codes.js';
import { measuresFor, regionCovers } from '../domain/measures.js';
import { normalizeName } from '../domain/names.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { type CatalogSnapshot, currentCatalog } from './catalog-snapshot.js';
import { measureView } from './checks.js';
import { type FeedEvent, feedHead, feedPageIn } from './changes.js';
import type { AuthContext } from './keys.js';
import { type Page, readPage } from './paging.js';
import { parseIdentifiers } from './subjects.js';
import type { CreateWatchBody, Watch } from '../routes/watches/schemas.js';

// What is watched and answered is the schemas' (routes/watches/schemas.ts).
export type WatchInput = CreateWatchBody;
export type WatchView = Watch;

const toView = (w: typeof watches.$inferSelect): WatchView => ({
  watchId: w.id,
  departmentId: w.departmentId,
  subject: { uscc: w.uscc, idMasked: w.idMasked, name: w.name },
  matter: { type: w.matterType, reference: w.matterReference },
  createdAt: w.createdAt.toISOString(),
});

const isAdmin = (caller: AuthContext) => caller.scopes.includes('admin');

export async function createWatch(db: Db, caller: AuthContext, input: WatchInput, secret: string): Promise<WatchView> {
  const ids = parseIdentifiers(input.subject, secret, '/subject');
  const name = input.subject.name?.trim() || null;
  const normalized = name ? normalizeName(name) || null : null;
  if (!ids.uscc && !ids.idHash && !normalized) {
    throw ApiError.invalid('/subject', 'needs uscc, idNumber or name');
  }
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(watches)
      .values({
        departmentId: caller.department.departmentId,
        uscc: ids.uscc ?? null,
        idHash: ids.idHash ?? null,
        idMasked: ids.idMasked ?? null,
        name,
        normalizedName: normalized,
        matterType: input.matter.type,
        matterReference: input.matter.reference,
        createdBy: caller.keyId,
      })
      .returning();
    await audit(tx, actor, 'watch.create', { type: 'watch', id: row!.id }, { matter: input.matter });
    return toView(row!);
  });
}

/** A department sees its own watches; an admin sees every department's. */
/** Newest first, a page at a time (services/paging.ts); `offset` is the deprecated way, still honoured (after the cursor). */
export async function listWatches(
  db: Db,
  caller: AuthContext,
  q: { limit: number; offset: number; after?: string | undefined },
): Promise<Page<WatchView>> {
  const page = await readPage(
    { at: watches.createdAt, id: watches.id },
    q,
    (after, orderBy, limit) =>
      db
        .select()
        .from(watches)
        .where(
          and(
            isNull(watches.deletedAt),
            isAdmin(caller) ? undefined : eq(watches.departmentId, caller.department.departmentId),
            after,
          ),
        )
        .orderBy(...orderBy)
        .limit(limit)
        .offset(q.offset),
    (r) => ({ at: r.createdAt, id: r.id }),
  );
  return { items: page.items.map(toView), nextCursor: page.nextCursor };
}

export async function deleteWatch(db: Db, caller: AuthContext, watchId: string): Promise<void> {
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  await db.transaction(async (tx) => {
    const rows = await tx
      .update(watches)
      .set({ deletedAt: new Date() })
      .where(
        and(
          eq(watches.id, watchId),
          isNull(watches.deletedAt),
          isAdmin(caller) ? undefined : eq(watches.departmentId, caller.department.departmentId),
        ),
      )
      .returning({ id: watches.id });
    // Another department's watch answers as missing: its existence is not the caller's business.
    if (rows.length === 0) throw new ApiError('NOT_FOUND', `no watch ${watchId}`);
    await audit(tx, actor, 'watch.delete', { type: 'watch', id: watchId });
  });
}

/** Changes after which a record may newly put a watched subject on a list. */
const LISTING_EVENTS = ['entry.created', 'entry.updated', 'entry.reinstated'];
const MATCHER = 'watch-matcher';

/**
 * Reads the next events after the matcher's cursor and writes a watch.hit for each (watch, record version) that
 * matches, then advances the cursor, all in one transaction holding the cursor row: a crash rolls everything back,
 * another instance skips the locked row, and the primary key of watch_hit makes a hit exactly once. Returns the
 * number of hits written.
 */
export async function matchWatchesOnce(db: Db, limit = 200): Promise<number> {
  const catalog = await currentCatalog(db);
  return db.transaction(
    async (tx) => {
      const [cursor] = await tx
        .select()
        .from(feedCursors)
        .where(eq(feedCursors.name, MATCHER))
        .for('update', { skipLocked: true });
      if (!cursor) {
        // First run: start at the head; records listed before any watch existed are what a check is for.
        const head = await feedHead(tx);
        await tx
          .insert(feedCursors)
          .values({ name: MATCHER, cursorXid: head.xid, cursorId: head.id })
          .onConflictDoNothing();
        return 0;
      }
      const page = await feedPageIn(tx, {
        after: { xid: cursor.cursorXid, id: cursor.cursorId },
        limit,
        departmentId: null,
        filter: { types: LISTING_EVENTS },
      });
      let hits = 0;
      // Most deployments have few watches and many events: one cheap look saves three queries per event.
      const [any] = page.events.length
        ? await tx.select({ id: watches.id }).from(watches).where(isNull(watches.deletedAt)).limit(1)
        : [];
      if (any) for (const ev of page.events) hits += await writeWatchHits(tx, catalog, ev);
      await tx
        .update(feedCursors)
        .set({ cursorXid: page.next.xid, cursorId: page.next.id, updatedAt: new Date() })
        .where(eq(feedCursors.name, MATCHER));
      return hits;
    },
    { isolationLevel: 'repeatable read' },
  );
}

/**
 * For one listing event: a watch.hit event for each live watch on the record's subject (by identifier, or by exact
 * name for a watch given only a name) whose department the record's region binds, at most once per (watch, record
 * version). Answers how many it wrote.
 */
async function writeWatchHits(tx: Tx, catalog: CatalogSnapshot, ev: FeedEvent): Promise<number> {
  const { entryId, version } = ev.data as { entryId?: string; version?: number };
  if (!entryId || typeof version !== 'number') return 0;
  const [row] = await tx
    .select({ v: entryVersions, subject: subjects })
    .from(entryVersions)
    .innerJoin(subjects, eq(subjects.id, entryVersions.subjectId))
    .where(and(eq(entryVersions.entryId, entryId), eq(entryVersions.version, version)));
  if (!row || row.v.status !== 'active') return 0;
  const list = catalog.listByCode.get(row.v.listCode);
  if (!list || list.polarity !== 'punitive') return 0;

  const names = await tx
    .select({ n: subjectNames.normalized })
    .from(subjectNames)
    .where(eq(subjectNames.subjectId, row.subject.id));
  const byId = [
    row.subject.uscc ? eq(watches.uscc, row.subject.uscc) : undefined,
    row.subject.idHash ? eq(watches.idHash, row.subject.idHash) : undefined,
  ].filter((c) => c !== undefined);
  // A watch given only a name matches on the exact normalised name; one with an identifier matches only on it.
  const byName = names.length
    ? and(
        isNull(watches.uscc),
        isNull(watches.idHash),
        inArray(
          watches.normalizedName,
          names.map((n) => n.n),
        ),
      )
    : undefined;
  const conds = [...byId, byName].filter((c) => c !== undefined);
  if (conds.length === 0) return 0;
  const found = await tx
    .select({ w: watches, category: departments.category, region: departments.region })
    .from(watches)
    .innerJoin(departments, eq(departments.id, watches.departmentId))
    .where(and(isNull(watches.deletedAt), or(...conds)));

  let hits = 0;
  for (const { w, category, region } of found) {
    // A record published for one region binds departments there only.
    if (!regionCovers(row.v.scopeRegion, region)) continue;
    const [claimed] = await tx
      .insert(watchHits)
      .values({ watchId: w.id, entryId, version, eventId: 0 })
      .onConflictDoNothing()
      .returning({ watchId: watchHits.watchId });
    if (!claimed) continue;
    const r = measuresFor(
      {
        category: category as Category,
        matterType: w.matterType as MatterType,
        region,
        memoranda: list.memoranda,
        list: list.code,
      },
      catalog.memoranda,
    );
    const data = {
      watchId: w.id,
      matter: { type: w.matterType, reference: w.matterReference },
      trigger: { eventId: ev.eventId, type: ev.type },
      entry: {
        entryId,
        version,
        list: { code: list.code, name: list.name, polarity: list.polarity },
        status: row.v.status,
        subject: {
          subjectId: row.subject.id,
          kind: row.subject.kind,
          name: row.subject.name,
          uscc: row.subject.uscc,
          idMasked: row.subject.idMasked,
        },
        decisionDocNo: row.v.decisionDocNo,
        reason: row.v.reason,
        decidedAt: row.v.decidedAt.toISOString(),
        validFrom: row.v.validFrom.toISOString(),
        validUntil: row.v.validUntil?.toISOString() ?? null,
        scopeRegion: row.v.scopeRegion,
      },
      measures: r.measures.map((m) => measureView(m, [entryId])),
      noDuty: r.noDuty,
      uncovered: r.uncovered,
      catalogVersion: catalog.version,
    };
    const [event] = await tx
      .insert(events)
      .values({
        type: 'watch.hit',
        departmentId: w.departmentId,
        listCode: list.code,
        region: row.v.scopeRegion,
        entryId,
        data,
      })
      .returning({ id: events.id });
    await tx
      .update(watchHits)
      .set({ eventId: event!.id })
      .where(and(eq(watchHits.watchId, w.id), eq(watchHits.entryId, entryId), eq(watchHits.version, version)));
    hits++;
  }
  return hits;
}
