// Bulk import (POST /v1/imports): a file of list records, streamed → decoded → parsed → validated → written in
// set-based batches. Every row passes validateEntry, the same rules as POST /v1/entries, and every write is the same
// as publishEntry's (subject, names, bigrams, entry, version, event), only a batch at a time: a few statements per
// batch instead of a dozen per row, which is what makes 1,000,000 rows fit in minutes.
//
// Transactions: `accept-valid` commits each batch on its own, so a crash leaves whole batches and the import row's
// counts say how many; `all-or-nothing` writes everything in one transaction and commits only when no row was
// rejected. Rows are applied in file order, as if published one by one: a (source, sourceRecordId) that comes again
// later in the same file versions the record (or replays it when the content is the same). To keep batches
// set-based, a repeated key, or a subject that comes again under another name, closes the batch before it.
import { randomUUID } from 'node:crypto';
import { type SQL, and, eq, sql } from 'drizzle-orm';
import type { Database, Db, Tx } from '../db/index.js';
import { IMPORT_LOCK_SPACE } from '../db/locks.js';
import { rows } from '../db/rows.js';
import { imports } from '../db/schema.js';
import type { EntryStatus } from '../domain/codes.js';
import { bigrams, normalizeName } from '../domain/names.js';
import { uuidv7 } from '../domain/uuid7.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { currentCatalog } from './catalog-snapshot.js';
import {
  eventAbouts,
  type PublishInput,
  type ValidatedEntry,
  publisherOf,
  recordContent,
  subjectRenamed,
  validateEntry,
} from './entries.js';
import { contentHash, entryRow, versionEvent, versionRow } from './entry-rows.js';
import {
  type ImportEncoding,
  type ImportFormat,
  type ParsedRow,
  type ImportLayout,
  type RowError,
  listResolver,
  locateError,
  parseRows,
} from './import-parse.js';
import type { ImportResult } from '../routes/imports/schemas.js';
import type { AuthContext } from './keys.js';
import { type Page, readPage } from './paging.js';

