// 名单记录: publishing is idempotent on (source, sourceRecordId). The same content again returns the same version;
// changed content writes a new version row and supersedes the old one, so any past moment can be answered exactly.
// Every change writes its event in the same transaction.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { departments, entries, entryVersions, events, objections, repairs, subjects } from '../db/schema.js';
import type { EntryStatus } from '../domain/codes.js';
import type { Entry, PublishBody, PublishResult as Published, TransferResult } from '../routes/entries/schemas.js';
import { afterCursor, type Page, pageOrder, toPage } from './paging.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { type CatalogSnapshot, type StoredList, currentCatalog } from './catalog-snapshot.js';
import type { AuthContext } from './keys.js';
import { parseIdNumber } from '../domain/idcard.js';
import { parseUscc } from '../domain/uscc.js';
import {
  entryEvent,
  type EventAbout,
  eventAbout,
  entryRow,
  type Publisher,
  type RecordContent,
  versionEvent,
  versionRow,
} from './entry-rows.js';
import { findByIdentifiers, type Identifiers, parseIdentifiers, upsertSubject } from './subjects.js';

const DAY_MS = 86_400_000;

/** A record as POST /v1/entries publishes it (and a row of an import, once parsed). */
export type PublishInput = PublishBody;

/** The answer of POST /v1/entries, and whether the record is new (201) or not (200). */
export type PublishResult = Published & { created: boolean };

function parseInstant(value: string, path: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw ApiError.invalid(path, 'is not a date-time');
  return d;
}

/** A validated publish as the row builder (services/entry-rows.ts) takes it. */
export function recordContent(
  input: PublishInput,
  v: Pick<ValidatedEntry, 'list' | 'decidedAt' | 'validFrom' | 'validUntil'>,
): RecordContent {
  return {
    list: v.list.code,
    subject: { name: input.subject.name, formerNames: input.subject.formerNames },
    decisionDocNo: input.decisionDocNo,
    reason: input.reason,
    points: input.points,
    scopeRegion: input.scopeRegion,
    source: input.source,
    sourceRecordId: input.sourceRecordId,
    decidedAt: v.decidedAt,
    validFrom: v.validFrom,
    validUntil: v.validUntil,
    givenValidFrom: Boolean(input.validFrom),
    givenValidUntil: Boolean(input.validUntil),
  };
}

export const publisherOf = (caller: AuthContext): Publisher => ({
  departmentId: caller.department.departmentId,
  keyId: caller.keyId,
});

/** A record that passed every publishing rule, with its dates resolved; nothing is written yet. */
export interface ValidatedEntry {
  list: StoredList;
  ids: Identifiers;
  decidedAt: Date;
  validFrom: Date;
  validUntil: Date | null;
}

/**
 * Every rule a record must pass before it is written (list, the caller's category, points, dates, identifiers and the
 * kind rule), shared by POST /v1/entries and bulk imports so the two can never disagree. Throws the ApiError a
 * single publish answers with.
 */
export function validateEntry(
  catalog: CatalogSnapshot,
  caller: AuthContext,
  input: PublishInput,
  secret: string,
  now: Date,
): ValidatedEntry {
  const list = catalog.listByCode.get(input.list);
  if (!list) throw ApiError.invalid('/list', `is not a list code in the catalogue: ${input.list}`);
  const category = caller.department.category;
  // 003:L165 — the initiating department decides and publishes. 信用办 runs the joint platform and may publish for it.
  if (!list.publisherCategories.includes(category) && category !== 'credit_office') {
    throw new ApiError(
      'FORBIDDEN_LIST',
      `category ${category} may not publish to ${list.code}; publishers: ${list.publisherCategories.join(', ')}`,
    );
  }
  if (catalog.lists.some((l) => l.pointsRule?.tiers.some((tier) => tier.list === list.code))) {
    throw ApiError.invalid(
      '/list',
      'is computed from points at query time; publish the act to the points list instead',
    );
  }
  const rule = list.pointsRule;
  if (rule) {
    if (input.points === undefined)
      throw ApiError.invalid('/points', `is required on a points list (one of ${rule.pointsPerAct.join(', ')})`);
    if (!rule.pointsPerAct.includes(input.points))
      throw ApiError.invalid('/points', `must be one of ${rule.pointsPerAct.join(', ')}`);
  }

  const decidedAt = parseInstant(input.decidedAt, '/decidedAt');
  if (decidedAt.getTime() > now.getTime() + 5 * 60_000) throw ApiError.invalid('/decidedAt', 'is in the future');
  const validFrom = input.validFrom ? parseInstant(input.validFrom, '/validFrom') : now;
  const horizon = list.validityDays ?? list.autoRemoveAfterDays;
  const validUntil = input.validUntil
    ? parseInstant(input.validUntil, '/validUntil')
    : horizon
      ? new Date(validFrom.getTime() + horizon * DAY_MS)
      : null;
  if (validUntil && validUntil.getTime() <= validFrom.getTime())
    throw ApiError.invalid('/validUntil', 'must be after validFrom');
  const ids = parseIdentifiers(input.subject, secret, '/subject');
  const kind = input.subject.kind;
  if (kind === 'person' ? !ids.idHash : !ids.uscc) {
    const field = kind === 'person' ? 'idNumber' : 'uscc';
    throw new ApiError('VALIDATION_FAILED', `a subject of kind ${kind} needs ${field}`, {
      errors: [{ path: `/subject/${field}`, message: `is required for kind ${kind}` }],
    });
  }
  return { list, ids, decidedAt, validFrom, validUntil };
}

