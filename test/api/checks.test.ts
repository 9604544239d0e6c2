// The inline check end to end through HTTP (inject), on PGlite or PostgreSQL. Expected measures are the seed
// catalogue's: e.g. 佳应急联发〔2020〕5号 (九) for 财政 + procurement in 佳木斯.
import { eq, sql } from 'drizzle-orm';
import { checks } from '../../api/src/db/schema.js';
import t from 'tap';
import { SYSTEM_ACTOR } from '../../api/src/services/audit.js';
import { changeStatus } from '../../api/src/services/entries.js';
import { verifyReceipts } from '../../api/src/services/receipt-verify.js';
import { bearer } from '../helpers/app.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';

/**
 * Now, returned once the clock has moved past it: record times are milliseconds, so a write in the same millisecond
 * as an `asOf` would count as already made (or superseded) by then.
 */
async function instant(): Promise<string> {
  const at = Date.now();
  while (Date.now() <= at) await new Promise((r) => setImmediate(r));
  return new Date(at).toISOString();
}

t.test('verdicts, matches and receipts', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const court = await department(app, adminKey, 'court', '110000');
  const market = await department(app, adminKey, 'market_regulation', '110000');
  const tax = await department(app, adminKey, 'taxation', '110000');
  const financeJms = await department(app, adminKey, 'finance', '230800');
  const financeBj = await department(app, adminKey, 'finance', '110000');
  const wuhanMarket = await department(app, adminKey, 'market_regulation', '420100');

  const firm = uscc();
  const firmName = '佳木斯市恒达建筑工程有限公司';
  const legalRep = idNumber('19750302');

  t.test('clear: nothing on any list', async (t) => {
    const res = await check(app, financeJms.key, { uscc: uscc() }, 'government_procurement');
    t.equal(res.statusCode, 201);
    const body = res.json();
    t.equal(body.verdict, 'clear');
    t.same(body.hits, []);
    t.match(body.receipt, { hash: /^[0-9a-f]{64}$/, prevHash: /^[0-9a-f]{64}$/ });
    const again = await app.inject({ url: `/v1/checks/${body.checkId}`, headers: bearer(financeJms.key) });
    t.same(again.json(), body, 'the stored receipt is what was answered');
  });

  const pub = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: {
      kind: 'enterprise',
      uscc: firm,
      name: firmName,
      formerNames: ['佳木斯市恒达建筑有限公司'],
      relatedPersons: [{ role: 'legal_representative', name: '王建国', idNumber: legalRep }],
    },
  });
  t.equal(pub.statusCode, 201, pub.body);
  const entryId = pub.json().entryId;

  t.test('uscc: restricted with the local measure', async (t) => {
    const body = (
      await check(app, financeJms.key, { uscc: firm.toLowerCase() + ' ' }, 'government_procurement')
    ).json();
    t.equal(body.verdict, 'restricted');
    t.equal(body.hits.length, 1);
    t.match(body.hits[0], {
      entryId,
      matchedBy: 'uscc',
      suspended: false,
      status: 'active',
      list: { code: 'safety.blacklist', polarity: 'punitive' },
    });
    t.same(
      body.hits[0].memoranda.map((m: { docNo: string }) => m.docNo),
      ['发改财金〔2016〕1001号'],
    );
    t.same(
      body.measures.map((m: { docNo: string; ordinal: string }) => `${m.docNo}#${m.ordinal}`),
      ['佳应急联发〔2020〕5号#(九)'],
    );
    t.same(body.measures[0].forEntries, [entryId]);
  });

  t.test('outside the adopting region the national measure applies', async (t) => {
    const body = (await check(app, financeBj.key, { uscc: firm }, 'government_procurement')).json();
    t.equal(body.verdict, 'restricted');
    t.same(
      body.measures.map((m: { docNo: string; ordinal: string }) => `${m.docNo}#${m.ordinal}`),
      ['发改财金〔2016〕1001号#(十八)'],
    );
  });

  t.test('a matter with no catalogued measure for the caller is review, not clear', async (t) => {
    const body = (await check(app, financeJms.key, { uscc: firm }, 'customs')).json();
    t.equal(body.verdict, 'review');
    t.ok(body.reasons.some((r: { code: string }) => r.code === 'NO_CATALOGUED_MEASURE'));
    t.equal(body.hits.length, 1, 'the hit is still shown');
  });

  t.test('name, former name and fuzzy name are capped at review', async (t) => {
    for (const [name, matchedBy] of [
      [firmName, 'name'],
      ['佳木斯市恒达建筑有限公司', 'former_name'],
      ['佳木斯市恒達建築工程有限公司', 'name'], // traditional characters normalise to the same name
      ['佳木斯市恒达建筑工程有限责任公司', 'fuzzy_name'],
    ] as const) {
      const body = (await check(app, financeJms.key, { name }, 'government_procurement')).json();
      t.equal(body.verdict, 'review', name);
      t.equal(body.hits[0]?.matchedBy, matchedBy, name);
      t.ok(
        body.reasons.some((r: { code: string }) => r.code === 'NAME_MATCH_ONLY'),
        name,
      );
      if (matchedBy === 'fuzzy_name')
        t.ok(body.hits[0].score < 1 && body.hits[0].score >= 0.75, `score ${body.hits[0].score}`);
    }
    const unrelated = (
      await check(app, financeJms.key, { name: '哈尔滨市松花江食品有限公司' }, 'government_procurement')
    ).json();
    t.equal(unrelated.verdict, 'clear');
  });

  t.test('落实到人: an enterprise check shows its legal representative’s own record', async (t) => {
    const debtor = await publish(app, court.key, {
      list: 'court.dishonest_debtor',
      subject: { kind: 'person', idNumber: legalRep, name: '王建国' },
    });
    t.equal(debtor.statusCode, 201, debtor.body);
    const body = (await check(app, market.key, { uscc: firm }, 'market_entry_and_office')).json();
    const rel = body.hits.find((h: { matchedBy: string }) => h.matchedBy === 'related_person');
    t.ok(rel, 'related_person hit');
    t.equal(rel.list.code, 'court.dishonest_debtor');
    t.match(rel.subject.idMasked, /^110105\*+\d{3}[\dX]$/);
    t.notOk(JSON.stringify(body).includes(legalRep), 'the plain ID number is never returned');
    t.same(
      body.measures
        .filter((m: { forEntries: string[] }) => m.forEntries.includes(rel.entryId))
        .map((m: { docNo: string; ordinal: string }) => `${m.docNo}#${m.ordinal}`),
      ['发改财金〔2016〕141号#4'],
    );
    const person = (await check(app, market.key, { idNumber: legalRep }, 'market_entry_and_office')).json();
    t.ok(
      person.hits.some(
        (h: { matchedBy: string; list: { code: string } }) =>
          h.matchedBy === 'id_number' && h.list.code === 'court.dishonest_debtor',
      ),
    );
    t.ok(
      person.hits.some(
        (h: { matchedBy: string; list: { code: string } }) =>
          h.matchedBy === 'related_person' && h.list.code === 'safety.blacklist',
      ),
      'and a person check shows the firm they lead',
    );
  });

  t.test('无相关职能: Wuhan 质监 on 141号 gets no measure and a reason', async (t) => {
    const person = idNumber('19800808');
    t.equal(
      (
        await publish(app, court.key, {
          list: 'court.dishonest_debtor',
          subject: { kind: 'person', idNumber: person, name: '李四' },
        })
      ).statusCode,
      201,
    );
    const body = (await check(app, wuhanMarket.key, { idNumber: person }, 'administrative_licensing')).json();
    t.equal(body.verdict, 'clear');
    t.equal(body.hits.length, 1);
    t.same(body.measures, []);
    t.ok(body.reasons.some((r: { code: string }) => r.code === 'NO_DUTY'));
  });

  t.test('a blacklist hit cancels red-list incentives', async (t) => {
    const good = uscc('91', '110000');
    t.equal(
      (
        await publish(app, tax.key, {
          list: 'tax.a_grade',
          subject: { kind: 'enterprise', uscc: good, name: '北京守信科技有限公司' },
        })
      ).statusCode,
      201,
    );
    const before = (await check(app, financeBj.key, { uscc: good }, 'honours')).json();
    t.equal(before.verdict, 'incentive');
    t.same(
      before.measures.map((m: { docNo: string; ordinal: string }) => `${m.docNo}#${m.ordinal}`),
      ['发改财金〔2016〕1467号#3'],
    );
    t.equal(
      (
        await publish(app, market.key, {
          list: 'market.serious_illegal',
          subject: { kind: 'enterprise', uscc: good, name: '北京守信科技有限公司' },
        })
      ).statusCode,
      201,
    );
    const after = (await check(app, financeBj.key, { uscc: good }, 'honours')).json();
    t.not(after.verdict, 'incentive');
    t.notOk(after.measures.some((m: { effect: string }) => m.effect === 'incentive'));
    t.ok(
      after.reasons.some(
        (r: { code: string; listCode: string }) => r.code === 'INCENTIVE_CANCELLED' && r.listCode === 'tax.a_grade',
      ),
    );
    const office = (await check(app, market.key, { uscc: good }, 'market_entry_and_office')).json();
    t.equal(office.verdict, 'prohibited', '严重违法失信企业: 市场准入 is prohibited (2045号 (七)10)');
    t.ok(
      office.measures.some(
        (m: { docNo: string; ordinal: string; effect: string }) =>
          m.docNo === '发改财金〔2015〕2045号' && m.ordinal === '(七)10' && m.effect === 'prohibit',
      ),
    );
  });

  t.test('points are computed at query time (南宁: 24 points → 红名单, punitive)', async (t) => {
    const s = uscc('91', '450100');
    for (let i = 0; i < 4; i++) {
      const r = await publish(app, adminKey, {
        list: 'nanning.urban_points',
        points: 6,
        decidedAt: `2026-0${i + 2}-01T00:00:00.000Z`,
        subject: { kind: 'enterprise', uscc: s, name: '南宁市某某物业有限公司' },
      });
      t.equal(r.statusCode, 201, r.body);
    }
    const body = (await check(app, financeBj.key, { uscc: s }, 'government_procurement')).json();
    t.equal(body.hits.length, 1);
    t.equal(body.hits[0].list.code, 'nanning.red');
    t.equal(body.hits[0].points.total, 24);
    t.equal(body.verdict, 'review', 'the tier triggers no catalogued memorandum, so review');
    const direct = await publish(app, adminKey, {
      list: 'nanning.red',
      subject: { kind: 'enterprise', uscc: s, name: '南宁市某某物业有限公司' },
    });
    t.equal(direct.statusCode, 400, 'a tier list is computed, not published');
  });

  t.test('asOf answers as of a past moment', async (t) => {
    const s = uscc();
    const before = await instant();
    t.equal(
      (
        await publish(app, safety.key, {
          list: 'safety.blacklist',
          subject: { kind: 'enterprise', uscc: s, name: '鹤岗市后来者有限公司' },
        })
      ).statusCode,
      201,
    );
    t.equal((await check(app, financeJms.key, { uscc: s }, 'government_procurement')).json().verdict, 'restricted');
    const past = (await check(app, financeJms.key, { uscc: s }, 'government_procurement', { asOf: before })).json();
    t.equal(past.verdict, 'clear');
    t.equal(past.asOf, before);
    const future = await check(app, financeJms.key, { uscc: s }, 'government_procurement', {
      asOf: '2999-01-01T00:00:00Z',
    });
    t.equal(future.json().code, 'VALIDATION_FAILED');
  });

  t.test('a record under objection is shown suspended and applies nothing (核实期间暂不执行)', async (t) => {
    const s = uscc();
    const p = (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: s, name: '佳木斯市异议测试有限公司' },
      })
    ).json();
    await changeStatus(database.db, SYSTEM_ACTOR, p.entryId, { to: 'objection_pending', change: 'objection_opened' });
    const body = (await check(app, financeJms.key, { uscc: s }, 'government_procurement')).json();
    t.equal(body.hits.length, 1);
    t.match(body.hits[0], { suspended: true, status: 'objection_pending', measureIds: [] });
    t.same(body.measures, []);
    t.equal(body.verdict, 'clear');
    t.ok(body.reasons.some((r: { code: string }) => r.code === 'OBJECTION_PENDING'));
  });

  t.test('revocation: gone from the list at once, still there as of before', async (t) => {
    const s = uscc();
    const p = (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: s, name: '佳木斯市撤销测试有限公司' },
      })
    ).json();
    const before = await instant();
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: `/v1/entries/${p.entryId}/revoke`,
          headers: bearer(financeJms.key),
          payload: { reason: 'x' },
        })
      ).json().code,
      'NOT_DECIDING_DEPARTMENT',
      'not the deciding department',
    );
    const r = await app.inject({
      method: 'POST',
      url: `/v1/entries/${p.entryId}/revoke`,
      headers: bearer(safety.key),
      payload: { reason: '认定依据不足' },
    });
    t.equal(r.statusCode, 200);
    t.match(r.json(), { entryId: p.entryId, version: 2, status: 'revoked' });
    t.equal((await check(app, financeJms.key, { uscc: s }, 'government_procurement')).json().verdict, 'clear');
    t.equal(
      (await check(app, financeJms.key, { uscc: s }, 'government_procurement', { asOf: before })).json().verdict,
      'restricted',
    );
    const again = await app.inject({
      method: 'POST',
      url: `/v1/entries/${p.entryId}/revoke`,
      headers: bearer(safety.key),
      payload: { reason: 'again' },
    });
    t.equal(again.statusCode, 409);
    t.equal(again.json().code, 'INVALID_TRANSITION');
    t.equal(
      (await app.inject({ url: `/v1/entries/${p.entryId}`, headers: bearer(financeJms.key) })).json().code,
      'NOT_FOUND',
      'off public display',
    );
    const entry = (
      await app.inject({ url: `/v1/entries/${p.entryId}?view=internal`, headers: bearer(safety.key) })
    ).json();
    t.same(
      entry.versions.map(
        (v: { version: number; status: string; change: string }) => `${v.version}:${v.status}:${v.change}`,
      ),
      ['1:active:created', '2:revoked:revoked'],
    );
  });

  t.test('an Idempotency-Key retry returns the same receipt', async (t) => {
    const h = { 'idempotency-key': 'retry-123' };
    const first = await check(
      app,
      financeJms.key,
      { uscc: firm },
      'government_procurement',
      { matter: { type: 'government_procurement', reference: 'X-1' } },
      h,
    );
    const second = await check(
      app,
      financeJms.key,
      { uscc: firm },
      'government_procurement',
      { matter: { type: 'government_procurement', reference: 'X-1' } },
      h,
    );
    t.equal(first.statusCode, 201);
    t.equal(second.statusCode, 200);
    t.equal(second.json().checkId, first.json().checkId);
    const [row] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(checks)
      .where(eq(checks.idempotencyKey, 'retry-123'));
    t.equal(row?.n, 1, 'one receipt');
    const other = await check(app, financeJms.key, { uscc: uscc() }, 'government_procurement', {}, h);
    t.equal(other.statusCode, 409);
    t.equal(other.json().code, 'CONFLICT');
  });

  t.test('batch: one receipt per item, in order; a bad item does not fail the others', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/checks/batch',
      headers: bearer(financeJms.key),
      payload: {
        matter: { type: 'government_procurement', reference: 'BID-7' },
        items: [
          { subject: { uscc: firm }, reference: 'bidder-a' },
          { subject: { uscc: '91350100M000100Y44' } },
          { subject: { uscc: uscc() } },
        ],
      },
    });
    t.equal(res.statusCode, 200);
    const { results } = res.json();
    t.same(
      results.map((r: { index: number }) => r.index),
      [0, 1, 2],
    );
    t.equal(results[0].check.verdict, 'restricted');
    t.equal(results[0].check.matter.reference, 'bidder-a');
    t.equal(results[1].error.code, 'INVALID_USCC');
    t.equal(results[1].error.errors[0].path, '/body/items/1/subject/uscc');
    t.equal(results[2].check.verdict, 'clear');
    const tooMany = await app.inject({
      method: 'POST',
      url: '/v1/checks/batch',
      headers: bearer(financeJms.key),
      payload: {
        matter: { type: 'tax', reference: 'x' },
        items: Array.from({ length: 1001 }, () => ({ subject: { name: 'x' } })),
      },
    });
    t.equal(tooMany.statusCode, 400);
    t.equal(tooMany.json().code, 'VALIDATION_FAILED');
  });

  t.test('bad identifiers are rejected with their own code and nothing is recorded', async (t) => {
    const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(checks))[0]?.n;
    const n0 = await count();
    const cases: Array<[Record<string, string>, string]> = [
      [{ uscc: '91350100M000100Y4' }, 'INVALID_USCC'], // length
      [{ uscc: '91350100M00010OY43' }, 'INVALID_USCC'], // character O
      [{ uscc: '91350100M000100Y44' }, 'INVALID_USCC'], // checksum
      [{ idNumber: '1101051980010110' }, 'INVALID_ID_NUMBER'], // length
      [{ idNumber: '11010519800230001X' }, 'INVALID_ID_NUMBER'], // 2月30日
      [{ idNumber: '11010519491231002Y' }, 'INVALID_ID_NUMBER'], // character
      [{ idNumber: '110105194912310021' }, 'INVALID_ID_NUMBER'], // checksum
      [{}, 'VALIDATION_FAILED'],
    ];
    for (const [subject, code] of cases) {
      const res = await check(app, financeJms.key, subject, 'government_procurement');
      t.equal(res.statusCode, 400, JSON.stringify(subject));
      t.equal(res.json().code, code, JSON.stringify(subject));
    }
    t.equal(await count(), n0, 'no receipt for a rejected check');
    const publishOnly = await department(app, adminKey, 'finance', '230800', ['publish']);
    t.equal((await check(app, publishOnly.key, { uscc: firm }, 'tax')).json().code, 'FORBIDDEN_SCOPE');
    t.equal(
      (
        await app.inject({ url: `/v1/checks/00000000-0000-4000-8000-000000000000`, headers: bearer(financeJms.key) })
      ).json().code,
      'NOT_FOUND',
    );
  });

  t.test('another department cannot read a receipt', async (t) => {
    const mine = (await check(app, financeJms.key, { uscc: firm }, 'government_procurement')).json();
    const res = await app.inject({ url: `/v1/checks/${mine.checkId}`, headers: bearer(financeBj.key) });
    t.equal(res.statusCode, 404);
  });

  t.test('the 惩戒告知书 is printable HTML rendered from the receipt', async (t) => {
    const hostile = uscc();
    t.equal(
      (
        await publish(app, safety.key, {
          list: 'safety.blacklist',
          reason: '<script>alert(1)</script>瞒报事故',
          subject: { kind: 'enterprise', uscc: hostile, name: '佳木斯市<b>某</b>公司' },
        })
      ).statusCode,
      201,
    );
    const c = (
      await check(app, financeJms.key, { uscc: hostile }, 'government_procurement', {
        matter: { type: 'government_procurement', reference: 'HG-1', title: '教学楼维修' },
      })
    ).json();
    const res = await app.inject({ url: `/v1/checks/${c.checkId}/notice`, headers: bearer(financeJms.key) });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/html/);
    const html = res.body;
    t.match(html, /失信联合惩戒告知书/);
    t.match(html, /限制办理/);
    t.ok(html.includes(c.measures[0].text), 'the measure text');
    t.ok(html.includes(c.receipt.hash), 'the receipt hash');
    t.ok(html.includes('HG-1') && html.includes('教学楼维修'), 'the matter');
    t.notOk(html.includes('<script>'), 'published text is escaped');
    t.ok(html.includes('&lt;script&gt;'));
    const person = (await check(app, market.key, { uscc: firm }, 'market_entry_and_office')).json();
    const personal = (await app.inject({ url: `/v1/checks/${person.checkId}/notice`, headers: bearer(market.key) }))
      .body;
    t.notOk(personal.includes(legalRep), 'never the plain ID number');
    const clear = (await check(app, financeJms.key, { uscc: uscc() }, 'tax')).json();
    t.match(
      (await app.inject({ url: `/v1/checks/${clear.checkId}/notice`, headers: bearer(financeJms.key) })).body,
      /联合奖惩查询结果告知书/,
    );
    t.equal(
      (await app.inject({ url: `/v1/checks/${c.checkId}/notice`, headers: bearer(financeBj.key) })).statusCode,
      404,
      'not another department’s',
    );
  });

  t.test('the receipt chain verifies, and a tampered row is found', async (t) => {
    const viaRoute = await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(adminKey) });
    t.equal(viaRoute.statusCode, 200);
    t.equal(viaRoute.json().ok, true);
    t.equal(
      (await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(financeJms.key) })).json().code,
      'FORBIDDEN_SCOPE',
    );
    const ok = await verifyReceipts(database.db);
    t.equal(ok.ok, true);
    t.ok(ok.receipts >= 20, `${ok.receipts} receipts`);
    const victim = (await check(app, financeJms.key, { uscc: firm }, 'government_procurement')).json();
    await database.db.execute(sql`update check_receipt set verdict = 'clear' where id = ${victim.checkId}`);
    const bad = await verifyReceipts(database.db);
    t.equal(bad.ok, false);
    t.equal(bad.firstBroken?.checkId, victim.checkId);
    t.equal(bad.firstBroken?.problem, 'hash_mismatch');
    t.equal(
      (await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(adminKey) })).json().firstBroken.checkId,
      victim.checkId,
    );
  });
});

t.test('concurrent retries with one Idempotency-Key make one receipt', async (t) => {
  const { app, database, adminKey } = await world(t);
  const finance = await department(app, adminKey, 'finance', '230800');
  const subject = { uscc: uscc() };
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      check(
        app,
        finance.key,
        subject,
        'tax',
        { matter: { type: 'tax', reference: 'same' } },
        { 'idempotency-key': 'race-1' },
      ),
    ),
  );
  t.same(results.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
  t.equal(new Set(results.map((r) => r.json().checkId)).size, 1, 'every retry got the same receipt');
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(checks);
  t.equal(row?.n, 1);
});

t.test('concurrent checks all land in unbroken chains', async (t) => {
  const { app, database, adminKey } = await world(t);
  const finance = await department(app, adminKey, 'finance', '230800');
  const results = await Promise.all(
    Array.from({ length: 60 }, () => check(app, finance.key, { uscc: uscc() }, 'government_procurement')),
  );
  t.same([...new Set(results.map((r) => r.statusCode))], [201]);
  const report = await verifyReceipts(database.db);
  t.equal(report.ok, true);
  t.equal(report.receipts, 60);
});