export const IMPORT_MODES = ['all-or-nothing', 'accept-valid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export type ImportStatus = 'running' | 'completed' | 'rejected' | 'failed' | 'interrupted';

/** Errors kept in the import row and in the answer; the rest are only counted. */
export const MAX_REPORTED_ERRORS = 1000;

export interface ImportOptions {
  format: ImportFormat;
  mode: ImportMode;
  encoding: ImportEncoding;
  batchSize: number;
  /** the byte limit of the body */
  limit: number;
  /** the schema check of POST /v1/entries' body: an error message, or null when the row fits */
  checkShape: (input: unknown) => string | null;
  /** CSV and XLSX: filled in with the sheet and columns read, so row errors name the column they are about */
  layout?: ImportLayout;
}

/** What an import answers (POST, GET and the list of /v1/imports): the schema's ImportResult. */
export type ImportSummary = ImportResult;

/** What the import row's jsonb `errors` column holds. */
interface StoredReport {
  items: RowError[];
  omitted: number;
  created: number;
  updated: number;
  replayed: number;
  failure?: { code: string; detail: string };
}

interface Staged {
  row: number;
  input: PublishInput;
  v: ValidatedEntry;
  subjectKey: string;
  recordKey: string;
  name: string;
}

export interface Batch {
  rows: Staged[];
  recordKeys: Set<string>;
  names: Map<string, string>;
}

export const newBatch = (): Batch => ({ rows: [], recordKeys: new Set(), names: new Map() });

/** A batch written concurrently with another must not touch the same record or subject, or file order is lost. */
const overlaps = (a: Batch, b: Batch) =>
  [...b.recordKeys].some((k) => a.recordKeys.has(k)) || [...b.names.keys()].some((k) => a.names.has(k));

interface BatchResult {
  accepted: number;
  created: number;
  updated: number;
  replayed: number;
  /** rows refused by the database state (CONFLICT) */
  errors: RowError[];
}

class Counts {
  constructor(private readonly layout: ImportLayout) {}
  rowsRead = 0;
  accepted = 0;
  rejected = 0;
  created = 0;
  updated = 0;
  replayed = 0;
  omitted = 0;
  errors: RowError[] = [];
  /** A row error as it is kept (and read back by GET /v1/imports/{id}): naming its sheet and column. */
  locate = (e: RowError) => locateError(e, this.layout);
  reject(e: RowError) {
    this.rejected++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(this.locate(e));
    else this.omitted++;
  }
  /** Nothing written stands (all-or-nothing rolled back); what was read and refused is still counted. */
  rollBack() {
    this.accepted = this.created = this.updated = this.replayed = 0;
  }
  add(r: BatchResult) {
    this.accepted += r.accepted;
    this.created += r.created;
    this.updated += r.updated;
    this.replayed += r.replayed;
    for (const e of r.errors) this.reject(e);
  }
  report(failure?: { code: string; detail: string }): StoredReport {
    return {
      items: this.errors,
      omitted: this.omitted,
      created: this.created,
      updated: this.updated,
      replayed: this.replayed,
      ...(failure ? { failure } : {}),
    };
  }
}

/** Runs a raw statement and answers its rows. */
async function query<T>(exec: Db | Tx, q: SQL): Promise<T[]> {
  return rows<T>(await exec.execute(q));
}

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

// ---------------------------------------------------------------------------------------------------------------
// Liveness. An import is `running` while the process that runs it lives. On PostgreSQL, several instances share the
// database, so the running process holds a transaction-scoped advisory lock for the whole import: it disappears with
// the process's connection, and any instance reading a `running` import without its lock knows the runner died. The
// lock is taken before the import row exists and released after its final status is written, so a live import can
// never look dead. PGlite is one process per data directory (server.ts locks it), so every `running` row found at
// start belongs to a dead process.

const lockKey = (importId: string) => parseInt(importId.replace(/-/g, '').slice(0, 7), 16);

async function holdImportLock(database: Database, importId: string): Promise<() => Promise<void>> {
  if (database.engine !== 'postgres') return async () => {};
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const acquired = new Promise<void>((r) => (locked = r));
  const holder = database.db.transaction(async (tx) => {
    await query(tx, sql`select pg_advisory_xact_lock(${IMPORT_LOCK_SPACE}::int, ${lockKey(importId)}::int)`);
    locked();
    await released;
  });
  await Promise.race([acquired, holder]);
  return async () => {
    release();
    await holder;
  };
}

async function isAlive(database: Database, importId: string): Promise<boolean> {
  if (database.engine !== 'postgres') return true;
  const [r] = await query<{ alive: boolean }>(
    database.db,
    sql`select exists(select 1 from pg_locks where locktype = 'advisory' and granted and classid = ${IMPORT_LOCK_SPACE}::int::oid
        and objid = ${lockKey(importId)}::int::oid and objsubid = 2
        and database = (select oid from pg_database where datname = current_database())) as alive`,
  );
  return r!.alive;
}

/** Embedded mode, at start: nothing can still be running an import left `running`. */
export async function markOrphansInterrupted(database: Database): Promise<number> {
  if (database.engine !== 'pglite') return 0;
  const rows = await database.db
    .update(imports)
    .set({ status: 'interrupted', finishedAt: new Date() })
    .where(eq(imports.status, 'running'))
    .returning({ id: imports.id });
  return rows.length;
}

// ---------------------------------------------------------------------------------------------------------------
// The batch writer

interface SubjectRow {
  id: string;
  uscc: string | null;
  id_hash: string | null;
  name: string;
}

interface EntryRow {
  id: string;
  source: string;
  source_record_id: string;
  list_code: string;
  subject_id: string;
  version: number;
  content_hash: string;
  status: string;
}

interface Ctx {
  importId: string;
  caller: AuthContext;
  actor: Actor;
}

const subjectKeyOf = (v: ValidatedEntry) => (v.ids.uscc ? `u:${v.ids.uscc}` : `h:${v.ids.idHash}`);

const BUSY = () =>
  new ApiError('UNAVAILABLE', 'a concurrent publish wrote some of the same records or subjects; import the file again');

/**
 * The set-based equivalent of publishEntry for one batch, inside `tx`: read what the batch touches, decide every row,
 * then write subjects and records a statement per table.
 */
async function writeBatch(tx: Tx, batch: Batch, ctx: Ctx): Promise<BatchResult> {
  // Raw SQL parameters: postgres.js binds a Date only through drizzle's column mapping, so send ISO text.
  const stamp = new Date().toISOString();
  const current = await readCurrent(tx, batch, ctx.caller.department.departmentId);
  const plan = planBatch(batch, current);
  if (plan.creates.length + plan.updates.length === 0) return plan.result;
  await writeSubjects(tx, plan, current, ctx.actor);
  await writeRecords(tx, plan, ctx.caller, stamp);
  await audit(
    tx,
    ctx.actor,
    'entry.import',
    { type: 'import', id: ctx.importId },
    {
      rows: [batch.rows[0]!.row, batch.rows.at(-1)!.row],
      created: plan.creates.length,
      updated: plan.updates.length,
    },
  );
  return plan.result;
}

/** The subjects and records a batch names, as they stand, locked for the rest of the transaction. */
interface Current {
  subjectByKey: Map<string, SubjectRow>;
  entryByKey: Map<string, EntryRow>;
}

async function readCurrent(tx: Tx, batch: Batch, departmentId: string): Promise<Current> {
  const usccs = new Set<string>();
  const hashes = new Set<string>();
  for (const r of batch.rows) {
    if (r.v.ids.uscc) usccs.add(r.v.ids.uscc);
    else hashes.add(r.v.ids.idHash!);
  }
  // Locked like upsertSubject does, so a concurrent publish cannot rename a subject under us.
  const found = await query<SubjectRow>(
    tx,
    sql`select id, uscc, id_hash, name from subject
        where uscc = any(array(select jsonb_array_elements_text(${json([...usccs])}))::bpchar[])
           or id_hash = any(array(select jsonb_array_elements_text(${json([...hashes])}))::bpchar[])
        order by id for update`,
  );
  const subjectByKey = new Map<string, SubjectRow>();
  for (const s of found) subjectByKey.set(s.uscc ? `u:${s.uscc.trim()}` : `h:${s.id_hash!.trim()}`, s);

  const existing = await query<EntryRow>(
    tx,
    sql`select e.id, e.source, e.source_record_id, e.list_code, e.subject_id, v.version, v.content_hash, v.status
        from jsonb_to_recordset(${json(batch.rows.map((r) => ({ s: r.input.source, r: r.input.sourceRecordId })))}) as k(s text, r text)
        join entry e on e.department_id = ${departmentId}::uuid and e.source = k.s and e.source_record_id = k.r
        join entry_version v on v.entry_id = e.id and v.version = e.current_version
        order by e.id for update of e`,
  );
  return { subjectByKey, entryByKey: new Map(existing.map((e) => [`${e.source}\u0000${e.source_record_id}`, e])) };
}

type Create = { r: Staged; subjectId: string; hash: string; entryId: string };
type Update = { r: Staged; subjectId: string; hash: string; e: EntryRow };

/** What a batch writes, decided for every row before anything is written. */
interface Plan {
  result: BatchResult;
  /** subjects not in the database yet, by subject key */
  newSubjects: Map<string, { id: string; r: Staged }>;
  creates: Create[];
  updates: Update[];
}

/** Classifies every row before writing anything, so a refused row leaves no trace (not even its subject). */
function planBatch(batch: Batch, current: Current): Plan {
  const plan: Plan = {
    result: { accepted: 0, created: 0, updated: 0, replayed: 0, errors: [] },
    newSubjects: new Map(),
    creates: [],
    updates: [],
  };
  const { result } = plan;
  for (const r of batch.rows) {
    const known = current.subjectByKey.get(r.subjectKey);
    const entry = current.entryByKey.get(r.recordKey);
    if (entry && (!known || known.id !== entry.subject_id || entry.list_code !== r.v.list.code)) {
      result.errors.push({
        row: r.row,
        code: 'CONFLICT',
        message: 'this (source, sourceRecordId) already names a record for another list or subject',
      });
      continue;
    }
    let subjectId = known?.id ?? plan.newSubjects.get(r.subjectKey)?.id;
    if (!subjectId) {
      subjectId = uuidv7();
      plan.newSubjects.set(r.subjectKey, { id: subjectId, r });
    }
    const hash = contentHash(recordContent(r.input, r.v), subjectId);
    if (!entry) {
      plan.creates.push({ r, subjectId, hash, entryId: uuidv7() });
    } else if (entry.content_hash.trim() === hash) {
      result.replayed++;
    } else if (entry.status === 'revoked') {
      result.errors.push({
        row: r.row,
        code: 'CONFLICT',
        message: 'a revoked record cannot be republished; publish a new record',
      });
      continue;
    } else {
      plan.updates.push({ r, subjectId, hash, e: entry });
    }
    result.accepted++;
  }
  result.created += plan.creates.length;
  result.updated += plan.updates.length;
  return plan;
}

// Subjects, their names (曾用名 included) and name bigrams, as upsertSubject writes them.

async function writeSubjects(tx: Tx, plan: Plan, current: Current, actor: Actor): Promise<void> {
  const written = [...plan.creates, ...plan.updates];
  const fresh = [...plan.newSubjects.values()].filter((n) => written.some((w) => w.subjectId === n.id));
  await insertSubjects(tx, fresh);
  const { names, renamed } = subjectNames(written, current.subjectByKey);
  await renameSubjects(tx, actor, renamed);
  await writeNames(tx, names, new Set(fresh.map((f) => f.id)));
}

async function insertSubjects(tx: Tx, fresh: Array<{ id: string; r: Staged }>): Promise<void> {
  if (fresh.length === 0) return;
  const inserted = await query<{ id: string }>(
    tx,
    sql`insert into subject (id, kind, uscc, id_hash, id_masked, name)
        select x.id, x.kind, x.uscc, x.h, x.m, x.n
        from jsonb_to_recordset(${json(fresh.map(({ id, r }) => ({ id, kind: r.input.subject.kind, uscc: r.v.ids.uscc ?? null, h: r.v.ids.idHash ?? null, m: r.v.ids.idMasked ?? null, n: r.name })))})
          as x(id uuid, kind text, uscc text, h text, m text, n text)
        on conflict do nothing returning id`,
  );
  if (inserted.length !== fresh.length) throw BUSY();
}

type NameRow = { s: string; n: string; z: string; f: boolean };
type Renamed = { id: string; n: string; from: string };

/** The subject_name rows the written records need, and the known subjects they rename. */
function subjectNames(
  written: Array<Create | Update>,
  subjectByKey: Map<string, SubjectRow>,
): { names: NameRow[]; renamed: Renamed[] } {
  const nameRows = new Map<string, NameRow>();
  const renamed: Renamed[] = [];
  const addName = (s: string, n: string, f: boolean) => {
    const z = normalizeName(n);
    const k = `${s}\u0000${z}`;
    if (z !== '' && !nameRows.has(k)) nameRows.set(k, { s, n, z, f });
  };
  const seenSubject = new Set<string>();
  for (const w of written) {
    const known = subjectByKey.get(w.r.subjectKey);
    const former = w.r.input.subject.formerNames ?? [];
    if (!seenSubject.has(w.subjectId)) {
      seenSubject.add(w.subjectId);
      if (known && known.name !== w.r.name) renamed.push({ id: known.id, n: w.r.name, from: known.name });
      // A known subject under the same name and no former names has all its names already.
      if (!known || known.name !== w.r.name || former.length > 0) addName(w.subjectId, w.r.name, false);
      if (known && known.name !== w.r.name) addName(w.subjectId, known.name, true);
    }
    for (const f of former) addName(w.subjectId, f, true);
  }
  return { names: [...nameRows.values()], renamed };
}

async function renameSubjects(tx: Tx, actor: Actor, renamed: Renamed[]): Promise<void> {
  if (renamed.length === 0) return;
  for (const x of renamed) await subjectRenamed(tx, actor, { subjectId: x.id, from: x.from, to: x.n });
  const r = json(renamed.map(({ id, n }) => ({ id, n })));
  await query(
    tx,
    sql`update subject s set name = x.n from jsonb_to_recordset(${r}) as x(id uuid, n text) where s.id = x.id`,
  );
  await query(
    tx,
    sql`update subject_name set former = true where subject_id in (select x.id from jsonb_to_recordset(${r}) as x(id uuid))`,
  );
}

/** Names and their bigrams; `freshIds` are the subjects created in this batch. */
async function writeNames(tx: Tx, names: NameRow[], freshIds: Set<string>): Promise<void> {
  if (names.length === 0) return;
  await query(
    tx,
    sql`insert into subject_name (subject_id, name, normalized, former)
      select x.s, x.n, x.z, x.f from jsonb_to_recordset(${json(names)}) as x(s uuid, n text, z text, f boolean)
      on conflict (subject_id, normalized) do update set former = excluded.former, name = excluded.name`,
  );
  // Ordered like the primary key, so each batch walks the index once instead of jumping around it. Bigrams of a
  // subject created in this batch cannot exist yet and skip the conflict check.
  const grams = new Set<string>();
  const gramRows: Array<{ b: string; s: string }> = [];
  const knownRows: Array<{ b: string; s: string }> = [];
  for (const n of names) {
    for (const b of bigrams(n.z)) {
      const k = `${n.s}\u0000${b}`;
      if (!grams.has(k)) {
        grams.add(k);
        (freshIds.has(n.s) ? gramRows : knownRows).push({ b, s: n.s });
      }
    }
  }
  if (gramRows.length > 0) {
    await query(
      tx,
      sql`insert into name_bigram (bigram, subject_id)
        select x.b, x.s from jsonb_to_recordset(${json(gramRows)}) as x(b text, s uuid) order by 1, 2`,
    );
  }
  if (knownRows.length > 0) {
    await query(
      tx,
      sql`insert into name_bigram (bigram, subject_id)
        select x.b, x.s from jsonb_to_recordset(${json(knownRows)}) as x(b text, s uuid) order by 1, 2 on conflict do nothing`,
    );
  }
}

// The rows publishEntry writes, from the same builder (services/entry-rows.ts), sent as one recordset each.

async function writeRecords(tx: Tx, plan: Plan, caller: AuthContext, stamp: string): Promise<void> {
  const owner = publisherOf(caller);
  await insertEntries(tx, owner, plan.creates);
  await supersedeVersions(tx, plan.updates, stamp);
  const versions = versionRows(owner, plan, new Date(stamp));
  await insertVersions(tx, versions);
  await insertVersionEvents(tx, versions);
}

type Owner = ReturnType<typeof publisherOf>;

async function insertEntries(tx: Tx, owner: Owner, creates: Create[]): Promise<void> {
  if (creates.length === 0) return;
  const inserted = await query<{ id: string }>(
    tx,
    sql`insert into entry (id, department_id, list_code, subject_id, source, source_record_id, current_version)
        select x."id", x."departmentId", x."listCode", x."subjectId", x."source", x."sourceRecordId", x."currentVersion"
        from jsonb_to_recordset(${json(creates.map((c) => entryRow(owner, recordContent(c.r.input, c.r.v), c.subjectId, c.entryId)))})
          as x("id" uuid, "departmentId" uuid, "listCode" text, "subjectId" uuid, "source" text, "sourceRecordId" text, "currentVersion" int)
        on conflict (department_id, source, source_record_id) do nothing returning id`,
  );
  if (inserted.length !== creates.length) throw BUSY();
}

/** Updated records: their current version is superseded, and the next one becomes current. */
async function supersedeVersions(tx: Tx, updates: Update[], stamp: string): Promise<void> {
  if (updates.length === 0) return;
  const u = json(updates.map((x) => ({ e: x.e.id, v: x.e.version })));
  await query(
    tx,
    sql`update entry_version ev set superseded_at = ${stamp}::timestamptz
      from jsonb_to_recordset(${u}) as x(e uuid, v int) where ev.entry_id = x.e and ev.version = x.v`,
  );
  await query(
    tx,
    sql`update entry e set current_version = x.v + 1 from jsonb_to_recordset(${u}) as x(e uuid, v int) where e.id = x.e`,
  );
}

function versionRows(owner: Owner, plan: Plan, now: Date) {
  return [
    ...plan.creates.map((c) =>
      versionRow(owner, recordContent(c.r.input, c.r.v), c.subjectId, {
        entryId: c.entryId,
        version: 1,
        status: 'active',
        change: 'created',
        now,
      }),
    ),
    ...plan.updates.map((u) =>
      versionRow(owner, recordContent(u.r.input, u.r.v), u.subjectId, {
        entryId: u.e.id,
        version: u.e.version + 1,
        status: u.e.status as EntryStatus,
        change: 'updated',
        now,
      }),
    ),
  ];
}

type NewVersion = ReturnType<typeof versionRows>[number];

async function insertVersions(tx: Tx, versions: NewVersion[]): Promise<void> {
  await query(
    tx,
    sql`insert into entry_version (entry_id, version, list_code, subject_id, deciding_department_id, decision_doc_no, reason,
        points, decided_at, valid_from, valid_until, status, scope_region, published_at, content_hash, change, recorded_at, recorded_by)
      select x."entryId", x."version", x."listCode", x."subjectId", x."decidingDepartmentId", x."decisionDocNo", x."reason", x."points",
        x."decidedAt", x."validFrom", x."validUntil", x."status", x."scopeRegion", x."publishedAt", x."contentHash", x."change", x."recordedAt", x."recordedBy"
      from jsonb_to_recordset(${json(versions)}) as x("entryId" uuid, "version" int, "listCode" text, "subjectId" uuid, "decidingDepartmentId" uuid,
        "decisionDocNo" text, "reason" text, "points" int, "decidedAt" timestamptz, "validFrom" timestamptz, "validUntil" timestamptz, "status" text,
        "scopeRegion" text, "publishedAt" timestamptz, "contentHash" text, "change" text, "recordedAt" timestamptz, "recordedBy" uuid)`,
  );
}

/** The same event publishEntry writes for each record, in file order. */
async function insertVersionEvents(tx: Tx, versions: NewVersion[]): Promise<void> {
  const abouts = await eventAbouts(
    tx,
    versions.map((v) => v.entryId),
  );
  const versionEvents = versions.map((v) => versionEvent(v, abouts.get(v.entryId)!.about));
  await query(
    tx,
    sql`insert into event (type, entry_id, list_code, region, data)
      select x."type", x."entryId", x."listCode", x."region", x."data" from jsonb_to_recordset(${json(versionEvents)})
        as x("type" text, "entryId" uuid, "listCode" text, "region" text, "data" jsonb)`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The import

type Snapshot = Awaited<ReturnType<typeof currentCatalog>>;

/** The lists a row may name, by code or by name: those published directly (a points tier is computed, not published). */
function listsOf(catalog: Snapshot) {
  const tiers = new Set(catalog.lists.flatMap((l) => l.pointsRule?.tiers.map((t) => t.list) ?? []));
  return listResolver(catalog.lists.filter((l) => !tiers.has(l.code)));
}

function stage(
  row: ParsedRow,
  ctx: {
    catalog: Snapshot;
    lists: ReturnType<typeof listsOf>;
    caller: AuthContext;
    secret: string;
    now: Date;
    opts: ImportOptions;
  },
): Staged | RowError {
  if ('error' in row) return row.error;
  const shape = ctx.opts.checkShape(row.input);
  if (shape) return { row: row.row, code: 'VALIDATION_FAILED', message: shape };
  // 名单 as a clerk writes it: the list's Chinese name is as good as its code.
  if (!ctx.catalog.listByCode.has(row.input.list)) {
    const code = ctx.lists.resolve(row.input.list);
    if (!code)
      return {
        row: row.row,
        code: 'VALIDATION_FAILED',
        message: `list ${JSON.stringify(row.input.list)} is neither a list code nor a list name in the catalogue; accepted: ${ctx.lists.accepted}`,
      };
    row.input.list = code;
  }
  try {
    const v = validateEntry(ctx.catalog, ctx.caller, row.input, ctx.secret, ctx.now);
    return {
      row: row.row,
      input: row.input,
      v,
      subjectKey: subjectKeyOf(v),
      recordKey: `${row.input.source}\u0000${row.input.sourceRecordId}`,
      name: row.input.subject.name.trim(),
    };
  } catch (err) {
    // Rows have columns: the record's /subject/uscc is the uscc column.
    if (err instanceof ApiError)
      return { row: row.row, code: err.code, message: err.detail.replace(/^\/(subject\/)?/, '') };
    throw err;
  }
}

/** Counts the bytes read and stops the stream past the limit. */
async function* limited(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  const it = body[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await it.next();
    } catch {
      // The client went away mid-upload: its problem, not a server fault.
      throw new ApiError('BAD_REQUEST', 'the upload ended before the file did');
    }
    if (next.done) return;
    total += next.value.length;
    if (total > limit)
      throw new ApiError('PAYLOAD_TOO_LARGE', `an import may be at most ${limit} bytes (YINGCHA_IMPORT_LIMIT)`);
    yield next.value;
  }
}

/**
 * Imports running in this process. Each holds up to three pooled connections (the liveness lock and one or two
 * writers), so more than a few at once would starve the checks that share the pool.
 */
let running = 0;
export const MAX_RUNNING_IMPORTS = 2;

class Rollback extends Error {}

export async function runImport(
  database: Database,
  caller: AuthContext,
  secret: string,
  opts: ImportOptions,
  body: AsyncIterable<Uint8Array>,
): Promise<ImportSummary> {
  const db = database.db;
  const importId = randomUUID();
  const ctx: Ctx = { importId, caller, actor: { keyId: caller.keyId, departmentId: caller.department.departmentId } };
  const layout = opts.layout ?? {};
  const counts = new Counts(layout);
  if (running >= MAX_RUNNING_IMPORTS) {
    throw new ApiError(
      'RATE_LIMITED',
      `${MAX_RUNNING_IMPORTS} imports are already running on this instance; retry when one has finished`,
      {
        headers: { 'retry-after': '30' },
      },
    );
  }
  running++;
  let release = async () => {};
  try {
    release = await holdImportLock(database, importId);
    await startImport(db, ctx, opts);
    const catalog = await currentCatalog(db);
    const stageCtx = { catalog, lists: listsOf(catalog), caller, secret, now: new Date(), opts };
    const source = parseRows(limited(body, opts.limit), opts.format, opts.encoding, layout);
    const allOrNothing = opts.mode === 'all-or-nothing';
    // In accept-valid on PostgreSQL two batches that share no record or subject are written at once, on two
    // connections, which is what uses both cores of the database.
    const writers = !allOrNothing && database.engine === 'postgres' ? 2 : 1;
    const feed: Feed = (write) =>
      pumpBatches(source, stageCtx, counts, { writers, batchSize: opts.batchSize, allOrNothing }, write);
    if (allOrNothing) await importAllOrNothing(db, ctx, counts, feed);
    else await importAcceptValid(db, ctx, counts, feed);
  } catch (err) {
    throw await recordFailure(db, importId, opts.mode, counts, err);
  } finally {
    await release();
    running--;
  }
  return getImport(database, caller, importId);
}

async function startImport(db: Db, ctx: Ctx, opts: ImportOptions): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(imports).values({
      id: ctx.importId,
      departmentId: ctx.caller.department.departmentId,
      keyId: ctx.caller.keyId,
      format: opts.format,
      mode: opts.mode,
      status: 'running',
    });
    await audit(
      tx,
      ctx.actor,
      'import.start',
      { type: 'import', id: ctx.importId },
      { format: opts.format, mode: opts.mode, encoding: opts.encoding },
    );
  });
}

