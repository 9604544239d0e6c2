// The list lifecycle through HTTP on either engine: objections (异议), credit repair (信用修复), expiry, and the public
// and internal reads of records. Every forbidden transition is asserted by its code.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { addWorkingDays, toShanghaiDate } from '../../api/src/domain/workdays.js';
import { parseIdNumber } from '../../api/src/domain/idcard.js';
import { parseUscc } from '../../api/src/domain/uscc.js';
import { sweepExpired } from '../../api/src/services/expiry.js';
import { bearer } from '../helpers/app.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';
import { eventually } from '../helpers/wait.js';

t.test('objections', async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
  const otherSafety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
  const creditOffice = await department(app, adminKey, 'credit_office', '230800', ['check', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const safetyReviewer = await department(app, adminKey, 'emergency_management', '230800', ['review']);
  // The deciding department verifies and decides with a review key of its own department.
  const decider = { key: await keyFor(safety.departmentId, ['review']) };

  async function keyFor(departmentId: string, scopes: string[]) {
    const k = await app.inject({ method: 'POST', url: '/v1/admin/keys', headers: bearer(adminKey), payload: { departmentId, scopes } });
    return k.json().secret as string;
  }
  const post = (key: string, url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
  const get = (key: string, url: string) => app.inject({ url, headers: bearer(key) });

  async function listed(name: string) {
    const firm = uscc();
    const p = await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'enterprise', uscc: firm, name } });
    t.equal(p.statusCode, 201, p.body);
    return { firm, entryId: p.json().entryId as string };
  }
  const applicant = { name: '佳木斯市某某建筑有限公司', relation: 'subject', contact: '0454-1234567' };

  t.test('filed by the credit office of the record’s region: suspended at once, deadline in working days, then rejected', async (t) => {
    const { firm, entryId } = await listed('佳木斯市异议一有限公司');
    const before = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
    t.equal(before.verdict, 'restricted');

    const opened = await post(creditOffice.key, '/v1/objections', { entryId, applicant, reason: '认定事实有误', evidence: [{ title: '复议决定书' }] });
    t.equal(opened.statusCode, 201, opened.body);
    const o = opened.json();
    t.match(o, { status: 'received', entryId, filedAs: 'credit_office', checkId: null, deadlineRule: '15 working days', overdue: false, entryStatus: 'objection_pending' });
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
    t.equal((await post(decider.key, `/v1/objections/${o.objectionId}/verify`, {})).json().code, 'INVALID_TRANSITION');

    const withCorrection = await post(decider.key, `/v1/objections/${o.objectionId}/decision`, { outcome: 'rejected', correction: 'revoke' });
    t.equal(withCorrection.json().code, 'VALIDATION_FAILED');

    const decided = await post(decider.key, `/v1/objections/${o.objectionId}/decision`, { outcome: 'rejected', note: '经核实，认定无误' });
    t.equal(decided.statusCode, 200, decided.body);
    t.match(decided.json(), { status: 'rejected', outcome: 'rejected', correction: null, entryStatus: 'active', decidedBy: { departmentId: safety.departmentId } });
    t.equal((await post(decider.key, `/v1/objections/${o.objectionId}/decision`, { outcome: 'upheld', correction: 'revoke' })).json().code, 'INVALID_TRANSITION', 'a decision is final');

    const after = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
    t.equal(after.verdict, 'restricted', 'the record resumes');
    t.equal(after.hits[0].suspended, false);

    // Both parties read it; a third department does not see it at all.
    t.equal((await get(creditOffice.key, `/v1/objections/${o.objectionId}`)).statusCode, 200);
    t.equal((await get(decider.key, `/v1/objections/${o.objectionId}`)).statusCode, 200);
    t.equal((await get(safetyReviewer.key, `/v1/objections/${o.objectionId}`)).json().code, 'NOT_FOUND');

    const events = rows<{ type: string }>(await db.execute(sql`select type from event where entry_id = ${entryId} order by id`)).map((e) => e.type);
    t.same(events, ['entry.created', 'entry.objection_opened', 'objection.opened', 'entry.reinstated', 'objection.decided']);
    const audits = rows<{ action: string; key_id: string }>(await db.execute(sql`select action, key_id from audit_log where target_type = 'objection' and target_id = ${o.objectionId} order by id`));
    t.same(audits.map((a) => a.action), ['objection.open', 'objection.verify', 'objection.decide']);
    t.ok(audits.every((a) => a.key_id), 'every step records the key');
  });

  t.test('upheld: revoke, or amend the record', async (t) => {
    const a = await listed('佳木斯市异议二有限公司');
    const oa = (await post(safety.key, '/v1/objections', { entryId: a.entryId, applicant, reason: '已撤销处罚' })).json();
    t.equal(oa.filedAs, 'deciding_department');
    await post(decider.key, `/v1/objections/${oa.objectionId}/verify`, {});
    t.equal((await post(decider.key, `/v1/objections/${oa.objectionId}/decision`, { outcome: 'upheld' })).json().code, 'VALIDATION_FAILED', 'upheld needs a correction');
    const revoked = await post(decider.key, `/v1/objections/${oa.objectionId}/decision`, { outcome: 'upheld', correction: 'revoke', note: '处罚已撤销' });
    t.equal(revoked.json().entryStatus, 'revoked');
    t.equal((await check(app, finance.key, { uscc: a.firm }, 'government_procurement')).json().verdict, 'clear');
    const objectRevoked = await post(safety.key, '/v1/objections', { entryId: a.entryId, applicant, reason: 'x' });
    t.equal(objectRevoked.json().code, 'INVALID_TRANSITION', 'a revoked record cannot be objected to');

    const b = await listed('佳木斯市异议三有限公司');
    const ob = (await post(safety.key, '/v1/objections', { entryId: b.entryId, applicant, reason: '事由表述有误' })).json();
    await post(decider.key, `/v1/objections/${ob.objectionId}/verify`, {});
    t.equal((await post(decider.key, `/v1/objections/${ob.objectionId}/decision`, { outcome: 'upheld', correction: 'amend' })).json().code, 'VALIDATION_FAILED', 'amend needs the corrected fields');
    const bad = await post(decider.key, `/v1/objections/${ob.objectionId}/decision`, { outcome: 'upheld', correction: 'amend', amendment: { validUntil: '2000-01-01T00:00:00.000Z' } });
    t.equal(bad.json().code, 'VALIDATION_FAILED', 'an empty validity is refused');
    t.equal((await get(decider.key, `/v1/objections/${ob.objectionId}`)).json().status, 'verifying', 'the refused decision wrote nothing');
    const amended = await post(decider.key, `/v1/objections/${ob.objectionId}/decision`, { outcome: 'upheld', correction: 'amend', amendment: { reason: '未按规定履行安全生产主体责任' } });
    t.equal(amended.statusCode, 200, amended.body);
    t.equal(amended.json().entryStatus, 'active');
    const entry = (await get(safety.key, `/v1/entries/${b.entryId}?view=internal`)).json();
    t.equal(entry.reason, '未按规定履行安全生产主体责任');
    t.same(entry.versions.map((v: { change: string }) => v.change), ['created', 'objection_opened', 'corrected']);
  });

  t.test('who may file', async (t) => {
    const { entryId } = await listed('佳木斯市异议四有限公司');
    const checkOnly = await post(finance.key, '/v1/objections', { entryId, applicant, reason: 'x' });
    t.equal(checkOnly.statusCode, 403);
    t.equal(checkOnly.json().code, 'NOT_ENTITLED_TO_FILE', 'a department without a check that hit the record');
    const notDecider = await post(otherSafety.key, '/v1/objections', { entryId, applicant, reason: 'x' });
    t.equal(notDecider.json().code, 'NOT_ENTITLED_TO_FILE', 'a publisher that did not decide the record may not file for the subject');
    const unknown = await post(creditOffice.key, '/v1/objections', { entryId: '00000000-0000-4000-8000-000000000000', applicant, reason: 'x' });
    t.equal(unknown.json().code, 'NOT_FOUND');
    const badBody = await post(creditOffice.key, '/v1/objections', { entryId, applicant: { name: '' }, reason: 'x', extra: 1 });
    t.equal(badBody.json().code, 'VALIDATION_FAILED');
    t.equal(rows(await db.execute(sql`select 1 from objection where entry_id = ${entryId}`)).length, 0, 'refused filings wrote nothing');
  });

  t.test('concurrent filings: exactly one opens', async (t) => {
    const { entryId } = await listed('佳木斯市异议五有限公司');
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 ? creditOffice.key : safety.key, '/v1/objections', { entryId, applicant, reason: `并发异议 ${i}` })));
    t.same(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409]);
    t.ok(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'OBJECTION_ALREADY_OPEN'));
    const versions = rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from entry_version where entry_id = ${entryId}`));
    t.equal(Number(versions[0]!.n), 2, 'one objection_opened version, not six');
  });

  t.test('overdue objections are flagged and listed', async (t) => {
    const { entryId } = await listed('佳木斯市异议六有限公司');
    const o = (await post(creditOffice.key, '/v1/objections', { entryId, applicant, reason: '逾期测试' })).json();
    // A deadline in the past, as if it had been filed weeks ago.
    await db.execute(sql`update objection set due_at = '2026-01-05' where id = ${o.objectionId}`);
    const read = (await get(decider.key, `/v1/objections/${o.objectionId}`)).json();
    t.equal(read.overdue, true);
    const queue = (await get(decider.key, '/v1/objections?overdue=true')).json().objections.map((x: { objectionId: string }) => x.objectionId);
    t.ok(queue.includes(o.objectionId));
    const onTime = (await get(decider.key, '/v1/objections?overdue=false')).json().objections.map((x: { objectionId: string }) => x.objectionId);
    t.notOk(onTime.includes(o.objectionId));
    t.equal((await get(finance.key, '/v1/objections')).json().code, 'FORBIDDEN_SCOPE');
  });

  t.test('per-list deadline and the suspended term (003:L71 继续计算)', async (t) => {
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
    const p = await publish(app, safety.key, { list: 'safety.watch', validFrom, validUntil, subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市重点关注有限公司' } });
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
    t.ok(added >= 3 * 86_400_000 && added < 3 * 86_400_000 + 60_000, `validUntil moved by the suspended time (${added} ms)`);
    t.equal(entry.validFrom, validFrom, 'the start stays');
  });
});

t.test('credit repair', async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const housing = await department(app, adminKey, 'housing_construction', '450100', ['check', 'publish', 'review']);
  const tax = await department(app, adminKey, 'taxation', '110000', ['check', 'publish', 'review']);
  const creditOffice = await department(app, adminKey, 'credit_office', '230800', ['check', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const post = (key: string, url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
  const get = (key: string, url: string) => app.inject({ url, headers: bearer(key) });
  const applicant = { name: '申请人', relation: 'agent' };
  const body = (entryId: string) => ({ entryId, applicant, reason: '已整改到位', pledge: '本单位承诺守法经营', evidence: [{ title: '整改报告' }] });

  t.test('approved now: off the list at once, hidden from public reads, kept internally', async (t) => {
    const firm = uscc();
    const entryId = (await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市修复一有限公司' } })).json().entryId;
    const r = await post(creditOffice.key, '/v1/repairs', body(entryId));
    t.equal(r.statusCode, 201, r.body);
    t.match(r.json(), { status: 'received', listingCount: 1, deadlineRule: '15 working days', filedAs: 'credit_office' });
    t.equal((await post(creditOffice.key, '/v1/repairs', body(entryId))).json().code, 'REPAIR_ALREADY_OPEN');
    const repairId = r.json().repairId;
    t.equal((await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'approved' })).json().code, 'INVALID_TRANSITION');
    t.equal((await post(safety.key, `/v1/repairs/${repairId}/verify`, {})).json().status, 'verifying');
    t.equal((await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'denied', effectiveFrom: new Date().toISOString() })).json().code, 'VALIDATION_FAILED');
    t.equal((await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'approved', effectiveFrom: '2000-01-01T00:00:00.000Z' })).json().code, 'VALIDATION_FAILED', 'not before the application');
    const approved = await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'approved', note: '准予修复' });
    t.equal(approved.statusCode, 200, approved.body);
    t.match(approved.json(), { status: 'approved', entryStatus: 'repaired' });
    t.equal((await check(app, finance.key, { uscc: firm }, 'government_procurement')).json().verdict, 'clear');
    t.equal((await get(finance.key, `/v1/entries/${entryId}`)).json().code, 'NOT_FOUND', 'public display has ended');
    t.equal((await get(finance.key, `/v1/entries/${entryId}?view=internal`)).json().code, 'FORBIDDEN_SCOPE');
    const internal = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
    t.equal(internal.status, 'repaired');
    t.equal(internal.listed, false);
    t.same(internal.versions.map((v: { change: string }) => v.change), ['created', 'repaired']);
    t.same((await get(finance.key, `/v1/entries?subject=${firm}`)).json().entries, [], 'public search hides it');
    t.equal((await get(safety.key, `/v1/entries?subject=${firm}&view=internal`)).json().entries.length, 1);
    t.equal((await post(creditOffice.key, '/v1/repairs', body(entryId))).json().code, 'INVALID_TRANSITION', 'a repaired record is not repaired again');
    const events = rows<{ type: string }>(await db.execute(sql`select type from event where entry_id = ${entryId} order by id`)).map((e) => e.type);
    t.same(events, ['entry.created', 'repair.opened', 'entry.repaired', 'repair.decided']);
  });

  t.test('a future effective date changes nothing early', async (t) => {
    const firm = uscc();
    const entryId = (await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市修复二有限公司' } })).json().entryId;
    const repairId = (await post(safety.key, '/v1/repairs', body(entryId))).json().repairId;
    await post(safety.key, `/v1/repairs/${repairId}/verify`, {});
    const effectiveFrom = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const approved = (await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'approved', effectiveFrom })).json();
    t.equal(approved.effectiveFrom, effectiveFrom);
    const now = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
    t.equal(now.verdict, 'restricted', 'still listed until the effective date');
    t.equal(now.hits[0].status, 'repaired');
    const entry = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
    t.equal(entry.validUntil, effectiveFrom, 'the record leaves the list at the effective date');
  });

  t.test('denied: the record stays', async (t) => {
    const firm = uscc();
    const entryId = (await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市修复三有限公司' } })).json().entryId;
    const repairId = (await post(safety.key, '/v1/repairs', body(entryId))).json().repairId;
    await post(safety.key, `/v1/repairs/${repairId}/verify`, {});
    const denied = (await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'denied', note: '整改未到位' })).json();
    t.match(denied, { status: 'denied', entryStatus: 'active', effectiveFrom: null });
    t.equal((await check(app, finance.key, { uscc: firm }, 'government_procurement')).json().verdict, 'restricted');
    t.equal((await post(safety.key, '/v1/repairs', body(entryId))).statusCode, 201, 'a new request may follow a denial');
  });

  t.test('locks: MOHURD waits, incentive lists are never repaired, other departments are refused', async (t) => {
    const firm = uscc('91', '450100');
    const act = await publish(app, housing.key, { list: 'mohurd.urban_points', points: 12, subject: { kind: 'enterprise', uscc: firm, name: '南宁市某某市容有限公司' } });
    t.equal(act.statusCode, 201, act.body);
    const locked = await post(housing.key, '/v1/repairs', body(act.json().entryId));
    t.equal(locked.statusCode, 409);
    t.equal(locked.json().code, 'REPAIR_LOCKED', 'no repair within a year of the first listing (003:L1425)');
    // A second listing published more than a year ago still waits three years.
    const old = await publish(app, housing.key, { list: 'mohurd.urban_points', points: 12, subject: { kind: 'enterprise', uscc: firm, name: '南宁市某某市容有限公司' } });
    const aYearAgo = new Date(Date.now() - 400 * 86_400_000).toISOString();
    await db.execute(sql`update entry_version set published_at = ${aYearAgo} where entry_id = ${act.json().entryId}`);
    const second = await post(housing.key, '/v1/repairs', body(old.json().entryId));
    t.equal(second.json().code, 'REPAIR_LOCKED');
    t.match(second.json().detail, /listing number 2/);
    const first = await post(housing.key, '/v1/repairs', body(act.json().entryId));
    t.equal(first.statusCode, 201, 'the first listing, 400 days on, may be repaired');
    t.equal(first.json().listingCount, 1);

    const red = await publish(app, tax.key, { list: 'tax.a_grade', subject: { kind: 'enterprise', uscc: uscc('91', '110000'), name: '北京某某科技有限公司' } });
    t.equal(red.statusCode, 201, red.body);
    t.equal((await post(tax.key, '/v1/repairs', body(red.json().entryId))).json().code, 'REPAIR_NOT_ALLOWED');

    const firm2 = uscc();
    const e = (await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'enterprise', uscc: firm2, name: '佳木斯市修复四有限公司' } })).json().entryId;
    const repairId = (await post(safety.key, '/v1/repairs', body(e))).json().repairId;
    t.equal((await post(housing.key, `/v1/repairs/${repairId}/verify`, {})).json().code, 'NOT_DECIDING_DEPARTMENT');
    t.equal((await get(housing.key, `/v1/repairs/${repairId}`)).json().code, 'NOT_FOUND');
    t.equal((await post(finance.key, '/v1/repairs', body(e))).json().code, 'NOT_ENTITLED_TO_FILE');
    t.equal((await post(safety.key, '/v1/repairs', { ...body(e), pledge: '' })).json().code, 'VALIDATION_FAILED');
  });

  t.test('Nanning decides within 20 calendar days', async (t) => {
    const nanning = await department(app, adminKey, 'credit_office', '450100', ['check', 'publish', 'review']);
    const p = await publish(app, nanning.key, { list: 'nanning.urban_points', points: 6, subject: { kind: 'enterprise', uscc: uscc('91', '450100'), name: '南宁市某某环卫有限公司' } });
    const r = (await post(nanning.key, '/v1/repairs', body(p.json().entryId))).json();
    t.equal(r.deadlineRule, '20 calendar days');
    t.equal(r.dueAt, toShanghaiDate(new Date(new Date(r.filedAt).getTime() + 20 * 86_400_000)));

    // Points are totalled at query time (003:L199): a repaired act stops counting from its effective date.
    const firm = uscc('91', '450100');
    const acts = [];
    for (let i = 0; i < 4; i++) {
      const a = await publish(app, nanning.key, { list: 'nanning.urban_points', points: 6, decidedAt: new Date(Date.now() - (i + 1) * 86_400_000).toISOString(), subject: { kind: 'enterprise', uscc: firm, name: '南宁市某某物业有限公司' } });
      t.equal(a.statusCode, 201, a.body);
      acts.push(a.json().entryId as string);
    }
    const tier = async () => (await check(app, nanning.key, { uscc: firm }, 'administrative_licensing')).json().hits.map((h: { list: { code: string } }) => h.list.code);
    t.same(await tier(), ['nanning.red'], '24 points');
    const repair = async (entryId: string, decision: Record<string, unknown>) => {
      const repairId = (await post(nanning.key, '/v1/repairs', body(entryId))).json().repairId;
      await post(nanning.key, `/v1/repairs/${repairId}/verify`, {});
      t.equal((await post(nanning.key, `/v1/repairs/${repairId}/decision`, decision)).statusCode, 200);
    };
    await repair(acts[0]!, { outcome: 'approved', effectiveFrom: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    t.same(await tier(), ['nanning.red'], 'an act repaired from next month still counts today');
    await repair(acts[1]!, { outcome: 'approved' });
    t.same(await tier(), ['nanning.yellow'], '18 points once an act is repaired as of now');
  });
});

t.test('expiry: the check reads validity by time; the event is written exactly once', async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const firm = uscc();
  const person = idNumber('19700101');
  const validFrom = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const validUntil = new Date(Date.now() - 1000).toISOString();
  const p = await publish(app, safety.key, { list: 'safety.blacklist', validFrom, validUntil, subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市到期有限公司' } });
  t.equal(p.statusCode, 201, p.body);
  const entryId = p.json().entryId;
  const live = await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'person', idNumber: person, name: '张三' } });
  t.equal(live.statusCode, 201, live.body);

  const before = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
  t.equal(before.verdict, 'clear', 'no sweep has run, yet the expired record is off the list');

  // A record that runs out a moment from now: listed, then off the list by time alone.
  const soon = uscc();
  const ending = await publish(app, safety.key, { list: 'safety.blacklist', validFrom, validUntil: new Date(Date.now() + 5000).toISOString(), subject: { kind: 'enterprise', uscc: soon, name: '佳木斯市将到期有限公司' } });
  t.equal(ending.statusCode, 201, ending.body);
  t.equal((await check(app, finance.key, { uscc: soon }, 'government_procurement')).json().verdict, 'restricted');
  // 5 s of validity, so the publish and the first check fit inside it even on a loaded machine (1.5 s did not at load 20).
  const verdict = await eventually(
    async () => (await check(app, finance.key, { uscc: soon }, 'government_procurement')).json().verdict as string,
    (v) => v === 'clear',
    'the record off the list at validUntil',
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  t.equal(verdict, 'clear', 'off the list at validUntil with no sweep');

  // Several sweepers at once, as several instances would run them.
  const moved = await Promise.all([sweepExpired(db), sweepExpired(db), sweepExpired(db)]);
  t.equal(moved.reduce((a, b) => a + b, 0), 2, 'two records moved, each once');
  t.equal(await sweepExpired(db), 0, 'a later sweep finds nothing');
  const events = rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from event where entry_id = ${entryId} and type = 'entry.expired'`));
  t.equal(Number(events[0]!.n), 1, 'exactly one expiry event');
  const liveEvents = rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from event where entry_id = ${live.json().entryId} and type = 'entry.expired'`));
  t.equal(Number(liveEvents[0]!.n), 0, 'a record still in force is untouched');

  const get = (key: string, url: string) => app.inject({ url, headers: bearer(key) });
  t.equal((await get(finance.key, `/v1/entries/${entryId}`)).statusCode, 404);
  const internal = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
  t.equal(internal.status, 'expired');
  t.same(internal.versions.map((v: { change: string }) => v.change), ['created', 'expired']);
  t.equal((await app.inject({ method: 'POST', url: '/v1/objections', headers: bearer(safety.key), payload: { entryId, applicant: { name: 'x' }, reason: 'x' } })).json().code, 'INVALID_TRANSITION');

  t.test('an ID number that already names another subject is a conflict, not an error', async (t) => {
    const clash = await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'individual_business', uscc: uscc('92'), idNumber: person, name: '张三五金店' } });
    t.equal(clash.statusCode, 409, clash.body);
    t.equal(clash.json().code, 'CONFLICT');
    t.equal(clash.json().errors[0].path, '/body/subject/idNumber');
  });

  t.test('an ID number that is also a valid USCC is still refused in a URL, and never recorded', async (t) => {
    // About one ID number in 31 also passes the USCC check; such a number was looked up as a USCC and stored in
    // entry_read (found by the privacy scan, which uses random numbers). Find one deterministically, bounded.
    let both: string | undefined;
    for (let seq = 100; seq < 1000 && !both; seq++) {
      const candidate = idNumber('19800101', seq);
      if (parseUscc(candidate).ok && parseIdNumber(candidate).ok) both = candidate;
    }
    if (!both) throw new Error('no ID number in 900 tries is also a valid USCC');
    const reads = async () => Number(rows<{ n: number }>(await db.execute(sql`select count(*)::int as n from entry_read`))[0]!.n);
    const before = await reads();
    const res = await get(finance.key, `/v1/entries?subject=${both}`);
    t.equal(res.statusCode, 400);
    t.equal(res.json().code, 'ID_NUMBER_IN_URL');
    t.equal(await reads(), before, 'no read recorded');
  });

  t.test('reads by subject', async (t) => {
    const inUrl = await get(finance.key, `/v1/entries?subject=${person}`);
    t.equal(inUrl.statusCode, 400);
    t.equal(inUrl.json().code, 'ID_NUMBER_IN_URL', 'an ID number never travels in a URL');
    t.notOk(inUrl.body.includes(person), 'and the refusal does not repeat it');
    const byId = (await app.inject({ method: 'POST', url: '/v1/entries/search', headers: bearer(finance.key), payload: { idNumber: person } })).json();
    t.equal(byId.entries.length, 1);
    t.match(byId.entries[0].subject, { kind: 'person', name: '张三', uscc: null, idMasked: /\*/ });
    t.notOk(byId.entries[0].versions, 'a public read has no history');
    t.notOk(JSON.stringify(byId).includes(person), 'the plain ID number never comes back');
    const bySubjectId = (await get(finance.key, `/v1/entries?subject=${byId.entries[0].subjectId}`)).json();
    t.equal(bySubjectId.entries.length, 1);
    t.same((await get(finance.key, `/v1/entries?subject=${firm}`)).json().entries, [], 'the expired record is not on display');
    const bad = await get(finance.key, '/v1/entries?subject=not-an-identifier');
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().code, 'VALIDATION_FAILED');
    t.equal((await get(finance.key, '/v1/entries')).json().code, 'VALIDATION_FAILED', 'subject is required');
    t.equal((await get(finance.key, `/v1/entries?subject=${firm}&view=everything`)).json().code, 'VALIDATION_FAILED');
    const none = (await get(finance.key, `/v1/entries?subject=${uscc()}`)).json();
    t.same(none.entries, []);
  });
});
