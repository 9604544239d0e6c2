// Rules that hold across the whole catalogue, not within one item: references resolve, polarities agree, a measure's
// parts add up. The schema checks each field; these check how items fit together. Pure, no I/O, so the seed data
// (test/unit/catalog.test.ts) and every admin change (services/catalog-edits.ts) are held to the same rules.
import { NATIONAL_REGION } from '../domain/codes.js';
import { strongest } from '../domain/measures.js';
import type { CatalogList, CatalogMeasure, CatalogMemorandum, NoDutyRow } from './types.js';

type Measure = Omit<CatalogMeasure, 'source'>;
type Memorandum = Omit<CatalogMemorandum, 'source' | 'measures' | 'noDuty'> & {
  measures: readonly Measure[];
  noDuty?: ReadonlyArray<Omit<NoDutyRow, 'source'>> | undefined;
};
type List = Omit<CatalogList, 'source'>;

export type ItemKind = 'memorandum' | 'measure' | 'list';

export interface Violation {
  kind: ItemKind;
  /** docNo, `${docNo} ${ordinal}` or list code */
  key: string;
  /** the field at fault, as a JSON pointer below the item: 'adopts', 'memoranda/0' */
  field: string;
  message: string;
}

export const measureKey = (docNo: string, ordinal: string) => `${docNo} ${ordinal}`;

export function checkCatalog(memoranda: readonly Memorandum[], lists: readonly List[]): Violation[] {
  const out: Violation[] = [];
  const byDocNo = new Map(memoranda.map((m) => [m.docNo, m]));
  const listCodes = new Set(lists.map((l) => l.code));

  for (const memo of memoranda) {
    const at = (field: string, message: string) => out.push({ kind: 'memorandum', key: memo.docNo, field, message });
    if (memo.adopts !== undefined) {
      if (memo.adopts === memo.docNo) at('adopts', 'a memorandum cannot adopt itself');
      else if (!byDocNo.has(memo.adopts)) at('adopts', `adopts ${memo.adopts}, which is not in the catalogue`);
      if (memo.region === NATIONAL_REGION)
        at('region', 'a memorandum that adopts another is a local one; give its region');
    }
    if (memo.effectiveFrom && memo.effectiveTo && memo.effectiveTo < memo.effectiveFrom) {
      at('effectiveTo', 'ends before it takes effect');
    }
    const seen = new Set<string>();
    (memo.noDuty ?? []).forEach((row, i) => {
      const k = `${row.category}\u0000${row.region}`;
      if (seen.has(k)) at(`noDuty/${i}`, `states no duty for ${row.category} in ${row.region} twice`);
      seen.add(k);
    });

    for (const m of memo.measures) {
      const mat = (field: string, message: string) =>
        out.push({ kind: 'measure', key: measureKey(memo.docNo, m.ordinal), field, message });
      if (m.implements !== undefined && !byDocNo.has(m.implements)) {
        mat('implements', `implements ${m.implements}, which is not in the catalogue`);
      }
      (m.listCodes ?? []).forEach((code, i) => {
        if (!listCodes.has(code)) mat(`listCodes/${i}`, `no list ${code}`);
      });
      // Wuhan's list mixes polarities, so the polarity that counts is that of the memorandum the measure carries out.
      const governing = byDocNo.get(m.implements ?? memo.adopts ?? memo.docNo);
      if (governing && (m.effect === 'incentive') !== (governing.polarity === 'incentive')) {
        mat('effect', `effect ${m.effect} does not fit ${governing.docNo}, which is ${governing.polarity}`);
      }
      if (m.parts && m.parts.length > 0) {
        const union = new Set(m.parts.flatMap((p) => p.matterTypes));
        if (union.size !== new Set(m.matterTypes).size || !m.matterTypes.every((v) => union.has(v))) {
          mat('matterTypes', "must be the union of the parts' matter types");
        }
        const effect = strongest(m.parts.map((p) => p.effect));
        if (m.effect !== effect) mat('effect', `must be the strongest part's effect (${effect})`);
        const ordinals = m.parts.map((p) => p.ordinal);
        if (new Set(ordinals).size !== ordinals.length) mat('parts', 'part ordinals repeat');
      }
    }
  }

  for (const list of lists) {
    const at = (field: string, message: string) => out.push({ kind: 'list', key: list.code, field, message });
    list.memoranda.forEach((docNo, i) => {
      const memo = byDocNo.get(docNo);
      if (!memo) at(`memoranda/${i}`, `${docNo} is not in the catalogue`);
      else if (memo.polarity !== list.polarity)
        at(`memoranda/${i}`, `${docNo} is ${memo.polarity}; the list is ${list.polarity}`);
    });
    if (list.escalatesTo !== undefined && !listCodes.has(list.escalatesTo))
      at('escalatesTo', `no list ${list.escalatesTo}`);
    list.pointsRule?.tiers.forEach((tier, i) => {
      if (!listCodes.has(tier.list)) at(`pointsRule/tiers/${i}/list`, `no list ${tier.list}`);
    });
  }
  return out;
}
