// Subjects by name, for a check that has no identifier or whose identifier matched nothing: exact matches of the
// normalised name against current and former names, and, for items that ask for it, fuzzy candidates that share the
// most name bigrams. One statement for one name or a whole batch of them (hand-written SQL through runRaw, as the
// check's own read), answering each subject with all its names so the caller can score them.
//
// Common bigrams (公司, 有限, 科技, a city's name) are shared by a large part of the table and say nothing about which
// firm is meant. A bigram whose postings reach COMMON_AT is not counted at all: the candidates are the subjects that
// share the most of the query's *rare* bigrams. Reading a common bigram's postings cost most of a fuzzy check (up
// to COMMON_AT index entries each, for nothing), so the bigrams found common are remembered per database and not
// read again. A name whose rare bigrams find nothing is asked again with its common bigrams counted as they come,
// each capped at COMMON_AT postings (`loose`), when a firm sharing only those could resemble it closely enough.
import type { Db } from '../db/index.js';
import type { SubjectKind } from '../domain/codes.js';
import { bigrams, FUZZY_THRESHOLD, similarityCeiling } from '../domain/names.js';
import { runRaw } from './check-read.js';
import type { ResolvedSubject } from './subjects.js';

/**
 * Postings at which a bigram is common (a test may pass a smaller one). The ORDER BY in the statement walks the primary
 * key and stops here.
 */
export const COMMON_AT = 2000;
/** Fuzzy candidates per name, best first; the caller scores them. */
const CANDIDATES = 20;
/** Exact matches per name. */
const EXACT = 50;
/** Bigrams remembered as common per database; past this the memory stops growing (the statement still skips them). */
const REMEMBERED = 100_000;

export interface NameQuery {
  /** normalizeName() of the asked name */
  normalized: string;
  /** look for fuzzy candidates when there is no exact match */
  fuzzy: boolean;
}

export interface NameMatches {
  exact: Array<ResolvedSubject & { former: boolean }>;
  fuzzy: Array<ResolvedSubject & { names: string[] }>;
}

// $1 the normalised names (item i is element i), $2/$3/$4 one row per (item, bigram, loose) of the items that want
// fuzzy candidates, $5 the number of postings at which a bigram is common. Items with an exact match get no fuzzy candidates.
// Each bigram's postings are read once, into one array: its length says whether the bigram is common. (Counting them
// with a window over every posting row cost a quarter of the statement's time.)
const SEARCH_SQL = `
with n as (
  select q.normalized, (q.item - 1)::int as item from unnest($1::text[]) with ordinality as q(normalized, item)
), exact as (
  select n.item, sn.subject_id, sn.former
    from n join lateral (
      select subject_id, former from subject_name where normalized = n.normalized limit ${EXACT}
    ) sn on true
), q as (
  select q.item, q.bigram, q.loose from unnest($2::int[], $3::text[], $4::int[]) as q(item, bigram, loose)
   where not exists (select 1 from exact e where e.item = q.item)
), g as (
  select distinct bigram from q
), post as (
  select g.bigram, array(select subject_id from name_bigram where bigram = g.bigram order by subject_id limit $5::int) as ids
    from g
), scored as (
  select q.item, u.subject_id, count(*) as shared
    from q join post on post.bigram = q.bigram and (q.loose = 1 or cardinality(post.ids) < $5::int)
    cross join lateral unnest(post.ids) as u(subject_id)
   group by q.item, u.subject_id
), top as (
  select item, subject_id from (
    select item, subject_id, row_number() over (partition by item order by shared desc, subject_id) as rank from scored
  ) r where rank <= ${CANDIDATES}
), found as (
  select subject_id from exact union select subject_id from top
), s as (
  select s.id, s.kind, s.name, s.uscc, s.id_masked,
         (select json_agg(sn.name order by sn.former, sn.name) from subject_name sn where sn.subject_id = s.id) as names
    from found join lateral (select * from subject s where s.id = found.subject_id) s on true
)
select (select coalesce(json_agg(json_build_object('item', item, 'id', subject_id, 'former', former)), '[]') from exact)::text as exact,
       (select coalesce(json_agg(json_build_object('item', item, 'id', subject_id)), '[]') from top)::text as top,
       (select coalesce(json_agg(s), '[]') from s)::text as subjects,
       (select coalesce(json_agg(distinct bigram), '[]') from post where cardinality(ids) >= $5::int)::text as common`;

