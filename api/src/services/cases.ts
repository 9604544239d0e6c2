// What objections (异议) and credit repairs (信用修复) share: who may file one, how its deadline is computed in
// Chinese working days, and the received → verifying → decided state machine.
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { CatalogList } from '../catalog/types.js';
import { type Db, sqlState, type Tx } from '../db/index.js';
import { checks, departments, objections, repairs } from '../db/schema.js';
import { DEFAULTS } from '../defaults.js';
import { regionCovers } from '../domain/measures.js';
import { addWorkingDays, calendarCovers, toShanghaiDate } from '../domain/workdays.js';
import { ApiError } from '../errors.js';
import type { CaseFields, Evidence } from '../routes/objections/schemas.js';
import { type Actor, audit } from './audit.js';
import { currentCatalog, type StoredList } from './catalog-snapshot.js';
import { assertDecider, lockCurrentVersion, type VersionRow, writeEvent } from './entries.js';
import { type Page, readPage } from './paging.js';
import type { AuthContext } from './keys.js';
import { receiptIdIs } from './receipts.js';

export type CaseStatus = 'received' | 'verifying' | 'upheld' | 'rejected' | 'approved' | 'denied';
export const OPEN_CASE: readonly CaseStatus[] = ['received', 'verifying'];

export interface Deadline {
  /** the last day (Asia/Shanghai calendar date) on which the decision is due */
  dueAt: string;
  /** how the deadline was counted, e.g. "15 working days" */
  rule: string;
  /**
   * true when the holiday calendar does not know a year the count runs through, so only Monday–Friday were
   * counted; the deadline may move when the State Council publishes that year's holidays.
   */
  provisional: boolean;
}

const DAY_MS = 86_400_000;

/** A deadline of `workingDays` working days (or calendar days) after `filedAt`, the filing day not counted. */
export function deadline(
  filedAt: Date,
  days: { workingDays?: number | undefined; calendarDays?: number | undefined },
): Deadline {
  if (days.calendarDays !== undefined) {
    return {
      dueAt: toShanghaiDate(new Date(filedAt.getTime() + days.calendarDays * DAY_MS)),
      rule: `${days.calendarDays} calendar days`,
      provisional: false,
    };
  }
  const n = days.workingDays ?? DEFAULTS.objectionWorkingDays;
  const start = toShanghaiDate(filedAt);
  const dueAt = addWorkingDays(start, n);
  const years = new Set([Number(start.slice(0, 4)), Number(dueAt.slice(0, 4))]);
  return { dueAt, rule: `${n} working days`, provisional: [...years].some((y) => !calendarCovers(y)) };
}

type DeadlineRules = Pick<CatalogList, 'objectionWorkingDays' | 'repairWorkingDays' | 'repairCalendarDays'>;

export const objectionDeadline = (list: DeadlineRules, filedAt: Date) =>
  deadline(filedAt, { workingDays: list.objectionWorkingDays });
export const repairDeadline = (list: DeadlineRules, filedAt: Date) =>
  deadline(filedAt, { workingDays: list.repairWorkingDays, calendarDays: list.repairCalendarDays });

/** Overdue: still open after the due day has ended in Asia/Shanghai. */
export function isOverdue(status: string, dueAt: string, now = new Date()): boolean {
  return OPEN_CASE.includes(status as CaseStatus) && toShanghaiDate(now) > dueAt;
}

/** How a case came in; `on_behalf` is only on cases filed before the three paths (any department with scope review). */
export type FiledAs = 'deciding_department' | 'check_hit' | 'credit_office' | 'on_behalf';

