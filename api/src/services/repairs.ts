// 信用修复: the subject applies to the deciding department with evidence and a credit pledge (信用承诺; 003:L69, L217,
// L471, L1433). The department decides within the list's deadline (20 days in Nanning, 003:L219; 15 working days in
// urban management, 003:L1449). On approval the record is `repaired` and leaves the list from the effective date; it
// stays in the back end (003:L1423, L1427). Some lists lock repair for a time, or for good (MOHURD, 003:L1425).
import { and, eq, lte, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { entries, entryVersions, repairs } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { audit } from './audit.js';
import type { DecideRepairBody, OpenRepairBody, Repair } from '../routes/repairs/schemas.js';
import {
  type CaseStored,
  caseView,
  listCases,
  lockForDecision,
  openCase,
  readCase,
  repairDeadline,
  verifyCase,
} from './cases.js';
import type { StoredList } from './catalog-snapshot.js';
import { changeStatusIn, type VersionRow, writeEvent } from './entries.js';
import type { Page } from './paging.js';
import type { AuthContext } from './keys.js';

// What is applied for, decided and answered is the schemas' (routes/repairs/schemas.ts).
export type OpenRepairInput = OpenRepairBody;
export type DecideRepairInput = DecideRepairBody;
export type RepairView = Repair;

type Row = typeof repairs.$inferSelect;

interface Stored extends CaseStored {
  /** how many times the subject had been put on this list, counting this record (the lock depends on it) */
  listingCount: number;
}

function toView(r: Row, now = new Date()): RepairView {
  return {
    repairId: r.id,
    status: r.status,
    ...caseView(r, now),
    pledge: r.pledge,
    listingCount: (r.evidence as Stored).listingCount,
    effectiveFrom: r.effectiveFrom?.toISOString() ?? null,
  };
}

const DAY_MS = 86_400_000;

/** The n-th time this subject was put on this list (not counting revoked records), this record included. */
async function listingCount(tx: Tx, v: VersionRow): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(entries)
    .innerJoin(
      entryVersions,
      and(eq(entryVersions.entryId, entries.id), eq(entryVersions.version, entries.currentVersion)),
    )
    .where(
      and(
        eq(entries.subjectId, v.subjectId),
        eq(entries.listCode, v.listCode),
        ne(entryVersions.status, 'revoked'),
        lte(entryVersions.publishedAt, v.publishedAt),
      ),
    );
  return Math.max(1, row?.n ?? 1);
}

/**
 * The list's repair lock (MOHURD 003:L1425: not within 1 year of publication the first time, 3 years the second
 * time). A listing beyond the last stated count keeps the longest stated wait.
 */
function assertNotLocked(list: StoredList, v: VersionRow, count: number, now: Date): void {
  if (list.polarity === 'incentive')
    throw new ApiError(
      'REPAIR_NOT_ALLOWED',
      `${list.code} is an incentive (red) list; credit repair applies to punitive records`,
    );
  const lock = list.repairLock;
  if (!lock) return;
  if (lock.neverAfterListingCount !== undefined && count >= lock.neverAfterListingCount) {
    throw new ApiError(
      'REPAIR_NOT_ALLOWED',
      `listing number ${count} on ${list.code} can never be repaired: ${lock.note}`,
    );
  }
  const days = lock.minDaysByListingCount[Math.min(count, lock.minDaysByListingCount.length) - 1];
  if (days === undefined) return;
  const availableFrom = new Date(v.publishedAt.getTime() + days * DAY_MS);
  if (now.getTime() < availableFrom.getTime()) {
    throw new ApiError(
      'REPAIR_LOCKED',
      `listing number ${count} on ${list.code} may not be repaired before ${availableFrom.toISOString()}: ${lock.note}`,
    );
  }
}

