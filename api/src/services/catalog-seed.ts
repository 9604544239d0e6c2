// The seed sync: on start, the release's seed catalogue (api/src/catalog) is written into the catalogue tables.
//
// Seed sync vs admin amendments. Seed items are keyed by 文号 (memoranda, with their 无相关职能 rows), by (文号,
// ordinal) (measures) and by list code (lists).
// - The sync runs only when the hash of the whole seed differs from the seed hash of the last sync, so a restart is a
//   single indexed read and never touches admin work.
// - When a release brings a different seed, each seed item is compared with the row it keys to. A missing row is
//   inserted. A row no admin has touched, whose seed content changed, is updated to the new seed. A row an admin has
//   created or amended (amended_at set) is the admin's from then on: the seed's change to it is not applied, but it is
//   named in the version note and in the sync result (and printed at start), so an operator can reconcile by hand.
// - Nothing is ever deleted: a seed item that a later release drops stays, because receipts and feedback may refer to
//   it. The sync result names it as orphaned.
import { desc, eq, isNotNull, sql } from 'drizzle-orm';
import { catalog as seedCatalog } from '../catalog/index.js';
import type { Catalog, CatalogList, CatalogMeasure, CatalogMemorandum } from '../catalog/types.js';
import { measureKey } from '../catalog/validate.js';
import type { Db, Tx } from '../db/index.js';
import { CATALOG_LOCK } from '../db/locks.js';
import { catalogVersions, lists, measures, memoranda, noDuty } from '../db/schema.js';
import { SYSTEM_ACTOR, audit } from './audit.js';
import {
  catalogueHash,
  itemHash,
  listContent,
  listValues,
  measureContent,
  measureValues,
  memoValues,
  memorandumContent,
  noDutyValues,
  seedHashOf,
} from './catalog-content.js';
import {
  type CatalogSnapshot,
  catalogVersion,
  loadCatalog,
  makeSnapshot,
  rememberCatalog,
} from './catalog-snapshot.js';

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
    result.version = await catalogVersion(tx);
    if ((await lastSeedHash(tx)) === seedHash) return undefined;
    await writeSeed(tx, seed, result);
    return commitVersion(tx, seedHash, result);
  });
  if (snapshot) rememberCatalog(db, snapshot);
  return result;
}

async function lastSeedHash(tx: Tx): Promise<string | undefined> {
  const [last] = await tx
    .select({ seedHash: catalogVersions.seedHash })
    .from(catalogVersions)
    .where(isNotNull(catalogVersions.seedHash))
    .orderBy(desc(catalogVersions.version))
    .limit(1);
  return last?.seedHash ?? undefined;
}

/** Memoranda first (measures need their ids), then measures, then lists; the result names every item touched. */
async function writeSeed(tx: Tx, seed: Catalog, result: SeedSyncResult): Promise<void> {
  const now = new Date();
  const memoRows = await memorandumRows(tx);
  const memoIds = new Map([...memoRows].map(([docNo, r]) => [docNo, r.id]));
  const seedMemos = seed.memoranda.map((m, position): Seeded<CatalogMemorandum> => ({
    key: m.docNo,
    name: `memorandum ${m.docNo}`,
    item: m,
    position,
    hash: itemHash(memorandumContent(m)),
  }));
  const droppedMemos = await syncItems(tx, seedMemos, memoRows, memorandumWriter(memoIds), result, now);
  result.orphaned.push(...droppedMemos.map(([docNo]) => `memorandum ${docNo}`));

  const measureRowsByKey = await measureRows(tx);
  const seedMeasures = seed.memoranda.flatMap((m) => {
    const memorandumId = memoIds.get(m.docNo)!;
    return m.measures.map((x, position): Seeded<SeedMeasure> => ({
      key: `${memorandumId}\u0000${x.ordinal}`,
      name: `measure ${measureKey(m.docNo, x.ordinal)}`,
      item: { memorandumId, measure: x },
      position,
      hash: itemHash(measureContent(x)),
    }));
  });
  const droppedMeasures = await syncItems(tx, seedMeasures, measureRowsByKey, measureWriter, result, now);
  // A measure of a memorandum the seed dropped is named by that memorandum alone.
  const seedDocNos = new Set(seed.memoranda.map((m) => m.docNo));
  const docNoOf = new Map([...memoRows].map(([docNo, r]) => [r.id, docNo]));
  for (const [, r] of droppedMeasures) {
    const docNo = docNoOf.get(r.memorandumId);
    if (docNo !== undefined && seedDocNos.has(docNo)) result.orphaned.push(`measure ${measureKey(docNo, r.ordinal)}`);
  }

  const seedLists = seed.lists.map((l, position): Seeded<CatalogList> => ({
    key: l.code,
    name: `list ${l.code}`,
    item: l,
    position,
    hash: itemHash(listContent(l)),
  }));
  const droppedLists = await syncItems(tx, seedLists, await listRows(tx), listWriter, result, now);
  result.orphaned.push(...droppedLists.map(([code]) => `list ${code}`));
}

