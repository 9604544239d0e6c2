// What an inline check reads, in one round trip: the subjects named by the identifiers asked (统一社会信用代码 or the
// keyed hash of an ID number), their related persons (落实到人) and every entry version of all of them as recorded at
// the asked instant. Hand-written SQL through the driver (a named prepared statement on PostgreSQL): drizzle's query
// building and row mapping were most of a check's JavaScript time. Works for one subject or a whole batch.
//
// The catalogue version and the event high-water mark (the receipt's dataVersion) come from an in-process cache when
// this instance hears LISTEN/NOTIFY (the workers call metaListening()); every commit that writes an event, and so
// every catalogue change, notifies and makes the cache stale. Without a listener (tests, the CLI) or while stale, the
// same statement reads them too, so a check never pays a round trip for them. A cached value can only be older than
// the truth, and the records are always read fresh, so the records a receipt reports are at least as new as the
// dataVersion it names.
import type postgres from 'postgres';
import { type Db, rawClient } from '../db/index.js';
import type { EntryStatus, RelatedRole, SubjectKind } from '../domain/codes.js';
import type { ResolvedSubject } from './subjects.js';

export interface ReadVersion {
  entryId: string;
  listCode: string;
  subjectId: string;
  decidingDepartmentId: string;
  decisionDocNo: string;
  reason: string;
  points: number | null;
  decidedAt: Date;
  validFrom: Date;
  validUntil: Date | null;
  status: EntryStatus;
  scopeRegion: string;
}

export interface DirectSubject extends ResolvedSubject {
  /** the keyed ID-number hash, to pair a batch item with its subject; never leaves the service */
  idHash: string | null;
}

export interface CheckRead {
  direct: DirectSubject[];
  related: Array<ResolvedSubject & { role: RelatedRole; via: string }>;
  /** versions of the direct and related subjects, plus of `extraSubjects` */
  versions: ReadVersion[];
  catalogVersion: number;
  lastEvent: number;
}

// $1 usccs, $2 id hashes, $3 instant, $4 extra subject ids (name matches), $5 whether to read the versions.
// Every step is an index lookup per key (lateral joins), whatever the planner guesses about the array sizes; the
// identifiers are compared as char(n), the columns' own type, so the unique indexes on uscc and id_hash apply.
const READ_SQL = `
with d as (
  select s.id, s.kind, s.name, s.uscc, s.id_masked, s.id_hash
    from unnest($1::char(18)[]) as q(uscc) join lateral (select * from subject s where s.uscc = q.uscc) s on true
  union
  select s.id, s.kind, s.name, s.uscc, s.id_masked, s.id_hash
    from unnest($2::char(64)[]) as q(h) join lateral (select * from subject s where s.id_hash = q.h) s on true
), r as (
  select o.id, o.kind, o.name, o.uscc, o.id_masked, rp.role, d.id as via
    from d join lateral (select * from related_person rp where rp.subject_id = d.id) rp on true
    join lateral (select * from subject o where o.id = rp.person_id) o on true
  union all
  select o.id, o.kind, o.name, o.uscc, o.id_masked, rp.role, d.id as via
    from d join lateral (select * from related_person rp where rp.person_id = d.id) rp on true
    join lateral (select * from subject o where o.id = rp.subject_id) o on true
), ids as (
  select id from d union select id from r union select unnest($4::uuid[])
), v as (
  select v.entry_id, v.list_code, v.subject_id, v.deciding_department_id, v.decision_doc_no, v.reason, v.points,
         v.decided_at, v.valid_from, v.valid_until, v.status, v.scope_region
    from ids join lateral (
      select * from entry_version v
       where v.subject_id = ids.id
         and v.recorded_at <= $3::timestamptz and (v.superseded_at is null or v.superseded_at > $3::timestamptz)
    ) v on true
)
select (select coalesce(json_agg(d), '[]') from d)::text as d,
       (select coalesce(json_agg(r), '[]') from r)::text as r,
       (select coalesce(json_agg(v), '[]') from v)::text as v,
       case when $5::boolean then (select max(version) from catalog_version) end as cv,
       case when $5::boolean then (select max(id) from event)::text end as ev`;

type Row = { d: string; r: string; v: string; cv: number | null; ev: string | null };

/** A SQL literal: a quoted string (standard_conforming_strings: only the quote is special), an ARRAY[…], or NULL. */
function literal(v: RawParam): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return v.length === 0 ? "'{}'" : `ARRAY[${v.map(literal).join(',')}]`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

const preparedOnPglite = new WeakMap<object, Map<string, string>>();

/**
 * Runs one of the check's hand-written statements: on PostgreSQL as a named prepared statement (postgres.js); on
 * PGlite as a server-side PREPARE made once per instance and an EXECUTE with the values written as literals, sent by the
 * simple protocol. PGlite's extended protocol parses, describes and plans on every call, which for these statements
 * cost several times the execution. Every `$n` in the text must carry a cast (`$1::uuid[]`): it types the parameter.
 */
/** What runRaw takes for a `$n`: written as a literal on PGlite. */
export type RawParam = string | number | boolean | null | undefined | readonly RawParam[];