/**
 * Publishes a record in the caller's namespace: (caller's department, source, sourceRecordId). Another department's
 * record with the same ids is a different record and is never touched; the same ids again from the same department
 * are a replay (same content) or a new version.
 */
export async function publishEntry(
  db: Db,
  caller: AuthContext,
  input: PublishInput,
  secret: string,
): Promise<PublishResult> {
  // The cached catalogue snapshot, as the check reads it: no query per publish.
  const now = new Date();
  const validated = validateEntry(await currentCatalog(db), caller, input, secret, now);
  const content = recordContent(input, validated);
  const owner = publisherOf(caller);
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  return db.transaction(async (tx) => {
    const subjectId = await upsertSubject(tx, input.subject, secret, {
      onRenamed: (r) => subjectRenamed(tx, actor, r),
    });
    const [inserted] = await tx
      .insert(entries)
      .values(entryRow(owner, content, subjectId, randomUUID()))
      .onConflictDoNothing({ target: [entries.departmentId, entries.source, entries.sourceRecordId] })
      .returning();
    if (inserted) {
      const version = versionRow(owner, content, subjectId, {
        entryId: inserted.id,
        version: 1,
        status: 'active',
        change: 'created',
        now,
      });
      await tx.insert(entryVersions).values(version);
      await tx
        .insert(events)
        .values(versionEvent(version, (await eventAbouts(tx, [inserted.id])).get(inserted.id)!.about));
      await audit(
        tx,
        actor,
        'entry.publish',
        { type: 'entry', id: inserted.id },
        { list: content.list, source: input.source },
      );
      return { entryId: inserted.id, version: 1, status: 'active', replayed: false, created: true };
    }

    // The caller's own record: lock it so concurrent replays version it one at a time.
    const [entry] = await tx
      .select()
      .from(entries)
      .where(
        and(
          eq(entries.departmentId, owner.departmentId),
          eq(entries.source, input.source),
          eq(entries.sourceRecordId, input.sourceRecordId),
        ),
      )
      .for('update');
    if (entry!.listCode !== content.list || entry!.subjectId !== subjectId) {
      throw new ApiError(
        'CONFLICT',
        'this (source, sourceRecordId) already names a record for another list or subject',
      );
    }
    const [current] = await tx
      .select()
      .from(entryVersions)
      .where(sql`${entryVersions.entryId} = ${entry!.id} and ${entryVersions.version} = ${entry!.currentVersion}`);
    const next = versionRow(owner, content, subjectId, {
      entryId: entry!.id,
      version: current!.version + 1,
      status: current!.status,
      change: 'updated',
      now,
    });
    if (current!.contentHash.trim() === next.contentHash) {
      return { entryId: entry!.id, version: current!.version, status: current!.status, replayed: true, created: false };
    }
    // A correction keeps the record's state (an objection pending stays pending); only revoked records are final.
    if (current!.status === 'revoked')
      throw new ApiError('CONFLICT', 'a revoked record cannot be republished; publish a new record');
    await tx
      .update(entryVersions)
      .set({ supersededAt: now })
      .where(sql`${entryVersions.entryId} = ${entry!.id} and ${entryVersions.version} = ${current!.version}`);
    await tx.insert(entryVersions).values(next);
    await tx.update(entries).set({ currentVersion: next.version }).where(eq(entries.id, entry!.id));
    await tx.insert(events).values(versionEvent(next, (await eventAbouts(tx, [entry!.id])).get(entry!.id)!.about));
    await audit(tx, actor, 'entry.update', { type: 'entry', id: entry!.id }, { version: next.version });
    return { entryId: entry!.id, version: next.version, status: current!.status, replayed: false, created: false };
  });
}