/** What a batch writer learns of the rows read up to its batch: rows read, and rows refused since the batch before. */
type Progress = { rowsRead: number; rejected: number };
type Write = (batch: Batch, progress: Progress) => Promise<void>;
/** Reads the whole file and hands its batches to `write`; returns when every batch is written. */
type Feed = (write: Write) => Promise<void>;

/** One transaction for the whole file, committed only when no row was refused. */
async function importAllOrNothing(db: Db, ctx: Ctx, counts: Counts, feed: Feed): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await feed(async (batch) => {
        if (counts.rejected === 0) counts.add(await writeBatch(tx, batch, ctx));
      });
      if (counts.rowsRead === 0) throw emptyImport();
      if (counts.rejected > 0) throw new Rollback();
      await finish(tx, ctx.importId, 'completed', counts);
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    counts.rollBack();
    await finish(db, ctx.importId, 'rejected', counts);
  }
}

/** One transaction per batch; a refused row is only counted. */
async function importAcceptValid(db: Db, ctx: Ctx, counts: Counts, feed: Feed): Promise<void> {
  await feed(async (batch, progress) => {
    await turn();
    const result = await db.transaction(async (tx) => {
      const r = await writeBatch(tx, batch, ctx);
      await recordProgress(tx, ctx.importId, counts, progress, r);
      return r;
    });
    counts.add(result);
  });
  if (counts.rowsRead === 0) throw emptyImport();
  await finish(db, ctx.importId, 'completed', counts);
}