/**
 * Who may file an objection or a repair (and so suspend a record), 003:L71, L157, L477:
 * - the deciding department itself (谁决定、谁负责);
 * - a department that found the record while applying the measures: it names its own check (`checkId`), whose
 *   receipt belongs to it and has this record among its hits (在执行…时主动发现…应及时告知信息提供单位核实);
 * - a `credit_office` (信用办, the 联席会议办公室 window) whose region covers the record's region: the record's scope
 *   region, or, for a nationwide record, its deciding department's region.
 * Anyone else: 403 NOT_ENTITLED_TO_FILE; a `checkId` that is not the caller's: 403 CHECK_NOT_OURS; a check that did not
 * hit this record: 403 CHECK_DID_NOT_HIT.
 */
export async function filingPath(
  tx: Tx,
  caller: AuthContext,
  record: VersionRow,
  checkId: string | undefined,
): Promise<FiledAs> {
  const dept = caller.department;
  if (dept.departmentId === record.decidingDepartmentId) return 'deciding_department';
  if (checkId !== undefined) {
    const [receipt] = await tx
      .select({ departmentId: checks.departmentId, hits: checks.hits })
      .from(checks)
      .where(receiptIdIs(checkId));
    // Another department's receipt is as unknown as a missing one.
    if (!receipt || receipt.departmentId !== dept.departmentId)
      throw new ApiError('CHECK_NOT_OURS', `check ${checkId} is not one of this department's checks`);
    const hits = (receipt.hits as Array<{ entryId?: string }> | null) ?? [];
    if (!hits.some((h) => h.entryId === record.entryId))
      throw new ApiError('CHECK_DID_NOT_HIT', `check ${checkId} did not hit record ${record.entryId}`);
    return 'check_hit';
  }
  if (dept.category === 'credit_office') {
    let region = record.scopeRegion;
    if (region === '000000') {
      const [decider] = await tx
        .select({ region: departments.region })
        .from(departments)
        .where(eq(departments.id, record.decidingDepartmentId));
      region = decider?.region ?? region;
    }
    if (regionCovers(dept.region, region)) return 'credit_office';
  }
  throw new ApiError(
    'NOT_ENTITLED_TO_FILE',
    'only the deciding department, a department whose own check hit this record (name it in checkId), or the credit office of the record’s region may file this',
  );
}

/** received → verifying; anything else is INVALID_TRANSITION. */
export function assertCanVerify(kind: string, status: string): void {
  if (status !== 'received')
    throw new ApiError(
      'INVALID_TRANSITION',
      `a ${kind} that is ${status} cannot start verification; only a received one can`,
    );
}

/** verifying → decided. A received case must be verified first (核实), and a decided one is final. */
export function assertCanDecide(kind: string, status: string): void {
  if (status === 'received')
    throw new ApiError(
      'INVALID_TRANSITION',
      `this ${kind} is still received; start verification (POST …/verify) before deciding`,
    );
  if (status !== 'verifying') throw new ApiError('INVALID_TRANSITION', `this ${kind} was already decided (${status})`);
}

/** Only the parties see a case: the department that filed it, the deciding department, and admins. */
export function assertParty(caller: AuthContext, kind: string, id: string, parties: Array<string | null>): void {
  if (caller.scopes.includes('admin')) return;
  if (!parties.includes(caller.department.departmentId)) throw new ApiError('NOT_FOUND', `no ${kind} ${id}`);
}

// ---- The storage both kinds share. Both tables have the same case columns, among them who filed, who decides and who
// decided (indexed, foreign-keyed department columns that authorisation and statistics read); bookkeeping with no
// column of its own (filed-as, deadline rule, the record's status after the last step) rides in the evidence jsonb
// next to the evidence list.

type CaseTable = typeof objections | typeof repairs;
type CaseRow = typeof objections.$inferSelect | typeof repairs.$inferSelect;
export type CaseKind = 'objection' | 'repair';

export interface CaseStored {
  items: Evidence[];
  filedAs: FiledAs;
  rule: string;
  provisional: boolean;
  entryStatus?: string;
}

const tableOf = (kind: CaseKind): CaseTable => (kind === 'objection' ? objections : repairs);

