// Bulk-loads generated subjects and list records, for the demo set on a fresh start and for the bench. The entry,
// entry_version and event rows come from the same builder publishing and import use (services/entry-rows.ts), so the
// ownership, the content hash and the events are the ones a publish would write; they are written in bulk: COPY on
// PostgreSQL, batched multi-row inserts on PGlite. One audit row records the load. For empty databases: it does not
// look for records already there.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { Database } from '../db/index.js';
import { eq } from 'drizzle-orm';
import { departments, entries, entryVersions, events, nameBigrams, subjectNames, subjects } from '../db/schema.js';
import { audit } from '../services/audit.js';
import {
  DEFAULT_REGION,
  type EntryInsert,
  type EventInsert,
  type RecordContent,
  type VersionInsert,
  entryRow,
  eventAbout,
  versionEvent,
  versionRow,
} from '../services/entry-rows.js';
import { hashIdNumber, maskIdNumber } from '../domain/idcard.js';
import { bigrams, normalizeName } from '../domain/names.js';
import { type DemoSubject, iterateSubjects } from './generate.js';

const DAY_MS = 86_400_000;

/** Lists a generated record may land on, by subject kind (points and tier lists are computed, so not here). */
const ORG_LISTS = [
  'safety.joint_punishment',
  'safety.blacklist',
  'safety.watch',
  'quality.serious_violation',
  'market.serious_illegal',
  'market.abnormal_operation',
  'tax.major_violation',
  'procurement.bad_record',
  'customs.dishonest',
  'tax.a_grade',
  'customs.aeo_advanced',
];
const PERSON_LISTS = ['court.dishonest_debtor', 'youth.volunteer_5a'];

export interface LoadOptions {
  subjects: number;
  /** how many of the subjects get a list record (every k-th subject, spread evenly) */
  entries: number;
  seed: number;
  /** the deciding department of every record */
  departmentId: string;
  secret: string;
  /** rows per write */
  chunk?: number;
  onProgress?: (done: number) => void;
}

export interface LoadResult {
  subjects: number;
  entries: number;
  /** some listed and unlisted identifiers, for a caller to query */
  sample: { listedUscc: string[]; clearUscc: string[]; names: string[]; personIds: string[] };
}

type Cell = string | number | boolean | Date | null | undefined;
type Rows = {
  subject: Cell[][];
  name: Cell[][];
  bigram: Cell[][];
  entry: EntryInsert[];
  version: VersionInsert[];
  event: EventInsert[];
};
const emptyRows = (): Rows => ({ subject: [], name: [], bigram: [], entry: [], version: [], event: [] });

/**
 * A generated record as a publish by `departmentId` would write it (for the bench's own loaders too): the entry,
 * version and event rows from the shared builder.
 */
export function demoRecordRows(
  dept: { id: string; name: string },
  subject: Parameters<typeof eventAbout>[0],
  content: RecordContent,
  now: Date,
) {
  const entryId = randomUUID();
  const publisher = { departmentId: dept.id, keyId: null };
  const version = versionRow(publisher, content, subject.id, {
    entryId,
    version: 1,
    status: 'active',
    change: 'created',
    now,
  });
  const about = eventAbout(subject, version.scopeRegion ?? DEFAULT_REGION, dept);
  return { entry: entryRow(publisher, content, subject.id, entryId), version, event: versionEvent(version, about) };
}

