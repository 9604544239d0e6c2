// Watches: a department's approved subjects; a new listing of one yields exactly one watch.hit per record version,
// addressed to that department only, with the measures for the watch's matter type and the department's category.
import t from 'tap';
import { matchWatchesOnce } from '../../api/src/services/watches.js';
import { bearer } from '../helpers/app.js';
import { department, idNumber, publish, uscc, world } from '../helpers/world.js';

t.test('watches', async (t) => {
  const { app, database, adminKey } = await world(t);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const other = await department(app, adminKey, 'taxation', '230800', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['publish']);
  const bidder = uscc();
  const person = idNumber('19800303');
  const watch = (key: string, payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/watches', headers: bearer(key), payload: payload as object });
  const feed = async (key: string) => {
    const res = await app.inject({ url: '/v1/changes?limit=1000&type=watch.hit', headers: bearer(key) });
    return res.json().events as Array<{ eventId: string; data: any }>;
  };
  // The matcher's first pass only places its cursor; later passes match.
  await matchWatchesOnce(database.db);

  const w1 = await watch(finance.key, {
    subject: { uscc: bidder },
    matter: { type: 'government_procurement', reference: 'CG-2026-01' },
  });
  t.equal(w1.statusCode, 201, w1.body);
  t.match(w1.json(), {
    watchId: /^[0-9a-f-]{36}$/,
    departmentId: finance.departmentId,
    subject: { uscc: bidder },
    matter: { type: 'government_procurement', reference: 'CG-2026-01' },
  });
  const w2 = await watch(finance.key, {
    subject: { idNumber: person },
    matter: { type: 'public_bidding', reference: 'ZB-7' },
  });
  t.equal(w2.statusCode, 201);
  t.notOk(w2.body.includes(person), 'the ID number is never echoed');
  t.match(w2.json().subject.idMasked, /\*/);

  t.test('bad input', async (t) => {
    const cases: Array<[unknown, string]> = [
      [{ subject: {}, matter: { type: 'government_procurement', reference: 'x' } }, 'VALIDATION_FAILED'],
      [
        { subject: { uscc: '91230400MA1B2C3D4X' }, matter: { type: 'government_procurement', reference: 'x' } },
        'INVALID_USCC',
      ],
      [
        { subject: { idNumber: '110105198003030000' }, matter: { type: 'government_procurement', reference: 'x' } },
        'INVALID_ID_NUMBER',
      ],
      [{ subject: { uscc: bidder }, matter: { type: 'nope', reference: 'x' } }, 'VALIDATION_FAILED'],
      [{ subject: { uscc: bidder } }, 'VALIDATION_FAILED'],
    ];
    for (const [payload, code] of cases) {
      const res = await watch(finance.key, payload);
      t.equal(res.statusCode, 400, JSON.stringify(payload));
      t.equal(res.json().code, code, res.body);
    }
    t.equal(
      (
        await watch(safety.key, {
          subject: { uscc: bidder },
          matter: { type: 'government_procurement', reference: 'x' },
        })
      ).json().code,
      'FORBIDDEN_SCOPE',
    );
    t.equal(
      (
        await app.inject({ method: 'DELETE', url: `/v1/watches/${w1.json().watchId}`, headers: bearer(other.key) })
      ).json().code,
      'NOT_FOUND',
    );
    t.equal(
      (await app.inject({ url: '/v1/watches', headers: bearer(finance.key) })).json().watches.length,
      2,
      'nothing written by the rejected requests',
    );
  });

  t.test('a new listing of a watched subject: one watch.hit with the record and the measures', async (t) => {
    const pub = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: bidder, name: '中标人甲' },
    });
    t.equal(pub.statusCode, 201, pub.body);
    const unrelated = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: uscc(), name: '无关公司' },
    });
    t.equal(unrelated.statusCode, 201);
    t.equal(await matchWatchesOnce(database.db), 1);
    t.equal(await matchWatchesOnce(database.db), 0, 'a second pass writes nothing');
    const hits = await feed(finance.key);
    t.equal(hits.length, 1);
    const data = hits[0]!.data;
    t.match(data, {
      watchId: w1.json().watchId,
      matter: { type: 'government_procurement', reference: 'CG-2026-01' },
      entry: {
        entryId: pub.json().entryId,
        version: 1,
        status: 'active',
        list: { code: 'safety.blacklist', polarity: 'punitive' },
        subject: { uscc: bidder, name: '中标人甲' },
      },
    });
    // 财政 in 佳木斯 on procurement: the local adoption's measure, as a check would answer.
    const check = await app.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: bearer(finance.key),
      payload: { subject: { uscc: bidder }, matter: { type: 'government_procurement', reference: 'CG-2026-01' } },
    });
    t.same(
      data.measures.map((m: { measureId: string }) => m.measureId),
      check.json().measures.map((m: { measureId: string }) => m.measureId),
      'the same measures a check gives',
    );
    t.ok(data.measures.length > 0);
    t.same(await feed(other.key), [], 'addressed to the watching department only');
    const publicFeed = (await app.inject({ url: '/v1/changes?limit=1000', headers: bearer(other.key) })).json().events;
    t.notOk(publicFeed.some((e: { type: string }) => e.type === 'watch.hit'));
  });

  t.test('a correction is a new version and a new hit; revocation is not', async (t) => {
    const pub = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'person', idNumber: person, name: '张三' },
      sourceRecordId: 'p-1',
    });
    t.equal(pub.statusCode, 201, pub.body);
    await matchWatchesOnce(database.db);
    const again = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'person', idNumber: person, name: '张三' },
      sourceRecordId: 'p-1',
      reason: '更正后的事由',
    });
    t.equal(again.json().version, 2);
    const revoked = await app.inject({
      method: 'POST',
      url: `/v1/entries/${pub.json().entryId}/revoke`,
      headers: bearer(safety.key),
      payload: { reason: '撤销' },
    });
    t.equal(revoked.statusCode, 200, revoked.body);
    await matchWatchesOnce(database.db);
    const hits = (await feed(finance.key)).filter((e) => e.data.watchId === w2.json().watchId);
    t.same(
      hits.map((e) => e.data.entry.version),
      [1, 2],
    );
    t.notOk(JSON.stringify(hits).includes(person), 'no plain ID number in the event');
  });

  t.test('deleted watches and other regions do not hit', async (t) => {
    const far = uscc();
    const w = (
      await watch(finance.key, { subject: { uscc: far }, matter: { type: 'government_procurement', reference: 'x' } })
    ).json();
    const gone = uscc();
    const g = (
      await watch(finance.key, { subject: { uscc: gone }, matter: { type: 'government_procurement', reference: 'y' } })
    ).json();
    const del = await app.inject({ method: 'DELETE', url: `/v1/watches/${g.watchId}`, headers: bearer(finance.key) });
    t.same(del.json(), { watchId: g.watchId, deleted: true });
    await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: far, name: '外地公司' },
      scopeRegion: '420100',
    });
    await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: gone, name: '已删除' },
    });
    t.equal(await matchWatchesOnce(database.db), 0);
    t.notOk((await feed(finance.key)).some((e) => [w.watchId, g.watchId].includes(e.data.watchId)));
    const list = (await app.inject({ url: '/v1/watches', headers: bearer(finance.key) })).json().watches;
    t.notOk(list.some((x: { watchId: string }) => x.watchId === g.watchId));
    t.ok(
      (await app.inject({ url: '/v1/watches', headers: bearer(adminKey) })).json().watches.length >= list.length,
      'an admin sees all',
    );
  });
});
