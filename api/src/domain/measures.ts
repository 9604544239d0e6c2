// Which catalogue measures a calling department must apply for a hit: pure, no I/O.
import { EFFECTS, NATIONAL_REGION } from './codes.js';
import type { AppliesTo, Category, Effect, MatterType } from './codes.js';
import type { CatalogMeasure, NoDutyRow } from '../catalog/types.js';

export interface MeasureQuery {
  category: Category;
  matterType: MatterType;
  /** the caller's 6-digit 行政区划代码 */
  region: string;
  /** docNos the hit's list triggers */
  memoranda: string[];
  /** code of the list the hit is on; lets measures limited to some lists (CatalogMeasure.listCodes) be filtered */
  list?: string;
}

/**
 * What measuresFor needs of a measure. The seed data (CatalogMeasure) and the stored catalogue (which adds ids and
 * bookkeeping, services/catalog-snapshot.ts) both satisfy it; the result keeps whatever else the caller's measures carry.
 */
export type MeasureLike = Omit<CatalogMeasure, 'source'>;

/** What measuresFor needs of a memorandum. */
export interface MemorandumLike<M extends MeasureLike = CatalogMeasure> {
  docNo: string;
  region: string;
  adopts?: string | undefined;
  signatoryCategories: Category[];
  measures: readonly M[];
  noDuty?: ReadonlyArray<Pick<NoDutyRow, 'category' | 'region' | 'reason' | 'statedBy'>> | undefined;
}

export type MatchedMeasure<M extends MeasureLike = CatalogMeasure> = M & {
  /** the document that carries the measure: a local adoption's own 文号 when it replaced the national one */
  docNo: string;
  /** the docNo from the query that led to this measure */
  triggeredBy: string;
};

export type MeasuresForResult<M extends MeasureLike = CatalogMeasure> = {
  measures: MatchedMeasure<M>[];
  noDuty: Array<{ docNo: string; reason: string; statedBy: string }>;
  /** docNos with neither a measure nor a noDuty row for this caller */
  uncovered: string[];
};

/**
 * The part of a region code that identifies it: trailing '00' pairs stripped. 230400 → 2304, 230000 → 23, and
 * 000000 → '' (national).
 */