/** The fields every case view has, from its row. */
export function caseView(r: CaseRow, now = new Date()): CaseView {
  const stored = r.evidence as CaseStored;
  return {
    entryId: r.entryId,
    applicant: r.applicant as CaseView['applicant'],
    reason: r.reason,
    evidence: stored.items,
    filedAs: stored.filedAs,
    filedAt: r.filedAt.toISOString(),
    filedBy: { keyId: r.filedBy, departmentId: r.filedByDepartmentId },
    checkId: r.checkId,
    dueAt: r.dueAt,
    deadlineRule: stored.rule,
    dueAtProvisional: stored.provisional,
    overdue: isOverdue(r.status, r.dueAt, now),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedBy ? { keyId: r.decidedBy, departmentId: r.decidedByDepartmentId } : null,
    note: r.note,
    entryStatus: stored.entryStatus ?? null,
    decidingDepartmentId: r.decidingDepartmentId,
  };
}

export type CaseView = CaseFields;

export async function lockCase(tx: Tx, kind: CaseKind, id: string): Promise<CaseRow> {
  const table = tableOf(kind);
  const [row] = await tx.select().from(table).where(eq(table.id, id)).for('update');
  if (!row) throw new ApiError('NOT_FOUND', `no ${kind} ${id}`);
  return row;
}

/** A case the caller is a party to (else NOT_FOUND, as if it did not exist). */
export async function readCase(db: Db, caller: AuthContext, kind: CaseKind, id: string): Promise<CaseRow> {
  const table = tableOf(kind);
  const [row] = await db.select().from(table).where(eq(table.id, id));
  if (!row) throw new ApiError('NOT_FOUND', `no ${kind} ${id}`);
  assertParty(caller, kind, id, [row.filedByDepartmentId, row.decidingDepartmentId]);
  return row;
}

/** The caller's cases, newest first: filed with one of its keys, or about a record it decided (admins: all). */
/** Newest first, a page at a time (services/paging.ts). */
export async function listCases(
  db: Db,
  caller: AuthContext,
  kind: CaseKind,
  q: { entryId?: string | undefined; status?: string | undefined; limit: number; after?: string | undefined },
  extra: SQL[] = [],
): Promise<Page<CaseRow>> {
  const table = tableOf(kind);
  const where: SQL[] = [...extra];
  if (q.entryId) where.push(eq(table.entryId, q.entryId));
  if (q.status) where.push(sql`${table.status} = ${q.status}`);
  if (!caller.scopes.includes('admin')) {
    const dept = caller.department.departmentId;
    where.push(sql`(${table.filedByDepartmentId} = ${dept} or ${table.decidingDepartmentId} = ${dept})`);
  }
  return readPage(
    { at: table.filedAt, id: table.id },
    q,
    (after, orderBy, limit) =>
      db
        .select()
        .from(table)
        .where(and(...where, after))
        .orderBy(...orderBy)
        .limit(limit) as Promise<CaseRow[]>,
    (r) => ({ at: r.filedAt, id: r.id }),
  );
}

/** received → verifying, by the deciding department. */
export async function verifyCase(db: Db, caller: AuthContext, kind: CaseKind, id: string): Promise<CaseRow> {
  const table = tableOf(kind);
  return db.transaction(async (tx) => {
    const row = await lockCase(tx, kind, id);
    assertDecider(caller, row.decidingDepartmentId, `verify a ${kind} about its record`);
    assertCanVerify(kind, row.status);
    const [updated] = await tx.update(table).set({ status: 'verifying' }).where(eq(table.id, id)).returning();
    await audit(
      tx,
      { keyId: caller.keyId, departmentId: caller.department.departmentId },
      `${kind}.verify`,
      { type: kind, id },
      { entryId: row.entryId },
    );
    return updated!;
  });
}

const ALREADY_OPEN = { objection: 'OBJECTION_ALREADY_OPEN', repair: 'REPAIR_ALREADY_OPEN' } as const;

