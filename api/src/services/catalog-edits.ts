// The admin edits: the changes that grow the catalogue without a release (POST/PATCH under /v1/catalog). Each one
// runs under the catalogue lock, adds a catalogue version (catalog-snapshot.ts) and marks what it touched as the
// admin's (amended_at), so later seed syncs leave it alone (catalog-seed.ts).
import { eq, sql } from 'drizzle-orm';
import { type ItemKind, type Violation, checkCatalog, measureKey } from '../catalog/validate.js';
import type { Db, Tx } from '../db/index.js';
import { CATALOG_LOCK } from '../db/locks.js';
import { catalogVersions, lists, measures, memoranda, noDuty } from '../db/schema.js';
import { DEFAULTS } from '../defaults.js';
import { NATIONAL_REGION } from '../domain/codes.js';
import { isDocNo, normalizeDocNo } from '../domain/docno.js';
import { ApiError } from '../errors.js';
import type {
  CreateListBody,
  CreateMeasureBody,
  CreateMemorandumBody,
  ListPatchBody,
  MeasurePatchBody,
  MemorandumPatchBody,
} from '../routes/catalog/schemas.js';
import { type Actor, audit } from './audit.js';
import {
  type ListShape,
  type MemorandumShape,
  catalogueHash,
  listValues,
  measureValues,
  memoValues,
  noDutyValues,
} from './catalog-content.js';
import {
  type CatalogSnapshot,
  type StoredList,
  type StoredMeasure,
  type StoredMemorandum,
  cachedCatalog,
  catalogVersion,
  findMemorandum,
  loadCatalog,
  makeSnapshot,
  rememberCatalog,
} from './catalog-snapshot.js';

/** A no-duty row as a memorandum's body gives it (CreateMemorandumBody, MemorandumPatchBody). */
type NoDutyInput = NonNullable<CreateMemorandumBody['noDuty']>[number];

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

/** A 文号 from a request in its canonical spelling, or a 400 naming the field. */
function docNoAt(raw: string, path: string): string {
  const docNo = normalizeDocNo(raw);
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
    const cached = cachedCatalog(db);
    const before =
      cached && cached.version === (await catalogVersion(tx)) ? cached : makeSnapshot(await loadCatalog(tx));
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
  rememberCatalog(db, snapshot);
  return { version: snapshot.version, item: spec.pick(snapshot) };
}

/** A memorandum by uuid or by 文号 (in any of the bracket spellings). */
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
    if (seen.has(k))
      throw ApiError.invalid(`/noDuty/${i}`, `repeats row ${seen.get(k)}: one statement per category and region`);
    seen.set(k, i);
  });
}

function normalizeMeasure<M extends Partial<CreateMeasureBody> | MeasurePatchBody>(m: M, path: string): M {
  if (typeof m.implements === 'string') return { ...m, implements: docNoAt(m.implements, `${path}/implements`) };
  return m;
}

const nextPosition = async (tx: Tx, table: typeof memoranda | typeof lists) => {
  const [row] = await tx.select({ p: sql<number>`coalesce(max(${table.position}), -1)::int` }).from(table);
  return Number(row?.p ?? -1) + 1;
};

export async function createMemorandum(
  db: Db,
  actor: Actor,
  input: CreateMemorandumBody,
): Promise<Changed<StoredMemorandum>> {
  const docNo = docNoAt(input.docNo, '/docNo');
  const adopts = input.adopts === undefined ? undefined : docNoAt(input.adopts, '/adopts');
  const measureInputs = (input.measures ?? []).map((m, i) => normalizeMeasure(m, `/measures/${i}`));
  checkNoDutyRows(input.noDuty);
  const seen = new Map<string, number>();
  measureInputs.forEach((m, i) => {
    if (seen.has(m.ordinal))
      throw ApiError.invalid(`/measures/${i}/ordinal`, `repeats measure ${seen.get(m.ordinal)}'s ordinal`);
    seen.set(m.ordinal, i);
  });

  return changeCatalog(db, actor, async (tx, before, now) => {
    if (before.memorandumByDocNo.has(docNo))
      throw new ApiError('CONFLICT', `memorandum ${docNo} is already in the catalogue`);
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
      await tx
        .insert(measures)
        .values(measureInputs.map((m, position) => ({ ...measureValues(m), memorandumId, position, ...amended })));
    }
    if (input.noDuty?.length) await tx.insert(noDuty).values(input.noDuty.map((r) => noDutyValues(memorandumId, r)));
    return {
      items: [
        { kind: 'memorandum', key: docNo, path: '' },
        ...measureInputs.map((m, i) => ({
          kind: 'measure' as const,
          key: measureKey(docNo, m.ordinal),
          path: `/measures/${i}`,
        })),
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
  patch: MemorandumPatchBody,
): Promise<Changed<StoredMemorandum>> {
  const adopts = typeof patch.adopts === 'string' ? docNoAt(patch.adopts, '/adopts') : patch.adopts;
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
      if (patch.noDuty.length > 0)
        await tx.insert(noDuty).values(patch.noDuty.map((r) => noDutyValues(memo.memorandumId, r)));
    }
    return {
      items: [{ kind: 'memorandum', key: memo.docNo, path: '' }],
      action: 'catalog.memorandum.update',
      target: { type: 'memorandum', id: memo.memorandumId },
      detail: { docNo: memo.docNo, fields: Object.keys(patch) },
      note: `memorandum ${memo.docNo} amended: ${Object.keys(patch).join(', ')}`,
      pick: (s) => s.memorandumById.get(memo.memorandumId)!,
    };
  });
}

