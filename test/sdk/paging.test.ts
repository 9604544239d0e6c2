// Lists page with an opaque cursor, and the SDK walks them: 2,500 records of one subject and 650 objections through
// the iterator, each exactly once even with a write in the middle; every call can show its response (status, headers, request id); a
// check says whether it was replayed.
import t from 'tap';
import { csv, row } from '../helpers/import.js';
import { uscc } from '../helpers/world.js';
import { serve } from './harness.js';

const ROWS = 2_500;
// Objections are filed one request each (the records come in one import): 650 still make three pages of 300, the
// last one partial, and two of 500.
const OBJECTIONS = 650;

t.test('entries: 2,500 records through the SDK iterator, withResponse, Link header', async (t) => {
  const s = await serve(t);
  const subject = uscc();
  const rows = Array.from({ length: ROWS }, () => row({ uscc: subject, name: '鹤岗市分页测试有限公司' }));
  const imported = await s.admin.imports.create(
    { file: csv(rows), format: 'csv', mode: 'accept-valid' },
    { timeout: 300_000 },
  );
  t.equal(imported.accepted, ROWS);

  const first = await s.admin.entries.list({ subject, limit: 200, view: 'internal' }).withResponse();
  t.equal(first.response.status, 200);
  t.equal(first.data.entries.length, 200);
  t.type(first.data.nextCursor, 'string');
  t.match(first.response.requestId, /^[0-9a-f-]{36}$/);
  t.equal(first.response.headers['x-request-id'], first.response.requestId);
  const link = first.response.headers.link ?? '';
  t.match(link, /rel="next"$/);
  t.equal(
    new URL(/<([^>]+)>/.exec(link)![1]!, s.baseUrl).searchParams.get('after'),
    first.data.nextCursor,
    'Link names the same cursor',
  );

  const seen = new Set<string>();
  let pages = 0;
  let wroteMidway = false;
  const list = s.admin.entries.list({ subject, limit: 200, view: 'internal' });
  for await (const page of list.pages()) {
    pages++;
    for (const e of page.entries) {
      t.notOk(seen.has(e.entryId), 'each record once');
      seen.add(e.entryId);
    }
    if (!wroteMidway) {
      // A record published while paging is newer than every cursor handed out: it neither shifts nor repeats rows.
      wroteMidway = true;
      await s.admin.entries.publish({
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: subject, name: '鹤岗市分页测试有限公司' },
        decisionDocNo: '鹤应急罚〔2026〕分页号',
        reason: '分页测试',
        decidedAt: '2026-10-01T00:00:00Z',
        source: 'paging-test',
        sourceRecordId: 'midway',
      });
    }
    if (page.nextCursor === null) t.equal(page.entries.length, ROWS % 200 || 200);
  }
  t.equal(seen.size, ROWS);
  t.equal(pages, Math.ceil(ROWS / 200));

  // The iterator over rows, from a fresh list: now 2,501 records.
  let n = 0;
  for await (const e of s.admin.entries.list({ subject, limit: 1000, view: 'internal' })) {
    t.ok(e.entryId);
    n++;
  }
  t.equal(n, ROWS + 1);

  // The last page has no Link and a null cursor; a forged cursor is a 400 with a stable code.
  const p1 = await s.admin.entries.list({ subject, limit: 1000, view: 'internal' });
  const p2 = await s.admin.entries.list({ subject, limit: 1000, view: 'internal', after: p1.nextCursor! });
  const p3 = await s.admin.entries
    .list({ subject, limit: 1000, view: 'internal', after: p2.nextCursor! })
    .withResponse();
  t.equal(p3.data.entries.length, ROWS + 1 - 2000);
  t.equal(p3.data.nextCursor, null);
  t.equal(p3.response.headers.link, undefined);
  await t.rejects(s.admin.entries.list({ subject, after: 'bm90LWEtY3Vyc29y' }), {
    status: 400,
    code: 'INVALID_CURSOR',
  });

  // Objections: one on each of the first OBJECTIONS records (filed 8 at a time), then paged through with the iterator.
  const ids = [...seen].slice(0, OBJECTIONS);
  let next = 0;
  const filed = new Set<string>();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const o = await s.admin.objections.create({
          entryId: ids[i]!,
          applicant: { name: '分页测试', relation: 'subject' },
          reason: '分页测试异议',
        });
        filed.add(o.objectionId);
      }
    }),
  );
  t.equal(filed.size, OBJECTIONS);
  const listed = new Set<string>();
  let objectionPages = 0;
  const objections = s.admin.objections.list({ limit: 300 });
  for await (const page of objections.pages()) {
    objectionPages++;
    for (const o of page.objections) {
      t.notOk(listed.has(o.objectionId), 'each objection once');
      listed.add(o.objectionId);
    }
  }
  t.same([...listed].sort(), [...filed].sort(), 'exactly the objections filed');
  t.equal(objectionPages, Math.ceil(OBJECTIONS / 300));
  let rowsIterated = 0;
  for await (const o of s.admin.objections.list({ limit: 500 })) if (o.objectionId) rowsIterated++;
  t.equal(rowsIterated, OBJECTIONS);
});

t.test('checks.create says whether it was replayed, and withResponse shows the status', async (t) => {
  const s = await serve(t);
  const params = { subject: { uscc: uscc() }, matter: { type: 'administrative_licensing' as const, reference: 'P-1' } };
  const fresh = await s.admin.checks.create(params, { idempotencyKey: 'paging-replay-1' }).withResponse();
  t.equal(fresh.response.status, 201);
  t.equal(fresh.data.replayed, false);
  const again = await s.admin.checks.create(params, { idempotencyKey: 'paging-replay-1' });
  t.equal(again.replayed, true);
  t.equal(again.checkId, fresh.data.checkId);
  // Awaiting the call directly still gives the body, as before.
  const plain = await s.admin.checks.create(params);
  t.equal(plain.replayed, false);
  t.not(plain.checkId, fresh.data.checkId);
});
