// Subjects by name (services/name-search.ts), on a real database with records published over HTTP: exact and former
// names, fuzzy candidates ranked by the rare bigrams they share, common bigrams learnt and skipped, a name made of
// common bigrams only, and a batch of names answered item by item in one call. A small `commonAt` makes a dozen
// firms enough to make 北京, 科技, 有限, 公司 common.
import t from 'tap';
import { normalizeName } from '../../api/src/domain/names.js';
import { commonOf, searchNames } from '../../api/src/services/name-search.js';
import { check, department, publish, uscc, world } from '../helpers/world.js';

const COMMON_AT = 5;
const TRADES = ['华信', '宏远', '金桥', '永安', '瑞丰', '恒通', '博远', '天成', '嘉禾', '东升'];

t.test('names: exact, fuzzy over rare bigrams, common bigrams learnt', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '110000');
  const market = await department(app, adminKey, 'market_regulation', '110000');
  for (const trade of TRADES) {
    const res = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: uscc(), name: `北京${trade}科技有限公司` },
    });
    t.equal(res.statusCode, 201, res.body);
  }
  const targetUscc = uscc();
  const target = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: {
      kind: 'enterprise',
      uscc: targetUscc,
      name: '北京鑫达科技有限公司',
      formerNames: ['北京鑫达电子有限公司'],
    },
  });
  t.equal(target.statusCode, 201, target.body);
  const db = database.db;
  const q = (name: string, fuzzy = true) => ({ normalized: normalizeName(name), fuzzy });

  t.test('exact and former names, and no fuzzy search when one matches', async (t) => {
    const [current, former] = await searchNames(db, [q('北京鑫达科技有限公司'), q('北京鑫達電子有限公司')], {
      commonAt: COMMON_AT,
    });
    t.same(
      current!.exact.map((s) => [s.uscc, s.former]),
      [[targetUscc, false]],
    );
    t.same(current!.fuzzy, [], 'an exact match asks for no candidates');
    t.same(
      former!.exact.map((s) => [s.uscc, s.former]),
      [[targetUscc, true]],
      'a former name in traditional characters',
    );
  });

  t.test('a misspelt name finds its firm by the rare bigrams; the common ones are learnt', async (t) => {
    const common = commonOf(db, COMMON_AT);
    common.clear();
    const [typo] = await searchNames(db, [q('北京鑫达科枝有限公司')], { commonAt: COMMON_AT });
    t.equal(typo!.exact.length, 0);
    t.equal(typo!.fuzzy[0]?.uscc, targetUscc, 'the firm sharing 京鑫, 鑫达, 达科 ranks first');
    t.same([...typo!.fuzzy[0]!.names].sort(), ['北京鑫达电子有限公司', '北京鑫达科技有限公司'], 'with all its names');
    for (const g of ['北京', '有限', '限公', '公司']) t.ok(common.has(g), `${g} is common`);
    for (const g of ['京鑫', '鑫达', '达科']) t.notOk(common.has(g), `${g} is rare`);
    t.notOk(
      typo!.fuzzy.some((c) => TRADES.some((trade) => c.name.includes(trade))),
      'firms sharing only common bigrams are no candidates',
    );
    const [again] = await searchNames(db, [q('北京鑫达科枝有限公司')], { commonAt: COMMON_AT });
    t.same(again, typo, 'the same answer once the common bigrams are skipped');
  });

  t.test('a name made of common bigrams only still gets candidates', async (t) => {
    commonOf(db, COMMON_AT).clear();
    // 北京科技有限公司: every bigram is shared by all eleven firms
    const [first] = await searchNames(db, [q('北京科技有限公司')], { commonAt: COMMON_AT });
    t.ok(first!.fuzzy.length > 0, 'asked again counting the common bigrams');
    const [known] = await searchNames(db, [q('北京科技有限公司')], { commonAt: COMMON_AT });
    t.same(
      known!.fuzzy.map((c) => c.subjectId).sort(),
      first!.fuzzy.map((c) => c.subjectId).sort(),
      'and the same once they are known to be common',
    );
  });

  t.test('a batch of names: each item answered on its own', async (t) => {
    const found = await searchNames(
      db,
      [
        q('北京鑫达科枝有限公司'),
        q('北京华信科技有限公司'),
        q('上海浦江物流有限公司'),
        q('北京鑫达科枝有限公司', false),
      ],
      { commonAt: COMMON_AT },
    );
    t.equal(found.length, 4);
    t.equal(found[0]!.fuzzy[0]?.uscc, targetUscc);
    t.equal(found[1]!.exact.length, 1, 'an exact name');
    t.equal(found[1]!.exact[0]!.name, '北京华信科技有限公司');
    t.same(found[2], { exact: [], fuzzy: [] }, 'nothing like it');
    t.same(found[3], { exact: [], fuzzy: [] }, 'fuzzy not asked: an identifier was given');
  });

  t.test('through HTTP with the default threshold: a check and a batch find the misspelt firm', async (t) => {
    const single = (await check(app, market.key, { name: '北京鑫达科枝有限公司' }, 'market_entry_and_office')).json();
    t.equal(single.hits[0]?.matchedBy, 'fuzzy_name');
    t.equal(single.hits[0]?.subject.uscc, targetUscc);
    const batch = await app.inject({
      method: 'POST',
      url: '/v1/checks/batch',
      headers: { authorization: `Bearer ${market.key}` },
      payload: {
        matter: { type: 'market_entry_and_office', reference: 'names' },
        items: [{ subject: { name: '北京鑫达科枝有限公司' } }, { subject: { name: '北京华信科技有限公司' } }],
      },
    });
    t.equal(batch.statusCode, 200, 'the batch is answered');
    const [a, b] = batch.json().results;
    t.equal(a.check.hits[0]?.matchedBy, 'fuzzy_name');
    t.equal(a.check.hits[0]?.subject.uscc, targetUscc);
    t.equal(b.check.hits[0]?.matchedBy, 'name');
  });
});