function rowsFor(
  s: DemoSubject,
  i: number,
  listed: boolean,
  opts: LoadOptions,
  dept: { id: string; name: string },
  now: number,
  rows: Rows,
) {
  const id = randomUUID();
  const idHash = s.idNumber ? hashIdNumber(s.idNumber, opts.secret) : null;
  const idMasked = s.idNumber ? maskIdNumber(s.idNumber) : null;
  rows.subject.push([id, s.kind, s.uscc ?? null, idHash, idMasked, s.name]);
  const names = [{ name: s.name, former: false }, ...(s.formerNames ?? []).map((name) => ({ name, former: true }))];
  const seen = new Set<string>();
  const grams = new Set<string>();
  for (const n of names) {
    const normalized = normalizeName(n.name);
    if (seen.has(normalized)) continue;
    seen.add(normalized);
    rows.name.push([id, n.name, normalized, n.former]);
    for (const g of bigrams(normalized)) grams.add(g);
  }
  for (const g of grams) rows.bigram.push([g, id]);
  if (!listed) return;
  const lists = s.kind === 'person' ? PERSON_LISTS : ORG_LISTS;
  const list = lists[i % lists.length]!;
  const validFrom = new Date(now - ((i * 7919) % 300) * DAY_MS);
  const validUntil = new Date(validFrom.getTime() + 365 * DAY_MS);
  const decidedAt = new Date(validFrom.getTime() - 5 * DAY_MS);
  const content: RecordContent = {
    list,
    subject: { name: s.name, formerNames: s.formerNames },
    decisionDocNo: `演示〔${validFrom.getUTCFullYear()}〕${i}号`,
    reason: '演示数据',
    source: 'demo',
    sourceRecordId: `demo-${opts.seed}-${i}`,
    decidedAt,
    validFrom,
    validUntil,
    givenValidFrom: true,
    givenValidUntil: true,
  };
  const r = demoRecordRows(
    dept,
    { id, kind: s.kind, name: s.name, uscc: s.uscc ?? null, idMasked },
    content,
    validFrom,
  );
  rows.entry.push(r.entry);
  rows.version.push(r.version);
  rows.event.push(r.event);
}

const COLUMNS = {
  subject: ['id', 'kind', 'uscc', 'id_hash', 'id_masked', 'name'],
  subject_name: ['subject_id', 'name', 'normalized', 'former'],
  name_bigram: ['bigram', 'subject_id'],
  entry: ['id', 'department_id', 'list_code', 'subject_id', 'source', 'source_record_id', 'current_version'],
  entry_version: [
    'entry_id',
    'version',
    'list_code',
    'subject_id',
    'deciding_department_id',
    'decision_doc_no',
    'reason',
    'points',
    'decided_at',
    'valid_from',
    'valid_until',
    'status',
    'scope_region',
    'published_at',
    'content_hash',
    'change',
    'recorded_at',
  ],
  event: ['type', 'entry_id', 'list_code', 'region', 'data'],
} as const;

// The builder's rows as COPY columns, in COLUMNS order.
const entryCells = (e: EntryInsert) => [
  e.id,
  e.departmentId,
  e.listCode,
  e.subjectId,
  e.source,
  e.sourceRecordId,
  e.currentVersion,
];
const versionCells = (v: VersionInsert) => [
  v.entryId,
  v.version,
  v.listCode,
  v.subjectId,
  v.decidingDepartmentId,
  v.decisionDocNo,
  v.reason,
  v.points,
  v.decidedAt,
  v.validFrom,
  v.validUntil,
  v.status,
  v.scopeRegion,
  v.publishedAt,
  v.contentHash,
  v.change,
  v.recordedAt,
];
const eventCells = (e: EventInsert) => [e.type, e.entryId, e.listCode, e.region, JSON.stringify(e.data)];

const tsv = (v: Cell) =>
  v === null || v === undefined
    ? '\\N'
    : v instanceof Date
      ? v.toISOString()
      : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

async function copyRows(sql: postgres.Sql, table: keyof typeof COLUMNS, rows: Cell[][]) {
  if (rows.length === 0) return;
  const stream = await sql.unsafe(`copy ${table} (${COLUMNS[table].join(', ')}) from stdin`).writable();
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(rows.map((r) => r.map(tsv).join('\t')).join('\n') + '\n');
  });
}

