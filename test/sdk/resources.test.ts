// Every SDK resource against the real app on a random port (PGlite, or PostgreSQL with TEST_DATABASE_URL).
import t from 'tap';
import { NotFoundError, type Yingcha } from '../../sdk/src/index.js';
import { idNumber, uscc } from '../helpers/world.js';
import { serve } from './harness.js';

const MATTER = { type: 'government_procurement', reference: 'SDK-1' } as const;
let serial = 0;
const entry = (list: string, subject: { kind: 'enterprise'; uscc: string; name: string }) => ({
  list,
  subject,
  decisionDocNo: '测试〔2026〕1号',
  reason: '测试',
  decidedAt: '2026-01-15T00:00:00.000Z',
  source: 'sdk-test',
  sourceRecordId: `sdk-${++serial}`,
});

t.test('resources', async (t) => {
  const s = await serve(t);
  const safety = await s.department('emergency_management', '230800');
  const finance = await s.department('finance', '230800');
  const publisher: Yingcha = s.as(safety);
  const checker: Yingcha = s.as(finance);
  const firm = { kind: 'enterprise' as const, uscc: uscc(), name: '佳木斯市恒达建筑工程有限公司' };

  t.test('health', async (t) => {
    t.match(await s.admin.health.live(), { status: 'ok' });
    t.match(await s.admin.health.ready(), { status: 'ready' });
  });

  t.test('admin: departments, keys, receipts', async (t) => {
    const dept = await s.admin.admin.departments.create({
      uscc: uscc('11', '230400'),
      name: '鹤岗市财政局',
      category: 'finance',
      region: '230400',
    });
    t.match(dept, { departmentId: String, category: 'finance', region: '230400' });
    const { departments } = await s.admin.admin.departments.list();
    t.ok(departments.some((d) => d.departmentId === dept.departmentId));
    const key = await s.admin.admin.keys.create({ departmentId: dept.departmentId, scopes: ['check'], label: 'sdk' });
    t.match(key, { keyId: String, secret: String });
    const listed = await s.admin.admin.keys.list({ departmentId: dept.departmentId });
    t.same(
      listed.keys.map((k) => k.keyId),
      [key.keyId],
    );
    t.notMatch(JSON.stringify(listed), key.secret, 'a listing never shows a secret');
    const viaNewKey = s.client({ apiKey: key.secret });
    t.equal((await viaNewKey.checks.create({ subject: { uscc: uscc() }, matter: MATTER })).verdict, 'clear');
    const revoked = await s.admin.admin.keys.revoke(key.keyId);
    t.equal(revoked.keyId, key.keyId);
    t.ok(revoked.revokedAt, 'revocation time is set');
    await t.rejects(viaNewKey.checks.create({ subject: { uscc: uscc() }, matter: MATTER }), {
      status: 401,
      code: 'REVOKED_KEY',
    });
    const report = await s.admin.admin.receipts.verify();
    t.equal(report.ok, true);
    t.ok(report.receipts >= 1);
  });

  t.test('catalog', async (t) => {
    const lists = await s.admin.catalog.lists.list({ polarity: 'punitive' });
    t.ok(lists.lists.some((l) => l.code === 'safety.blacklist'));
    t.ok(lists.lists.every((l) => l.polarity === 'punitive'));
    t.equal((await s.admin.catalog.lists.get('safety.blacklist')).list.code, 'safety.blacklist');
    const memoranda = await s.admin.catalog.memoranda.list({ polarity: 'punitive' });
    const first = memoranda.memoranda[0]!;
    t.equal(
      (await s.admin.catalog.memoranda.get(first.docNo)).memorandum.docNo,
      first.docNo,
      'a memorandum by its 文号 (the SDK escapes it)',
    );
    const measures = await s.admin.catalog.measures.list({
      matterType: 'government_procurement',
      category: 'finance',
      region: '230800',
    });
    t.ok(measures.measures.length > 0);
    t.ok((await s.admin.catalog.matterTypes()).matterTypes.some((m) => m.code === 'government_procurement'));
    t.ok((await s.admin.catalog.categories()).categories.some((c) => c.code === 'finance'));

    const docNo = `SDK测试〔2026〕${++serial}号`;
    const created = await s.admin.catalog.memoranda.create({
      docNo,
      title: 'SDK 测试备忘录',
      polarity: 'punitive',
      initiatingCategory: 'court',
      region: '230400',
    });
    t.equal(created.memorandum.docNo, docNo);
    t.equal(
      (await s.admin.catalog.memoranda.update(docNo, { title: 'SDK 测试备忘录（修订）' })).memorandum.title,
      'SDK 测试备忘录（修订）',
    );
    const measure = await s.admin.catalog.memoranda.addMeasure(docNo, {
      ordinal: '1',
      text: '依法限制参与政府采购活动。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['government_procurement'],
      categories: ['finance'],
      appliesTo: ['unit'],
    });
    t.equal(measure.measure.effect, 'restrict');
    t.equal(
      (await s.admin.catalog.measures.update(measure.measure.measureId, { mandatory: true })).measure.mandatory,
      true,
    );
    const code = `sdk.list_${serial}`;
    const list = await s.admin.catalog.lists.create({
      code,
      name: 'SDK 测试名单',
      polarity: 'punitive',
      memoranda: [docNo],
      publisherCategories: ['court'],
    });
    t.equal(list.list.code, code);
    t.equal((await s.admin.catalog.lists.update(code, { validityDays: 730 })).list.validityDays, 730);
  });

  t.test('entries and checks', async (t) => {
    const record = entry('safety.blacklist', firm);
    const published = await publisher.entries.publish(record);
    t.match(published, { entryId: String, version: 1, status: 'active', replayed: false });
    const again = await publisher.entries.publish(record);
    t.match(
      again,
      { entryId: published.entryId, version: 1, replayed: true },
      'publishing is idempotent on (source, sourceRecordId)',
    );
    t.equal((await checker.entries.get(published.entryId)).entryId, published.entryId);

    const check = await checker.checks.create({
      subject: { uscc: firm.uscc },
      matter: MATTER,
      operator: { id: 'clerk-1', name: '李娜' },
    });
    t.equal(check.verdict, 'restricted');
    t.equal(check.hits[0]?.entryId, published.entryId);
    t.ok(check.measures.length > 0);
    const { replayed, ...answered } = check;
    t.equal(replayed, false);
    t.same(await checker.checks.get(check.checkId), answered, 'the stored receipt is what was answered');
    const html = await checker.checks.notice(check.checkId);
    t.match(html, /^<!doctype html>/i);
    t.match(html, check.receipt.hash, 'the notice carries the receipt hash');

    const batch = await checker.checks.batch({
      matter: MATTER,
      items: [
        { subject: { uscc: firm.uscc } },
        { subject: { uscc: uscc() } },
        { subject: { uscc: '91230400MA1B2C3D4X' } },
      ],
    });
    t.same(
      batch.results.map((r) => r.check?.verdict ?? r.error?.code),
      ['restricted', 'clear', 'INVALID_USCC'],
      'one result per item, in order',
    );

    const revoked = await publisher.entries.revoke(published.entryId, { reason: '经复核予以撤销' });
    t.equal(revoked.status, 'revoked');
    t.equal((await checker.checks.create({ subject: { uscc: firm.uscc }, matter: MATTER })).verdict, 'clear');
    await t.rejects(checker.checks.get('00000000-0000-4000-8000-000000000000'), NotFoundError);
  });

  t.test('an ID number is sent to the service and never comes back in the clear', async (t) => {
    const id = idNumber('19800101');
    const check = await checker.checks.create({ subject: { idNumber: id }, matter: MATTER });
    t.notMatch(JSON.stringify(check), id);
  });
});