export async function runRaw<T>(db: Db, text: string, params: RawParam[]): Promise<T[]> {
  const client = rawClient(db);
  if ('unsafe' in client)
    return (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
      prepare: true,
    })) as unknown as T[];
  let names = preparedOnPglite.get(client);
  if (!names) preparedOnPglite.set(client, (names = new Map<string, string>()));
  let name = names.get(text);
  const types = paramTypes(text, params.length);
  if (!name) {
    name = `yc_raw_${names.size + 1}`;
    await client.exec(`PREPARE ${name}(${types.join(', ')}) AS ${text}`);
    names.set(text, name);
  }
  const args = params.map((v, i) => `${literal(v)}::${types[i]}`);
  // PGlite keeps PostgreSQL's own choice of plan: forcing the generic plan here (as the PostgreSQL check pool does,
  // db/index.ts) made a check 2.5 times slower in the PGlite bench.
  const results = await client.exec(`EXECUTE ${name}(${args.join(', ')})`);
  return (results.at(-1)?.rows ?? []) as T[];
}

/** The type of each `$n` from its cast in the text. */
function paramTypes(text: string, count: number): string[] {
  const types: string[] = [];
  for (const m of text.matchAll(/\$(\d+)::([a-z0-9_]+(?:\(\d+\))?(?:\[\])?)/g)) types[Number(m[1]) - 1] ??= m[2]!;
  for (let i = 0; i < count; i++) if (!types[i]) throw new Error(`runRaw: $${i + 1} has no cast in the statement`);
  if (types.length !== count) throw new Error(`runRaw: the statement takes ${types.length} parameters, given ${count}`);
  return types;
}

async function run(db: Db, params: RawParam[]): Promise<Row> {
  return (await runRaw<Row>(db, READ_SQL, params))[0]!;
}

// --- the metadata cache -------------------------------------------------------------------------------------------

interface Meta {
  /** a listener is connected: notifications keep `fresh` honest */
  listening: boolean;
  fresh: boolean;
  /** bumped by every notification, so a read that started before one does not make the cache fresh */
  generation: number;
  catalogVersion: number;
  lastEvent: number;
}
const metas = new WeakMap<object, Meta>();
function metaOf(db: Db): Meta {
  let m = metas.get(db);
  if (!m) metas.set(db, (m = { listening: false, fresh: false, generation: 0, catalogVersion: 0, lastEvent: 0 }));
  return m;
}

/** The workers' listener is (re)connected (true) or closed (false). Either way, what was cached may be stale. */
export function metaListening(db: Db, listening: boolean): void {
  const m = metaOf(db);
  m.listening = listening;
  m.fresh = false;
  m.generation++;
}

/** A commit wrote events (or changed the catalogue): the next check reads the versions again. */
export function metaChanged(db: Db): void {
  const m = metaOf(db);
  m.fresh = false;
  m.generation++;
}

const rowsOf = <T>(text: string): T[] => JSON.parse(text) as T[];
const date = (v: string) => new Date(v);

/**
 * One round trip for a check (or a batch): `usccs` and `idHashes` are resolved to subjects with their related persons;
 * `extraSubjects` (already resolved by name) only get their versions. Versions as recorded at `at`.
 */
export async function readForCheck(
  db: Db,
  q: { usccs: string[]; idHashes: string[]; extraSubjects?: string[]; at: Date },
): Promise<CheckRead> {
  const m = metaOf(db);
  const useCache = m.listening && m.fresh;
  const generation = m.generation;
  const row = await run(db, [q.usccs, q.idHashes, q.at.toISOString(), q.extraSubjects ?? [], !useCache]);
  let catalogVersion = m.catalogVersion;
  let lastEvent = m.lastEvent;
  if (!useCache) {
    catalogVersion = Number(row.cv ?? 0);
    lastEvent = Number(row.ev ?? 0);
    if (m.generation === generation) {
      m.catalogVersion = catalogVersion;
      m.lastEvent = lastEvent;
      m.fresh = m.listening;
    }
  }
  type RawSubject = { id: string; kind: SubjectKind; name: string; uscc: string | null; id_masked: string | null };
  const direct = rowsOf<RawSubject & { id_hash: string | null }>(row.d).map((s) => ({
    subjectId: s.id,
    kind: s.kind,
    name: s.name,
    uscc: s.uscc,
    idMasked: s.id_masked,
    idHash: s.id_hash,
  }));
  const related = rowsOf<RawSubject & { role: RelatedRole; via: string }>(row.r).map((s) => ({
    subjectId: s.id,
    kind: s.kind,
    name: s.name,
    uscc: s.uscc,
    idMasked: s.id_masked,
    role: s.role,
    via: s.via,
  }));
  const versions = rowsOf<{
    entry_id: string;
    list_code: string;
    subject_id: string;
    deciding_department_id: string;
    decision_doc_no: string;
    reason: string;
    points: number | null;
    decided_at: string;
    valid_from: string;
    valid_until: string | null;
    status: EntryStatus;
    scope_region: string;
  }>(row.v).map((v) => ({
    entryId: v.entry_id,
    listCode: v.list_code,
    subjectId: v.subject_id,
    decidingDepartmentId: v.deciding_department_id,
    decisionDocNo: v.decision_doc_no,
    reason: v.reason,
    points: v.points,
    decidedAt: date(v.decided_at),
    validFrom: date(v.valid_from),
    validUntil: v.valid_until === null ? null : date(v.valid_until),
    status: v.status,
    scopeRegion: v.scope_region,
  }));
  return { direct, related, versions, catalogVersion, lastEvent };
}
