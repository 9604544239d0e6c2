// 名单记录: publishing is idempotent on (source, sourceRecordId). The same content again returns the same version;
// changed content writes a new version row and supersedes the old one, so any past moment can be answered exactly.
// Every change writes its event in the same transaction.
import { createHash } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { entries, entryVersions, events } from '../db/schema.js';
import type { EntryStatus, RelatedRole, SubjectKind } from '../domain/codes.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { currentCatalog } from './catalog.js';
import type { AuthContext } from './keys.js';
import { upsertSubject } from './subjects.js';

const DAY_MS = 86_400_000;

export interface PublishInput {
  list: string;
  subject: {
    kind: SubjectKind;
    uscc?: string | undefined;
    idNumber?: string | undefined;
    name: string;
    formerNames?: string[] | undefined;
    relatedPersons?: Array<{ role: RelatedRole; name: string; idNumber?: string | undefined }> | undefined;
  };
  decisionDocNo: string;
  reason: string;
  decidedAt: string;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
  points?: number | undefined;
  scopeRegion?: string | undefined;
  source: string;
  sourceRecordId: string;
}

export interface PublishResult {
  entryId: string;
  version: number;
  status: EntryStatus;
  /** true when this exact content was already published */
  replayed: boolean;
  created: boolean;
}

const invalid = (path: string, message: string) =>
  new ApiError('VALIDATION_FAILED', `${path} ${message}`, { errors: [{ path, message }] });

function parseInstant(value: string, path: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw invalid(path, 'is not a date-time');
  return d;
}

