// The verdict of a check, from its hits. Conservative: a listed subject is never
// `clear` by accident — only by an explicit rule (no duty, objection pending), and each such rule leaves a reason.
import type { Effect, MatchedBy, Polarity, Verdict } from './codes.js';

export interface VerdictHit {
  listCode: string;
  polarity: Polarity;
  matchedBy: MatchedBy;
  /** under objection: 核实期间暂不执行 */
  suspended: boolean;
  /** effects of the measures this caller must apply for this hit (empty: none catalogued) */
  effects: Effect[];
  /** the catalogue says the caller's category has no duty under the hit's memoranda (无相关职能) */
  noDuty: boolean;
}

export type ReasonCode =
  | 'NAME_MATCH_ONLY'
  | 'NO_CATALOGUED_MEASURE'
  | 'NO_DUTY'
  | 'OBJECTION_PENDING'
  | 'INCENTIVE_CANCELLED'
  | 'INCENTIVE_NEEDS_IDENTIFIER';

export interface Reason {
  code: ReasonCode;
  listCode: string;
  message: string;
}

export interface VerdictResult {
  verdict: Verdict;
  reasons: Reason[];
  /** red lists whose incentives a punitive hit cancelled */
  cancelledIncentives: string[];
}

const RANK: Record<Verdict, number> = { clear: 0, incentive: 1, review: 2, restricted: 3, prohibited: 4 };

const EFFECT_VERDICT: Record<Effect, Verdict> = {
  prohibit: 'prohibited',
  restrict: 'restricted',
  prudent: 'review',
  supervise: 'review',
  disclose: 'review',
  incentive: 'incentive',
};

const NAME_ONLY: ReadonlySet<MatchedBy> = new Set(['name', 'former_name', 'fuzzy_name']);

export const isIdentifierMatch = (m: MatchedBy) => !NAME_ONLY.has(m);

const max = (a: Verdict, b: Verdict): Verdict => (RANK[b] > RANK[a] ? b : a);

/**
 * The verdict over the hits and why. A reason's `message` is Chinese only, for the clerk and the notice; its `code`
 * is the stable, language-free value a program acts on (README "Errors" lists the codes in English).
 */
export function decideVerdict(hits: VerdictHit[]): VerdictResult {
  const reasons: Reason[] = [];
  let verdict: Verdict = 'clear';

  // 003:L729 and the joint-incentive memoranda: a confirmed punitive record ends red-list incentives. Only a hit that
  // is certain (matched by identifier) and in force (not suspended) can cancel them.
  const cancelling = hits.find((h) => h.polarity === 'punitive' && !h.suspended && isIdentifierMatch(h.matchedBy));

  const cancelledIncentives: string[] = [];
  for (const h of hits) {
    if (h.suspended) {
      reasons.push({ code: 'OBJECTION_PENDING', listCode: h.listCode, message: '异议核实期间暂不执行' });
      continue;
    }
    if (h.polarity === 'incentive') {
      if (cancelling) {
        cancelledIncentives.push(h.listCode);
        reasons.push({
          code: 'INCENTIVE_CANCELLED',
          listCode: h.listCode,
          message: `激励措施因失信记录（${cancelling.listCode}）取消`,
        });
        continue;
      }
      if (!isIdentifierMatch(h.matchedBy)) {
        reasons.push({ code: 'INCENTIVE_NEEDS_IDENTIFIER', listCode: h.listCode, message: '仅凭名称匹配不给予激励' });
        continue;
      }
      if (h.effects.length > 0) verdict = max(verdict, 'incentive');
      continue;
    }
    // punitive
    let v: Verdict;
    if (h.noDuty && h.effects.length === 0) {
      reasons.push({ code: 'NO_DUTY', listCode: h.listCode, message: '本部门在该备忘录下无相关职能' });
      continue;
    } else if (h.effects.length === 0) {
      v = 'review';
      reasons.push({
        code: 'NO_CATALOGUED_MEASURE',
        listCode: h.listCode,
        message: '措施清单中没有本部门、本事项的措施，请人工审查',
      });
    } else {
      v = h.effects.map((e) => EFFECT_VERDICT[e]).reduce(max, 'clear' as Verdict);
    }
    if (!isIdentifierMatch(h.matchedBy) && RANK[v] > RANK.review) {
      v = 'review';
      reasons.push({
        code: 'NAME_MATCH_ONLY',
        listCode: h.listCode,
        message: '仅名称匹配，须核对统一社会信用代码或身份证号',
      });
    } else if (!isIdentifierMatch(h.matchedBy)) {
      reasons.push({ code: 'NAME_MATCH_ONLY', listCode: h.listCode, message: '仅名称匹配' });
    }
    verdict = max(verdict, v);
  }
  return { verdict, reasons, cancelledIncentives };
}
