// 异议: a subject disputes a record. While the objection is open the record is `objection_pending` and checks apply
// none of its measures (核实期间暂不执行, 002 §十六; 003:L157, L477, L627). The deciding department verifies and then
// upholds it (the record is revoked or corrected) or rejects it (the record resumes; on lists that say so the term
// continues from the rejection, the suspended days added, 003:L71). Deadline: the list's working days, 15 by default (003:L477, L727), 20 in
// Nanning (003:L203).
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { objections } from '../db/schema.js';
import { ApiError } from '../errors.js';
import { audit } from './audit.js';
import { toShanghaiDate } from '../domain/workdays.js';
import type { DecideObjectionBody, Objection, OpenObjectionBody } from '../routes/objections/schemas.js';
import { caseView, listCases, lockForDecision, objectionDeadline, openCase, readCase, verifyCase } from './cases.js';
import { currentCatalog } from './catalog-snapshot.js';
import { changeStatusIn, type VersionPatch, writeEvent } from './entries.js';
import type { Page } from './paging.js';
import type { AuthContext } from './keys.js';

// What is filed, decided and answered is the schemas' (routes/objections/schemas.ts).
export type OpenObjectionInput = OpenObjectionBody;
export type DecideObjectionInput = DecideObjectionBody;
export type Amendment = NonNullable<DecideObjectionInput['amendment']>;
export type ObjectionView = Objection;

type Row = typeof objections.$inferSelect;

function toView(r: Row, now = new Date()): ObjectionView {
  return {
    objectionId: r.id,
    status: r.status,
    ...caseView(r, now),
    outcome: (r.outcome as ObjectionView['outcome']) ?? null,
    correction: (r.correction as ObjectionView['correction']) ?? null,
  };
}

export async function openObjection(db: Db, caller: AuthContext, input: OpenObjectionInput): Promise<ObjectionView> {
  const row = await openCase(db, caller, 'objection', input, {
    admit: async (_tx, { current }) => {
      if (current.status === 'objection_pending')
        throw new ApiError('OBJECTION_ALREADY_OPEN', 'this record already has an objection being handled');
      if (current.status !== 'active')
        throw new ApiError('INVALID_TRANSITION', `a record that is ${current.status} cannot be objected to`);
      return { entryStatus: 'objection_pending' };
    },
    deadline: objectionDeadline,
    insert: async (tx, values) =>
      (
        await tx
          .insert(objections)
          .values({ ...values, applicant: input.applicant, reason: input.reason })
          .returning()
      )[0]!,
    // 存在异议: the record is suspended in the same transaction (003:L205, L477).
    after: async (tx, { actor, now }, row) => {
      await changeStatusIn(tx, actor, input.entryId, {
        to: 'objection_pending',
        change: 'objection_opened',
        detail: { objectionId: row.id },
        from: ['active'],
        now,
      });
    },
  });
  return toView(row);
}

export async function getObjection(db: Db, caller: AuthContext, id: string): Promise<ObjectionView> {
  return toView((await readCase(db, caller, 'objection', id)) as Row);
}

export async function listObjections(
  db: Db,
  caller: AuthContext,
  q: {
    entryId?: string | undefined;
    status?: Row['status'] | undefined;
    overdue?: boolean | undefined;
    limit: number;
    after?: string | undefined;
  },
): Promise<Page<ObjectionView>> {
  const extra = [];
  if (q.overdue !== undefined) {
    const open = sql`${objections.status} in ('received', 'verifying') and ${objections.dueAt} < ${toShanghaiDate(new Date())}`;
    extra.push(q.overdue ? open : sql`not (${open})`);
  }
  const page = await listCases(db, caller, 'objection', q, extra);
  return { items: page.items.map((r) => toView(r as Row)), nextCursor: page.nextCursor };
}

export async function verifyObjection(db: Db, caller: AuthContext, id: string): Promise<ObjectionView> {
  return toView((await verifyCase(db, caller, 'objection', id)) as Row);
}

function amendmentPatch(a: Amendment | undefined): VersionPatch {
  const patch: VersionPatch = {};
  if (!a || Object.values(a).every((v) => v === undefined)) {
    throw new ApiError('VALIDATION_FAILED', 'an amend correction needs the corrected fields', {
      errors: [
        {
          path: '/amendment',
          message: 'must name at least one of reason, decisionDocNo, validFrom, validUntil, points',
        },
      ],
    });
  }
  if (a.reason !== undefined) patch.reason = a.reason;
  if (a.decisionDocNo !== undefined) patch.decisionDocNo = a.decisionDocNo;
  if (a.validFrom !== undefined) patch.validFrom = new Date(a.validFrom);
  if (a.validUntil !== undefined) patch.validUntil = new Date(a.validUntil);
  if (a.points !== undefined) patch.points = a.points;
  return patch;
}