// The content that makes a version: a replay with the same content is the same version. The subject is hashed by
// what identifies it, never with a plain ID number.
function contentHash(input: PublishInput, resolved: { subjectId: string; validFrom: Date; validUntil: Date | null; decidedAt: Date }) {
  const canonical = JSON.stringify([
    input.list,
    resolved.subjectId,
    input.subject.name.trim(),
    [...(input.subject.formerNames ?? [])].sort(),
    input.decisionDocNo,
    input.reason,
    resolved.decidedAt.toISOString(),
    resolved.validFrom.toISOString(),
    resolved.validUntil?.toISOString() ?? null,
    input.points ?? null,
    input.scopeRegion ?? '000000',
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export async function publishEntry(db: Db, caller: AuthContext, input: PublishInput, secret: string): Promise<PublishResult> {
  // The cached catalogue snapshot, as the check reads it: no query per publish.
  const catalog = await currentCatalog(db);
  const list = catalog.listByCode.get(input.list);
  if (!list) throw invalid('/body/list', `is not a list code in the catalogue: ${input.list}`);
  const category = caller.department.category;
  // 003:L165 — the initiating department decides and publishes. 信用办 runs the joint platform and may publish for it.
  if (!list.publisherCategories.includes(category) && category !== 'credit_office') {
    throw new ApiError('FORBIDDEN_LIST', `category ${category} may not publish to ${list.code}; publishers: ${list.publisherCategories.join(', ')}`);
  }
  if (catalog.lists.some((l) => l.pointsRule?.tiers.some((tier) => tier.list === list.code))) {
    throw invalid('/body/list', 'is computed from points at query time; publish the act to the points list instead');
  }
  const rule = list.pointsRule;
  if (rule) {
    if (input.points === undefined) throw invalid('/body/points', `is required on a points list (one of ${rule.pointsPerAct.join(', ')})`);
    if (!rule.pointsPerAct.includes(input.points)) throw invalid('/body/points', `must be one of ${rule.pointsPerAct.join(', ')}`);
  }

  const now = new Date();
  const decidedAt = parseInstant(input.decidedAt, '/body/decidedAt');
  if (decidedAt.getTime() > now.getTime() + 5 * 60_000) throw invalid('/body/decidedAt', 'is in the future');
  const validFrom = input.validFrom ? parseInstant(input.validFrom, '/body/validFrom') : now;
  const horizon = list.validityDays ?? list.autoRemoveAfterDays;
  const validUntil = input.validUntil
    ? parseInstant(input.validUntil, '/body/validUntil')
    : horizon
      ? new Date(validFrom.getTime() + horizon * DAY_MS)
      : null;
  if (validUntil && validUntil.getTime() <= validFrom.getTime()) throw invalid('/body/validUntil', 'must be after validFrom');

  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  return db.transaction(async (tx) => {
    const subjectId = await upsertSubject(tx, input.subject, secret);
    const hash = contentHash(input, { subjectId, validFrom, validUntil, decidedAt });
    const version = {
      listCode: list.code,
      subjectId,
      decidingDepartmentId: caller.department.departmentId,
      decisionDocNo: input.decisionDocNo,
      reason: input.reason,
      points: input.points ?? null,
      decidedAt,
      validFrom,
      validUntil,
      status: 'active' as const,
      scopeRegion: input.scopeRegion ?? '000000',
      publishedAt: now,
      contentHash: hash,
      recordedAt: now,
      recordedBy: caller.keyId,
    };

    const [inserted] = await tx
      .insert(entries)
      .values({ listCode: list.code, subjectId, source: input.source, sourceRecordId: input.sourceRecordId, currentVersion: 1 })
      .onConflictDoNothing({ target: [entries.source, entries.sourceRecordId] })
      .returning();
    if (inserted) {
      await tx.insert(entryVersions).values({ ...version, entryId: inserted.id, version: 1, change: 'created' });
      await writeEvent(tx, 'entry.created', inserted.id, version.listCode, version.scopeRegion, { version: 1, status: 'active' });
      await audit(tx, actor, 'entry.publish', { type: 'entry', id: inserted.id }, { list: list.code, source: input.source });
      return { entryId: inserted.id, version: 1, status: 'active', replayed: false, created: true };
    }

    // A replay: lock the record so concurrent replays version it one at a time.
    const [entry] = await tx
      .select()
      .from(entries)
      .where(sql`${entries.source} = ${input.source} and ${entries.sourceRecordId} = ${input.sourceRecordId}`)
      .for('update');
    if (entry!.listCode !== list.code || entry!.subjectId !== subjectId) {
      throw new ApiError('CONFLICT', 'this (source, sourceRecordId) already names a record for another list or subject');
    }
    const [current] = await tx
      .select()
      .from(entryVersions)
      .where(sql`${entryVersions.entryId} = ${entry!.id} and ${entryVersions.version} = ${entry!.currentVersion}`);
    if (current!.contentHash === hash) {
      return { entryId: entry!.id, version: current!.version, status: current!.status, replayed: true, created: false };
    }
    const next = current!.version + 1;
    // A correction keeps the record's state (an objection pending stays pending); only revoked records are final.
    if (current!.status === 'revoked') throw new ApiError('CONFLICT', 'a revoked record cannot be republished; publish a new record');
    await tx.update(entryVersions).set({ supersededAt: now }).where(sql`${entryVersions.entryId} = ${entry!.id} and ${entryVersions.version} = ${current!.version}`);
    await tx.insert(entryVersions).values({ ...version, status: current!.status, entryId: entry!.id, version: next, change: 'updated' });
    await tx.update(entries).set({ currentVersion: next }).where(eq(entries.id, entry!.id));
    await writeEvent(tx, 'entry.updated', entry!.id, version.listCode, version.scopeRegion, { version: next, status: current!.status });
    await audit(tx, actor, 'entry.update', { type: 'entry', id: entry!.id }, { version: next });
    return { entryId: entry!.id, version: next, status: current!.status, replayed: false, created: false };
  });
}

/**
 * Moves a record to another status by writing a new version (the old one is superseded, never changed), with its
 * event and audit row, in one transaction. Objections, repairs, expiry and revocation all go through here.
 */
export async function changeStatus(
  db: Db,
  actor: Actor,
  entryId: string,
  to: EntryStatus,
  change: string,
  detail: Record<string, unknown> = {},
  allowed: (from: EntryStatus) => boolean = () => true,
): Promise<{ entryId: string; version: number; status: EntryStatus }> {
  return db.transaction(async (tx) => {
    const [entry] = await tx.select().from(entries).where(eq(entries.id, entryId)).for('update');
    if (!entry) throw new ApiError('NOT_FOUND', `no entry ${entryId}`);
    const [current] = await tx
      .select()
      .from(entryVersions)
      .where(sql`${entryVersions.entryId} = ${entryId} and ${entryVersions.version} = ${entry.currentVersion}`);
    if (!allowed(current!.status)) {
      throw new ApiError('INVALID_TRANSITION', `a record that is ${current!.status} cannot become ${to}`);
    }
    const now = new Date();
    const next = current!.version + 1;
    await tx.update(entryVersions).set({ supersededAt: now }).where(sql`${entryVersions.entryId} = ${entryId} and ${entryVersions.version} = ${current!.version}`);
    const { supersededAt: _old, recordedAt: _at, ...rest } = current!;
    await tx.insert(entryVersions).values({ ...rest, version: next, status: to, change, recordedAt: now, recordedBy: actor.keyId });
    await tx.update(entries).set({ currentVersion: next }).where(eq(entries.id, entryId));
    await writeEvent(tx, `entry.${change}`, entryId, current!.listCode, current!.scopeRegion, { version: next, status: to, ...detail });
    await audit(tx, actor, `entry.${change}`, { type: 'entry', id: entryId }, { from: current!.status, to, ...detail });
    return { entryId, version: next, status: to };
  });
}

/** 撤销: only the deciding department (or an admin) may revoke, and a revoked record stays revoked. */
export async function revokeEntry(db: Db, caller: AuthContext, entryId: string, reason: string) {
  const [current] = await db
    .select({ decidedBy: entryVersions.decidingDepartmentId })
    .from(entryVersions)
    .innerJoin(entries, sql`${entries.id} = ${entryVersions.entryId} and ${entries.currentVersion} = ${entryVersions.version}`)
    .where(eq(entryVersions.entryId, entryId));
  if (!current) throw new ApiError('NOT_FOUND', `no entry ${entryId}`);
  if (current.decidedBy !== caller.department.departmentId && !caller.scopes.includes('admin')) {
    throw new ApiError('FORBIDDEN_LIST', 'only the deciding department may revoke its record');
  }
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  return changeStatus(db, actor, entryId, 'revoked', 'revoked', { reason }, (from) => from !== 'revoked');
}

async function writeEvent(tx: Tx, type: string, entryId: string, listCode: string, region: string, data: Record<string, unknown>) {
  await tx.insert(events).values({ type, entryId, listCode, region, data: { entryId, list: listCode, ...data } });
}

export interface EntryView {
  entryId: string;
  list: string;
  subjectId: string;
  source: string;
  sourceRecordId: string;
  version: number;
  status: EntryStatus;
  decisionDocNo: string;
  reason: string;
  decidedAt: string;
  validFrom: string;
  validUntil: string | null;
  points: number | null;
  scopeRegion: string;
  publishedAt: string;
  decidedBy: string;
  versions: Array<{ version: number; status: EntryStatus; change: string; recordedAt: string; supersededAt: string | null }>;
}

export async function getEntry(db: Db, entryId: string): Promise<EntryView> {
  const [entry] = await db.select().from(entries).where(eq(entries.id, entryId));
  if (!entry) throw new ApiError('NOT_FOUND', `no entry ${entryId}`);
  const versions = await db.select().from(entryVersions).where(eq(entryVersions.entryId, entryId)).orderBy(asc(entryVersions.version));
  const cur = versions.find((v) => v.version === entry.currentVersion)!;
  return {
    entryId,
    list: entry.listCode,
    subjectId: entry.subjectId,
    source: entry.source,
    sourceRecordId: entry.sourceRecordId,
    version: cur.version,
    status: cur.status,
    decisionDocNo: cur.decisionDocNo,
    reason: cur.reason,
    decidedAt: cur.decidedAt.toISOString(),
    validFrom: cur.validFrom.toISOString(),
    validUntil: cur.validUntil?.toISOString() ?? null,
    points: cur.points,
    scopeRegion: cur.scopeRegion,
    publishedAt: cur.publishedAt.toISOString(),
    decidedBy: cur.decidingDepartmentId,
    versions: versions.map((v) => ({
      version: v.version,
      status: v.status,
      change: v.change,
      recordedAt: v.recordedAt.toISOString(),
      supersededAt: v.supersededAt?.toISOString() ?? null,
    })),
  };
}