/** The new version after a sync that wrote something, with its note and audit row. */
async function commitVersion(tx: Tx, seedHash: string, result: SeedSyncResult): Promise<CatalogSnapshot> {
  const loaded = await loadCatalog(tx);
  const version = result.version + 1;
  const contentHash = catalogueHash(loaded.memoranda, loaded.lists);
  await tx.insert(catalogVersions).values({ version, contentHash, seedHash, note: syncNote(result), changedBy: null });
  await audit(
    tx,
    SYSTEM_ACTOR,
    'catalog.seed_sync',
    { type: 'catalog_version', id: String(version) },
    {
      seedHash,
      inserted: result.inserted.length,
      updated: result.updated.length,
      kept: result.kept,
      orphaned: result.orphaned,
    },
  );
  result.changed = true;
  result.version = version;
  return makeSnapshot({ ...loaded, version, contentHash });
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
// One kind of item: decide → insert, update or keep

/** A row as the sync compares it: its seed hash, whether an admin owns it, its place in the order. */
type SyncRow = { id: string; seedHash: string | null; amendedAt: Date | null; position: number };
type Decision = 'insert' | 'update' | 'keep' | 'same';

function decide(row: SyncRow | undefined, hash: string): Decision {
  if (!row) return 'insert';
  if (row.seedHash === hash) return 'same';
  return row.amendedAt ? 'keep' : 'update';
}

/** One seed item: the key of the row it belongs in, its name in the sync result, its place in the seed's order. */
interface Seeded<I> {
  key: string;
  name: string;
  item: I;
  position: number;
  hash: string;
}

/** How the rows of one kind of item are written. */
interface SeedWriter<I> {
  insert(tx: Tx, fresh: readonly Seeded<I>[]): Promise<void>;
  /** the seed's new content over a row no admin has touched */
  update(tx: Tx, id: string, s: Seeded<I>, now: Date): Promise<void>;
  /** the seed's order and hash only: the content stays (unchanged, or the admin's) */
  reposition(tx: Tx, id: string, s: Seeded<I>): Promise<void>;
}

// One statement per few hundred rows keeps a first start fast, well under PostgreSQL's 65535 parameters.
const INSERT_CHUNK = 500;

/**
 * Brings the rows of one kind in line with the seed and names each item touched in `result`. Answers the rows an
 * earlier seed carried that this one does not (they are left in place).
 */
async function syncItems<I, R extends SyncRow>(
  tx: Tx,
  seeded: readonly Seeded<I>[],
  rows: ReadonlyMap<string, R>,
  writer: SeedWriter<I>,
  result: SeedSyncResult,
  now: Date,
): Promise<Array<[string, R]>> {
  const fresh: Seeded<I>[] = [];
  for (const s of seeded) {
    const row = rows.get(s.key);
    const d = decide(row, s.hash);
    if (d === 'insert') {
      result.inserted.push(s.name);
      fresh.push(s);
    } else if (d === 'update') {
      result.updated.push(s.name);
      await writer.update(tx, row!.id, s, now);
    } else {
      if (d === 'keep') result.kept.push(s.name);
      // The seed's order is kept even for admin-owned items; only their content is theirs.
      if (d === 'keep' || row!.position !== s.position) await writer.reposition(tx, row!.id, s);
    }
  }
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) await writer.insert(tx, fresh.slice(i, i + INSERT_CHUNK));
  const keys = new Set(seeded.map((s) => s.key));
  return [...rows].filter(([key, r]) => r.seedHash !== null && !keys.has(key));
}

