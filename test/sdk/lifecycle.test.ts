// The SDK over the rest of a record's life, against the real app: reads by subject and view, feedback, objections,
// repairs, imports, the change feed as an async iterator, subscriptions, watches and stats.
import t from 'tap';
import {
  ConflictError,
  NotFoundError,
  UnprocessableEntityError,
  type ChangeEvent,
  type Yingcha,
} from '../../sdk/src/index.js';
import { csv, ndjson, row } from '../helpers/import.js';
import { uscc } from '../helpers/world.js';
import { serve } from './harness.js';

const applicant = { name: '佳木斯市某某建筑有限公司', relation: 'subject' as const, contact: '0454-1234567' };
let serial = 0;

t.test('lifecycle through the SDK', async (t) => {
  const s = await serve(t);
  const safetyDept = await s.department('emergency_management', '230800', ['check', 'publish', 'review']);
  const financeDept = await s.department('finance', '230800', ['check']);
  const safety: Yingcha = s.as(safetyDept);
  const finance: Yingcha = s.as(financeDept);
  const listFirm = async (name: string) => {
    const firm = uscc();
    const { entryId } = await safety.entries.publish({
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: firm, name },
      decisionDocNo: '佳应急〔2026〕1号',
      reason: '发生较大生产安全责任事故',
      decidedAt: '2026-01-15T00:00:00.000Z',
      source: 'sdk-lifecycle',
      sourceRecordId: `l-${++serial}`,
    });
    return { firm, entryId };
  };
  const procurement = (firm: string) => ({
    subject: { uscc: firm },
    matter: { type: 'government_procurement' as const, reference: `L-${++serial}` },
  });

  t.test('entries: by subject, public and internal views', async (t) => {
    const { firm, entryId } = await listFirm('佳木斯市读取有限公司');
    const found = await finance.entries.list({ subject: firm });
    t.same(
      found.entries.map((e) => e.entryId),
      [entryId],
    );
    t.equal((await finance.entries.get(entryId)).entryId, entryId);
    await safety.entries.revoke(entryId, { reason: '测试撤销' });
    await t.rejects(finance.entries.get(entryId), NotFoundError, 'a revoked record is gone from the public view');
    const internal = await safety.entries.get(entryId, { view: 'internal' });
    t.equal(internal.status, 'revoked');
    t.same((await finance.entries.list({ subject: firm })).entries, []);
    t.equal((await safety.entries.list({ subject: firm, view: 'internal' })).entries.length, 1);
  });

  t.test('feedback on the measures of a check', async (t) => {
    const { firm } = await listFirm('佳木斯市反馈有限公司');
    const check = await finance.checks.create(procurement(firm));
    t.ok(check.measures.length > 0);
    const measure = check.measures[0]!;
    const report = await finance.checks.feedback(check.checkId, {
      measureId: measure.measureId,
      action: 'applied',
      note: '已限制投标',
    });
    t.match(report, { checkId: check.checkId, measureId: measure.measureId, action: 'applied', amends: null });
    const same = await finance.checks.feedback(check.checkId, {
      measureId: measure.measureId,
      action: 'applied',
      note: '已限制投标',
    });
    t.equal(same.feedbackId, report.feedbackId, 'the same report again writes nothing');
    const all = await finance.checks.getFeedback(check.checkId);
    t.equal(all.complete, check.measures.length === 1);
    t.equal(all.measures.find((m) => m.measureId === measure.measureId)?.current?.feedbackId, report.feedbackId);
  });

  t.test('objections: open, list, verify, decide', async (t) => {
    const { firm, entryId } = await listFirm('佳木斯市异议有限公司');
    const opened = await safety.objections.create({
      entryId,
      applicant,
      reason: '认定事实有误',
      evidence: [{ title: '复议决定书' }],
    });
    t.match(opened, { status: 'received', entryId, dueAt: /^\d{4}-\d{2}-\d{2}$/ });
    t.equal(
      (await finance.checks.create(procurement(firm))).hits[0]?.suspended,
      true,
      'suspended while under objection',
    );
    await t.rejects(safety.objections.create({ entryId, applicant, reason: '再次' }), ConflictError);
    t.ok((await safety.objections.list({ entryId })).objections.some((o) => o.objectionId === opened.objectionId));
    t.equal((await safety.objections.get(opened.objectionId)).objectionId, opened.objectionId);
    t.equal((await safety.objections.verify(opened.objectionId)).status, 'verifying');
    const decided = await safety.objections.decide(opened.objectionId, {
      outcome: 'rejected',
      note: '经核实，认定无误',
    });
    t.match(decided, { status: 'rejected', outcome: 'rejected' });
    t.equal((await finance.checks.create(procurement(firm))).verdict, 'restricted', 'reinstated');
  });

  t.test('repairs: open, verify, approve', async (t) => {
    const { firm, entryId } = await listFirm('佳木斯市修复有限公司');
    const opened = await safety.repairs.create({
      entryId,
      applicant,
      reason: '已整改到位',
      pledge: '本单位承诺守法经营',
      evidence: [{ title: '整改报告' }],
    });
    t.match(opened, { status: 'received', entryId });
    t.ok((await safety.repairs.list({ entryId })).repairs.some((r) => r.repairId === opened.repairId));
    t.equal((await safety.repairs.get(opened.repairId)).repairId, opened.repairId);
    t.equal((await safety.repairs.verify(opened.repairId)).status, 'verifying');
    t.match(await safety.repairs.decide(opened.repairId, { outcome: 'approved' }), {
      status: 'approved',
      entryStatus: 'repaired',
    });
    t.equal((await finance.checks.create(procurement(firm))).verdict, 'clear');
  });

  t.test('imports: CSV and NDJSON, all-or-nothing rejects typed', async (t) => {
    const rows = [row(), row()];
    const done = await s.admin.imports.create({ file: csv(rows), format: 'csv' });
    t.match(done, { accepted: 2, rejected: 0 });
    t.equal((await s.admin.imports.get(done.importId)).importId, done.importId);
    t.ok((await s.admin.imports.list()).imports.some((i) => i.importId === done.importId));
    const lines = await s.admin.imports.create({
      file: Buffer.from(ndjson([row()])),
      format: 'ndjson',
      mode: 'accept-valid',
    });
    t.match(lines, { accepted: 1, rejected: 0 });
    const err = await s.admin.imports
      .create({ file: csv([row(), row({ uscc: '91230400MA1B2C3D4X' })]), format: 'csv' })
      .catch((e: unknown) => e);
    t.ok(err instanceof UnprocessableEntityError, String(err));
    t.equal((err as UnprocessableEntityError).code, 'IMPORT_REJECTED');
    t.match((err as UnprocessableEntityError).body, {
      accepted: 0,
      rejected: 1,
      errors: [{ row: 3, code: 'INVALID_USCC' }],
    });
  });

  t.test('the change feed as an async iterator, resumable from its cursor', async (t) => {
    const head = finance.changes.list({ maxPages: 10_000 });
    for await (const _ of head) void _; // to the current end
    const cursor = head.cursor;
    t.ok(cursor, 'a cursor to resume from');
    const a = await listFirm('佳木斯市变更一有限公司');
    const b = await listFirm('佳木斯市变更二有限公司');
    const seen: ChangeEvent[] = [];
    const feed = finance.changes.list({ after: cursor, limit: 1, type: ['entry.created'] });
    for await (const e of feed) seen.push(e);
    t.same(
      seen.map((e) => (e.data as { entryId: string }).entryId),
      [a.entryId, b.entryId],
      'both new records, in commit order, one page each',
    );
    t.not(feed.cursor, cursor);
    const again: ChangeEvent[] = [];
    for await (const e of finance.changes.list({ after: feed.cursor })) again.push(e);
    t.same(again, [], 'resuming from the stored cursor yields nothing twice');
    const pages = [];
    for await (const p of finance.changes
      .list({ after: cursor, limit: 1, type: ['entry.created'], maxPages: 1 })
      .pages())
      pages.push(p);
    t.equal(pages.length, 1, 'maxPages bounds the loop');
  });

  t.test('subscriptions: create, read, deliveries, delete', async (t) => {
    const sub = await finance.subscriptions.create({
      url: 'http://127.0.0.1:9/hook',
      events: ['entry.created'],
      filters: { regions: ['230800'] },
    });
    t.match(sub, { subscriptionId: String, secret: /^whsec_/ });
    t.equal((await finance.subscriptions.get(sub.subscriptionId)).url, 'http://127.0.0.1:9/hook');
    t.same(
      (await finance.subscriptions.list()).subscriptions.map((x) => x.subscriptionId),
      [sub.subscriptionId],
    );
    t.same(await finance.subscriptions.deliveries(sub.subscriptionId), {
      attempts: [],
      deadLetters: [],
      nextCursor: null,
      deadLettersNextCursor: null,
    });
    await t.rejects(
      finance.subscriptions.replay(sub.subscriptionId, '1'),
      NotFoundError,
      'only a dead letter can be replayed',
    );
    t.match(await finance.subscriptions.delete(sub.subscriptionId), {
      subscriptionId: sub.subscriptionId,
      deleted: true,
    });
    await t.rejects(finance.subscriptions.get(sub.subscriptionId), NotFoundError);
  });

  t.test('watches: create, list, delete', async (t) => {
    const w = await finance.watches.create({
      subject: { uscc: uscc() },
      matter: { type: 'government_procurement', reference: 'HT-2026-1' },
    });
    t.match(w, { watchId: String, matter: { reference: 'HT-2026-1' } });
    t.same(
      (await finance.watches.list()).watches.map((x) => x.watchId),
      [w.watchId],
    );
    t.match(await finance.watches.delete(w.watchId), { watchId: w.watchId, deleted: true });
    t.same((await finance.watches.list({ limit: 10 })).watches, []);
  });

  t.test('stats', async (t) => {
    const mine = await finance.stats.get();
    t.equal(mine.departments.length, 1, 'a department sees its own row');
    t.equal(mine.departments[0]?.departmentId, financeDept.departmentId);
    t.ok(mine.departments[0]!.checks.total >= 1);
    const all = await s.admin.stats.get({ departmentId: financeDept.departmentId });
    t.equal(all.departments[0]?.departmentId, financeDept.departmentId);
  });
});