/**
 * One turn of the event loop before a batch's transaction. On PGlite the import's batches otherwise follow one another
 * on promise continuations alone, ahead of the checks whose requests are still waiting to be read: each check then
 * waited out several batches instead of at most one.
 */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const emptyImport = () => new ApiError('EMPTY_IMPORT', 'the file has no data rows');

/**
 * Progress commits with the batch it counts, so after a crash the row says exactly what is in. Increments, because
 * two batches may commit in either order.
 */
async function recordProgress(
  tx: Tx,
  importId: string,
  counts: Counts,
  progress: Progress,
  r: BatchResult,
): Promise<void> {
  const rejected = progress.rejected + r.errors.length;
  await tx
    .update(imports)
    .set({
      rowsRead: sql`greatest(${imports.rowsRead}, ${progress.rowsRead})`,
      accepted: sql`${imports.accepted} + ${r.accepted}`,
      rejected: sql`${imports.rejected} + ${rejected}`,
      // The kept errors so far, when there are new ones: a crash then leaves them readable too.
      ...(rejected > 0
        ? {
            errors: {
              ...counts.report(),
              items: [...counts.errors, ...r.errors.map(counts.locate)].slice(0, MAX_REPORTED_ERRORS),
            },
          }
        : {}),
    })
    .where(eq(imports.id, importId));
}