export async function openRepair(db: Db, caller: AuthContext, input: OpenRepairInput): Promise<RepairView> {
  const row = await openCase(db, caller, 'repair', input, {
    admit: async (tx, { current, list, now }) => {
      if (current.status !== 'active')
        throw new ApiError('INVALID_TRANSITION', `a record that is ${current.status} cannot be repaired`);
      const count = await listingCount(tx, current);
      assertNotLocked(list, current, count, now);
      return { listingCount: count };
    },
    deadline: repairDeadline,
    insert: async (tx, values) =>
      (
        await tx
          .insert(repairs)
          .values({ ...values, applicant: input.applicant, reason: input.reason, pledge: input.pledge })
          .returning()
      )[0]!,
  });
  return toView(row);
}

export async function getRepair(db: Db, caller: AuthContext, id: string): Promise<RepairView> {
  return toView((await readCase(db, caller, 'repair', id)) as Row);
}

export async function listRepairs(
  db: Db,
  caller: AuthContext,
  q: { entryId?: string | undefined; status?: Row['status'] | undefined; limit: number; after?: string | undefined },
): Promise<Page<RepairView>> {
  const page = await listCases(db, caller, 'repair', q);
  return { items: page.items.map((r) => toView(r as Row)), nextCursor: page.nextCursor };
}

export async function verifyRepair(db: Db, caller: AuthContext, id: string): Promise<RepairView> {
  return toView((await verifyCase(db, caller, 'repair', id)) as Row);
}

export async function decideRepair(
  db: Db,
  caller: AuthContext,
  id: string,
  input: DecideRepairInput,
): Promise<RepairView> {
  if (input.outcome === 'denied' && input.effectiveFrom) {
    throw new ApiError('VALIDATION_FAILED', 'a denied repair has no effective date', {
      errors: [{ path: '/effectiveFrom', message: 'must be absent when outcome is denied' }],
    });
  }
  const now = new Date();
  const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : now;
  const row = await db.transaction(async (tx) => {
    const { row: r, stored, current, actor } = await lockForDecision(tx, caller, 'repair', id);
    let entryStatus: string = current.status;
    if (input.outcome === 'approved') {
      if (current.status !== 'active' && current.status !== 'objection_pending') {
        throw new ApiError('INVALID_TRANSITION', `the record is now ${current.status}; deny this repair instead`);
      }
      if (effectiveFrom.getTime() < r.filedAt.getTime() || effectiveFrom.getTime() < current.validFrom.getTime()) {
        throw new ApiError('VALIDATION_FAILED', 'the repair cannot take effect before it was applied for', {
          errors: [
            { path: '/effectiveFrom', message: 'must not be before the application or the start of the record' },
          ],
        });
      }
      // The record leaves the list at the effective date: its validity ends there. Until then checks still see it
      // (status repaired), so a future-dated repair changes nothing early.
      const validUntil =
        current.validUntil && current.validUntil.getTime() < effectiveFrom.getTime()
          ? current.validUntil
          : effectiveFrom;
      entryStatus = (
        await changeStatusIn(tx, actor, r.entryId, {
          to: 'repaired',
          change: 'repaired',
          detail: { repairId: id, effectiveFrom: effectiveFrom.toISOString() },
          patch: { validUntil },
          now,
        })
      ).status;
    }
    const [updated] = await tx
      .update(repairs)
      .set({
        status: input.outcome,
        note: input.note ?? null,
        decidedAt: now,
        decidedBy: caller.keyId,
        decidedByDepartmentId: caller.department.departmentId,
        effectiveFrom: input.outcome === 'approved' ? effectiveFrom : null,
        evidence: { ...stored, entryStatus },
      })
      .where(eq(repairs.id, id))
      .returning();
    await writeEvent(tx, 'repair.decided', r.entryId, {
      repairId: id,
      outcome: input.outcome,
      effectiveFrom: input.outcome === 'approved' ? effectiveFrom.toISOString() : null,
    });
    await audit(tx, actor, 'repair.decide', { type: 'repair', id }, { entryId: r.entryId, outcome: input.outcome });
    return updated!;
  });
  return toView(row, now);
}
