// Credit repair (信用修复) through HTTP on either engine: filing, verification and decision, the effective date, the
// locks of each list, and the deadlines; every forbidden transition by its code.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { toShanghaiDate } from '../../api/src/domain/workdays.js';
import { bearer } from '../helpers/app.js';
import { check, department, publish, uscc, world } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';

t.test('credit repair', async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const post = (key: string, url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
  const get = (key: string, url: string) => app.inject({ url, headers: bearer(key) });
  const applicant = { name: '申请人', relation: 'agent' };
  const body = (entryId: string) => ({
    entryId,
    applicant,
    reason: '已整改到位',
    pledge: '本单位承诺守法经营',
    evidence: [{ title: '整改报告' }],
  });

  /** Departments of their own for one subtest. */
  async function parties() {
    return {
      safety: await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']),
      housing: await department(app, adminKey, 'housing_construction', '450100', ['check', 'publish', 'review']),
      tax: await department(app, adminKey, 'taxation', '110000', ['check', 'publish', 'review']),
      creditOffice: await department(app, adminKey, 'credit_office', '230800', ['check', 'review']),
      finance: await department(app, adminKey, 'finance', '230800', ['check']),
    };
  }

  t.test('approved now: off the list at once, hidden from public reads, kept internally', async (t) => {
    const { safety, creditOffice, finance } = await parties();
    const firm = uscc();
    const entryId = (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市修复一有限公司' },
      })
    ).json().entryId;
    const r = await post(creditOffice.key, '/v1/repairs', body(entryId));
    t.equal(r.statusCode, 201, r.body);
    t.match(r.json(), {
      status: 'received',
      listingCount: 1,
      deadlineRule: '15 working days',
      filedAs: 'credit_office',
    });
    t.equal((await post(creditOffice.key, '/v1/repairs', body(entryId))).json().code, 'REPAIR_ALREADY_OPEN');
    const repairId = r.json().repairId;
    t.equal(
      (await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'approved' })).json().code,
      'INVALID_TRANSITION',
    );
    t.equal((await post(safety.key, `/v1/repairs/${repairId}/verify`, {})).json().status, 'verifying');
    t.equal(
      (
        await post(safety.key, `/v1/repairs/${repairId}/decision`, {
          outcome: 'denied',
          effectiveFrom: new Date().toISOString(),
        })
      ).json().code,
      'VALIDATION_FAILED',
    );
    t.equal(
      (
        await post(safety.key, `/v1/repairs/${repairId}/decision`, {
          outcome: 'approved',
          effectiveFrom: '2000-01-01T00:00:00.000Z',
        })
      ).json().code,
      'VALIDATION_FAILED',
      'not before the application',
    );
    const approved = await post(safety.key, `/v1/repairs/${repairId}/decision`, {
      outcome: 'approved',
      note: '准予修复',
    });
    t.equal(approved.statusCode, 200, approved.body);
    t.match(approved.json(), { status: 'approved', entryStatus: 'repaired' });
    t.equal((await check(app, finance.key, { uscc: firm }, 'government_procurement')).json().verdict, 'clear');
    t.equal((await get(finance.key, `/v1/entries/${entryId}`)).json().code, 'NOT_FOUND', 'public display has ended');
    t.equal((await get(finance.key, `/v1/entries/${entryId}?view=internal`)).json().code, 'FORBIDDEN_SCOPE');
    const internal = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
    t.equal(internal.status, 'repaired');
    t.equal(internal.listed, false);
    t.same(
      internal.versions.map((v: { change: string }) => v.change),
      ['created', 'repaired'],
    );
    t.same((await get(finance.key, `/v1/entries?subject=${firm}`)).json().entries, [], 'public search hides it');
    t.equal((await get(safety.key, `/v1/entries?subject=${firm}&view=internal`)).json().entries.length, 1);
    t.equal(
      (await post(creditOffice.key, '/v1/repairs', body(entryId))).json().code,
      'INVALID_TRANSITION',
      'a repaired record is not repaired again',
    );
    const events = rows<{ type: string }>(
      await db.execute(sql`select type from event where entry_id = ${entryId} order by id`),
    ).map((e) => e.type);
    t.same(events, ['entry.created', 'repair.opened', 'entry.repaired', 'repair.decided']);
  });

  t.test('a future effective date changes nothing early', async (t) => {
    const { safety, finance } = await parties();
    const firm = uscc();
    const entryId = (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市修复二有限公司' },
      })
    ).json().entryId;
    const repairId = (await post(safety.key, '/v1/repairs', body(entryId))).json().repairId;
    await post(safety.key, `/v1/repairs/${repairId}/verify`, {});
    const effectiveFrom = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const approved = (
      await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'approved', effectiveFrom })
    ).json();
    t.equal(approved.effectiveFrom, effectiveFrom);
    const now = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
    t.equal(now.verdict, 'restricted', 'still listed until the effective date');
    t.equal(now.hits[0].status, 'repaired');
    const entry = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
    t.equal(entry.validUntil, effectiveFrom, 'the record leaves the list at the effective date');
  });

  t.test('denied: the record stays', async (t) => {
    const { safety, finance } = await parties();
    const firm = uscc();
    const entryId = (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市修复三有限公司' },
      })
    ).json().entryId;
    const repairId = (await post(safety.key, '/v1/repairs', body(entryId))).json().repairId;
    await post(safety.key, `/v1/repairs/${repairId}/verify`, {});
    const denied = (
      await post(safety.key, `/v1/repairs/${repairId}/decision`, { outcome: 'denied', note: '整改未到位' })
    ).json();
    t.match(denied, { status: 'denied', entryStatus: 'active', effectiveFrom: null });
    t.equal((await check(app, finance.key, { uscc: firm }, 'government_procurement')).json().verdict, 'restricted');
    t.equal(
      (await post(safety.key, '/v1/repairs', body(entryId))).statusCode,
      201,
      'a new request may follow a denial',
    );
  });

  t.test('locks: MOHURD waits, incentive lists are never repaired, other departments are refused', async (t) => {
    const { safety, housing, tax, finance } = await parties();
    const firm = uscc('91', '450100');
    const act = await publish(app, housing.key, {
      list: 'mohurd.urban_points',
      points: 12,
      subject: { kind: 'enterprise', uscc: firm, name: '南宁市某某市容有限公司' },
    });
    t.equal(act.statusCode, 201, act.body);
    const locked = await post(housing.key, '/v1/repairs', body(act.json().entryId));
    t.equal(locked.statusCode, 409);
    t.equal(locked.json().code, 'REPAIR_LOCKED', 'no repair within a year of the first listing (003:L1425)');
    // A second listing published more than a year ago still waits three years.
    const old = await publish(app, housing.key, {
      list: 'mohurd.urban_points',
      points: 12,
      subject: { kind: 'enterprise', uscc: firm, name: '南宁市某某市容有限公司' },
    });
    const aYearAgo = new Date(Date.now() - 400 * 86_400_000).toISOString();
    await db.execute(sql`update entry_version set published_at = ${aYearAgo} where entry_id = ${act.json().entryId}`);
    const second = await post(housing.key, '/v1/repairs', body(old.json().entryId));
    t.equal(second.json().code, 'REPAIR_LOCKED');
    t.match(second.json().detail, /listing number 2/);
    const first = await post(housing.key, '/v1/repairs', body(act.json().entryId));
    t.equal(first.statusCode, 201, 'the first listing, 400 days on, may be repaired');
    t.equal(first.json().listingCount, 1);

    const red = await publish(app, tax.key, {
      list: 'tax.a_grade',
      subject: { kind: 'enterprise', uscc: uscc('91', '110000'), name: '北京某某科技有限公司' },
    });
    t.equal(red.statusCode, 201, red.body);
    t.equal((await post(tax.key, '/v1/repairs', body(red.json().entryId))).json().code, 'REPAIR_NOT_ALLOWED');

    const firm2 = uscc();
    const e = (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm2, name: '佳木斯市修复四有限公司' },
      })
    ).json().entryId;
    const repairId = (await post(safety.key, '/v1/repairs', body(e))).json().repairId;
    t.equal((await post(housing.key, `/v1/repairs/${repairId}/verify`, {})).json().code, 'NOT_DECIDING_DEPARTMENT');
    t.equal((await get(housing.key, `/v1/repairs/${repairId}`)).json().code, 'NOT_FOUND');
    t.equal((await post(finance.key, '/v1/repairs', body(e))).json().code, 'NOT_ENTITLED_TO_FILE');
    t.equal((await post(safety.key, '/v1/repairs', { ...body(e), pledge: '' })).json().code, 'VALIDATION_FAILED');
  });

  t.test('Nanning decides within 20 calendar days', async (t) => {
    const nanning = await department(app, adminKey, 'credit_office', '450100', ['check', 'publish', 'review']);
    const p = await publish(app, nanning.key, {
      list: 'nanning.urban_points',
      points: 6,
      subject: { kind: 'enterprise', uscc: uscc('91', '450100'), name: '南宁市某某环卫有限公司' },
    });
    const r = (await post(nanning.key, '/v1/repairs', body(p.json().entryId))).json();
    t.equal(r.deadlineRule, '20 calendar days');
    t.equal(r.dueAt, toShanghaiDate(new Date(new Date(r.filedAt).getTime() + 20 * 86_400_000)));

    // Points are totalled at query time (003:L199): a repaired act stops counting from its effective date.
    const firm = uscc('91', '450100');
    const acts = [];
    for (let i = 0; i < 4; i++) {
      const a = await publish(app, nanning.key, {
        list: 'nanning.urban_points',
        points: 6,
        decidedAt: new Date(Date.now() - (i + 1) * 86_400_000).toISOString(),
        subject: { kind: 'enterprise', uscc: firm, name: '南宁市某某物业有限公司' },
      });
      t.equal(a.statusCode, 201, a.body);
      acts.push(a.json().entryId as string);
    }
    const tier = async () =>
      (await check(app, nanning.key, { uscc: firm }, 'administrative_licensing'))
        .json()
        .hits.map((h: { list: { code: string } }) => h.list.code);
    t.same(await tier(), ['nanning.red'], '24 points');
    const repair = async (entryId: string, decision: Record<string, unknown>) => {
      const repairId = (await post(nanning.key, '/v1/repairs', body(entryId))).json().repairId;
      await post(nanning.key, `/v1/repairs/${repairId}/verify`, {});
      t.equal((await post(nanning.key, `/v1/repairs/${repairId}/decision`, decision)).statusCode, 200);
    };
    await repair(acts[0]!, {
      outcome: 'approved',
      effectiveFrom: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    t.same(await tier(), ['nanning.red'], 'an act repaired from next month still counts today');
    await repair(acts[1]!, { outcome: 'approved' });
    t.same(await tier(), ['nanning.yellow'], '18 points once an act is repaired as of now');
  });
});