/** A publisher renamed a subject (the new name in a publish): a `subject.renamed` event and an audit row naming the key. */
export async function subjectRenamed(
  tx: Tx,
  actor: Actor,
  r: { subjectId: string; from: string; to: string },
): Promise<void> {
  await tx
    .insert(events)
    .values({ type: 'subject.renamed', data: { subjectId: r.subjectId, name: r.to, formerName: r.from } });
  await audit(
    tx,
    actor,
    'subject.rename',
    { type: 'subject', id: r.subjectId },
    { from: r.from, to: r.to, keyId: actor.keyId },
  );
}

/** What a status change may also correct in the new version (term restart, 异议 amendment, repair end). */
export interface VersionPatch {
  /** only a transfer changes it */
  decidingDepartmentId?: string;
  validFrom?: Date;
  validUntil?: Date | null;
  reason?: string;
  decisionDocNo?: string;
  points?: number | null;
}

export interface StatusChange {
  to: EntryStatus;
  /** names the event (`entry.<change>`), the audit action and the version's `change` column */
  change: string;
  detail?: Record<string, unknown>;
  /** statuses the record may leave; anything else is INVALID_TRANSITION */
  from?: readonly EntryStatus[];
  patch?: VersionPatch;
  now?: Date;
}

export type VersionRow = typeof entryVersions.$inferSelect;

/** The record's current version, row-locked for the rest of the transaction. */
export async function lockCurrentVersion(tx: Tx, entryId: string): Promise<VersionRow> {
  const [entry] = await tx.select().from(entries).where(eq(entries.id, entryId)).for('update');
  if (!entry) throw new ApiError('NOT_FOUND', `no entry ${entryId}`);
  const [current] = await tx
    .select()
    .from(entryVersions)
    .where(sql`${entryVersions.entryId} = ${entryId} and ${entryVersions.version} = ${entry.currentVersion}`);
  return current!;
}

/**
 * Moves a record to another status by writing a new version (the old one is superseded, never changed), with its
 * event and audit row, inside the caller's transaction, so an objection or repair decision and the record's new
 * status commit together. Objections, repairs, expiry and revocation all go through here.
 */
export async function changeStatusIn(tx: Tx, actor: Actor, entryId: string, c: StatusChange) {
  const current = await lockCurrentVersion(tx, entryId);
  if (c.from && !c.from.includes(current.status)) {
    throw new ApiError('INVALID_TRANSITION', `a record that is ${current.status} cannot become ${c.to} (${c.change})`);
  }
  const now = c.now ?? new Date();
  const next = current.version + 1;
  await tx
    .update(entryVersions)
    .set({ supersededAt: now })
    .where(sql`${entryVersions.entryId} = ${entryId} and ${entryVersions.version} = ${current.version}`);
  const { supersededAt: _old, recordedAt: _at, ...rest } = current;
  const row = {
    ...rest,
    ...c.patch,
    version: next,
    status: c.to,
    change: c.change,
    recordedAt: now,
    recordedBy: actor.keyId,
  };
  await tx.insert(entryVersions).values(row);
  await tx.update(entries).set({ currentVersion: next }).where(eq(entries.id, entryId));
  const detail = {
    ...c.detail,
    ...(c.patch?.validFrom || c.patch?.validUntil !== undefined
      ? { validFrom: row.validFrom.toISOString(), validUntil: row.validUntil?.toISOString() ?? null }
      : {}),
  };
  await writeEvent(tx, `entry.${c.change}`, entryId, { version: next, status: c.to, ...detail });
  await audit(
    tx,
    actor,
    `entry.${c.change}`,
    { type: 'entry', id: entryId },
    { from: current.status, to: c.to, ...detail },
  );
  return { entryId, version: next, status: c.to, previous: current };
}

