// Objections (异议) through HTTP on either engine: who may file, the suspension while one is open, the deadline in
// working days, verification and decision, and every forbidden transition by its code.
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { addWorkingDays, toShanghaiDate } from '../../api/src/domain/workdays.js';
import { bearer } from '../helpers/app.js';
import { check, department, publish, uscc, world } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';

t.test('objections', async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const post = (key: string, url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
  const get = (key: string, url: string) => app.inject({ url, headers: bearer(key) });
  const applicant = { name: '佳木斯市某某建筑有限公司', relation: 'subject', contact: '0454-1234567' };

  /** Departments of their own for one subtest, and a record published by its safety department. */
  async function parties(t: Test) {
    const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
    const otherSafety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
    const creditOffice = await department(app, adminKey, 'credit_office', '230800', ['check', 'review']);
    const finance = await department(app, adminKey, 'finance', '230800', ['check']);
    const safetyReviewer = await department(app, adminKey, 'emergency_management', '230800', ['review']);
    // The deciding department verifies and decides with a review key of its own department.
    const decider = { key: await keyFor(safety.departmentId, ['review']) };
    async function listed(name: string) {
      const firm = uscc();
      const p = await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm, name },
      });
      t.equal(p.statusCode, 201, p.body);
      return { firm, entryId: p.json().entryId as string };
    }
    return { safety, otherSafety, creditOffice, finance, safetyReviewer, decider, listed };
  }
  async function keyFor(departmentId: string, scopes: string[]) {
    const k = await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: bearer(adminKey),
      payload: { departmentId, scopes },
    });
    return k.json().secret as string;
  }

  t.test(
    'filed by the credit office of the record’s region: suspended at once, deadline in working days, then rejected',
    async (t) => {
      const { safety, creditOffice, finance, safetyReviewer, decider, listed } = await parties(t);
      const { firm, entryId } = await listed('佳木斯市异议一有限公司');
      const before = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
      t.equal(before.verdict, 'restricted');

      const opened = await post(creditOffice.key, '/v1/objections', {
        entryId,
        applicant,
        reason: '认定事实有误',
        evidence: [{ title: '复议决定书' }],
      });
      t.equal(opened.statusCode, 201, opened.body);
      const o = opened.json();
      t.match(o, {
        status: 'received',
        entryId,
        filedAs: 'credit_office',
        checkId: null,
        deadlineRule: '15 working days',
        overdue: false,
        entryStatus: 'objection_pending',
      });
      t.equal(o.dueAt, addWorkingDays(toShanghaiDate(new Date(o.filedAt)), 15));
      t.equal(o.filedBy.departmentId, creditOffice.departmentId);
      t.equal(o.decidingDepartmentId, safety.departmentId);

      const during = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
      t.equal(during.hits[0].status, 'objection_pending');
      t.equal(during.hits[0].suspended, true);
      t.same(during.measures, [], '核实期间暂不执行: no measure while the objection is open');

      const again = await post(safety.key, '/v1/objections', { entryId, applicant, reason: '再次异议' });
      t.equal(again.statusCode, 409);
      t.equal(again.json().code, 'OBJECTION_ALREADY_OPEN');

      // Forbidden steps, each with its code.
      const early = await post(decider.key, `/v1/objections/${o.objectionId}/decision`, { outcome: 'rejected' });
      t.equal(early.json().code, 'INVALID_TRANSITION', 'a received objection must be verified before it is decided');
      const stranger = await post(safetyReviewer.key, `/v1/objections/${o.objectionId}/verify`, {});
      t.equal(stranger.statusCode, 403);
      t.equal(stranger.json().code, 'NOT_DECIDING_DEPARTMENT');
      const noScope = await post(finance.key, `/v1/objections/${o.objectionId}/verify`, {});
      t.equal(noScope.json().code, 'FORBIDDEN_SCOPE');

      const verifying = await post(decider.key, `/v1/objections/${o.objectionId}/verify`, {});
      t.equal(verifying.statusCode, 200, verifying.body);
      t.equal(verifying.json().status, 'verifying');
      t.equal(
        (await post(decider.key, `/v1/objections/${o.objectionId}/verify`, {})).json().code,
        'INVALID_TRANSITION',
      );

      const withCorrection = await post(decider.key, `/v1/objections/${o.objectionId}/decision`, {
        outcome: 'rejected',
        correction: 'revoke',
      });
      t.equal(withCorrection.json().code, 'VALIDATION_FAILED');

      const decided = await post(decider.key, `/v1/objections/${o.objectionId}/decision`, {
        outcome: 'rejected',
        note: '经核实，认定无误',
      });
      t.equal(decided.statusCode, 200, decided.body);
      t.match(decided.json(), {
        status: 'rejected',
        outcome: 'rejected',
        correction: null,
        entryStatus: 'active',
        decidedBy: { departmentId: safety.departmentId },
      });
      t.equal(
        (
          await post(decider.key, `/v1/objections/${o.objectionId}/decision`, {
            outcome: 'upheld',
            correction: 'revoke',
          })
        ).json().code,
        'INVALID_TRANSITION',
        'a decision is final',
      );

      const after = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
      t.equal(after.verdict, 'restricted', 'the record resumes');
      t.equal(after.hits[0].suspended, false);

      // Both parties read it; a third department does not see it at all.
      t.equal((await get(creditOffice.key, `/v1/objections/${o.objectionId}`)).statusCode, 200);
      t.equal((await get(decider.key, `/v1/objections/${o.objectionId}`)).statusCode, 200);
      t.equal((await get(safetyReviewer.key, `/v1/objections/${o.objectionId}`)).json().code, 'NOT_FOUND');

      const events = rows<{ type: string }>(
        await db.execute(sql`select type from event where entry_id = ${entryId} order by id`),
      ).map((e) => e.type);
      t.same(events, [
        'entry.created',
        'entry.objection_opened',
        'objection.opened',
        'entry.reinstated',
        'objection.decided',
      ]);
      const audits = rows<{ action: string; key_id: string }>(
        await db.execute(
          sql`select action, key_id from audit_log where target_type = 'objection' and target_id = ${o.objectionId} order by id`,
        ),
      );
      t.same(
        audits.map((a) => a.action),
        ['objection.open', 'objection.verify', 'objection.decide'],
      );
      t.ok(
        audits.every((a) => a.key_id),
        'every step records the key',
      );
    },
  );

  t.test('upheld: revoke, or amend the record', async (t) => {
    const { safety, finance, decider, listed } = await parties(t);
    const a = await listed('佳木斯市异议二有限公司');
    const oa = (
      await post(safety.key, '/v1/objections', { entryId: a.entryId, applicant, reason: '已撤销处罚' })
    ).json();
    t.equal(oa.filedAs, 'deciding_department');
    await post(decider.key, `/v1/objections/${oa.objectionId}/verify`, {});
    t.equal(
      (await post(decider.key, `/v1/objections/${oa.objectionId}/decision`, { outcome: 'upheld' })).json().code,
      'VALIDATION_FAILED',
      'upheld needs a correction',
    );
    const revoked = await post(decider.key, `/v1/objections/${oa.objectionId}/decision`, {
      outcome: 'upheld',
      correction: 'revoke',
      note: '处罚已撤销',
    });
    t.equal(revoked.json().entryStatus, 'revoked');
    t.equal((await check(app, finance.key, { uscc: a.firm }, 'government_procurement')).json().verdict, 'clear');
    const objectRevoked = await post(safety.key, '/v1/objections', { entryId: a.entryId, applicant, reason: 'x' });
    t.equal(objectRevoked.json().code, 'INVALID_TRANSITION', 'a revoked record cannot be objected to');

    const b = await listed('佳木斯市异议三有限公司');
    const ob = (
      await post(safety.key, '/v1/objections', { entryId: b.entryId, applicant, reason: '事由表述有误' })
    ).json();
    await post(decider.key, `/v1/objections/${ob.objectionId}/verify`, {});
    t.equal(
      (
        await post(decider.key, `/v1/objections/${ob.objectionId}/decision`, { outcome: 'upheld', correction: 'amend' })
      ).json().code,
      'VALIDATION_FAILED',
      'amend needs the corrected fields',
    );
    const bad = await post(decider.key, `/v1/objections/${ob.objectionId}/decision`, {
      outcome: 'upheld',
      correction: 'amend',
      amendment: { validUntil: '2000-01-01T00:00:00.000Z' },
    });
    t.equal(bad.json().code, 'VALIDATION_FAILED', 'an empty validity is refused');
    t.equal(
      (await get(decider.key, `/v1/objections/${ob.objectionId}`)).json().status,
      'verifying',
      'the refused decision wrote nothing',
    );
    const amended = await post(decider.key, `/v1/objections/${ob.objectionId}/decision`, {
      outcome: 'upheld',
      correction: 'amend',
      amendment: { reason: '未按规定履行安全生产主体责任' },
    });
    t.equal(amended.statusCode, 200, amended.body);
    t.equal(amended.json().entryStatus, 'active');
    const entry = (await get(safety.key, `/v1/entries/${b.entryId}?view=internal`)).json();
    t.equal(entry.reason, '未按规定履行安全生产主体责任');
    t.same(
      entry.versions.map((v: { change: string }) => v.change),
      ['created', 'objection_opened', 'corrected'],
    );
  });

  t.test('who may file', async (t) => {
    const { otherSafety, creditOffice, finance, listed } = await parties(t);
    const { entryId } = await listed('佳木斯市异议四有限公司');
    const checkOnly = await post(finance.key, '/v1/objections', { entryId, applicant, reason: 'x' });
    t.equal(checkOnly.statusCode, 403);
    t.equal(checkOnly.json().code, 'NOT_ENTITLED_TO_FILE', 'a department without a check that hit the record');
    const notDecider = await post(otherSafety.key, '/v1/objections', { entryId, applicant, reason: 'x' });
    t.equal(
      notDecider.json().code,
      'NOT_ENTITLED_TO_FILE',
      'a publisher that did not decide the record may not file for the subject',
    );
    const unknown = await post(creditOffice.key, '/v1/objections', {
      entryId: '00000000-0000-4000-8000-000000000000',
      applicant,
      reason: 'x',
    });
    t.equal(unknown.json().code, 'NOT_FOUND');
    const badBody = await post(creditOffice.key, '/v1/objections', {
      entryId,
      applicant: { name: '' },
      reason: 'x',
      extra: 1,
    });
    t.equal(badBody.json().code, 'VALIDATION_FAILED');
    t.equal(
      rows(await db.execute(sql`select 1 from objection where entry_id = ${entryId}`)).length,
      0,
      'refused filings wrote nothing',
    );
  });

  t.test('concurrent filings: exactly one opens', async (t) => {
    const { safety, creditOffice, listed } = await parties(t);
    const { entryId } = await listed('佳木斯市异议五有限公司');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(i % 2 ? creditOffice.key : safety.key, '/v1/objections', { entryId, applicant, reason: `并发异议 ${i}` }),
      ),
    );
    t.same(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409]);
    t.ok(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'OBJECTION_ALREADY_OPEN'));
    const versions = rows<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from entry_version where entry_id = ${entryId}`),
    );
    t.equal(Number(versions[0]!.n), 2, 'one objection_opened version, not six');
  });

  t.test('overdue objections are flagged and listed', async (t) => {
    const { creditOffice, finance, decider, listed } = await parties(t);
    const { entryId } = await listed('佳木斯市异议六有限公司');
    const o = (await post(creditOffice.key, '/v1/objections', { entryId, applicant, reason: '逾期测试' })).json();
    // A deadline in the past, as if it had been filed weeks ago.
    await db.execute(sql`update objection set due_at = '2026-01-05' where id = ${o.objectionId}`);
    const read = (await get(decider.key, `/v1/objections/${o.objectionId}`)).json();
    t.equal(read.overdue, true);
    const queue = (await get(decider.key, '/v1/objections?overdue=true'))
      .json()
      .objections.map((x: { objectionId: string }) => x.objectionId);
    t.ok(queue.includes(o.objectionId));
    const onTime = (await get(decider.key, '/v1/objections?overdue=false'))
      .json()
      .objections.map((x: { objectionId: string }) => x.objectionId);
    t.notOk(onTime.includes(o.objectionId));
    t.equal((await get(finance.key, '/v1/objections')).json().code, 'FORBIDDEN_SCOPE');
  });

  t.test('per-list deadline and the suspended term (003:L71 继续计算)', async (t) => {
    const { safety, creditOffice, decider } = await parties(t);
    const patched = await app.inject({
      method: 'PATCH',
      url: '/v1/catalog/lists/safety.watch',
      headers: bearer(adminKey),
      payload: { objectionWorkingDays: 20, restartTermOnObjectionRejected: true },
    });
    t.equal(patched.statusCode, 200, patched.body);
    const firm = uscc();
    const validFrom = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const validUntil = new Date(Date.now() + 100 * 86_400_000).toISOString();
    const p = await publish(app, safety.key, {
      list: 'safety.watch',
      validFrom,
      validUntil,
      subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市重点关注有限公司' },
    });
    t.equal(p.statusCode, 201, p.body);
    const entryId = p.json().entryId;
    const o = (await post(creditOffice.key, '/v1/objections', { entryId, applicant, reason: '期限测试' })).json();
    t.equal(o.deadlineRule, '20 working days');
    t.equal(o.dueAt, addWorkingDays(toShanghaiDate(new Date(o.filedAt)), 20));
    // Pretend it was filed three days ago, so the suspension is measurable.
    const filedAt = new Date(Date.now() - 3 * 86_400_000);
    await db.execute(sql`update objection set filed_at = ${filedAt.toISOString()} where id = ${o.objectionId}`);
    await post(decider.key, `/v1/objections/${o.objectionId}/verify`, {});
    await post(decider.key, `/v1/objections/${o.objectionId}/decision`, { outcome: 'rejected' });
    const entry = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
    const added = new Date(entry.validUntil).getTime() - new Date(validUntil).getTime();
    t.ok(
      added >= 3 * 86_400_000 && added < 3 * 86_400_000 + 60_000,
      `validUntil moved by the suspended time (${added} ms)`,
    );
    t.equal(entry.validFrom, validFrom, 'the start stays');
  });
});
