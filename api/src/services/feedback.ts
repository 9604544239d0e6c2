// 执行反馈: how the checking department applied each measure its check required (003:L359–361 惩戒实施情况可查;
// 003:L599, L923). One current feedback per (check, measure); an amendment supersedes the previous one, which stays
// as history, so "what did they report, and when did they change it" can always be answered.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { sqlState } from '../db/index.js';
import { checks, feedback } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { audit } from './audit.js';
import type { CheckFeedback, CheckMeasure, Feedback, FeedbackBody } from '../routes/checks/schemas.js';
import type { AuthContext } from './keys.js';
import { receiptIdIs } from './receipts.js';

export type FeedbackInput = FeedbackBody;
export type FeedbackAction = FeedbackInput['action'];
export type FeedbackView = Feedback;
export type { CheckFeedback };

type Row = typeof feedback.$inferSelect;

const toView = (r: Row): FeedbackView => ({
  feedbackId: r.id,
  checkId: r.checkId,
  measureId: r.measureId,
  action: r.action,
  note: r.note,
  reportedAt: r.createdAt.toISOString(),
  reportedBy: { departmentId: r.departmentId, keyId: r.keyId },
  supersededAt: r.supersededAt?.toISOString() ?? null,
});

/** The check, if the caller's department ran it; any other department's check is as invisible as a missing one. */
async function ownCheck(db: Db, caller: AuthContext, checkId: string) {
  const [row] = await db
    .select({ departmentId: checks.departmentId, measures: checks.measures })
    .from(checks)
    .where(receiptIdIs(checkId));
  if (!row || (row.departmentId !== caller.department.departmentId && !caller.scopes.includes('admin'))) {
    throw new ApiError('NOT_FOUND', `no check ${checkId}`);
  }
  return { departmentId: row.departmentId, measures: row.measures as CheckMeasure[] };
}

/**
 * Records feedback. The same report again is a replay (no new row); a different report amends: the previous row
 * is superseded and kept. Only the department that ran the check reports on it.
 */
export async function recordFeedback(
  db: Db,
  caller: AuthContext,
  checkId: string,
  input: FeedbackInput,
): Promise<{ feedback: FeedbackView; created: boolean; amended: string | null }> {
  if (input.action === 'not_applied' && !input.note?.trim()) {
    throw new ApiError('VALIDATION_FAILED', 'say why the measure was not applied', {
      errors: [{ path: '/note', message: 'is required when action is not_applied' }],
    });
  }
  const check = await ownCheck(db, caller, checkId);
  if (check.departmentId !== caller.department.departmentId) {
    throw new ApiError(
      'NOT_DECIDING_DEPARTMENT',
      'only the department that ran the check reports how its measures were applied',
    );
  }
  if (!check.measures.some((m) => m.measureId === input.measureId)) {
    throw new ApiError(
      'MEASURE_NOT_IN_CHECK',
      `measure ${input.measureId} is not among this check's ${check.measures.length} measure(s)`,
    );
  }
  const note = input.note?.trim() || null;
  try {
    return await db.transaction(async (tx) => {
      // Serialise reports on one check, so two amendments cannot both supersede the same row.
      await tx.select({ id: checks.id }).from(checks).where(receiptIdIs(checkId)).for('update');
      const [current] = await tx
        .select()
        .from(feedback)
        .where(
          and(eq(feedback.checkId, checkId), eq(feedback.measureId, input.measureId), isNull(feedback.supersededAt)),
        );
      if (current && current.action === input.action && current.note === note)
        return { feedback: toView(current), created: false, amended: null };
      const now = new Date();
      if (current) await tx.update(feedback).set({ supersededAt: now }).where(eq(feedback.id, current.id));
      const [row] = await tx
        .insert(feedback)
        .values({
          checkId,
          measureId: input.measureId,
          action: input.action,
          note,
          departmentId: caller.department.departmentId,
          keyId: caller.keyId,
          createdAt: now,
        })
        .returning();
      await audit(
        tx,
        { keyId: caller.keyId, departmentId: caller.department.departmentId },
        current ? 'feedback.amend' : 'feedback.record',
        { type: 'check', id: checkId },
        {
          measureId: input.measureId,
          action: input.action,
          ...(current ? { amends: current.id } : {}),
        },
      );
      return { feedback: toView(row!), created: true, amended: current?.id ?? null };
    });
  } catch (err) {
    if (sqlState(err) === '23505')
      throw new ApiError(
        'CONFLICT',
        'another report on this measure was recorded at the same moment; read it and amend',
      );
    throw err;
  }
}

export async function checkFeedback(db: Db, caller: AuthContext, checkId: string): Promise<CheckFeedback> {
  const check = await ownCheck(db, caller, checkId);
  const rows = await db.select().from(feedback).where(eq(feedback.checkId, checkId)).orderBy(asc(feedback.createdAt));
  const measures = check.measures.map((m): CheckFeedback['measures'][number] => {
    const mine = rows.filter((r) => r.measureId === m.measureId).map(toView);
    return {
      measureId: m.measureId,
      docNo: m.docNo,
      ordinal: m.ordinal,
      text: m.text,
      mandatory: m.mandatory,
      current: mine.find((f) => f.supersededAt === null) ?? null,
      history: mine.filter((f) => f.supersededAt !== null),
    };
  });
  return { checkId, complete: measures.every((m) => m.current !== null), measures };
}
