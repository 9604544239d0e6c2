// 跟踪问效 through HTTP: the figures follow from what the departments did, and each sees only its own.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { bearer } from '../helpers/app.js';
import { check, department, publish, uscc, world } from '../helpers/world.js';

t.test('statistics per department and period', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const creditOffice = await department(app, adminKey, 'credit_office', '230800', ['check', 'review']);
  const firm = uscc();
  const entryId = (
    await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市统计有限公司' },
    })
  ).json().entryId;
  const listed = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '佳木斯市统计二有限公司' },
  });

  const hit = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
  await check(app, finance.key, { uscc: uscc() }, 'government_procurement');
  await check(app, finance.key, { uscc: uscc() }, 'administrative_licensing');
  t.ok(hit.measures.length >= 1);
  const fb = await app.inject({
    method: 'POST',
    url: `/v1/checks/${hit.checkId}/feedback`,
    headers: bearer(finance.key),
    payload: { measureId: hit.measures[0].measureId, action: 'applied' },
  });
  t.equal(fb.statusCode, 201);

  // An objection past its deadline and one still in time, both for safety to decide.
  const late = (
    await app.inject({
      method: 'POST',
      url: '/v1/objections',
      headers: bearer(creditOffice.key),
      payload: { entryId, applicant: { name: '甲' }, reason: '逾期' },
    })
  ).json();
  await database.db.execute(sql`update objection set due_at = '2026-01-05' where id = ${late.objectionId}`);
  const onTime = await app.inject({
    method: 'POST',
    url: '/v1/objections',
    headers: bearer(creditOffice.key),
    payload: { entryId: listed.json().entryId, applicant: { name: '乙' }, reason: '在期' },
  });
  t.equal(onTime.statusCode, 201);

  const mine = await app.inject({ url: '/v1/stats', headers: bearer(finance.key) });
  t.equal(mine.statusCode, 200, mine.body);
  t.equal(mine.json().departments.length, 1, 'a department sees its own row only');
  t.match(mine.json().departments[0], {
    departmentId: finance.departmentId,
    checks: { total: 3, withHits: 1, byVerdict: { restricted: 1, clear: 2 } },
    measures: {
      required: hit.measures.length,
      reported: 1,
      applied: 1,
      notApplied: 0,
      completion: Math.round((1 / hit.measures.length) * 1000) / 1000,
    },
  });

  const decider = (await app.inject({ url: '/v1/stats', headers: bearer(safety.key) })).json().departments[0];
  t.same(decider.objections, { open: 2, overdue: 1, decided: 0, decidedLate: 0 });
  t.equal(decider.checks.total, 0);
  t.equal(decider.measures.completion, null, 'nothing required, no ratio');

  const all = (await app.inject({ url: '/v1/stats', headers: bearer(adminKey) })).json();
  t.ok(all.departments.length >= 4, 'an admin sees every department');
  const one = (
    await app.inject({ url: `/v1/stats?departmentId=${finance.departmentId}`, headers: bearer(adminKey) })
  ).json();
  t.same(
    one.departments.map((d: { departmentId: string }) => d.departmentId),
    [finance.departmentId],
  );

  const before = (
    await app.inject({
      url: '/v1/stats?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z',
      headers: bearer(finance.key),
    })
  ).json();
  t.equal(before.departments[0].checks.total, 0, 'another period counts nothing');

  t.test('bad input', async (t) => {
    const other = await app.inject({
      url: `/v1/stats?departmentId=${safety.departmentId}`,
      headers: bearer(finance.key),
    });
    t.equal(other.statusCode, 403);
    t.equal(other.json().code, 'FORBIDDEN_SCOPE');
    const empty = await app.inject({
      url: '/v1/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      headers: bearer(finance.key),
    });
    t.equal(empty.json().code, 'VALIDATION_FAILED');
    t.equal(
      (await app.inject({ url: '/v1/stats?from=yesterday', headers: bearer(finance.key) })).json().code,
      'VALIDATION_FAILED',
    );
    t.equal((await app.inject({ url: '/v1/stats' })).json().code, 'UNAUTHENTICATED');
  });
});