/** changeStatusIn in a transaction of its own. */
export async function changeStatus(db: Db, actor: Actor, entryId: string, c: StatusChange) {
  const r = await db.transaction((tx) => changeStatusIn(tx, actor, entryId, c));
  return { entryId: r.entryId, version: r.version, status: r.status };
}

/**
 * The deciding department (认定部门) acts on its own records, and nobody else: not another department, not an admin
 * key of another department. An admin moves a record to another department only by an audited transfer.
 */
export function assertDecider(caller: AuthContext, decidedBy: string, what: string): void {
  if (decidedBy !== caller.department.departmentId) {
    throw new ApiError('NOT_DECIDING_DEPARTMENT', `only the deciding department may ${what}`);
  }
}

/**
 * 移交: an admin moves a record to another department (merged or renamed departments). The record gets a new version
 * naming the new deciding department, an `entry.transferred` event and an audit row with the reason. The new owner
 * must not already have a record with the same (source, sourceRecordId).
 */
export async function transferEntry(
  db: Db,
  caller: AuthContext,
  entryId: string,
  to: { departmentId: string; reason: string },
): Promise<TransferResult> {
  if (!caller.scopes.includes('admin'))
    throw new ApiError('FORBIDDEN_SCOPE', 'transferring a record needs scope "admin"');
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  return db.transaction(async (tx) => {
    const current = await lockCurrentVersion(tx, entryId);
    const [target] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.id, to.departmentId));
    if (!target) throw new ApiError('NOT_FOUND', `no department ${to.departmentId}`);
    if (current.decidingDepartmentId === to.departmentId)
      throw new ApiError('CONFLICT', 'the record already belongs to that department');
    const [entry] = await tx.select().from(entries).where(eq(entries.id, entryId));
    const [clash] = await tx
      .select({ id: entries.id })
      .from(entries)
      .where(
        and(
          eq(entries.departmentId, to.departmentId),
          eq(entries.source, entry!.source),
          eq(entries.sourceRecordId, entry!.sourceRecordId),
        ),
      );
    if (clash)
      throw new ApiError(
        'CONFLICT',
        `that department already has a record with this (source, sourceRecordId): ${clash.id}`,
      );
    await tx.update(entries).set({ departmentId: to.departmentId }).where(eq(entries.id, entryId));
    // Open objections and repairs go with the record: the new department verifies and decides them.
    for (const table of [objections, repairs]) {
      await tx
        .update(table)
        .set({ decidingDepartmentId: to.departmentId })
        .where(and(eq(table.entryId, entryId), inArray(table.status, ['received', 'verifying'])));
    }
    const r = await changeStatusIn(tx, actor, entryId, {
      to: current.status,
      change: 'transferred',
      detail: { fromDepartmentId: current.decidingDepartmentId, toDepartmentId: to.departmentId, reason: to.reason },
      patch: { decidingDepartmentId: to.departmentId },
    });
    return { entryId, version: r.version, status: r.status, decidedBy: to.departmentId };
  });
}

/** 撤销: only the deciding department may revoke, and a revoked record stays revoked. */
export async function revokeEntry(
  db: Db,
  caller: AuthContext,
  entryId: string,
  reason: string,
): Promise<Omit<Published, 'replayed'>> {
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  return db.transaction(async (tx) => {
    const current = await lockCurrentVersion(tx, entryId);
    assertDecider(caller, current.decidingDepartmentId, 'revoke its record');
    const r = await changeStatusIn(tx, actor, entryId, {
      to: 'revoked',
      change: 'revoked',
      detail: { reason },
      from: ['active', 'objection_pending', 'repaired', 'expired'],
    });
    return { entryId, version: r.version, status: r.status };
  });
}

/** An event about a record, with what it says of the record (eventAbouts) as of the record's current version. */
export async function writeEvent(tx: Tx, type: string, entryId: string, data: Record<string, unknown>) {
  const { listCode, about } = (await eventAbouts(tx, [entryId])).get(entryId)!;
  await tx.insert(events).values(entryEvent(type, entryId, listCode, about, data));
}

/**
 * For each record, its list and what its events say of it (entry-rows.ts EventAbout), read from its current version:
 * callers write the event after the version it follows, in the same transaction.
 */