// ---------------------------------------------------------------------------------------------------------------
// The three kinds: their rows, keyed as the seed keys them, and how they are written

async function memorandumRows(tx: Tx) {
  const found = await tx
    .select({
      id: memoranda.id,
      docNo: memoranda.docNo,
      seedHash: memoranda.seedHash,
      amendedAt: memoranda.amendedAt,
      position: memoranda.position,
    })
    .from(memoranda);
  return new Map(found.map((r) => [r.docNo, r]));
}

/** Writes memoranda with their 无相关职能 rows, and records the id of each one inserted in `ids` (by 文号). */
function memorandumWriter(ids: Map<string, string>): SeedWriter<CatalogMemorandum> {
  return {
    async insert(tx, fresh) {
      const inserted = await tx
        .insert(memoranda)
        .values(fresh.map((s) => ({ ...memoValues(s.item), position: s.position, seedHash: s.hash })))
        .returning({ id: memoranda.id, docNo: memoranda.docNo });
      for (const r of inserted) ids.set(r.docNo, r.id);
      const rows = fresh.flatMap((s) => (s.item.noDuty ?? []).map((r) => noDutyValues(ids.get(s.item.docNo)!, r)));
      if (rows.length > 0) await tx.insert(noDuty).values(rows);
    },
    async update(tx, id, s, now) {
      await tx
        .update(memoranda)
        .set({ ...memoValues(s.item), position: s.position, seedHash: s.hash, updatedAt: now })
        .where(eq(memoranda.id, id));
      await tx.delete(noDuty).where(eq(noDuty.memorandumId, id));
      if (s.item.noDuty?.length) await tx.insert(noDuty).values(s.item.noDuty.map((r) => noDutyValues(id, r)));
    },
    async reposition(tx, id, s) {
      await tx.update(memoranda).set({ position: s.position, seedHash: s.hash }).where(eq(memoranda.id, id));
    },
  };
}

type SeedMeasure = { memorandumId: string; measure: CatalogMeasure };

/** Measures keyed by (memorandum id, ordinal). */
async function measureRows(tx: Tx) {
  const found = await tx
    .select({
      id: measures.id,
      memorandumId: measures.memorandumId,
      ordinal: measures.ordinal,
      seedHash: measures.seedHash,
      amendedAt: measures.amendedAt,
      position: measures.position,
    })
    .from(measures);
  return new Map(found.map((r) => [`${r.memorandumId}\u0000${r.ordinal}`, r]));
}

const measureWriter: SeedWriter<SeedMeasure> = {
  async insert(tx, fresh) {
    await tx.insert(measures).values(
      fresh.map((s) => ({
        ...measureValues(s.item.measure),
        memorandumId: s.item.memorandumId,
        position: s.position,
        seedHash: s.hash,
      })),
    );
  },
  async update(tx, id, s, now) {
    await tx
      .update(measures)
      .set({ ...measureValues(s.item.measure), position: s.position, seedHash: s.hash, updatedAt: now })
      .where(eq(measures.id, id));
  },
  async reposition(tx, id, s) {
    await tx.update(measures).set({ position: s.position, seedHash: s.hash }).where(eq(measures.id, id));
  },
};

/** Lists, keyed and identified by their code. */
async function listRows(tx: Tx) {
  const found = await tx
    .select({ id: lists.code, seedHash: lists.seedHash, amendedAt: lists.amendedAt, position: lists.position })
    .from(lists);
  return new Map(found.map((r) => [r.id, r]));
}

const listWriter: SeedWriter<CatalogList> = {
  async insert(tx, fresh) {
    await tx
      .insert(lists)
      .values(fresh.map((s) => ({ ...listValues(s.item), position: s.position, seedHash: s.hash })));
  },
  async update(tx, code, s, now) {
    await tx
      .update(lists)
      .set({ ...listValues(s.item), position: s.position, seedHash: s.hash, updatedAt: now })
      .where(eq(lists.code, code));
  },
  async reposition(tx, code, s) {
    await tx.update(lists).set({ position: s.position, seedHash: s.hash }).where(eq(lists.code, code));
  },
};