/** Records an import stopped by `err` as failed; answers the error to throw, naming the import. */
async function recordFailure(
  db: Db,
  importId: string,
  mode: ImportMode,
  counts: Counts,
  err: unknown,
): Promise<unknown> {
  const failure =
    err instanceof ApiError ? { code: err.code, detail: err.detail } : { code: 'INTERNAL', detail: 'internal error' };
  // All-or-nothing rolled back; accept-valid keeps its committed batches and says so.
  if (mode === 'all-or-nothing') counts.rollBack();
  await finish(db, importId, 'failed', counts, failure).catch(() => {});
  return err instanceof ApiError
    ? new ApiError(err.code, `${err.detail} (import ${importId}, recorded as failed)`, err.extra)
    : err;
}

/**
 * Stages the parsed rows in file order and cuts them into batches for `write`. Batches are written while the next
 * ones are parsed and validated, so the database and the parser overlap.
 */
async function pumpBatches(
  source: AsyncIterable<ParsedRow>,
  stageCtx: Parameters<typeof stage>[1],
  counts: Counts,
  opts: { writers: number; batchSize: number; allOrNothing: boolean },
  write: Write,
): Promise<void> {
  const writers = new Writers(write, opts.writers);
  let batch = newBatch();
  let rejectedSinceSeal = 0;
  const flush = async () => {
    if (batch.rows.length === 0) return;
    const progress = { rowsRead: counts.rowsRead, rejected: rejectedSinceSeal };
    const sealed = batch;
    batch = newBatch();
    rejectedSinceSeal = 0;
    await writers.submit(sealed, progress);
  };
  try {
    for await (const parsed of source) {
      counts.rowsRead++;
      const s = stage(parsed, stageCtx);
      if (!('v' in s)) {
        counts.reject(s);
        rejectedSinceSeal++;
        continue;
      }
      // Nothing more will be written in all-or-nothing once a row is refused; the rest is only validated.
      if (opts.allOrNothing && counts.rejected > 0) continue;
      // A repeated record, or a subject under another name, closes the batch before it (batches stay set-based).
      const known = batch.names.get(s.subjectKey);
      if (batch.recordKeys.has(s.recordKey) || (known !== undefined && known !== s.name)) await flush();
      batch.rows.push(s);
      batch.recordKeys.add(s.recordKey);
      batch.names.set(s.subjectKey, s.name);
      if (batch.rows.length >= opts.batchSize) await flush();
    }
    await flush();
  } catch (err) {
    // Never leave a write running behind a failure: the import row's final status must come after it. The loop's own
    // error is the one to answer, not a write's that failed behind it.
    await writers.drain().catch(() => {});
    throw err;
  }
  await writers.drain();
}