export interface OpenContext {
  current: VersionRow;
  list: StoredList;
  now: Date;
  actor: Actor;
}

/**
 * Files a case about a record, in one transaction: lock the record, check who files and what the record's state
 * allows (`admit`, which returns bookkeeping to store), insert the case (`insert`), let the kind change the record
 * (`after`), and write the `<kind>.opened` event and the audit row. The partial unique index on open cases turns a
 * race past the state check into <KIND>_ALREADY_OPEN.
 */
export async function openCase<R extends CaseRow>(
  db: Db,
  caller: AuthContext,
  kind: CaseKind,
  input: { entryId: string; evidence?: CaseStored['items'] | undefined; checkId?: string | undefined },
  steps: {
    admit: (tx: Tx, c: OpenContext) => Promise<Record<string, unknown>>;
    deadline: (list: StoredList, filedAt: Date) => Deadline;
    insert: (
      tx: Tx,
      values: {
        entryId: string;
        evidence: CaseStored;
        status: 'received';
        filedAt: Date;
        dueAt: string;
        filedBy: string;
        filedByDepartmentId: string;
        decidingDepartmentId: string;
        checkId: string | null;
      },
    ) => Promise<R>;
    after?: (tx: Tx, c: OpenContext, row: R) => Promise<void>;
  },
): Promise<R> {
  const catalog = await currentCatalog(db);
  const now = new Date();
  const actor: Actor = { keyId: caller.keyId, departmentId: caller.department.departmentId };
  try {
    return await db.transaction(async (tx) => {
      const current = await lockCurrentVersion(tx, input.entryId);
      const as = await filingPath(tx, caller, current, input.checkId);
      const list = catalog.listByCode.get(current.listCode);
      if (!list) throw new ApiError('CONFLICT', `the record's list ${current.listCode} is no longer in the catalogue`);
      const c: OpenContext = { current, list, now, actor };
      const extra = await steps.admit(tx, c);
      const due = steps.deadline(list, now);
      const evidence: CaseStored = {
        items: input.evidence ?? [],
        filedAs: as,
        rule: due.rule,
        provisional: due.provisional,
        entryStatus: current.status,
        ...extra,
      };
      const row = await steps.insert(tx, {
        entryId: input.entryId,
        evidence,
        status: 'received',
        filedAt: now,
        dueAt: due.dueAt,
        filedBy: caller.keyId,
        filedByDepartmentId: caller.department.departmentId,
        decidingDepartmentId: current.decidingDepartmentId,
        checkId: as === 'check_hit' ? input.checkId! : null,
      });
      await steps.after?.(tx, c, row);
      await writeEvent(tx, `${kind}.opened`, input.entryId, {
        [`${kind}Id`]: row.id,
        status: 'received',
        dueAt: due.dueAt,
      });
      await audit(
        tx,
        actor,
        `${kind}.open`,
        { type: kind, id: row.id },
        { entryId: input.entryId, filedAs: as, dueAt: due.dueAt },
      );
      return row;
    });
  } catch (err) {
    if (sqlState(err) === '23505')
      throw new ApiError(ALREADY_OPEN[kind], `this record already has a ${kind} being handled`);
    throw err;
  }
}

/** Locks a case and its record for a decision by the deciding department; the case must be verifying. */
export async function lockForDecision(tx: Tx, caller: AuthContext, kind: CaseKind, id: string) {
  const row = await lockCase(tx, kind, id);
  const stored = row.evidence as CaseStored;
  assertDecider(caller, row.decidingDepartmentId, `decide a ${kind} about its record`);
  assertCanDecide(kind, row.status);
  const current = await lockCurrentVersion(tx, row.entryId);
  return {
    row,
    stored,
    current,
    actor: { keyId: caller.keyId, departmentId: caller.department.departmentId } as Actor,
  };
}
