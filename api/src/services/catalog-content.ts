// What a catalogue item is, apart from its row: the content that is hashed (ids and bookkeeping can never leak into
// a hash) and the column values it is written as. Shared by the two writers of the catalogue, the seed sync
// (catalog-seed.ts) and the admin edits (catalog-edits.ts).
import { createHash } from 'node:crypto';
import type { Catalog, CatalogList, CatalogMeasure, CatalogMemorandum, NoDutyRow } from '../catalog/types.js';
import { canonicalJson } from '../domain/canonical.js';
import type { SeedRef } from '../routes/catalog/schemas.js';

// An item as either writer holds it: a seed item (catalog/types.ts) or a stored one (catalog-snapshot.ts, typed by the
// route schemas), whose source is optional and whose `lines` the schema types as an array.

export type MeasureShape = Omit<CatalogMeasure, 'source'> & { source?: SeedRef | undefined };
export type NoDutyShape = Omit<NoDutyRow, 'source'> & { source?: SeedRef | undefined };
export type MemorandumShape = Omit<CatalogMemorandum, 'source' | 'measures' | 'noDuty'> & {
  source?: SeedRef | undefined;
  measures: readonly MeasureShape[];
  noDuty?: readonly NoDutyShape[] | undefined;
};
export type ListShape = Omit<CatalogList, 'source'> & { source?: SeedRef | undefined };

// ---------------------------------------------------------------------------------------------------------------
// Content hashing

/** JSON with sorted keys and without null/undefined members, so equal content hashes equally on both engines. */
const stable = (value: unknown) => canonicalJson(value, { omitNull: true });

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// The content of each item, field by field, so ids and bookkeeping can never leak into a hash.
export function measureContent(m: MeasureShape) {
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
export function memorandumContent(m: MemorandumShape) {
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

export function listContent(l: ListShape) {
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

export const itemHash = (content: unknown) => sha256(stable(content));

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
// Column values: the same content, an absent optional field written as null

type OrNull<T> = { [K in keyof T]-?: undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K] };

function orNull<T extends object>(o: T): OrNull<T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v ?? null])) as OrNull<T>;
}

export function memoValues(m: MemorandumShape) {
  // Its 无相关职能 rows are rows of their own (noDutyValues).
  const { noDuty: _rows, ...own } = memorandumContent(m);
  return orNull(own);
}

export const measureValues = (m: MeasureShape) => orNull(measureContent(m));

export function noDutyValues(memorandumId: string, r: NoDutyShape) {
  return {
    memorandumId,
    category: r.category,
    region: r.region,
    reason: r.reason,
    statedBy: r.statedBy,
    source: r.source ?? null,
  };
}

export const listValues = (l: ListShape) => orNull(listContent(l));
