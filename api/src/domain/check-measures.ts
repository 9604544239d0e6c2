// The measures a check reports, hit by hit and in all: which of the catalogue's measures (domain/measures.ts) each hit
// brings, which of them still stand once the verdict (domain/verdict.ts) has cancelled incentives, and the check's list
// of measures with the hits each one answers. Pure, no I/O. It runs on every check, so it copies nothing it need not:
// a hit whose measures all stand passes its array on as it was given.
import type { AppliesTo, Effect, MatchedBy, Polarity } from './codes.js';
import type { VerdictHit } from './verdict.js';

/** What a check's measures need of a measure. */
export interface MeasureOfHit {
  measureId: string;
  effect: Effect;
  appliesTo: readonly AppliesTo[];
}

/** A hit with the measures this caller must apply for it: what decideVerdict reads, and what checkMeasures assembles. */
export interface MeasuredHit<M extends MeasureOfHit> extends VerdictHit {
  entryId: string;
  /** the measures the hit brings (for a related person, those aimed at its role); none while suspended */
  measures: readonly M[];
}

const NONE: readonly never[] = Object.freeze([]);

/** Matched by the code itself: only such a hit earns an incentive; a name, or a relation to a listed subject, does not. */
const BY_CODE: ReadonlySet<MatchedBy> = new Set(['uscc', 'id_number']);

/**
 * A hit (as a check reports it) with its measures. `found` is what measuresFor answered for the hit's list (its memoranda, the caller's
 * category, the matter type and region); a suspended hit (异议, 核实期间暂不执行) brings no measure, and is not looked up.
 * A related person's record (落实到人) brings only the measures aimed at persons in its role: the legal
 * representative's, or a principal's (responsible_person), e.g. 任职限制. The subject's own record brings them all.
 * noDuty: the catalogue says the caller has no duty under the memoranda, and no measure was found.
 */
export function weighHit<M extends MeasureOfHit>(
  hit: { entryId: string; list: { code: string; polarity: Polarity }; matchedBy: MatchedBy; suspended: boolean },
  role: string | undefined,
  found: { measures: readonly M[]; noDuty: readonly unknown[] } | undefined,
): MeasuredHit<M> {
  const { entryId, matchedBy, suspended } = hit;
  const { code: listCode, polarity } = hit.list;
  if (suspended || !found)
    return { entryId, listCode, polarity, matchedBy, suspended, measures: NONE, effects: [], noDuty: false };
  const target: AppliesTo | undefined =
    role === 'legal_representative' ? 'legal_representative' : role ? 'responsible_person' : undefined;
  const measures = target ? found.measures.filter((m) => m.appliesTo.includes(target)) : found.measures;
  return {
    entryId,
    listCode,
    polarity,
    matchedBy,
    suspended,
    measures,
    effects: measures.map((m) => m.effect),
    noDuty: measures.length === 0 && found.noDuty.length > 0,
  };
}

/**
 * The measures that stand for a hit once the verdict is known. A suspended hit has none. An incentive hit keeps its
 * measures only when no punitive hit cancelled its list (003:L729, decideVerdict's cancelledIncentives) and the
 * subject was matched by its code (uscc or id_number).
 */
export function standingMeasures<M extends MeasureOfHit>(
  hit: MeasuredHit<M>,
  cancelledIncentives: ReadonlySet<string>,
): readonly M[] {
  if (hit.suspended) return NONE;
  if (hit.polarity === 'incentive' && (cancelledIncentives.has(hit.listCode) || !BY_CODE.has(hit.matchedBy)))
    return NONE;
  return hit.measures;
}

/**
 * What a check reports of measures: for each hit (in order) the measures that stand for it, and the check's measures,
 * each distinct measure once, in the order the hits first bring it, with the hits (entry ids) it answers.
 */
export function checkMeasures<M extends MeasureOfHit>(
  hits: ReadonlyArray<MeasuredHit<M>>,
  cancelledIncentives: readonly string[],
): { perHit: Array<readonly M[]>; measures: Array<{ measure: M; forEntries: string[] }> } {
  const cancelled = new Set(cancelledIncentives);
  const byId = new Map<string, { measure: M; forEntries: string[] }>();
  const perHit = hits.map((hit) => {
    const standing = standingMeasures(hit, cancelled);
    for (const measure of standing) {
      const seen = byId.get(measure.measureId);
      if (seen) seen.forEntries.push(hit.entryId);
      else byId.set(measure.measureId, { measure, forEntries: [hit.entryId] });
    }
    return standing;
  });
  return { perHit, measures: [...byId.values()] };
}