async function insertRows(database: Database, rows: Rows) {
  const db = database.db;
  const batches = <T>(all: T[], size: number) =>
    Array.from({ length: Math.ceil(all.length / size) }, (_, k) => all.slice(k * size, (k + 1) * size));
  await db.transaction(async (tx) => {
    for (const b of batches(rows.subject, 2000))
      await tx
        .insert(subjects)
        .values(
          b.map(
            ([id, kind, uscc, idHash, idMasked, name]) =>
              ({ id, kind, uscc, idHash, idMasked, name }) as typeof subjects.$inferInsert,
          ),
        );
    for (const b of batches(rows.name, 4000))
      await tx
        .insert(subjectNames)
        .values(
          b.map(
            ([subjectId, name, normalized, former]) =>
              ({ subjectId, name, normalized, former }) as typeof subjectNames.$inferInsert,
          ),
        );
    for (const b of batches(rows.bigram, 8000))
      await tx
        .insert(nameBigrams)
        .values(b.map(([bigram, subjectId]) => ({ bigram, subjectId }) as typeof nameBigrams.$inferInsert));
    for (const b of batches(rows.entry, 2000)) await tx.insert(entries).values(b);
    for (const b of batches(rows.version, 1000)) await tx.insert(entryVersions).values(b);
    for (const b of batches(rows.event, 2000)) await tx.insert(events).values(b);
  });
}

export async function loadDemoData(database: Database, opts: LoadOptions): Promise<LoadResult> {
  const chunk = opts.chunk ?? 20_000;
  const every = opts.entries > 0 ? opts.subjects / opts.entries : Infinity;
  const nameEvery = Math.max(1, Math.floor(opts.subjects / 2500));
  const sample: LoadResult['sample'] = { listedUscc: [], clearUscc: [], names: [], personIds: [] };
  // The deciding department, as every record's events name it.
  const [dept] = await database.db
    .select({ id: departments.id, name: departments.name })
    .from(departments)
    .where(eq(departments.id, opts.departmentId));
  if (!dept) throw new Error(`no department ${opts.departmentId}`);
  const sql = database.engine === 'postgres' ? postgres(database.url!, { max: 1, onnotice: () => {} }) : null;
  const now = Date.now();
  let listedCount = 0;
  let rows: Rows = emptyRows();
  const flush = async () => {
    if (sql) {
      // Parent rows first: the foreign keys are checked row by row. One connection, so one COPY at a time.
      await copyRows(sql, 'subject', rows.subject);
      await copyRows(sql, 'subject_name', rows.name);
      await copyRows(sql, 'name_bigram', rows.bigram);
      await copyRows(sql, 'entry', rows.entry.map(entryCells));
      await copyRows(sql, 'entry_version', rows.version.map(versionCells));
      await copyRows(sql, 'event', rows.event.map(eventCells));
    } else await insertRows(database, rows);
    rows = emptyRows();
  };
  if (sql) {
    // Bulk loading into an empty database: skip the per-row foreign-key triggers (the loader writes parents first and
    // generates every id itself). Needs superuser; without it the load is just slower.
    await sql`set session_replication_role = replica`.catch(() => {});
  }
  try {
    let i = 0;
    for (const s of iterateSubjects(opts.subjects, opts.seed, { personShare: 0.1 })) {
      const listed = listedCount < opts.entries && Math.floor((i + 1) / every) > Math.floor(i / every);
      if (listed) listedCount++;
      rowsFor(s, i, listed, opts, dept, now, rows);
      if (s.uscc && sample.listedUscc.length < 5000 && listed) sample.listedUscc.push(s.uscc);
      if (s.uscc && sample.clearUscc.length < 5000 && !listed) sample.clearUscc.push(s.uscc);
      // spread over the whole load: a sample of the first subjects would favour whatever reads postings in id order
      if (sample.names.length < 2000 && s.kind !== 'person' && i % nameEvery === 0) sample.names.push(s.name);
      if (s.idNumber && sample.personIds.length < 1000) sample.personIds.push(s.idNumber);
      i++;
      if (rows.subject.length >= chunk) {
        await flush();
        opts.onProgress?.(i);
      }
    }
    await flush();
    opts.onProgress?.(i);
    await audit(
      database.db,
      { keyId: null, departmentId: opts.departmentId },
      'entry.load',
      { type: 'department', id: opts.departmentId },
      { subjects: i, entries: listedCount, seed: opts.seed },
    );
    // Statistics for the planner, and a visibility map so name-bigram lookups are index-only.
    if (sql) await sql`vacuum analyze`;
    return { subjects: i, entries: listedCount, sample };
  } finally {
    await sql?.end({ timeout: 5 });
  }
}