export async function addMeasure(
  db: Db,
  actor: Actor,
  idOrDocNo: string,
  input: CreateMeasureBody,
): Promise<Changed<StoredMeasure>> {
  const m = normalizeMeasure(input, '');
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
      items: [{ kind: 'measure', key: measureKey(memo.docNo, m.ordinal), path: '' }],
      action: 'catalog.measure.create',
      target: { type: 'measure', id: row!.id },
      detail: { docNo: memo.docNo, ordinal: m.ordinal },
      note: `measure ${m.ordinal} added to ${memo.docNo}`,
      pick: (s) => s.measureById.get(row!.id)!,
    };
  });
}

export async function updateMeasure(
  db: Db,
  actor: Actor,
  measureId: string,
  patch: MeasurePatchBody,
): Promise<Changed<StoredMeasure>> {
  const p = normalizeMeasure(patch, '');
  return changeCatalog(db, actor, async (tx, before, now) => {
    const current = before.measureById.get(measureId.toLowerCase());
    if (!current) throw new ApiError('NOT_FOUND', `no measure ${measureId} in the catalogue`);
    const memo = before.memorandumById.get(current.memorandumId)!;
    if (
      p.ordinal !== undefined &&
      p.ordinal !== current.ordinal &&
      memo.measures.some((x) => x.ordinal === p.ordinal)
    ) {
      throw new ApiError('CONFLICT', `memorandum ${memo.docNo} already has a measure ${p.ordinal}`);
    }
    const set: Partial<typeof measures.$inferInsert> = { amendedAt: now, amendedBy: actor.keyId, updatedAt: now };
    for (const k of Object.keys(p) as Array<keyof MeasurePatchBody>) {
      (set as Record<string, unknown>)[k] = p[k];
    }
    await tx.update(measures).set(set).where(eq(measures.id, current.measureId));
    const ordinal = p.ordinal ?? current.ordinal;
    return {
      items: [{ kind: 'measure', key: measureKey(memo.docNo, ordinal), path: '' }],
      action: 'catalog.measure.update',
      target: { type: 'measure', id: current.measureId },
      detail: { docNo: memo.docNo, ordinal, fields: Object.keys(patch) },
      note: `measure ${memo.docNo} ${ordinal} amended: ${Object.keys(patch).join(', ')}`,
      pick: (s) => s.measureById.get(current.measureId)!,
    };
  });
}

export async function createList(db: Db, actor: Actor, input: CreateListBody): Promise<Changed<StoredList>> {
  const memos = input.memoranda.map((d, i) => docNoAt(d, `/memoranda/${i}`));
  return changeCatalog(db, actor, async (tx, before, now) => {
    if (before.listByCode.has(input.code))
      throw new ApiError('CONFLICT', `list ${input.code} is already in the catalogue`);
    const list: ListShape = {
      ...input,
      memoranda: memos,
      objectionWorkingDays: input.objectionWorkingDays ?? DEFAULTS.objectionWorkingDays,
      restartTermOnObjectionRejected: input.restartTermOnObjectionRejected ?? false,
    };
    await tx.insert(lists).values({
      ...listValues(list),
      position: await nextPosition(tx, lists),
      amendedAt: now,
      amendedBy: actor.keyId,
      updatedAt: now,
    });
    return {
      items: [{ kind: 'list', key: input.code, path: '' }],
      action: 'catalog.list.create',
      target: { type: 'list', id: input.code },
      detail: { code: input.code, memoranda: memos },
      note: `list ${input.code} added`,
      pick: (s) => s.listByCode.get(input.code)!,
    };
  });
}

export async function updateList(
  db: Db,
  actor: Actor,
  code: string,
  patch: ListPatchBody,
): Promise<Changed<StoredList>> {
  const memos = patch.memoranda?.map((d, i) => docNoAt(d, `/memoranda/${i}`));
  return changeCatalog(db, actor, async (tx, before, now) => {
    if (!before.listByCode.has(code)) throw new ApiError('NOT_FOUND', `no list ${code} in the catalogue`);
    const set: Partial<typeof lists.$inferInsert> = { amendedAt: now, amendedBy: actor.keyId, updatedAt: now };
    for (const k of Object.keys(patch) as Array<keyof ListPatchBody>) {
      (set as Record<string, unknown>)[k] = patch[k];
    }
    if (memos) set.memoranda = memos;
    await tx.update(lists).set(set).where(eq(lists.code, code));
    return {
      items: [{ kind: 'list', key: code, path: '' }],
      action: 'catalog.list.update',
      target: { type: 'list', id: code },
      detail: { code, fields: Object.keys(patch) },
      note: `list ${code} amended: ${Object.keys(patch).join(', ')}`,
      pick: (s) => s.listByCode.get(code)!,
    };
  });
}
