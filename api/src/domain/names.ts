// Name normalisation and fuzzy matching for enterprise and person names (企业名称 / 姓名).
//
// Matching is done on character bigrams computed here rather than with pg_trgm: pg_trgm drops CJK characters in a
// database whose LC_CTYPE is C, and the result must not depend on the database locale.

import * as OpenCC from 'opencc-js/t2cn';

// The t2cn entry point bundles only the traditional → simplified dictionaries (~100 kB instead of ~1.2 MB for the
// full build). 't' is OpenCC's generic traditional set, which also covers Taiwan and Hong Kong forms such as 臺.
// Building the converter costs ~15 ms, so it is done once.
// The package's types import './core' without an extension, which NodeNext cannot resolve: the type is stated here.
const toSimplified = OpenCC.Converter({ from: 't', to: 'cn' }) as (text: string) => string;

// NFKC already folds （）［］｛｝ to ASCII; these have no compatibility decomposition.
const OPEN_BRACKETS = /[[{【〔〖]/g;
const CLOSE_BRACKETS = /[\]}】〕〗]/g;
// \s covers U+3000 and NBSP; the zero-width characters are not white space to JavaScript but come with pasted text.
const SPACES = /[\s\u200b-\u200d\u2060]/g;
// Names of ethnic minorities separate their parts with a middle dot typed in many different ways.
const MIDDLE_DOTS = /[\u30fb\u2022\u2027\u22c5\u2219]/g;

/**
 * Comparison key for a name: NFKC (full-width → half-width), every bracket pair → (), no white space, traditional
 * → simplified Chinese, Latin letters uppercased, middle dots unified to U+00B7. Use it to compare and index,
 * never to display: OpenCC may rewrite a character that is correct in a person's name.
 */
export function normalizeName(input: string): string {
  const s = input
    .normalize('NFKC')
    .replace(OPEN_BRACKETS, '(')
    .replace(CLOSE_BRACKETS, ')')
    .replace(SPACES, '')
    .replace(MIDDLE_DOTS, '\u00b7');
  return toSimplified(s).toUpperCase();
}

// Parentheses and punctuation carry no identity: 恒达(鹤岗)建筑 and 恒达鹤岗建筑 are the same name.
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;

/**
 * Distinct character bigrams of a normalised name, in first-seen order, with parentheses and punctuation left
 * out. Characters are code points, so a CJK Extension B character (e.g. 𠮷) counts as one. A one-character name
 * yields itself; an empty one yields nothing.
 */
export function bigrams(normalized: string): string[] {
  const chars = Array.from(normalized.replace(NOT_LETTER_OR_DIGIT, ''));
  if (chars.length < 2) return chars;
  const seen = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) seen.add(chars[i]! + chars[i + 1]!);
  return [...seen];
}

/** Sørensen–Dice coefficient of two sets of bigrams: 2·|A∩B| / (|A| + |B|). Duplicates are ignored. */
export function diceCoefficient(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 || sb.size === 0) return 0;
  return (2 * sharedCount(sa, sb)) / (sa.size + sb.size);
}

function sharedCount(a: ReadonlySet<string> | readonly string[], b: readonly string[] | ReadonlySet<string>): number {
  const set = a instanceof Set ? a : new Set(a);
  let shared = 0;
  for (const g of new Set(b)) if (set.has(g)) shared++;
  return shared;
}

// Longest first, so 股份有限公司 is removed whole rather than leaving 股份.
const LEGAL_FORMS = [
  '(特殊普通合伙)',
  '(有限合伙)',
  '(普通合伙)',
  '股份有限公司',
  '有限责任公司',
  '个人独资企业',
  '专业合作社',
  '有限公司',
  '股份公司',
  '集团公司',
  '合伙企业',
  '有限合伙',
  '普通合伙',
  '总公司',
  '分公司',
  '合作社',
  '公司',
  '集团',
];
const LEGAL_FORM_RE = new RegExp(LEGAL_FORMS.map((f) => f.replace(/[()]/g, '\\$&')).join('|'), 'g');