export async function eventAbouts(
  tx: Db | Tx,
  entryIds: string[],
): Promise<Map<string, { listCode: string; about: EventAbout }>> {
  if (entryIds.length === 0) return new Map();
  const rows = await tx
    .select({
      entryId: entries.id,
      listCode: entryVersions.listCode,
      region: entryVersions.scopeRegion,
      subject: subjects,
      dept: { id: departments.id, name: departments.name },
    })
    .from(entries)
    .innerJoin(
      entryVersions,
      and(eq(entryVersions.entryId, entries.id), eq(entryVersions.version, entries.currentVersion)),
    )
    .innerJoin(subjects, eq(subjects.id, entryVersions.subjectId))
    .innerJoin(departments, eq(departments.id, entryVersions.decidingDepartmentId))
    .where(inArray(entries.id, entryIds));
  return new Map(
    rows.map((r) => [r.entryId, { listCode: r.listCode, about: eventAbout(r.subject, r.region, r.dept) }]),
  );
}

export type EntryReadView = 'public' | 'internal';

/** A record as it is read (routes/entries/schemas.ts Entry); the version history on internal reads only. */
export type EntryView = Entry;

/**
 * 公示 ends at expiry or repair, but the record stays in the back end (003:L1423, L1427). A public read shows only
 * what is listed now; an internal read (scope publish, review or admin) shows every record and its history.
 */
export function assertView(caller: AuthContext, view: EntryReadView): void {
  if (view === 'internal' && !caller.scopes.some((s) => s === 'publish' || s === 'review' || s === 'admin')) {
    throw new ApiError(
      'FORBIDDEN_SCOPE',
      'the internal view (history, expired and repaired records) needs scope "publish", "review" or "admin"',
    );
  }
}

const LISTED: readonly EntryStatus[] = ['active', 'objection_pending', 'repaired'];
const isListed = (v: VersionRow, now: Date) =>
  LISTED.includes(v.status) &&
  v.validFrom.getTime() <= now.getTime() &&
  (v.validUntil === null || v.validUntil.getTime() > now.getTime());

async function toEntryViews(
  db: Db | Tx,
  entryRows: Array<typeof entries.$inferSelect>,
  view: EntryReadView,
): Promise<EntryView[]> {
  if (entryRows.length === 0) return [];
  const ids = entryRows.map((e) => e.id);
  const versions = await db
    .select()
    .from(entryVersions)
    .where(inArray(entryVersions.entryId, ids))
    .orderBy(asc(entryVersions.version));
  const subjectRows = await db
    .select({
      id: subjects.id,
      kind: subjects.kind,
      name: subjects.name,
      uscc: subjects.uscc,
      idMasked: subjects.idMasked,
    })
    .from(subjects)
    .where(inArray(subjects.id, [...new Set(entryRows.map((e) => e.subjectId))]));
  const subjectById = new Map(subjectRows.map((r) => [r.id, r]));
  const now = new Date();
  const out: EntryView[] = [];
  for (const entry of entryRows) {
    const mine = versions.filter((v) => v.entryId === entry.id);
    const cur = mine.find((v) => v.version === entry.currentVersion)!;
    const listed = isListed(cur, now);
    if (view === 'public' && !listed) continue;
    const subject = subjectById.get(entry.subjectId)!;
    out.push({
      entryId: entry.id,
      list: entry.listCode,
      subjectId: entry.subjectId,
      subject: { kind: subject.kind, name: subject.name, uscc: subject.uscc, idMasked: subject.idMasked },
      source: entry.source,
      sourceRecordId: entry.sourceRecordId,
      version: cur.version,
      status: cur.status,
      listed,
      decisionDocNo: cur.decisionDocNo,
      reason: cur.reason,
      decidedAt: cur.decidedAt.toISOString(),
      validFrom: cur.validFrom.toISOString(),
      validUntil: cur.validUntil?.toISOString() ?? null,
      points: cur.points,
      scopeRegion: cur.scopeRegion,
      publishedAt: cur.publishedAt.toISOString(),
      decidedBy: cur.decidingDepartmentId,
      ...(view === 'internal'
        ? {
            versions: mine.map((v) => ({
              version: v.version,
              status: v.status,
              change: v.change,
              recordedAt: v.recordedAt.toISOString(),
              supersededAt: v.supersededAt?.toISOString() ?? null,
            })),
          }
        : {}),
    });
  }
  return out;
}