export async function decideObjection(
  db: Db,
  caller: AuthContext,
  id: string,
  input: DecideObjectionInput,
): Promise<ObjectionView> {
  if (input.outcome === 'upheld' && !input.correction) {
    throw new ApiError('VALIDATION_FAILED', 'an upheld objection must say how the record is corrected', {
      errors: [{ path: '/correction', message: 'is required when outcome is upheld (revoke or amend)' }],
    });
  }
  if (input.outcome === 'rejected' && (input.correction || input.amendment)) {
    throw new ApiError('VALIDATION_FAILED', 'a rejected objection leaves the record as it was', {
      errors: [{ path: '/correction', message: 'must be absent when outcome is rejected' }],
    });
  }
  if (input.correction !== 'amend' && input.amendment) {
    throw new ApiError('VALIDATION_FAILED', 'amendment is only for correction "amend"', {
      errors: [{ path: '/amendment', message: 'must be absent unless correction is amend' }],
    });
  }
  const patch = input.correction === 'amend' ? amendmentPatch(input.amendment) : undefined;
  const catalog = await currentCatalog(db);
  const now = new Date();
  const row = await db.transaction(async (tx) => {
    const { row: o, stored, current, actor } = await lockForDecision(tx, caller, 'objection', id);
    let entryStatus: string = current.status;
    // The record moves only if it is still suspended by this objection; if it has since expired or been revoked
    // the decision is recorded and the record stays as it is.
    if (current.status === 'objection_pending') {
      const detail = { objectionId: id };
      if (input.outcome === 'upheld' && input.correction === 'revoke') {
        entryStatus = (
          await changeStatusIn(tx, actor, o.entryId, {
            to: 'revoked',
            change: 'revoked',
            detail: { ...detail, reason: input.note ?? 'objection upheld' },
            now,
          })
        ).status;
      } else if (input.outcome === 'upheld') {
        const merged = {
          validFrom: patch!.validFrom ?? current.validFrom,
          validUntil: patch!.validUntil === undefined ? current.validUntil : patch!.validUntil,
        };
        if (merged.validUntil && merged.validUntil.getTime() <= merged.validFrom.getTime()) {
          throw new ApiError('VALIDATION_FAILED', 'the corrected validity is empty', {
            errors: [{ path: '/amendment/validUntil', message: 'must be after validFrom' }],
          });
        }
        entryStatus = (
          await changeStatusIn(tx, actor, o.entryId, { to: 'active', change: 'corrected', detail, patch: patch!, now })
        ).status;
      } else {
        const list = catalog.listByCode.get(current.listCode);
        // 003:L71 (继续计算): on lists that say so the term continues from the rejection, so the days the record
        // spent suspended are added to its end.
        const restart =
          list?.restartTermOnObjectionRejected && current.validUntil
            ? { validUntil: new Date(current.validUntil.getTime() + Math.max(0, now.getTime() - o.filedAt.getTime())) }
            : undefined;
        entryStatus = (
          await changeStatusIn(tx, actor, o.entryId, {
            to: 'active',
            change: 'reinstated',
            detail: { ...detail, termExtended: Boolean(restart) },
            ...(restart ? { patch: restart } : {}),
            now,
          })
        ).status;
      }
    }
    const [updated] = await tx
      .update(objections)
      .set({
        status: input.outcome,
        outcome: input.outcome,
        correction: input.correction ?? null,
        note: input.note ?? null,
        decidedAt: now,
        decidedBy: caller.keyId,
        decidedByDepartmentId: caller.department.departmentId,
        evidence: { ...stored, entryStatus },
      })
      .where(eq(objections.id, id))
      .returning();
    await writeEvent(tx, 'objection.decided', o.entryId, {
      objectionId: id,
      outcome: input.outcome,
      correction: input.correction ?? null,
      entryStatus,
    });
    await audit(
      tx,
      actor,
      'objection.decide',
      { type: 'objection', id },
      { entryId: o.entryId, outcome: input.outcome, correction: input.correction ?? null, entryStatus },
    );
    return updated!;
  });
  return toView(row, now);
}