/**
 * The batches being written, up to `max` at once. A batch that shares a record or subject with one in flight waits
 * for it, so file order holds.
 */
export class Writers {
  private readonly inflight: Array<{ batch: Batch; done: Promise<void> }> = [];
  /** the first write that failed: every later submit and the drain throw it, whoever was waiting when it failed */
  private failure: { error: unknown } | undefined;
  constructor(
    private readonly write: Write,
    private readonly max: number,
  ) {}

  async submit(batch: Batch, progress: Progress): Promise<void> {
    for (let f = this.blocking(batch); f || this.inflight.length >= this.max; f = this.blocking(batch)) {
      await (f ?? this.inflight[0]!).done;
    }
    this.rethrow();
    const entry = { batch, done: Promise.resolve() };
    entry.done = this.write(batch, progress)
      .catch((error: unknown) => {
        this.failure ??= { error };
        throw error;
      })
      .finally(() => this.inflight.splice(this.inflight.indexOf(entry), 1));
    entry.done.catch(() => {}); // recorded in `failure` above; thrown by the next submit or by drain
    this.inflight.push(entry);
  }

  /** Waits for every write in flight; throws the first failure, including one that ended before anyone waited. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.inflight.map((x) => x.done));
    this.rethrow();
  }

  private rethrow() {
    if (this.failure) throw this.failure.error;
  }

  private blocking(batch: Batch) {
    return this.inflight.find((x) => overlaps(x.batch, batch));
  }
}

async function finish(
  exec: Db | Tx,
  importId: string,
  status: ImportStatus,
  counts: Counts,
  failure?: { code: string; detail: string },
) {
  await exec
    .update(imports)
    .set({
      status,
      rowsRead: counts.rowsRead,
      accepted: counts.accepted,
      rejected: counts.rejected,
      errors: counts.report(failure),
      finishedAt: new Date(),
    })
    .where(eq(imports.id, importId));
}

function toSummary(row: typeof imports.$inferSelect): ImportSummary {
  const report = (row.errors ?? { items: [], omitted: 0, created: 0, updated: 0, replayed: 0 }) as StoredReport;
  return {
    importId: row.id,
    status: row.status as ImportStatus,
    format: row.format,
    mode: row.mode,
    departmentId: row.departmentId,
    keyId: row.keyId,
    rowsRead: row.rowsRead,
    accepted: row.accepted,
    rejected: row.rejected,
    created: report.created,
    updated: report.updated,
    replayed: report.replayed,
    errors: report.items,
    errorsOmitted: report.omitted,
    failure: report.failure ?? null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A `running` import whose runner is gone is recorded as interrupted the first time anyone reads it. */
async function settle(database: Database, row: typeof imports.$inferSelect): Promise<typeof imports.$inferSelect> {
  if (row.status !== 'running' || (await isAlive(database, row.id))) return row;
  const [updated] = await database.db
    .update(imports)
    .set({ status: 'interrupted', finishedAt: new Date() })
    .where(and(eq(imports.id, row.id), eq(imports.status, 'running')))
    .returning();
  return updated ?? row;
}

/** The importing department reads its imports; an admin key reads any. */
export async function getImport(database: Database, caller: AuthContext, importId: string): Promise<ImportSummary> {
  const [row] = await database.db.select().from(imports).where(eq(imports.id, importId));
  if (!row || (row.departmentId !== caller.department.departmentId && !caller.scopes.includes('admin'))) {
    throw new ApiError('NOT_FOUND', `no import ${importId}`);
  }
  return toSummary(await settle(database, row));
}

/** Newest first, a page at a time (services/paging.ts). */
export async function listImports(
  database: Database,
  caller: AuthContext,
  q: { limit: number; after?: string | undefined },
): Promise<Page<ImportSummary>> {
  const page = await readPage(
    { at: imports.startedAt, id: imports.id },
    q,
    (after, orderBy, limit) =>
      database.db
        .select()
        .from(imports)
        .where(and(eq(imports.departmentId, caller.department.departmentId), after))
        .orderBy(...orderBy)
        .limit(limit),
    (r) => ({ at: r.startedAt, id: r.id }),
  );
  const items: ImportSummary[] = [];
  for (const r of page.items) items.push(toSummary(await settle(database, r)));
  return { items, nextCursor: page.nextCursor };
}
