// The memoranda/measure/list catalogue in the database: the seed sync on start, the cached snapshot the check reads on
// its hot path, and the admin changes that grow the catalogue without a release.
//
// Versions. Every change to the stored catalogue adds a catalog_version row: version = previous + 1, the SHA-256 of
// the stored content after the change (ids and bookkeeping left out), a note, and who made it (null = the seed sync).
// All catalogue writes take one advisory transaction lock first, so versions never race and a version number names
// exactly one state of the catalogue. That is what lets a check report "the catalogue as of version N".
//
// Seed sync vs admin amendments. The release carries the seed catalogue (api/src/catalog). Seed items are keyed by
// 文号 (memoranda, with their 无相关职能 rows), by (文号, ordinal) (measures) and by list code (lists).
// - The sync runs only when the hash of the whole seed differs from the seed hash of the last sync, so a restart is a
//   single indexed read and never touches admin work.
// - When a release brings a different seed, each seed item is compared with the row it keys to. A missing row is
//   inserted. A row no admin has touched, whose seed content changed, is updated to the new seed. A row an admin has
//   created or amended (amended_at set) is the admin's from then on: the seed's change to it is not applied, but it is
//   named in the version note and in the sync result (and printed at start), so an operator can reconcile by hand.
// - Nothing is ever deleted: a seed item that a later release drops stays, because receipts and feedback may refer to
//   it. The sync result names it as orphaned.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../domain/canonical.js';
import { prepared } from '../db/index.js';
import { asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { catalog as seedCatalog } from '../catalog/index.js';
import type {
  Catalog,
  CatalogList,
  CatalogMeasure,
  CatalogMeasurePart,
  CatalogMemorandum,
  NoDutyRow,
  PointsRule,
  RepairLock,
  SeedRef,
} from '../catalog/types.js';
import { type ItemKind, type Violation, checkCatalog, measureKey } from '../catalog/validate.js';
import type { Db, Tx } from '../db/index.js';
import { CATALOG_LOCK } from '../db/locks.js';
import { catalogVersions, lists, measures, memoranda, noDuty } from '../db/schema.js';
import { type AppliesTo, type Category, type MatterType, NATIONAL_REGION, type Polarity } from '../domain/codes.js';
import { isDocNo, normaliseDocNo } from '../domain/docno.js';
import { regionCovers } from '../domain/measures.js';
import { ApiError } from '../errors.js';
import { type Actor, SYSTEM_ACTOR, audit } from './audit.js';

type Exec = Db | Tx;

/** Bookkeeping the stored catalogue adds to every item. */
interface Stored {
  /** the release's seed catalogue has carried this item */
  fromSeed: boolean;
  /** last created or changed by an admin; such items are no longer updated by seed syncs */
  amendedAt: string | null;
}

export interface StoredMeasure extends Omit<CatalogMeasure, 'source'>, Stored {
  measureId: string;
  memorandumId: string;
  /** 文号 of the document that carries the measure */
  docNo: string;
  source?: SeedRef;
}

export interface StoredNoDuty extends Omit<NoDutyRow, 'source'> {
  source?: SeedRef;
}

export interface StoredMemorandum extends Omit<CatalogMemorandum, 'measures' | 'noDuty' | 'source'>, Stored {
  memorandumId: string;
  measures: StoredMeasure[];
  noDuty: StoredNoDuty[];
  source?: SeedRef;
}

export interface StoredList extends Omit<CatalogList, 'source'>, Stored {
  source?: SeedRef;
}

/** One version of the catalogue, read once and shared; treat it as read-only (it is frozen). */
export interface CatalogSnapshot {
  /** 0 before the first seed sync */
  version: number;
  contentHash: string | null;
  memoranda: readonly StoredMemorandum[];
  lists: readonly StoredList[];
  memorandumById: ReadonlyMap<string, StoredMemorandum>;
  memorandumByDocNo: ReadonlyMap<string, StoredMemorandum>;
  measureById: ReadonlyMap<string, StoredMeasure>;
  listByCode: ReadonlyMap<string, StoredList>;
  /**
   * The 文号 a measures query starts from when no list or memorandum narrows it: every national memorandum, plus any
   * local one that adopts nothing and carries measures of its own. Adoptions (鹤岗, 佳木斯) and responsibility lists
   * (武汉) are reached through these by measuresFor.
   */
  roots: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Content hashing

/** JSON with sorted keys and without null/undefined members, so equal content hashes equally on both engines. */
const stable = (value: unknown) => canonicalJson(value, { omitNull: true });

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type MeasureShape = Omit<CatalogMeasure, 'source'> & { source?: SeedRef | undefined };
type NoDutyShape = Omit<NoDutyRow, 'source'> & { source?: SeedRef | undefined };
type MemorandumShape = Omit<CatalogMemorandum, 'source' | 'measures' | 'noDuty'> & {
  source?: SeedRef | undefined;
  measures: readonly MeasureShape[];
  noDuty?: readonly NoDutyShape[] | undefined;
};
type ListShape = Omit<CatalogList, 'source'> & { source?: SeedRef | undefined };

// The content of each item, field by field, so ids and bookkeeping can never leak into a hash.
function measureContent(m: MeasureShape) {
  return {
    ordinal: m.ordinal,
    text: m.text,
    effect: m.effect,
    mandatory: m.mandatory,
    matterTypes: m.matterTypes,
    categories: m.categories,
    legalBasis: m.legalBasis,
    appliesTo: m.appliesTo,
    implementingUnits: m.implementingUnits,
    implements: m.implements,
    parts: m.parts,
    listCodes: m.listCodes,
    source: m.source,
  };
}

/** A memorandum's own fields and its 无相关职能 rows (one seed item); its measures are items of their own. */
function memorandumContent(m: MemorandumShape) {
  const rows = [...(m.noDuty ?? [])]
    .map((r) => ({ category: r.category, region: r.region, reason: r.reason, statedBy: r.statedBy, source: r.source }))
    .sort((a, b) => (a.category + a.region < b.category + b.region ? -1 : 1));
  return {
    docNo: m.docNo,
    title: m.title,
    polarity: m.polarity,
    initiatingCategory: m.initiatingCategory,
    signatoryCategories: m.signatoryCategories,
    region: m.region,
    effectiveFrom: m.effectiveFrom,
    effectiveTo: m.effectiveTo,
    adopts: m.adopts,
    source: m.source,
    noDuty: rows.length > 0 ? rows : undefined,
  };
}

function listContent(l: ListShape) {
  return {
    code: l.code,
    name: l.name,
    polarity: l.polarity,
    memoranda: l.memoranda,
    validityDays: l.validityDays,
    autoRemoveAfterDays: l.autoRemoveAfterDays,
    objectionWorkingDays: l.objectionWorkingDays,
    repairWorkingDays: l.repairWorkingDays,
    repairCalendarDays: l.repairCalendarDays,
    restartTermOnObjectionRejected: l.restartTermOnObjectionRejected,
    pointsRule: l.pointsRule,
    repairLock: l.repairLock,
    escalatesTo: l.escalatesTo,
    removesFromRedLists: l.removesFromRedLists,
    publisherCategories: l.publisherCategories,
    source: l.source,
  };
}

const itemHash = (content: unknown) => sha256(stable(content));

/** Hash of a whole catalogue's content, in order. The stored catalogue right after a first sync hashes as its seed. */
export function catalogueHash(memos: readonly MemorandumShape[], listItems: readonly ListShape[]): string {
  return itemHash({
    memoranda: memos.map((m) => ({ ...memorandumContent(m), measures: m.measures.map(measureContent) })),
    lists: listItems.map(listContent),
  });
}

const seedHashes = new WeakMap<Catalog, string>();
export function seedHashOf(seed: Catalog): string {
  let hash = seedHashes.get(seed);
  if (hash === undefined) {
    hash = catalogueHash(seed.memoranda, seed.lists);
    seedHashes.set(seed, hash);
  }
  return hash;
}

// ---------------------------------------------------------------------------------------------------------------
// Rows ↔ items

type MemoRow = typeof memoranda.$inferSelect;
type MeasureRow = typeof measures.$inferSelect;
type NoDutyDbRow = typeof noDuty.$inferSelect;
type ListRow = typeof lists.$inferSelect;

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** Leaves out undefined members, so items read back compare equal to the seed objects they came from. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

const stored = (r: { seedHash: string | null; amendedAt: Date | null }): Stored => ({
  fromSeed: r.seedHash !== null,
  amendedAt: r.amendedAt ? r.amendedAt.toISOString() : null,
});

function toMeasure(r: MeasureRow, docNo: string): StoredMeasure {
  return compact({
    measureId: r.id,
    memorandumId: r.memorandumId,
    docNo,
    ordinal: r.ordinal,
    text: r.text,
    effect: r.effect,
    mandatory: r.mandatory,
    matterTypes: r.matterTypes as MatterType[],
    categories: r.categories as Category[],
    legalBasis: opt(r.legalBasis),
    appliesTo: r.appliesTo as AppliesTo[],
    implementingUnits: opt(r.implementingUnits),
    implements: opt(r.implements),
    parts: opt(r.parts as CatalogMeasurePart[] | null),
    listCodes: opt(r.listCodes),
    source: opt(r.source as SeedRef | null),
    ...stored(r),
  });
}

function toNoDuty(r: NoDutyDbRow): StoredNoDuty {
  return compact({
    category: r.category as Category,
    region: r.region,
    reason: r.reason,
    statedBy: r.statedBy,
    source: opt(r.source as SeedRef | null),
  });
}

function toMemorandum(r: MemoRow, measureItems: StoredMeasure[], rows: StoredNoDuty[]): StoredMemorandum {
  return compact({
    memorandumId: r.id,
    docNo: r.docNo,
    title: r.title,
    polarity: r.polarity,
    initiatingCategory: r.initiatingCategory as Category,
    signatoryCategories: r.signatoryCategories as Category[],
    region: r.region,
    effectiveFrom: opt(r.effectiveFrom),
    effectiveTo: opt(r.effectiveTo),
    adopts: opt(r.adopts),
    source: opt(r.source as SeedRef | null),
    measures: measureItems,
    noDuty: rows,
    ...stored(r),
  });
}

function toList(r: ListRow): StoredList {
  return compact({
    code: r.code,
    name: r.name,
    polarity: r.polarity,
    memoranda: r.memoranda,
    validityDays: opt(r.validityDays),
    autoRemoveAfterDays: opt(r.autoRemoveAfterDays),
    objectionWorkingDays: r.objectionWorkingDays,
    repairWorkingDays: opt(r.repairWorkingDays),
    repairCalendarDays: opt(r.repairCalendarDays),
    restartTermOnObjectionRejected: r.restartTermOnObjectionRejected,
    pointsRule: opt(r.pointsRule as PointsRule | null),
    repairLock: opt(r.repairLock as RepairLock | null),
    escalatesTo: opt(r.escalatesTo),
    removesFromRedLists: opt(r.removesFromRedLists),
    publisherCategories: r.publisherCategories as Category[],
    source: opt(r.source as SeedRef | null),
    ...stored(r),
  });
}

function memoValues(m: MemorandumShape) {
  return {
    docNo: m.docNo,
    title: m.title,
    polarity: m.polarity,
    initiatingCategory: m.initiatingCategory,
    signatoryCategories: m.signatoryCategories,
    region: m.region,
    effectiveFrom: m.effectiveFrom ?? null,
    effectiveTo: m.effectiveTo ?? null,
    adopts: m.adopts ?? null,
    source: m.source ?? null,
  };
}

function measureValues(m: MeasureShape) {
  return {
    ordinal: m.ordinal,
    text: m.text,
    effect: m.effect,
    mandatory: m.mandatory,
    matterTypes: m.matterTypes,
    categories: m.categories,
    legalBasis: m.legalBasis ?? null,
    appliesTo: m.appliesTo,
    implementingUnits: m.implementingUnits ?? null,
    implements: m.implements ?? null,
    parts: m.parts ?? null,
    listCodes: m.listCodes ?? null,
    source: m.source ?? null,
  };
}

function noDutyValues(memorandumId: string, r: NoDutyShape) {
  return { memorandumId, category: r.category, region: r.region, reason: r.reason, statedBy: r.statedBy, source: r.source ?? null };
}

function listValues(l: ListShape) {
  return {
    code: l.code,
    name: l.name,
    polarity: l.polarity,
    memoranda: l.memoranda,
    validityDays: l.validityDays ?? null,
    autoRemoveAfterDays: l.autoRemoveAfterDays ?? null,
    objectionWorkingDays: l.objectionWorkingDays,
    repairWorkingDays: l.repairWorkingDays ?? null,
    repairCalendarDays: l.repairCalendarDays ?? null,
    restartTermOnObjectionRejected: l.restartTermOnObjectionRejected,
    pointsRule: l.pointsRule ?? null,
    repairLock: l.repairLock ?? null,
    escalatesTo: l.escalatesTo ?? null,
    removesFromRedLists: l.removesFromRedLists ?? null,
    publisherCategories: l.publisherCategories,
    source: l.source ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

interface Loaded {
  version: number;
  contentHash: string | null;
  memoranda: StoredMemorandum[];
  lists: StoredList[];
}

/** The whole stored catalogue, in order. Callers run it inside one transaction so version and content agree. */
async function loadCatalog(exec: Exec): Promise<Loaded> {
  const [head] = await exec
    .select({ version: catalogVersions.version, contentHash: catalogVersions.contentHash })
    .from(catalogVersions)
    .orderBy(desc(catalogVersions.version))
    .limit(1);
  const memoRows = await exec.select().from(memoranda).orderBy(asc(memoranda.position), asc(memoranda.createdAt), asc(memoranda.docNo));
  const measureRows = await exec.select().from(measures).orderBy(asc(measures.position), asc(measures.createdAt), asc(measures.ordinal));
  const noDutyRows = await exec.select().from(noDuty).orderBy(asc(noDuty.category), asc(noDuty.region));
  const listRows = await exec.select().from(lists).orderBy(asc(lists.position), asc(lists.createdAt), asc(lists.code));

  const docNoById = new Map(memoRows.map((r) => [r.id, r.docNo]));
  const measuresOf = new Map<string, StoredMeasure[]>();
  for (const r of measureRows) {
    const list = measuresOf.get(r.memorandumId) ?? [];
    list.push(toMeasure(r, docNoById.get(r.memorandumId)!));
    measuresOf.set(r.memorandumId, list);
  }
  const noDutyOf = new Map<string, StoredNoDuty[]>();
  for (const r of noDutyRows) {
    const list = noDutyOf.get(r.memorandumId) ?? [];
    list.push(toNoDuty(r));
    noDutyOf.set(r.memorandumId, list);
  }
  return {
    version: head?.version ?? 0,
    contentHash: head?.contentHash ?? null,
    memoranda: memoRows.map((r) => toMemorandum(r, measuresOf.get(r.id) ?? [], noDutyOf.get(r.id) ?? [])),
    lists: listRows.map(toList),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

function makeSnapshot(loaded: Loaded): CatalogSnapshot {
  const memos = loaded.memoranda;
  const roots = memos
    .filter(
      (m) =>
        m.region === NATIONAL_REGION ||
        (m.adopts === undefined && m.measures.some((x) => x.implements === undefined || x.implements === m.docNo)),
    )
    .map((m) => m.docNo);
  deepFreeze(memos);
  deepFreeze(loaded.lists);
  return Object.freeze({
    version: loaded.version,
    contentHash: loaded.contentHash,
    memoranda: memos,
    lists: loaded.lists,
    memorandumById: new Map(memos.map((m) => [m.memorandumId, m])),
    memorandumByDocNo: new Map(memos.map((m) => [m.docNo, m])),
    measureById: new Map(memos.flatMap((m) => m.measures.map((x) => [x.measureId, x] as const))),
    listByCode: new Map(loaded.lists.map((l) => [l.code, l])),
    roots: Object.freeze(roots),
  });
}

// One snapshot per database handle. A version names one state of the catalogue, so a cached snapshot stays right for
// as long as the newest version is the one it was read at; checking that is one index-only read of catalog_version's
// primary key. The inline check does not even do that: it learns the newest version with its records or from the
// cache the workers' LISTEN connection keeps (services/check-read.ts) and asks catalogAt() for it.
interface CacheEntry {
  snapshot?: CatalogSnapshot;
  loading?: Promise<CatalogSnapshot>;
}
const cache = new WeakMap<object, CacheEntry>();

function entryFor(db: Db): CacheEntry {
  let entry = cache.get(db);
  if (!entry) {
    entry = {};
    cache.set(db, entry);
  }
  return entry;
}

function remember(db: Db, snapshot: CatalogSnapshot): CatalogSnapshot {
  const entry = entryFor(db);
  if (!entry.snapshot || entry.snapshot.version <= snapshot.version) entry.snapshot = snapshot;
  return entry.snapshot;
}

/** The newest catalogue version number (0 before the first seed sync). */
export async function catalogVersion(exec: Exec): Promise<number> {
  const [row] = await exec.select({ v: sql<number | null>`max(${catalogVersions.version})` }).from(catalogVersions);
  return Number(row?.v ?? 0);
}

/**
 * The current catalogue, for the inline check and the read routes. Costs one indexed read when nothing changed since
 * the last call; otherwise the whole catalogue is re-read once (concurrent callers share that read) and cached.
 */
export async function currentCatalog(db: Db): Promise<CatalogSnapshot> {
  const [row] = await prepared(db, 'catalog_version', (d) =>
    d.select({ v: sql<number | null>`max(${catalogVersions.version})` }).from(catalogVersions).prepare('yc_catalog_version'),
  ).execute();
  return catalogAt(db, Number(row?.v ?? 0));
}

/**
 * The catalogue at `version` or newer, when the caller already knows the newest version (the inline check reads it
 * with its records, or from the cache kept by LISTEN/NOTIFY, services/check-read.ts): no query when it is cached.
 */
export async function catalogAt(db: Db, version: number): Promise<CatalogSnapshot> {
  const entry = entryFor(db);
  if (entry.snapshot && entry.snapshot.version >= version) return entry.snapshot;
  for (;;) {
    if (!entry.loading) {
      const loading = db
        .transaction((tx) => loadCatalog(tx), { isolationLevel: 'repeatable read', accessMode: 'read only' })
        .then((loaded) => remember(db, makeSnapshot(loaded)))
        .finally(() => {
          if (entry.loading === loading) entry.loading = undefined;
        });
      entry.loading = loading;
    }
    const snapshot = await entry.loading;
    if (snapshot.version >= version) return snapshot;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Seed sync

export interface SeedSyncResult {
  /** a new catalogue version was written */
  changed: boolean;
  version: number;
  /** item keys: "memorandum 文号", "measure 文号 ordinal", "list code" */
  inserted: string[];
  updated: string[];
  /** items an admin owns whose seed content changed; the seed's change was not applied */
  kept: string[];
  /** items an earlier seed carried and this one does not; left in place */
  orphaned: string[];
}

type SyncRow = { id: string; seedHash: string | null; amendedAt: Date | null; position: number };
type Decision = 'insert' | 'update' | 'keep' | 'same';

function decide(row: SyncRow | undefined, hash: string): Decision {
  if (!row) return 'insert';
  if (row.seedHash === hash) return 'same';
  return row.amendedAt ? 'keep' : 'update';
}

/**
 * Writes the release's seed catalogue into the catalogue tables (see the header of this file for how it meets admin
 * amendments). Idempotent: a second run with the same seed reads one row and writes nothing. Safe to run from several
 * instances at once: they queue on the catalogue lock and all but the first find the seed already synced.
 */
export async function syncSeedCatalog(db: Db, seed: Catalog = seedCatalog): Promise<SeedSyncResult> {
  const seedHash = seedHashOf(seed);
  const result: SeedSyncResult = { changed: false, version: 0, inserted: [], updated: [], kept: [], orphaned: [] };
  const snapshot = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_LOCK})`);
    const [last] = await tx
      .select({ seedHash: catalogVersions.seedHash })
      .from(catalogVersions)
      .where(isNotNull(catalogVersions.seedHash))
      .orderBy(desc(catalogVersions.version))
      .limit(1);
    result.version = await catalogVersion(tx);
    if (last?.seedHash === seedHash) return undefined;

    const now = new Date();
    const note = (d: Decision, key: string) => {
      if (d === 'insert') result.inserted.push(key);
      else if (d === 'update') result.updated.push(key);
      else if (d === 'keep') result.kept.push(key);
    };

    // Memoranda with their 无相关职能 rows.
    const memoRows = new Map(
      (
        await tx
          .select({ id: memoranda.id, key: memoranda.docNo, seedHash: memoranda.seedHash, amendedAt: memoranda.amendedAt, position: memoranda.position })
          .from(memoranda)
      ).map((r) => [r.key, r]),
    );
    const memoIds = new Map<string, string>();
    for (const [position, m] of seed.memoranda.entries()) {
      const hash = itemHash(memorandumContent(m));
      const row = memoRows.get(m.docNo);
      const d = decide(row, hash);
      note(d, `memorandum ${m.docNo}`);
      if (d === 'insert') {
        const [inserted] = await tx
          .insert(memoranda)
          .values({ ...memoValues(m), position, seedHash: hash })
          .returning({ id: memoranda.id });
        memoIds.set(m.docNo, inserted!.id);
        if (m.noDuty?.length) await tx.insert(noDuty).values(m.noDuty.map((r) => noDutyValues(inserted!.id, r)));
        continue;
      }
      memoIds.set(m.docNo, row!.id);
      if (d === 'update') {
        await tx.update(memoranda).set({ ...memoValues(m), position, seedHash: hash, updatedAt: now }).where(eq(memoranda.id, row!.id));
        await tx.delete(noDuty).where(eq(noDuty.memorandumId, row!.id));
        if (m.noDuty?.length) await tx.insert(noDuty).values(m.noDuty.map((r) => noDutyValues(row!.id, r)));
      } else if (d === 'keep' || row!.position !== position) {
        // The seed's order is kept even for admin-owned items; only their content is theirs.
        await tx.update(memoranda).set({ position, seedHash: hash }).where(eq(memoranda.id, row!.id));
      }
    }

    // Measures, keyed by (memorandum, ordinal).
    const measureRows = new Map(
      (
        await tx
          .select({
            id: measures.id,
            memorandumId: measures.memorandumId,
            ordinal: measures.ordinal,
            seedHash: measures.seedHash,
            amendedAt: measures.amendedAt,
            position: measures.position,
          })
          .from(measures)
      ).map((r) => [`${r.memorandumId}\u0000${r.ordinal}`, r]),
    );
    const seedMeasureKeys = new Set<string>();
    const fresh: Array<ReturnType<typeof measureValues> & { memorandumId: string; position: number; seedHash: string }> = [];
    for (const m of seed.memoranda) {
      const memorandumId = memoIds.get(m.docNo)!;
      for (const [position, x] of m.measures.entries()) {
        const hash = itemHash(measureContent(x));
        const rowKey = `${memorandumId}\u0000${x.ordinal}`;
        seedMeasureKeys.add(rowKey);
        const row = measureRows.get(rowKey);
        const d = decide(row, hash);
        note(d, `measure ${measureKey(m.docNo, x.ordinal)}`);
        if (d === 'insert') fresh.push({ ...measureValues(x), memorandumId, position, seedHash: hash });
        else if (d === 'update') {
          await tx.update(measures).set({ ...measureValues(x), position, seedHash: hash, updatedAt: now }).where(eq(measures.id, row!.id));
        } else if (d === 'keep' || row!.position !== position) {
          await tx.update(measures).set({ position, seedHash: hash }).where(eq(measures.id, row!.id));
        }
      }
    }
    // One statement per few hundred rows keeps a first start fast, well under PostgreSQL's 65535 parameters.
    for (let i = 0; i < fresh.length; i += 500) await tx.insert(measures).values(fresh.slice(i, i + 500));

    // Lists.
    const listRows = new Map(
      (
        await tx
          .select({ id: lists.code, seedHash: lists.seedHash, amendedAt: lists.amendedAt, position: lists.position })
          .from(lists)
      ).map((r) => [r.id, r]),
    );
    const freshLists: Array<ReturnType<typeof listValues> & { position: number; seedHash: string }> = [];
    for (const [position, l] of seed.lists.entries()) {
      const hash = itemHash(listContent(l));
      const row = listRows.get(l.code);
      const d = decide(row, hash);
      note(d, `list ${l.code}`);
      if (d === 'insert') freshLists.push({ ...listValues(l), position, seedHash: hash });
      else if (d === 'update') {
        await tx.update(lists).set({ ...listValues(l), position, seedHash: hash, updatedAt: now }).where(eq(lists.code, l.code));
      } else if (d === 'keep' || row!.position !== position) {
        await tx.update(lists).set({ position, seedHash: hash }).where(eq(lists.code, l.code));
      }
    }
    if (freshLists.length > 0) await tx.insert(lists).values(freshLists);

    // Items an earlier seed carried that this one does not.
    const seedDocNos = new Set(seed.memoranda.map((m) => m.docNo));
    for (const [docNo, r] of memoRows) if (r.seedHash !== null && !seedDocNos.has(docNo)) result.orphaned.push(`memorandum ${docNo}`);
    const docNoOf = new Map([...memoRows.values()].map((r) => [r.id, r.key]));
    for (const [k, r] of measureRows) {
      if (r.seedHash !== null && !seedMeasureKeys.has(k) && seedDocNos.has(docNoOf.get(r.memorandumId) ?? '')) {
        result.orphaned.push(`measure ${measureKey(docNoOf.get(r.memorandumId)!, r.ordinal)}`);
      }
    }
    const seedCodes = new Set(seed.lists.map((l) => l.code));
    for (const [code, r] of listRows) if (r.seedHash !== null && !seedCodes.has(code)) result.orphaned.push(`list ${code}`);

    const loaded = await loadCatalog(tx);
    const version = result.version + 1;
    const contentHash = catalogueHash(loaded.memoranda, loaded.lists);
    await tx.insert(catalogVersions).values({ version, contentHash, seedHash, note: syncNote(result), changedBy: null });
    await audit(tx, SYSTEM_ACTOR, 'catalog.seed_sync', { type: 'catalog_version', id: String(version) }, {
      seedHash,
      inserted: result.inserted.length,
      updated: result.updated.length,
      kept: result.kept,
      orphaned: result.orphaned,
    });
    result.changed = true;
    result.version = version;
    return makeSnapshot({ ...loaded, version, contentHash });
  });
  if (snapshot) remember(db, snapshot);
  return result;
}

function syncNote(r: SeedSyncResult): string {
  const count = (keys: string[]) => {
    const by = (kind: string) => keys.filter((k) => k.startsWith(`${kind} `)).length;
    return `${by('memorandum')} memoranda, ${by('measure')} measures, ${by('list')} lists`;
  };
  const parts = [`seed sync: inserted ${count(r.inserted)}; updated ${count(r.updated)}`];
  if (r.kept.length > 0) parts.push(`kept admin amendments, seed changes not applied: ${r.kept.join('; ')}`);
  if (r.orphaned.length > 0) parts.push(`no longer in the seed, left in place: ${r.orphaned.join('; ')}`);
  return parts.join('. ');
}

// ---------------------------------------------------------------------------------------------------------------
// Admin changes

export type MeasureInput = Omit<CatalogMeasure, 'source'>;
export type NoDutyInput = Omit<NoDutyRow, 'source'>;

export interface MemorandumInput {
  docNo: string;
  title: string;
  polarity: Polarity;
  initiatingCategory: Category;
  signatoryCategories?: Category[] | undefined;
  region?: string | undefined;
  effectiveFrom?: string | undefined;
  effectiveTo?: string | undefined;
  adopts?: string | undefined;
  measures?: MeasureInput[] | undefined;
  noDuty?: NoDutyInput[] | undefined;
}

/** A change to an item: a field left out stays as it is; null clears an optional field. */
type Patch<T, Required extends keyof T> = { [K in Exclude<keyof T, Required>]?: T[K] | null } & { [K in Required]?: T[K] };

export type MemorandumPatch = Patch<
  Omit<MemorandumInput, 'docNo' | 'measures'>,
  'title' | 'polarity' | 'initiatingCategory' | 'signatoryCategories' | 'region' | 'noDuty'
>;
export type MeasurePatch = Patch<
  MeasureInput,
  'ordinal' | 'text' | 'effect' | 'mandatory' | 'matterTypes' | 'categories' | 'appliesTo'
>;

export type ListInput = Omit<CatalogList, 'source' | 'objectionWorkingDays' | 'restartTermOnObjectionRejected'> & {
  objectionWorkingDays?: number | undefined;
  restartTermOnObjectionRejected?: boolean | undefined;
};
export type ListPatch = Patch<
  Omit<ListInput, 'code'>,
  'name' | 'polarity' | 'memoranda' | 'objectionWorkingDays' | 'restartTermOnObjectionRejected' | 'publisherCategories'
>;

export interface Changed<T> {
  version: number;
  item: T;
}

interface ChangeSpec<T> {
  /** what the request itself creates or changes, with the body path of each, so rule violations on them are 400s */
  items: Array<{ kind: ItemKind; key: string; path: string }>;
  action: string;
  target: { type: string; id: string };
  detail: Record<string, unknown>;
  note: string;
  pick: (snapshot: CatalogSnapshot) => T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A 文号 from a request in its canonical spelling, or a 400 naming the field. */
function docNoAt(raw: string, path: string): string {
  const docNo = normaliseDocNo(raw);
  if (!isDocNo(docNo)) throw ApiError.invalid(path, 'is not a 文号 like 发改财金〔2016〕2202号');
  return docNo;
}

const violationKey = (v: Violation) => `${v.kind}\u0000${v.key}\u0000${v.field}\u0000${v.message}`;

/**
 * Runs one admin change: under the catalogue lock, in one transaction with its audit row and its new version. After
 * the change the whole catalogue is checked against the rules in catalog/validate.ts; a rule this change breaks on
 * its own items is a 400 pointing into the body, one it breaks elsewhere (a list left pointing at a memorandum of the
 * other polarity) a 409. Either way nothing is written.
 */
async function changeCatalog<T>(
  db: Db,
  actor: Actor,
  apply: (tx: Tx, before: CatalogSnapshot, now: Date) => Promise<ChangeSpec<T>>,
): Promise<Changed<T>> {
  const { snapshot, spec } = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_LOCK})`);
    const cached = entryFor(db).snapshot;
    const before = cached && cached.version === (await catalogVersion(tx)) ? cached : makeSnapshot(await loadCatalog(tx));
    const spec = await apply(tx, before, new Date());
    const loaded = await loadCatalog(tx);

    const existing = new Set(checkCatalog(before.memoranda, before.lists).map(violationKey));
    const broken = checkCatalog(loaded.memoranda, loaded.lists).filter((v) => !existing.has(violationKey(v)));
    if (broken.length > 0) {
      const own = new Map(spec.items.map((i) => [`${i.kind}\u0000${i.key}`, i.path]));
      const errors = broken.flatMap((v) => {
        const path = own.get(`${v.kind}\u0000${v.key}`);
        return path === undefined ? [] : [{ path: `${path}/${v.field}`, message: v.message }];
      });
      if (errors.length > 0) throw ApiError.invalidFields(errors);
      throw new ApiError(
        'CONFLICT',
        `the change would leave the catalogue inconsistent: ${broken.map((v) => `${v.kind} ${v.key} ${v.field}: ${v.message}`).join('; ')}`,
      );
    }

    const version = before.version + 1;
    const contentHash = catalogueHash(loaded.memoranda, loaded.lists);
    await tx.insert(catalogVersions).values({ version, contentHash, note: spec.note, changedBy: actor.keyId });
    await audit(tx, actor, spec.action, spec.target, { ...spec.detail, catalogVersion: version });
    return { snapshot: makeSnapshot({ ...loaded, version, contentHash }), spec };
  });
  remember(db, snapshot);
  return { version: snapshot.version, item: spec.pick(snapshot) };
}

/** A memorandum by uuid or by 文号 (in any of the bracket spellings). */
export function findMemorandum(snapshot: CatalogSnapshot, idOrDocNo: string): StoredMemorandum | undefined {
  if (UUID.test(idOrDocNo)) return snapshot.memorandumById.get(idOrDocNo.toLowerCase());
  return snapshot.memorandumByDocNo.get(normaliseDocNo(idOrDocNo));
}

function requireMemorandum(snapshot: CatalogSnapshot, idOrDocNo: string): StoredMemorandum {
  const memo = findMemorandum(snapshot, idOrDocNo);
  if (!memo) throw new ApiError('NOT_FOUND', `no memorandum ${idOrDocNo} in the catalogue`);
  return memo;
}

/** The table's key would reject a repeated (category, region) with a bare 409; say which row repeats instead. */
function checkNoDutyRows(rows: readonly NoDutyInput[] | null | undefined): void {
  const seen = new Map<string, number>();
  (rows ?? []).forEach((r, i) => {
    const k = `${r.category}\u0000${r.region}`;
    if (seen.has(k)) throw ApiError.invalid(`/body/noDuty/${i}`, `repeats row ${seen.get(k)}: one statement per category and region`);
    seen.set(k, i);
  });
}

function normaliseMeasure<M extends Partial<MeasureInput> | MeasurePatch>(m: M, path: string): M {
  if (typeof m.implements === 'string') return { ...m, implements: docNoAt(m.implements, `${path}/implements`) };
  return m;
}

const nextPosition = async (tx: Tx, table: typeof memoranda | typeof lists) => {
  const [row] = await tx.select({ p: sql<number>`coalesce(max(${table.position}), -1)::int` }).from(table);
  return Number(row?.p ?? -1) + 1;
};

export async function createMemorandum(db: Db, actor: Actor, input: MemorandumInput): Promise<Changed<StoredMemorandum>> {
  const docNo = docNoAt(input.docNo, '/body/docNo');
  const adopts = input.adopts === undefined ? undefined : docNoAt(input.adopts, '/body/adopts');
  const measureInputs = (input.measures ?? []).map((m, i) => normaliseMeasure(m, `/body/measures/${i}`));
  checkNoDutyRows(input.noDuty);
  const seen = new Map<string, number>();
  measureInputs.forEach((m, i) => {
    if (seen.has(m.ordinal)) throw ApiError.invalid(`/body/measures/${i}/ordinal`, `repeats measure ${seen.get(m.ordinal)}'s ordinal`);
    seen.set(m.ordinal, i);
  });

  return changeCatalog(db, actor, async (tx, before, now) => {
    if (before.memorandumByDocNo.has(docNo)) throw new ApiError('CONFLICT', `memorandum ${docNo} is already in the catalogue`);
    const memo: MemorandumShape = {
      docNo,
      title: input.title,
      polarity: input.polarity,
      initiatingCategory: input.initiatingCategory,
      signatoryCategories: input.signatoryCategories ?? [],
      region: input.region ?? NATIONAL_REGION,
      effectiveFrom: input.effectiveFrom,
      effectiveTo: input.effectiveTo,
      adopts,
      measures: [],
    };
    const amended = { amendedAt: now, amendedBy: actor.keyId, updatedAt: now };
    const [row] = await tx
      .insert(memoranda)
      .values({ ...memoValues(memo), position: await nextPosition(tx, memoranda), ...amended })
      .returning({ id: memoranda.id });
    const memorandumId = row!.id;
    if (measureInputs.length > 0) {
      await tx.insert(measures).values(measureInputs.map((m, position) => ({ ...measureValues(m), memorandumId, position, ...amended })));
    }
    if (input.noDuty?.length) await tx.insert(noDuty).values(input.noDuty.map((r) => noDutyValues(memorandumId, r)));
    return {
      items: [
        { kind: 'memorandum', key: docNo, path: '/body' },
        ...measureInputs.map((m, i) => ({ kind: 'measure' as const, key: measureKey(docNo, m.ordinal), path: `/body/measures/${i}` })),
      ],
      action: 'catalog.memorandum.create',
      target: { type: 'memorandum', id: memorandumId },
      detail: { docNo, measures: measureInputs.length },
      note: `memorandum ${docNo} added with ${measureInputs.length} measures`,
      pick: (s) => s.memorandumById.get(memorandumId)!,
    };
  });
}

export async function updateMemorandum(
  db: Db,
  actor: Actor,
  idOrDocNo: string,
  patch: MemorandumPatch,
): Promise<Changed<StoredMemorandum>> {
  const adopts = typeof patch.adopts === 'string' ? docNoAt(patch.adopts, '/body/adopts') : patch.adopts;
  checkNoDutyRows(patch.noDuty);
  return changeCatalog(db, actor, async (tx, before, now) => {
    const memo = requireMemorandum(before, idOrDocNo);
    const set: Partial<typeof memoranda.$inferInsert> = { amendedAt: now, amendedBy: actor.keyId, updatedAt: now };
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.polarity !== undefined) set.polarity = patch.polarity;
    if (patch.initiatingCategory !== undefined) set.initiatingCategory = patch.initiatingCategory;
    if (patch.signatoryCategories !== undefined) set.signatoryCategories = patch.signatoryCategories;
    if (patch.region !== undefined) set.region = patch.region;
    if (patch.effectiveFrom !== undefined) set.effectiveFrom = patch.effectiveFrom;
    if (patch.effectiveTo !== undefined) set.effectiveTo = patch.effectiveTo;
    if (adopts !== undefined) set.adopts = adopts;
    await tx.update(memoranda).set(set).where(eq(memoranda.id, memo.memorandumId));
    if (patch.noDuty !== undefined) {
      await tx.delete(noDuty).where(eq(noDuty.memorandumId, memo.memorandumId));
      if (patch.noDuty.length > 0) await tx.insert(noDuty).values(patch.noDuty.map((r) => noDutyValues(memo.memorandumId, r)));
    }
    return {
      items: [{ kind: 'memorandum', key: memo.docNo, path: '/body' }],
      action: 'catalog.memorandum.update',
      target: { type: 'memorandum', id: memo.memorandumId },
      detail: { docNo: memo.docNo, fields: Object.keys(patch) },
      note: `memorandum ${memo.docNo} amended: ${Object.keys(patch).join(', ')}`,
      pick: (s) => s.memorandumById.get(memo.memorandumId)!,
    };
  });
}

export async function addMeasure(db: Db, actor: Actor, idOrDocNo: string, input: MeasureInput): Promise<Changed<StoredMeasure>> {
  const m = normaliseMeasure(input, '/body');
  return changeCatalog(db, actor, async (tx, before, now) => {
    const memo = requireMemorandum(before, idOrDocNo);
    if (memo.measures.some((x) => x.ordinal === m.ordinal)) {
      throw new ApiError('CONFLICT', `memorandum ${memo.docNo} already has a measure ${m.ordinal}`);
    }
    const [{ p } = { p: -1 }] = await tx
      .select({ p: sql<number>`coalesce(max(${measures.position}), -1)::int` })
      .from(measures)
      .where(eq(measures.memorandumId, memo.memorandumId));
    const [row] = await tx
      .insert(measures)
      .values({
        ...measureValues(m),
        memorandumId: memo.memorandumId,
        position: Number(p) + 1,
        amendedAt: now,
        amendedBy: actor.keyId,
        updatedAt: now,
      })
      .returning({ id: measures.id });
    return {
      items: [
        { kind: 'measure', key: measureKey(memo.docNo, m.ordinal), path: '/body' },
      ],
      action: 'catalog.measure.create',
      target: { type: 'measure', id: row!.id },
      detail: { docNo: memo.docNo, ordinal: m.ordinal },
      note: `measure ${m.ordinal} added to ${memo.docNo}`,
      pick: (s) => s.measureById.get(row!.id)!,
    };
  });
}

export async function updateMeasure(db: Db, actor: Actor, measureId: string, patch: MeasurePatch): Promise<Changed<StoredMeasure>> {
  const p = normaliseMeasure(patch, '/body');
  return changeCatalog(db, actor, async (tx, before, now) => {
    const current = before.measureById.get(measureId.toLowerCase());
    if (!current) throw new ApiError('NOT_FOUND', `no measure ${measureId} in the catalogue`);
    const memo = before.memorandumById.get(current.memorandumId)!;
    if (p.ordinal !== undefined && p.ordinal !== current.ordinal && memo.measures.some((x) => x.ordinal === p.ordinal)) {
      throw new ApiError('CONFLICT', `memorandum ${memo.docNo} already has a measure ${p.ordinal}`);
    }
    const set: Partial<typeof measures.$inferInsert> = { amendedAt: now, amendedBy: actor.keyId, updatedAt: now };
    for (const k of Object.keys(p) as Array<keyof MeasurePatch>) {
      (set as Record<string, unknown>)[k] = p[k];
    }
    await tx.update(measures).set(set).where(eq(measures.id, current.measureId));
    const ordinal = p.ordinal ?? current.ordinal;
    return {
      items: [{ kind: 'measure', key: measureKey(memo.docNo, ordinal), path: '/body' }],
      action: 'catalog.measure.update',
      target: { type: 'measure', id: current.measureId },
      detail: { docNo: memo.docNo, ordinal, fields: Object.keys(patch) },
      note: `measure ${memo.docNo} ${ordinal} amended: ${Object.keys(patch).join(', ')}`,
      pick: (s) => s.measureById.get(current.measureId)!,
    };
  });
}

export async function createList(db: Db, actor: Actor, input: ListInput): Promise<Changed<StoredList>> {
  const memos = input.memoranda.map((d, i) => docNoAt(d, `/body/memoranda/${i}`));
  return changeCatalog(db, actor, async (tx, before, now) => {
    if (before.listByCode.has(input.code)) throw new ApiError('CONFLICT', `list ${input.code} is already in the catalogue`);
    const list: ListShape = {
      ...input,
      memoranda: memos,
      objectionWorkingDays: input.objectionWorkingDays ?? 15,
      restartTermOnObjectionRejected: input.restartTermOnObjectionRejected ?? false,
    };
    await tx
      .insert(lists)
      .values({ ...listValues(list), position: await nextPosition(tx, lists), amendedAt: now, amendedBy: actor.keyId, updatedAt: now });
    return {
      items: [{ kind: 'list', key: input.code, path: '/body' }],
      action: 'catalog.list.create',
      target: { type: 'list', id: input.code },
      detail: { code: input.code, memoranda: memos },
      note: `list ${input.code} added`,
      pick: (s) => s.listByCode.get(input.code)!,
    };
  });
}

export async function updateList(db: Db, actor: Actor, code: string, patch: ListPatch): Promise<Changed<StoredList>> {
  const memos = patch.memoranda?.map((d, i) => docNoAt(d, `/body/memoranda/${i}`));
  return changeCatalog(db, actor, async (tx, before, now) => {
    if (!before.listByCode.has(code)) throw new ApiError('NOT_FOUND', `no list ${code} in the catalogue`);
    const set: Partial<typeof lists.$inferInsert> = { amendedAt: now, amendedBy: actor.keyId, updatedAt: now };
    for (const k of Object.keys(patch) as Array<keyof ListPatch>) {
      (set as Record<string, unknown>)[k] = patch[k];
    }
    if (memos) set.memoranda = memos;
    await tx.update(lists).set(set).where(eq(lists.code, code));
    return {
      items: [{ kind: 'list', key: code, path: '/body' }],
      action: 'catalog.list.update',
      target: { type: 'list', id: code },
      detail: { code, fields: Object.keys(patch) },
      note: `list ${code} amended: ${Object.keys(patch).join(', ')}`,
      pick: (s) => s.listByCode.get(code)!,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Queries over a snapshot (pure; the routes call these)

export interface MemorandumFilter {
  polarity?: Polarity | undefined;
  /** memoranda whose scope covers this region: national ones, and local ones for this region or a region above it */
  region?: string | undefined;
  /** memoranda under which this category initiates, signed, or implements at least one measure ('all' counts) */
  category?: Category | undefined;
}

export function filterMemoranda(snapshot: CatalogSnapshot, f: MemorandumFilter): StoredMemorandum[] {
  const has = (categories: readonly Category[], c: Category) => categories.includes(c) || categories.includes('all');
  return snapshot.memoranda.filter(
    (m) =>
      (f.polarity === undefined || m.polarity === f.polarity) &&
      (f.region === undefined || regionCovers(m.region, f.region)) &&
      (f.category === undefined ||
        m.initiatingCategory === f.category ||
        has(m.signatoryCategories, f.category) ||
        m.measures.some((x) => has(x.categories, f.category!))),
  );
}

export interface MeasureFilter {
  matterType?: MatterType | undefined;
  category?: Category | undefined;
  region?: string | undefined;
  /** measures that concern this 文号: carried by it, by a document adopting it, or implementing it */
  memorandum?: string | undefined;
  /** measures that concern the list's memoranda and are not limited to other lists */
  list?: StoredList | undefined;
}

/** Plain filtering (every condition must hold), for when a measures query is not a full (category, matter, region). */
export function filterMeasures(snapshot: CatalogSnapshot, f: MeasureFilter): StoredMeasure[] {
  const out: StoredMeasure[] = [];
  const concerns = (memo: StoredMemorandum, x: StoredMeasure, docNo: string) =>
    memo.docNo === docNo || (x.implements ?? memo.adopts) === docNo;
  for (const memo of snapshot.memoranda) {
    if (f.region !== undefined && !regionCovers(memo.region, f.region)) continue;
    for (const x of memo.measures) {
      if (f.matterType !== undefined && !x.matterTypes.includes(f.matterType)) continue;
      if (f.category !== undefined && !x.categories.includes(f.category) && !x.categories.includes('all')) continue;
      if (f.memorandum !== undefined && !concerns(memo, x, f.memorandum)) continue;
      if (f.list !== undefined) {
        if (!f.list.memoranda.some((d) => concerns(memo, x, d))) continue;
        if (x.listCodes && !x.listCodes.includes(f.list.code)) continue;
      }
      out.push(x);
    }
  }
  return out;
}

