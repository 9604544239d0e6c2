// 执行反馈 through HTTP: one current report per (check, measure), amendments keep the history, bad input has codes.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { bearer } from '../helpers/app.js';
import { check, department, publish, uscc, world } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';

t.test('execution feedback', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const other = await department(app, adminKey, 'finance', '230800', ['check']);
  const firm = uscc();
  t.equal(
    (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市反馈有限公司' },
      })
    ).statusCode,
    201,
  );
  const c = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
  t.ok(c.measures.length >= 1, 'the check required a measure');
  const measureId = c.measures[0].measureId;
  const url = `/v1/checks/${c.checkId}/feedback`;
  const post = (key: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });

  const first = await post(finance.key, { measureId, action: 'applied', note: '已限制其参与政府采购' });
  t.equal(first.statusCode, 201, first.body);
  t.match(first.json(), {
    checkId: c.checkId,
    measureId,
    action: 'applied',
    amends: null,
    supersededAt: null,
    reportedBy: { departmentId: finance.departmentId },
  });

  const replay = await post(finance.key, { measureId, action: 'applied', note: '已限制其参与政府采购' });
  t.equal(replay.statusCode, 200, 'the same report again writes nothing');
  t.equal(replay.json().feedbackId, first.json().feedbackId);

  const noReason = await post(finance.key, { measureId, action: 'not_applied' });
  t.equal(noReason.statusCode, 400);
  t.equal(noReason.json().code, 'VALIDATION_FAILED');
  t.equal(noReason.json().errors[0].path, '/body/note');

  const amended = await post(finance.key, { measureId, action: 'not_applied', note: '该项目已于查询前签约' });
  t.equal(amended.statusCode, 201);
  t.equal(amended.json().amends, first.json().feedbackId);

  const view = (await app.inject({ url, headers: bearer(finance.key) })).json();
  const m = view.measures.find((x: { measureId: string }) => x.measureId === measureId);
  t.equal(m.current.action, 'not_applied');
  t.equal(m.history.length, 1);
  t.equal(m.history[0].action, 'applied');
  t.ok(m.history[0].supersededAt);
  t.equal(
    view.complete,
    view.measures.every((x: { current: unknown }) => x.current !== null),
  );

  // Concurrent amendments still leave exactly one current report.
  const racing = await Promise.all(
    ['applied', 'partially_applied', 'applied', 'partially_applied'].map((action, i) =>
      post(finance.key, { measureId, action, note: `并发 ${i}` }),
    ),
  );
  t.ok(
    racing.every((r) => r.statusCode === 201 || r.statusCode === 409),
    racing.map((r) => r.statusCode).join(','),
  );
  const current = rows<{ n: number }>(
    await database.db.execute(
      sql`select count(*)::int as n from feedback where check_id = ${c.checkId} and measure_id = ${measureId} and superseded_at is null`,
    ),
  );
  t.equal(Number(current[0]!.n), 1);

  t.test('bad input', async (t) => {
    const notInCheck = await post(finance.key, {
      measureId: '00000000-0000-4000-8000-000000000000',
      action: 'applied',
    });
    t.equal(notInCheck.statusCode, 422);
    t.equal(notInCheck.json().code, 'MEASURE_NOT_IN_CHECK');
    t.equal((await post(finance.key, { measureId, action: 'ignored' })).json().code, 'VALIDATION_FAILED');
    t.equal((await post(finance.key, { measureId: 'nope', action: 'applied' })).json().code, 'VALIDATION_FAILED');
    const foreign = await post(other.key, { measureId, action: 'applied' });
    t.equal(foreign.statusCode, 404, 'another department cannot see the check');
    t.equal(foreign.json().code, 'NOT_FOUND');
    const admin = await post(adminKey, { measureId, action: 'applied' });
    t.equal(admin.json().code, 'NOT_DECIDING_DEPARTMENT', 'an admin reads, but only the checking department reports');
    const missing = await app.inject({
      method: 'POST',
      url: '/v1/checks/00000000-0000-4000-8000-000000000000/feedback',
      headers: bearer(finance.key),
      payload: { measureId, action: 'applied' },
    });
    t.equal(missing.json().code, 'NOT_FOUND');
  });

  const audits = rows<{ action: string }>(
    await database.db.execute(
      sql`select action from audit_log where target_type = 'check' and target_id = ${c.checkId} order by id`,
    ),
  );
  t.same(
    audits.slice(0, 2).map((a) => a.action),
    ['feedback.record', 'feedback.amend'],
  );
});
