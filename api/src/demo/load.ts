// Bulk-loads generated subjects and list records, for the demo set on a fresh start and for the bench. It writes the
// same rows publishing would (subject, names, bigrams, entry, entry_version) but in bulk: COPY on PostgreSQL, batched
// multi-row inserts on PGlite. It writes no events, so it is for empty databases, not for live ones.
import { createHash, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { Database } from '../db/index.js';
import { entries, entryVersions, nameBigrams, subjectNames, subjects } from '../db/schema.js';
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

type Rows = { subject: unknown[][]; name: unknown[][]; bigram: unknown[][]; entry: unknown[][]; version: unknown[][] };

function rowsFor(s: DemoSubject, i: number, listed: boolean, opts: LoadOptions, now: number, rows: Rows) {
  const id = randomUUID();
  const idHash = s.idNumber ? hashIdNumber(s.idNumber, opts.secret) : null;
  rows.subject.push([id, s.kind, s.uscc ?? null, idHash, s.idNumber ? maskIdNumber(s.idNumber) : null, s.name]);
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
  const entryId = randomUUID();
  const validFrom = new Date(now - ((i * 7919) % 300) * DAY_MS);
  const validUntil = new Date(validFrom.getTime() + 365 * DAY_MS);
  const decidedAt = new Date(validFrom.getTime() - 5 * DAY_MS);
  const sourceRecordId = `demo-${opts.seed}-${i}`;
  rows.entry.push([entryId, list, id, 'demo', sourceRecordId, 1]);
  rows.version.push([
    entryId, 1, list, id, opts.departmentId, `演示〔${validFrom.getUTCFullYear()}〕${i}号`, '演示数据', null, decidedAt, validFrom, validUntil,
    'active', '000000', validFrom, createHash('sha256').update(sourceRecordId).digest('hex'), 'created', validFrom,
  ]);
}

const COLUMNS = {
  subject: ['id', 'kind', 'uscc', 'id_hash', 'id_masked', 'name'],
  subject_name: ['subject_id', 'name', 'normalized', 'former'],
  name_bigram: ['bigram', 'subject_id'],
  entry: ['id', 'list_code', 'subject_id', 'source', 'source_record_id', 'current_version'],
  entry_version: [
    'entry_id', 'version', 'list_code', 'subject_id', 'deciding_department_id', 'decision_doc_no', 'reason', 'points', 'decided_at',
    'valid_from', 'valid_until', 'status', 'scope_region', 'published_at', 'content_hash', 'change', 'recorded_at',
  ],
} as const;

const tsv = (v: unknown) =>
  v === null || v === undefined ? '\\N' : v instanceof Date ? v.toISOString() : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

async function copyRows(sql: postgres.Sql, table: keyof typeof COLUMNS, rows: unknown[][]) {
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
  const batches = <T>(all: T[], size: number) => Array.from({ length: Math.ceil(all.length / size) }, (_, k) => all.slice(k * size, (k + 1) * size));
  await db.transaction(async (tx) => {
    for (const b of batches(rows.subject, 2000))
      await tx.insert(subjects).values(b.map(([id, kind, uscc, idHash, idMasked, name]) => ({ id, kind, uscc, idHash, idMasked, name }) as typeof subjects.$inferInsert));
    for (const b of batches(rows.name, 4000))
      await tx.insert(subjectNames).values(b.map(([subjectId, name, normalized, former]) => ({ subjectId, name, normalized, former }) as typeof subjectNames.$inferInsert));
    for (const b of batches(rows.bigram, 8000))
      await tx.insert(nameBigrams).values(b.map(([bigram, subjectId]) => ({ bigram, subjectId }) as typeof nameBigrams.$inferInsert));
    for (const b of batches(rows.entry, 2000))
      await tx.insert(entries).values(b.map(([id, listCode, subjectId, source, sourceRecordId, currentVersion]) => ({ id, listCode, subjectId, source, sourceRecordId, currentVersion }) as typeof entries.$inferInsert));
    for (const b of batches(rows.version, 1000))
      await tx.insert(entryVersions).values(
        b.map(([entryId, version, listCode, subjectId, decidingDepartmentId, decisionDocNo, reason, points, decidedAt, validFrom, validUntil, status, scopeRegion, publishedAt, contentHash, change, recordedAt]) =>
          ({ entryId, version, listCode, subjectId, decidingDepartmentId, decisionDocNo, reason, points, decidedAt, validFrom, validUntil, status, scopeRegion, publishedAt, contentHash, change, recordedAt }) as typeof entryVersions.$inferInsert),
      );
  });
}

export async function loadDemoData(database: Database, opts: LoadOptions): Promise<LoadResult> {
  const chunk = opts.chunk ?? 20_000;
  const every = opts.entries > 0 ? opts.subjects / opts.entries : Infinity;
  const sample: LoadResult['sample'] = { listedUscc: [], clearUscc: [], names: [], personIds: [] };
  const sql = database.engine === 'postgres' ? postgres(database.url!, { max: 1, onnotice: () => {} }) : null;
  const now = Date.now();
  let listedCount = 0;
  let rows: Rows = { subject: [], name: [], bigram: [], entry: [], version: [] };
  const flush = async () => {
    if (sql) {
      // Parent rows first: the foreign keys are checked row by row. One connection, so one COPY at a time.
      await copyRows(sql, 'subject', rows.subject);
      await copyRows(sql, 'subject_name', rows.name);
      await copyRows(sql, 'name_bigram', rows.bigram);
      await copyRows(sql, 'entry', rows.entry);
      await copyRows(sql, 'entry_version', rows.version);
    } else await insertRows(database, rows);
    rows = { subject: [], name: [], bigram: [], entry: [], version: [] };
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
      rowsFor(s, i, listed, opts, now, rows);
      if (s.uscc && sample.listedUscc.length < 5000 && listed) sample.listedUscc.push(s.uscc);
      if (s.uscc && sample.clearUscc.length < 5000 && !listed) sample.clearUscc.push(s.uscc);
      if (sample.names.length < 2000 && s.kind !== 'person' && i % 7 === 0) sample.names.push(s.name);
      if (s.idNumber && sample.personIds.length < 1000) sample.personIds.push(s.idNumber);
      i++;
      if (rows.subject.length >= chunk) {
        await flush();
        opts.onProgress?.(i);
      }
    }
    await flush();
    opts.onProgress?.(i);
    // Statistics for the planner, and a visibility map so name-bigram lookups are index-only.
    if (sql) await sql`vacuum analyze`;
    return { subjects: i, entries: listedCount, sample };
  } finally {
    await sql?.end({ timeout: 5 });
  }
}
