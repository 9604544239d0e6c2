// 告知书: issuing (numbers gapless per department-year under concurrent issues, re-issue keeps the number), the signed
// link (opens without a key; altered → 403, expired → 410, Chinese HTML), the public verification page (genuine, then
// not after one stored column changes; unknown → 未找到), and the department's 文号 prefix.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../../api/src/app.js';
import { signNoticeLink } from '../../api/src/services/notice.js';
import { TEST_SECRET, bearer } from '../helpers/app.js';
import { rows } from '../helpers/rows.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';

t.test('notices', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const finance = await department(app, adminKey, 'finance', '230800');
  const market = await department(app, adminKey, 'market_regulation', '230400');
  const firm = uscc();
  const legalRep = idNumber('19750304');
  t.equal(
    (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        reason: '发生较大生产安全责任事故',
        subject: {
          kind: 'enterprise',
          uscc: firm,
          name: '佳木斯市恒安矿业有限公司',
          relatedPersons: [{ role: 'legal_representative', name: '李四', idNumber: legalRep }],
        },
      })
    ).statusCode,
    201,
  );
  const issue = (key: string, checkId: string, payload?: Record<string, unknown>) =>
    app.inject({
      method: 'POST',
      url: `/v1/checks/${checkId}/notice`,
      headers: bearer(key),
      ...(payload ? { payload } : {}),
    });
  const newCheck = async (key = finance.key, subject: Record<string, unknown> = { uscc: firm }) => {
    const res = await check(app, key, subject, 'government_procurement');
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json<{
      checkId: string;
      receipt: { hash: string };
      measures: Array<{ text: string; docNo: string }>;
      verdict: string;
    }>();
  };

  t.test('an admin sets the 文号 prefix; others may not; a bad prefix is refused', async (t) => {
    const put = (key: string, payload: unknown, id = finance.departmentId) =>
      app.inject({
        method: 'PUT',
        url: `/v1/admin/departments/${id}/notice-prefix`,
        headers: bearer(key),
        payload: payload as object,
      });
    const ok = await put(adminKey, { noticePrefix: '佳市财采告' });
    t.equal(ok.statusCode, 200);
    t.match(ok.json(), { noticePrefix: '佳市财采告', effectivePrefix: '佳市财采告' });
    t.equal((await put(finance.key, { noticePrefix: 'X' })).json().code, 'FORBIDDEN_SCOPE');
    const bad = await put(adminKey, { noticePrefix: '告〔2026〕' });
    t.equal(bad.statusCode, 400);
    t.equal(bad.json().code, 'VALIDATION_FAILED');
    t.equal(
      (await put(adminKey, { noticePrefix: '鹤' }, '00000000-0000-4000-8000-000000000000')).json().code,
      'NOT_FOUND',
    );
  });

  t.test(
    'numbers are gapless per department and year under concurrent issuing; re-issuing keeps the number',
    async (t) => {
      const N = 24;
      const ids = [];
      for (let i = 0; i < N; i++) ids.push((await newCheck()).checkId);
      // Every check issued twice at once, all at once: 48 concurrent transactions on one counter row.
      const answers = await Promise.all(
        [...ids, ...ids].map((id) => issue(finance.key, id, { operator: '窗口 3 号' })),
      );
      t.same(
        answers.filter((a) => a.statusCode !== 201 && a.statusCode !== 200).map((a) => a.body),
        [],
        'every issue answered 201 or 200',
      );
      t.equal(answers.filter((a) => a.statusCode === 201).length, N, 'one 201 per check');
      const byCheck = new Map<string, Set<string>>();
      for (const a of answers) {
        const b = a.json();
        byCheck.set(b.checkId, (byCheck.get(b.checkId) ?? new Set()).add(b.number));
      }
      t.ok(
        [...byCheck.values()].every((s) => s.size === 1),
        'both issues of a check answer the same number',
      );
      const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
      const seqs = [...byCheck.values()].map((s) => {
        const m = /^佳市财采告〔(\d{4})〕第(\d{6})号$/.exec([...s][0]!);
        t.ok(m, `number ${[...s][0]} has the document style`);
        t.equal(Number(m?.[1]), year);
        return Number(m?.[2]);
      });
      t.same(
        seqs.sort((a, b) => a - b),
        Array.from({ length: N }, (_, i) => i + 1),
        'numbers 1…N, no gap, no repeat',
      );
      const again = await issue(finance.key, ids[0]!);
      t.equal(again.statusCode, 200);
      t.equal(again.json().number, [...byCheck.get(ids[0]!)!][0]);
      t.match(again.json(), { issuedByOperator: '窗口 3 号', issuedByKey: String });
      const stored = rows<{ n: number }>(
        await database.db.execute(
          sql`select count(*)::int as n from notice where department_id = ${finance.departmentId}`,
        ),
      );
      t.equal(Number(stored[0]!.n), N, 'one stored notice per check');

      // Another department numbers from 1 with its default prefix (its name + 告).
      const other = await newCheck(market.key);
      const first = await issue(market.key, other.checkId);
      t.equal(first.statusCode, 201);
      t.equal(first.json().number, `market_regulation-230400告〔${year}〕第000001号`);
    },
  );

  t.test('only the department that ran the check issues it; a missing check is NOT_FOUND', async (t) => {
    const mine = await newCheck();
    const res = await issue(market.key, mine.checkId);
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'NOT_FOUND');
    t.equal((await issue(finance.key, '00000000-0000-4000-8000-000000000000')).json().code, 'NOT_FOUND');
    t.equal(
      (await app.inject({ method: 'POST', url: `/v1/checks/${mine.checkId}/notice`, payload: {} })).json().code,
      'UNAUTHENTICATED',
    );
    t.equal((await issue(finance.key, mine.checkId, { operator: '' })).json().code, 'VALIDATION_FAILED');
  });

  t.test('the paper: number, seal, signature line, QR, Chinese only', async (t) => {
    const c = await newCheck();
    const draft = await app.inject({ url: `/v1/checks/${c.checkId}/notice`, headers: bearer(finance.key) });
    t.equal(draft.statusCode, 200);
    t.match(draft.body, /草稿：尚未出具/);
    const issued = (await issue(finance.key, c.checkId)).json();
    const html = (await app.inject({ url: `/v1/checks/${c.checkId}/notice`, headers: bearer(finance.key) })).body;
    t.ok(html.includes(issued.number), 'the document number');
    t.match(html, /盖章处/);
    t.match(html, /经办人签字/);
    t.match(html, /<svg[^>]*>/, 'the QR code, inline SVG');
    t.match(html, /counter\(pages\)/, 'page numbers in the print CSS');
    t.match(html, /break-inside: avoid/);
    t.notOk(html.includes('safety.blacklist'), 'no list code');
    t.ok(html.includes('安全生产'), 'the list name');
    t.notOk(/\((?:no |name |objection|incentives)[^)]*\)/.test(html), 'no English parenthetical');
    t.ok(html.includes(c.measures[0]!.text));
    t.notOk(html.includes(legalRep), 'never the plain ID number');
  });

  t.test('the signed link opens without a key; altered → 403, expired → 410, both Chinese HTML', async (t) => {
    const c = await newCheck();
    const issued = (await issue(finance.key, c.checkId)).json();
    const url = new URL(issued.url);
    t.ok(
      issued.url.startsWith(`http://localhost:80/v1/notices/${issued.noticeId}?`),
      'an absolute link on the request’s origin',
    );
    t.ok(Date.parse(issued.expiresAt) - Date.now() > 23 * 3600_000, 'expires in about 24 h');
    const open = await app.inject({ url: url.pathname + url.search });
    t.equal(open.statusCode, 200);
    t.match(open.headers['content-type'], /^text\/html/);
    t.ok(open.body.includes(issued.number));

    const sig = url.searchParams.get('signature')!;
    const flipped = new URL(url);
    flipped.searchParams.set('signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const altered = await app.inject({ url: flipped.pathname + flipped.search });
    t.equal(altered.statusCode, 403);
    t.match(altered.headers['content-type'], /^text\/html/);
    t.match(altered.body, /链接无效/);
    t.match(altered.body, /NOTICE_LINK_INVALID/);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    t.equal(
      (await app.inject({ url: later.pathname + later.search })).statusCode,
      403,
      'a longer expiry is an alteration',
    );
    t.equal((await app.inject({ url: url.pathname })).statusCode, 403, 'no signature');

    const past = signNoticeLink(TEST_SECRET, issued.noticeId, 60, Date.now() - 3600_000);
    const expired = await app.inject({ url: past.path });
    t.equal(expired.statusCode, 410);
    t.match(expired.headers['content-type'], /^text\/html/);
    t.match(expired.body, /链接已过期/);
    t.match(expired.body, /NOTICE_LINK_EXPIRED/);
  });

  t.test('verify: genuine, then does not match once a stored column changes; unknown → 未找到', async (t) => {
    const c = await newCheck();
    const issued = (await issue(finance.key, c.checkId)).json();
    const page = await app.inject({ url: `/verify/${c.receipt.hash}` });
    t.equal(page.statusCode, 200);
    t.match(page.body, /name="yingcha-verification" content="genuine"/);
    t.ok(page.body.includes(issued.number));
    for (const d of new Set(c.measures.map((m) => m.docNo))) t.ok(page.body.includes(d), `measure 文号 ${d}`);
    t.notOk(page.body.includes(firm), 'no subject identifier');
    t.notOk(page.body.includes('恒安矿业'), 'no subject name');

    await database.db.execute(sql`update check_receipt set matter_reference = 'HG-FORGED' where id = ${c.checkId}`);
    const after = await app.inject({ url: `/verify/${c.receipt.hash}` });
    t.equal(after.statusCode, 200);
    t.match(after.body, /content="mismatch"/);
    t.match(after.body, /核验未通过/);

    const unknown = await app.inject({ url: `/verify/${'0'.repeat(64)}` });
    t.equal(unknown.statusCode, 404);
    t.match(unknown.headers['content-type'], /^text\/html/);
    t.match(unknown.body, /未找到/);
    t.equal((await app.inject({ url: '/verify/not-a-hash' })).statusCode, 404);
  });

  t.test('the public pages are budgeted per client address: 429 as a Chinese page', async (t) => {
    const strict = await buildApp({ database, secret: TEST_SECRET, notices: { publicPagesPerMinute: 3 } });
    t.teardown(() => strict.close());
    const c = await newCheck();
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await strict.inject({ url: `/verify/${c.receipt.hash}`, remoteAddress: '198.51.100.7' }));
    t.same(
      answers.map((a) => a.statusCode),
      [200, 200, 200, 429],
    );
    const refused = answers[3]!;
    t.match(refused.headers['content-type'], /^text\/html/);
    t.match(refused.body, /RATE_LIMITED/);
    t.ok(Number(refused.headers['retry-after']) >= 1, 'Retry-After');
    t.equal(refused.headers['ratelimit-limit'], '3');
    t.equal(
      (await strict.inject({ url: `/verify/${c.receipt.hash}`, remoteAddress: '198.51.100.8' })).statusCode,
      200,
      'another address has its own budget',
    );
  });
});
