// The catalogue as the rest of the service reads it: one frozen snapshot per catalogue version, read from the
// catalogue tables, cached per database handle, and the pure queries the routes run over it. The catalogue is
// written by the seed sync (catalog-seed.ts) and the admin edits (catalog-edits.ts).
//
// Versions. Every change to the stored catalogue adds a catalog_version row: version = previous + 1, the SHA-256 of
// the stored content after the change (ids and bookkeeping left out), a note, and who made it (null = the seed sync).
// All catalogue writes take one advisory transaction lock first, so versions never race and a version number names
// exactly one state of the catalogue. That is what lets a check report "the catalogue as of version N", and what
// lets a snapshot be cached for as long as its version is the newest.
import { asc, desc, sql } from 'drizzle-orm';
import { type Db, type Tx, prepared } from '../db/index.js';
import { catalogVersions, lists, measures, memoranda, noDuty } from '../db/schema.js';
import { type AppliesTo, type Category, type MatterType, NATIONAL_REGION, type Polarity } from '../domain/codes.js';
import { normalizeDocNo } from '../domain/docno.js';
import { regionCovers } from '../domain/measures.js';
import type {
  CatalogList,
  CatalogMeasure,
  CatalogMeasurePart,
  CatalogMemorandum,
  CatalogNoDuty,
  PointsRule,
  RepairLock,
  SeedRef,
} from '../routes/catalog/schemas.js';

type Exec = Db | Tx;

// The stored items are what the catalogue routes answer (routes/catalog/schemas.ts): the seed's content plus ids and
// bookkeeping (fromSeed, amendedAt).
export type StoredMeasure = CatalogMeasure;
export type StoredNoDuty = CatalogNoDuty;
export type StoredMemorandum = CatalogMemorandum;
export type StoredList = CatalogList;

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
// Rows → items

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

const stored = (r: {
  seedHash: string | null;
  amendedAt: Date | null;
}): Pick<StoredMeasure & StoredMemorandum & StoredList, 'fromSeed' | 'amendedAt'> => ({
  fromSeed: r.seedHash !== null,
  amendedAt: r.amendedAt ? r.amendedAt.toISOString() : null,
});

function toMeasure(r: MeasureRow, docNo: string): StoredMeasure {
  return compact<StoredMeasure>({
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
  return compact<StoredNoDuty>({
    category: r.category as Category,
    region: r.region,
    reason: r.reason,
    statedBy: r.statedBy,
    source: opt(r.source as SeedRef | null),
  });
}

function toMemorandum(r: MemoRow, measureItems: StoredMeasure[], rows: StoredNoDuty[]): StoredMemorandum {
  return compact<StoredMemorandum>({
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
  return compact<StoredList>({
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

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** The stored catalogue as read, before it is frozen into a snapshot. */
export interface Loaded {
  version: number;
  contentHash: string | null;
  memoranda: StoredMemorandum[];
  lists: StoredList[];
}

/** The whole stored catalogue, in order. Callers run it inside one transaction so version and content agree. */
export async function loadCatalog(exec: Exec): Promise<Loaded> {
  const [head] = await exec
    .select({ version: catalogVersions.version, contentHash: catalogVersions.contentHash })
    .from(catalogVersions)
    .orderBy(desc(catalogVersions.version))
    .limit(1);
  const memoRows = await exec
    .select()
    .from(memoranda)
    .orderBy(asc(memoranda.position), asc(memoranda.createdAt), asc(memoranda.docNo));
  const measureRows = await exec
    .select()
    .from(measures)
    .orderBy(asc(measures.position), asc(measures.createdAt), asc(measures.ordinal));
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

/** Freezes what was read and indexes it. */
export function makeSnapshot(loaded: Loaded): CatalogSnapshot {
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

/** The snapshot cached for `db`, whatever its version; undefined before the first read. */
export function cachedCatalog(db: Db): CatalogSnapshot | undefined {
  return entryFor(db).snapshot;
}

/** Caches a snapshot a writer made in its transaction, unless a newer one is cached already. */
export function rememberCatalog(db: Db, snapshot: CatalogSnapshot): CatalogSnapshot {
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
    d
      .select({ v: sql<number | null>`max(${catalogVersions.version})` })
      .from(catalogVersions)
      .prepare('yc_catalog_version'),
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
        .then((loaded) => rememberCatalog(db, makeSnapshot(loaded)))
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
// Queries over a snapshot (pure; the routes call these)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A memorandum by uuid or by 文号 (in any of the bracket spellings). */
export function findMemorandum(snapshot: CatalogSnapshot, idOrDocNo: string): StoredMemorandum | undefined {
  if (UUID.test(idOrDocNo)) return snapshot.memorandumById.get(idOrDocNo.toLowerCase());
  return snapshot.memorandumByDocNo.get(normalizeDocNo(idOrDocNo));
}

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