export async function getEntry(db: Db, caller: AuthContext, entryId: string, view: EntryReadView): Promise<EntryView> {
  assertView(caller, view);
  const [entry] = await db.select().from(entries).where(eq(entries.id, entryId));
  const [out] = entry ? await toEntryViews(db, [entry], view) : [];
  // A record no longer on public display is as absent as one that never existed, for a public read.
  if (!out)
    throw new ApiError(
      'NOT_FOUND',
      view === 'public' && entry
        ? `entry ${entryId} is not on public display; read it with view=internal`
        : `no entry ${entryId}`,
    );
  return out;
}

/**
 * Records about one subject, named by its 统一社会信用代码 or its subject id (GET /v1/entries?subject=). An ID number
 * never travels in a URL, where it would land in access logs and proxies: it is refused with ID_NUMBER_IN_URL, which
 * points to POST /v1/entries/search.
 */
export async function findEntries(
  db: Db,
  _secret: string,
  caller: AuthContext,
  q: { subject: string; list?: string | undefined; view: EntryReadView; limit: number; after?: string | undefined },
): Promise<Page<EntryView>> {
  assertView(caller, q.view);
  const raw = q.subject.trim();
  let subjectIds: string[];
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) {
    subjectIds = [raw.toLowerCase()];
  } else {
    const idShaped = /^[0-9]{17}[0-9Xx]$/.test(raw);
    const idNumberInUrl = () =>
      new ApiError(
        'ID_NUMBER_IN_URL',
        'an ID number may not be sent in a URL; look it up with POST /v1/entries/search { idNumber }',
        {
          errors: [{ path: '/subject', message: 'is an ID number; use POST /v1/entries/search' }],
        },
      );
    // A valid ID number is refused before the value is tried as a USCC: about one 18-digit ID number in 31 is also a
    // valid USCC, and it would then be looked up, and recorded in entry_read, as one. The rare real USCC that is also a
    // valid ID number is refused too; privacy wins that tie.
    if (idShaped && parseIdNumber(raw).ok) throw idNumberInUrl();
    const asUscc = parseUscc(raw);
    if (!asUscc.ok) {
      // Anything else shaped like an ID number (18 characters of digits and X, valid or not) is refused the same way,
      // so the answer says nothing about whether the number is valid. The message never repeats the value.
      if (idShaped) throw idNumberInUrl();
      throw new ApiError('VALIDATION_FAILED', 'subject must be a 统一社会信用代码 or a subject id', {
        errors: [{ path: '/subject', message: `not a valid USCC (${asUscc.detail}) nor a subject id` }],
      });
    }
    subjectIds = (await findByIdentifiers(db, { uscc: asUscc.value })).map((s) => s.subjectId);
  }
  return entriesOf(db, subjectIds, q);
}

/** Records about the person with this ID number (POST /v1/entries/search): hashed at once, never stored or logged. */
export async function searchEntriesByIdNumber(
  db: Db,
  secret: string,
  caller: AuthContext,
  q: { idNumber: string; list?: string | undefined; view: EntryReadView; limit: number; after?: string | undefined },
): Promise<Page<EntryView>> {
  assertView(caller, q.view);
  const ids = parseIdentifiers({ idNumber: q.idNumber }, secret, '');
  if (!ids.idHash)
    throw new ApiError('VALIDATION_FAILED', 'idNumber is required', {
      errors: [{ path: '/idNumber', message: 'is empty' }],
    });
  const subjectIds = (await findByIdentifiers(db, { idHash: ids.idHash })).map((s) => s.subjectId);
  return entriesOf(db, subjectIds, q);
}

/** Newest first, a page at a time (services/paging.ts); the cursor comes from the rows read, before the view filters. */
async function entriesOf(
  db: Db,
  subjectIds: string[],
  q: { list?: string | undefined; view: EntryReadView; limit: number; after?: string | undefined },
): Promise<Page<EntryView>> {
  const after = afterCursor(entries.createdAt, entries.id, q.after);
  if (subjectIds.length === 0) return { items: [], nextCursor: null };
  const where = [inArray(entries.subjectId, subjectIds)];
  if (q.list) where.push(eq(entries.listCode, q.list));
  if (after) where.push(after);
  const rows = await db
    .select()
    .from(entries)
    .where(and(...where))
    .orderBy(...pageOrder(entries.createdAt, entries.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }));
  return { items: await toEntryViews(db, page.items, q.view), nextCursor: page.nextCursor };
}