type Row = { exact: string; top: string; subjects: string; common: string };
type RawSubject = {
  id: string;
  kind: SubjectKind;
  name: string;
  uscc: string | null;
  id_masked: string | null;
  names: string[];
};

/** The bigrams found common, per database and threshold. */
const commonByDb = new WeakMap<object, Map<number, Set<string>>>();
export function commonOf(db: Db, commonAt = COMMON_AT): Set<string> {
  let byThreshold = commonByDb.get(db);
  if (!byThreshold) commonByDb.set(db, (byThreshold = new Map<number, Set<string>>()));
  let set = byThreshold.get(commonAt);
  if (!set) byThreshold.set(commonAt, (set = new Set()));
  return set;
}

/** One statement: each query's exact matches and, where asked and no exact match exists, its fuzzy candidates. */
async function search(db: Db, queries: NameQuery[], looseAll: boolean, commonAt: number): Promise<NameMatches[]> {
  const common = commonOf(db, commonAt);
  const items: number[] = [];
  const grams: string[] = [];
  // 1 or 0, not booleans: postgres.js sends a JS array of booleans as one boolean
  const looseFlags: number[] = [];
  queries.forEach((q, item) => {
    if (!q.fuzzy) return;
    const all = bigrams(q.normalized);
    const rare = all.filter((g) => !common.has(g));
    const isLoose = looseAll || rare.length === 0;
    for (const g of isLoose ? all : rare) {
      items.push(item);
      grams.push(g);
      looseFlags.push(isLoose ? 1 : 0);
    }
  });
  const row = (
    await runRaw<Row>(db, SEARCH_SQL, [queries.map((q) => q.normalized), items, grams, looseFlags, commonAt])
  )[0]!;
  for (const g of JSON.parse(row.common) as string[]) if (common.size < REMEMBERED) common.add(g);
  const subjects = new Map<string, RawSubject>();
  for (const s of JSON.parse(row.subjects) as RawSubject[]) subjects.set(s.id, s);
  const resolved = (id: string): ResolvedSubject => {
    const s = subjects.get(id)!;
    return { subjectId: s.id, kind: s.kind, name: s.name, uscc: s.uscc, idMasked: s.id_masked };
  };
  const out = queries.map((): NameMatches => ({ exact: [], fuzzy: [] }));
  for (const e of JSON.parse(row.exact) as Array<{ item: number; id: string; former: boolean }>)
    out[e.item]!.exact.push({ ...resolved(e.id), former: e.former });
  for (const t of JSON.parse(row.top) as Array<{ item: number; id: string }>)
    out[t.item]!.fuzzy.push({ ...resolved(t.id), names: subjects.get(t.id)!.names });
  return out;
}

/**
 * Exact and fuzzy matches for many names in one statement. A name whose rare bigrams found no candidate at all is
 * asked again counting its common bigrams (`loose`), if a name sharing only those could still reach `threshold`
 * (similarityCeiling); otherwise a common-only namesake is not sought. Below COMMON_AT postings nothing is common and
 * every bigram counts, as before; above it, the capped postings of a common bigram were an arbitrary COMMON_AT of its
 * subjects (the first by id), so counting them found such a namesake only by chance.
 */
export async function searchNames(
  db: Db,
  queries: NameQuery[],
  opts: { commonAt?: number; threshold?: number } = {},
): Promise<NameMatches[]> {
  if (queries.length === 0) return [];
  const commonAt = opts.commonAt ?? COMMON_AT;
  const threshold = opts.threshold ?? FUZZY_THRESHOLD;
  const out = await search(db, queries, false, commonAt);
  const common = commonOf(db, commonAt);
  const isCommon = (g: string) => common.has(g);
  const again = queries.flatMap((q, i) =>
    q.fuzzy &&
    out[i]!.exact.length === 0 &&
    out[i]!.fuzzy.length === 0 &&
    similarityCeiling(q.normalized, isCommon) >= threshold
      ? [i]
      : [],
  );
  if (again.length === 0) return out;
  const retried = await search(
    db,
    again.map((i) => queries[i]!),
    true,
    commonAt,
  );
  again.forEach((i, k) => (out[i] = retried[k]!));
  return out;
}