/**
 * A normalised name without its legal-form words (有限公司, 有限责任公司, 股份有限公司, 集团, 分公司, 合伙…),
 * wherever they occur, so that 恒达集团有限公司鹤岗分公司 becomes 恒达鹤岗. For comparison only. If nothing would
 * be left, the name is returned unchanged.
 */
export function coreName(normalized: string): string {
  const core = normalized.replace(LEGAL_FORM_RE, '');
  return core.length > 0 ? core : normalized;
}

/** A fuzzy candidate below this score is not a hit. Same-city, same-industry names of different firms score ≈0.69. */
export const FUZZY_THRESHOLD = 0.75;

export interface NameSimilarity {
  /** 0..1; 1 means the names are the same after normalisation. */
  score: number;
  /** How the score was reached, for logs and for the hit explanation. */
  reason: string;
}

/**
 * Fuzzy similarity of two names (raw or normalised; both are normalised here).
 *
 * The score is the Dice coefficient on bigrams of the full normalised names. When either name has a legal form,
 * the score is instead the mean of that and the Dice coefficient on the core names (legal form removed). Why the
 * mean: on full names alone, two unrelated firms such as 鹤岗市恒达建筑有限公司 and 佳木斯市宏远商贸有限公司 share
 * 有限, 限公, 公司 and look a third alike; on core names alone, 恒达建筑有限公司 and 恒达建筑股份有限公司 would be
 * identical and score the same as an exact match. The mean keeps the legal form as a weak signal.
 */
export function nameSimilarity(a: string, b: string): NameSimilarity {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (na.length === 0 || nb.length === 0) return { score: 0, reason: 'a name is empty after normalisation' };
  if (na === nb) return { score: 1, reason: 'identical after normalisation' };

  const ga = bigrams(na);
  const gb = bigrams(nb);
  const full = diceCoefficient(ga, gb);
  const fullReason = `${sharedCount(ga, gb)} of ${ga.length}+${gb.length} bigrams shared (Dice ${full.toFixed(2)})`;

  const ca = coreName(na);
  const cb = coreName(nb);
  if (ca === na && cb === nb) return { score: full, reason: fullReason };

  const cga = bigrams(ca);
  const cgb = bigrams(cb);
  const core = diceCoefficient(cga, cgb);
  const score = (full + core) / 2;
  return {
    score,
    reason:
      `${fullReason}; without legal form ${sharedCount(cga, cgb)} of ${cga.length}+${cgb.length} ` +
      `(Dice ${core.toFixed(2)}); score is the mean, ${score.toFixed(2)}`,
  };
}

/**
 * The highest nameSimilarity() any name can reach with the normalised name `asked` while sharing with it only bigrams
 * for which `sharable` holds. A name search that skipped the other bigrams' postings uses it to tell whether a
 * candidate it could not have seen might still pass its threshold.
 *
 * With k of the asked name's n bigrams sharable, the Dice coefficient is at most 2k / (n + k) (the other name has at
 * least the k it shares); the same holds for the core names, where a bigram the asked name's core has and its full
 * name lacks (one spanning a removed legal form) counts as sharable. The score is at most the mean of the two bounds.
 * It assumes the other name's core bigrams are among its full name's, which fails only for a legal form removed from
 * the middle of that name (恒达集团鹤岗 → 恒达鹤岗 makes 达鹤).
 */
export function similarityCeiling(asked: string, sharable: (gram: string) => boolean): number {
  const grams = bigrams(asked);
  if (grams.length === 0) return 0;
  const bound = (gs: string[], canShare: (g: string) => boolean) => {
    const k = gs.filter(canShare).length;
    return k === 0 ? 0 : (2 * k) / (gs.length + k);
  };
  const full = bound(grams, sharable);
  const core = coreName(asked);
  if (core === asked) return full;
  const own = new Set(grams);
  return (full + bound(bigrams(core), (g) => !own.has(g) || sharable(g))) / 2;
}