export function regionPrefix(region: string): string {
  let prefix = region;
  while (prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return prefix;
}

/** Whether a document scoped to `scope` covers a department in `region`: 230400 covers 230402, 000000 covers all. */
export function regionCovers(scope: string, region: string): boolean {
  if (scope === NATIONAL_REGION) return true;
  const prefix = regionPrefix(scope);
  return prefix.length > 0 && region.startsWith(prefix);
}

/**
 * Measures for one caller and matter across the memoranda a hit triggers. For each docNo, in order:
 *
 * 1. A noDuty row on that memorandum (or on a local document adopting it) for the caller's category, in a region
 *    covering the caller's, answers "no measures" with its reason (武汉 质监 on 141号: 无相关职能).
 * 2. Otherwise, local documents that cover the caller's region, bind its category and carry measures for that docNo
 *    take the place of the national memorandum: the local document is what that department actually implements. If
 *    several cover the caller, the most specific region wins (a city's over its province's). A local document binds
 *    the categories that signed it (signatoryCategories; all when none are listed), so departments outside it, such
 *    as customs in Jiamusi or every department but 质监 in Wuhan, still follow the national memorandum.
 * 3. Otherwise the memorandum itself is used.
 *
 * A measure matches when it names the caller's category (or 'all') and the matter type; a measure with parts matches
 * through its parts and reports the strongest effect among the matching ones. A docNo that yields no measure and no
 * noDuty row is reported as uncovered, so the caller can answer review rather than clear.
 */
export function measuresFor<M extends MeasureLike = CatalogMeasure>(
  q: MeasureQuery,
  catalogMemoranda: ReadonlyArray<MemorandumLike<M>>,
): MeasuresForResult<M> {
  const result: MeasuresForResult<M> = { measures: [], noDuty: [], uncovered: [] };

  for (const docNo of new Set(q.memoranda)) {
    const noDuty = noDutyFor(docNo, q, catalogMemoranda);
    if (noDuty.length > 0) {
      result.noDuty.push(...noDuty);
      continue;
    }

    const found: MatchedMeasure<M>[] = [];
    for (const { memo, measures } of carriersFor(docNo, q, catalogMemoranda)) {
      for (const measure of measures) {
        const matched = match(measure, q);
        if (matched) found.push({ ...matched, docNo: memo.docNo, triggeredBy: docNo });
      }
    }
    if (found.length > 0) result.measures.push(...found);
    else result.uncovered.push(docNo);
  }
  return result;
}

function noDutyFor(
  docNo: string,
  q: MeasureQuery,
  all: ReadonlyArray<MemorandumLike<MeasureLike>>,
): MeasuresForResult['noDuty'] {
  const seen = new Set<string>();
  const out: MeasuresForResult['noDuty'] = [];
  for (const memo of all) {
    if (memo.docNo !== docNo && memo.adopts !== docNo) continue;
    for (const row of memo.noDuty ?? []) {
      if (row.category !== q.category && row.category !== 'all') continue;
      if (!regionCovers(row.region, q.region)) continue;
      const key = `${row.reason}\u0000${row.statedBy}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ docNo, reason: row.reason, statedBy: row.statedBy });
    }
  }
  return out;
}

/** The documents whose measures answer `docNo` for this caller, each with the measures that concern `docNo`. */
function carriersFor<M extends MeasureLike>(
  docNo: string,
  q: MeasureQuery,
  all: ReadonlyArray<MemorandumLike<M>>,
): Array<{ memo: MemorandumLike<M>; measures: M[] }> {
  const local = all
    .filter((memo) => memo.region !== NATIONAL_REGION && memo.docNo !== docNo)
    .filter((memo) => regionCovers(memo.region, q.region) && binds(memo, q.category))
    .map((memo) => ({ memo, measures: memo.measures.filter((m) => (m.implements ?? memo.adopts) === docNo) }))
    .filter((c) => c.memo.adopts === docNo || c.measures.length > 0);
  if (local.length > 0) {
    const depth = Math.max(...local.map((c) => regionPrefix(c.memo.region).length));
    return local.filter((c) => regionPrefix(c.memo.region).length === depth);
  }

  // A list may also trigger a document directly by its own docNo (a local one only where it covers the caller).
  const own = all.filter((memo) => memo.docNo === docNo && regionCovers(memo.region, q.region));
  return own.map((memo) => ({
    memo,
    measures: memo.measures.filter((m) => m.implements === undefined || m.implements === docNo),
  }));
}

function binds(memo: MemorandumLike<MeasureLike>, category: Category): boolean {
  const signed = memo.signatoryCategories;
  return signed.length === 0 || signed.includes(category) || signed.includes('all');
}

function match<M extends MeasureLike>(measure: M, q: MeasureQuery): M | undefined {
  if (!measure.categories.includes(q.category) && !measure.categories.includes('all')) return undefined;
  if (measure.listCodes && q.list !== undefined && !measure.listCodes.includes(q.list)) return undefined;

  if (!measure.parts || measure.parts.length === 0) {
    return measure.matterTypes.includes(q.matterType) ? measure : undefined;
  }
  const parts = measure.parts.filter((p) => p.matterTypes.includes(q.matterType));
  if (parts.length === 0) return undefined;
  const appliesTo = new Set<AppliesTo>(parts.flatMap((p) => p.appliesTo ?? measure.appliesTo));
  return {
    ...measure,
    effect: strongest(parts.map((p) => p.effect)),
    appliesTo: [...appliesTo],
    parts,
  };
}

/** The strongest of several effects, in EFFECTS order (prohibit first). */
export function strongest(effects: Effect[]): Effect {
  let best = EFFECTS.length - 1;
  for (const e of effects) best = Math.min(best, EFFECTS.indexOf(e));
  return EFFECTS[best] as Effect;
}
