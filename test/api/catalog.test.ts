// The catalogue in the database and over HTTP: seed sync, versions, reads, admin changes, validation, audit, scopes.
import { sql } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions } from 'fastify';
import t from 'tap';
import { catalog } from '../../api/src/catalog/index.js';
import type { Catalog } from '../../api/src/catalog/types.js';
import { type Database, openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { MATTER_TYPE_CODES } from '../../api/src/domain/codes.js';
import { catalogueHash, seedHashOf } from '../../api/src/services/catalog-content.js';
import { updateList } from '../../api/src/services/catalog-edits.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { currentCatalog } from '../../api/src/services/catalog-snapshot.js';
import { bearer, build } from '../helpers/app.js';
import { ENGINE, freshPostgresUrl, testDatabase } from '../helpers/db.js';
import { rows as rowsOf } from '../helpers/rows.js';

const QUALITY = '发改财金〔2016〕2202号';
const SAFETY = '发改财金〔2016〕1001号';
const DEBTOR = '发改财金〔2016〕141号';
const HEGANG = '鹤信用发〔2018〕5号';
const JIAMUSI = '佳应急联发〔2020〕5号';
const WUHAN = '武质技监管〔2018〕22号';
// The brief's example: 发改财金〔2016〕2202号, URL-encoded.
const QUALITY_ENCODED = '%E5%8F%91%E6%94%B9%E8%B4%A2%E9%87%91%E3%80%942016%E3%80%952202%E5%8F%B7';

const SEED_MEASURES = catalog.memoranda.reduce((n, m) => n + m.measures.length, 0);

async function rows<T = Record<string, unknown>>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await database.db.execute(query));
}

async function counts(database: Database) {
  const [c] = await rows(
    database,
    sql`select (select count(*) from memorandum)::int as memoranda, (select count(*) from measure)::int as measures,
      (select count(*) from memorandum_no_duty)::int as no_duty, (select count(*) from list)::int as lists,
      (select count(*) from catalog_version)::int as versions, (select count(*) from audit_log)::int as audits`,
  );
  return c!;
}

async function keyWith(app: FastifyInstance, adminKey: string, departmentId: string, scopes: string[]) {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/keys',
    headers: bearer(adminKey),
    payload: { departmentId, scopes },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json<{ keyId: string; secret: string }>();
}

async function adminKeyId(app: FastifyInstance, adminKey: string): Promise<string> {
  return (await app.inject({ url: '/v1/admin/keys', headers: bearer(adminKey) })).json().keys[0].keyId;
}

const get = (app: FastifyInstance, key: string, url: string) =>
  app.inject({ method: 'GET', url, headers: bearer(key) });
const measureIds = (body: { measures: Array<{ docNo: string; ordinal: string }> }) =>
  body.measures.map((m) => `${m.docNo} ${m.ordinal}`);
const enc = encodeURIComponent;

t.test('the seed sync writes the seed once, as version 1, and a second sync changes nothing', async (t) => {
  const { database } = await build(t); // build() has synced once
  const first = await counts(database);
  t.same(
    { memoranda: first.memoranda, measures: first.measures, lists: first.lists, versions: first.versions },
    { memoranda: catalog.memoranda.length, measures: SEED_MEASURES, lists: catalog.lists.length, versions: 1 },
  );
  const [v1] = await rows<{ version: number; content_hash: string; seed_hash: string; changed_by: string | null }>(
    database,
    sql`select version, content_hash, seed_hash, changed_by from catalog_version`,
  );
  t.equal(v1?.version, 1);
  t.equal(v1?.seed_hash, seedHashOf(catalog));
  t.equal(v1?.content_hash, seedHashOf(catalog), 'the stored catalogue reads back exactly as the seed');
  t.equal(v1?.changed_by, null, 'the seed sync is the system');

  const again = await syncSeedCatalog(database.db);
  t.same(again, { changed: false, version: 1, inserted: [], updated: [], kept: [], orphaned: [] });
  t.same(await counts(database), first, 'nothing written');
  t.equal((await currentCatalog(database.db)).version, 1);
  const [audits] = await rows<{ n: number }>(
    database,
    sql`select count(*)::int as n from audit_log where action = 'catalog.seed_sync'`,
  );
  t.equal(audits?.n, 1);
});

t.test('instances starting together on one database sync once', async (t) => {
  const database = await testDatabase(t);
  const results = await Promise.all([
    syncSeedCatalog(database.db),
    syncSeedCatalog(database.db),
    syncSeedCatalog(database.db),
  ]);
  t.equal(results.filter((r) => r.changed).length, 1);
  t.same(
    results.map((r) => r.version),
    [1, 1, 1],
  );
  t.equal((await counts(database)).versions, 1);
  t.equal((await counts(database)).measures, SEED_MEASURES);
});

t.test('a seed upgrade updates untouched items, keeps admin amendments and deletes nothing', async (t) => {
  const { app, database, adminKey } = await build(t);
  const hegang = (await get(app, adminKey, `/v1/catalog/memoranda/${enc(HEGANG)}`)).json().memorandum;
  const six = hegang.measures.find((m: { ordinal: string }) => m.ordinal === '6');
  const amended = await app.inject({
    method: 'PATCH',
    url: `/v1/catalog/measures/${six.measureId}`,
    headers: bearer(adminKey),
    payload: { text: '依法限制参与政府采购活动(管理员修订)。' },
  });
  t.equal(amended.statusCode, 200, amended.body);
  t.equal(amended.json().version, 2);

  // The next release: measures 5 and 6 reworded, one list dropped, one list added.
  const next: Catalog = structuredClone(catalog);
  const nextHegang = next.memoranda.find((m) => m.docNo === HEGANG)!;
  nextHegang.measures.find((m) => m.ordinal === '5')!.text = '限制取得政府供应土地(新版)。';
  nextHegang.measures.find((m) => m.ordinal === '6')!.text = '依法限制参与政府采购活动(新版)。';
  const dropped = next.lists.pop()!;
  next.lists.push({
    ...structuredClone(catalog.lists.find((l) => l.code === 'safety.blacklist')!),
    code: 'safety.blacklist_v2',
  });

  const r = await syncSeedCatalog(database.db, next);
  t.equal(r.changed, true);
  t.equal(r.version, 3);
  t.same(r.updated, [`measure ${HEGANG} 5`]);
  t.same(r.kept, [`measure ${HEGANG} 6`]);
  t.same(r.inserted, ['list safety.blacklist_v2']);
  t.same(r.orphaned, [`list ${dropped.code}`]);

  const after = (await get(app, adminKey, `/v1/catalog/memoranda/${enc(HEGANG)}`)).json();
  t.equal(after.version, 3);
  const text = (o: string) => after.memorandum.measures.find((m: { ordinal: string }) => m.ordinal === o).text;
  t.equal(text('5'), '限制取得政府供应土地(新版)。', 'the untouched measure follows the seed');
  t.equal(text('6'), '依法限制参与政府采购活动(管理员修订)。', 'the amended measure stays the admin’s');
  const lists = (await get(app, adminKey, '/v1/catalog/lists')).json().lists.map((l: { code: string }) => l.code);
  t.ok(lists.includes(dropped.code), 'a list the seed dropped is left in place');
  t.ok(lists.includes('safety.blacklist_v2'));

  const [note] = await rows<{ note: string; seed_hash: string }>(
    database,
    sql`select note, seed_hash from catalog_version where version = 3`,
  );
  t.match(note?.note, `measure ${HEGANG} 6`, 'the version note names the kept amendment');
  t.equal(note?.seed_hash, seedHashOf(next));

  const before = await counts(database);
  t.equal((await syncSeedCatalog(database.db, next)).changed, false, 'a restart on the upgraded seed does nothing');
  t.same(await counts(database), before);
});

t.test(
  'a seed upgrade of memoranda: a new one with its measures and rows, a reworded one, dropped items named, the seed order kept',
  async (t) => {
    const { database } = await build(t);
    const next: Catalog = structuredClone(catalog);
    // Reworded, and its 无相关职能 rows with it: the rows are replaced by the new seed's.
    const reworded = next.memoranda.find((m) => (m.noDuty?.length ?? 0) > 0)!;
    reworded.title = `${reworded.title}(新版)`;
    reworded.noDuty = [{ ...reworded.noDuty![0]!, reason: '无相关职能(新版)' }];
    // A measure dropped from a memorandum the seed keeps, and a whole memorandum dropped.
    const hegang = next.memoranda.find((m) => m.docNo === HEGANG)!;
    const droppedMeasure = hegang.measures.pop()!;
    next.memoranda.splice(
      next.memoranda.findIndex((m) => m.docNo === JIAMUSI),
      1,
    );
    // A new memorandum first in the order (every other one moves down a place), with a measure and a row.
    const model = catalog.memoranda.find((m) => m.measures.length > 0)!;
    const ADDED = '发改财金〔2030〕1号';
    next.memoranda.unshift({
      ...structuredClone(model),
      docNo: ADDED,
      title: '新增的备忘录',
      measures: [structuredClone(model.measures[0]!)],
      noDuty: structuredClone(reworded.noDuty),
    });

    const r = await syncSeedCatalog(database.db, next);
    t.equal(r.changed, true);
    t.same(r.inserted, [`memorandum ${ADDED}`, `measure ${ADDED} ${model.measures[0]!.ordinal}`]);
    t.same(r.updated, [`memorandum ${reworded.docNo}`]);
    t.same(r.kept, []);
    t.same(
      r.orphaned,
      [`memorandum ${JIAMUSI}`, `measure ${HEGANG} ${droppedMeasure.ordinal}`],
      'the measures of a dropped memorandum are named by it alone',
    );

    const snapshot = await currentCatalog(database.db);
    t.same(
      snapshot.memorandumByDocNo.get(reworded.docNo)?.noDuty.map((r) => r.reason),
      ['无相关职能(新版)'],
      'the reworded memorandum has the new seed’s rows only',
    );
    t.ok(snapshot.memorandumByDocNo.get(JIAMUSI), 'a dropped memorandum is left in place');
    t.ok(
      snapshot.memorandumByDocNo.get(HEGANG)?.measures.some((x) => x.ordinal === droppedMeasure.ordinal),
      'a dropped measure is left in place',
    );
    const seedDocNos = new Set(next.memoranda.map((m) => m.docNo));
    const seedItems = snapshot.memoranda
      .filter((m) => seedDocNos.has(m.docNo))
      .map((m) => ({
        ...m,
        measures: m.measures.filter((x) => m.docNo !== HEGANG || x.ordinal !== droppedMeasure.ordinal),
      }));
    t.same(
      seedItems.map((m) => m.docNo),
      next.memoranda.map((m) => m.docNo),
      'in the new seed’s order',
    );
    t.equal(
      catalogueHash(seedItems, snapshot.lists),
      seedHashOf(next),
      'the seed’s items read back exactly as the new seed',
    );

    const before = await counts(database);
    t.equal((await syncSeedCatalog(database.db, next)).changed, false, 'a restart on the upgraded seed does nothing');
    t.same(await counts(database), before);
  },
);

t.test('reading memoranda', async (t) => {
  const { app, adminKey } = await build(t);
  const all = (await get(app, adminKey, '/v1/catalog/memoranda')).json();
  t.equal(all.version, 1);
  t.equal(all.memoranda.length, catalog.memoranda.length);
  const hegangSummary = all.memoranda.find((m: { docNo: string }) => m.docNo === HEGANG);
  t.equal(hegangSummary.measureCount, 19);
  t.equal(hegangSummary.adopts, QUALITY);
  t.equal(hegangSummary.fromSeed, true);
  t.equal(hegangSummary.amendedAt, null);
  t.notOk('measures' in hegangSummary, 'the list leaves measures out');

  const docNos = async (query: string) =>
    (await get(app, adminKey, `/v1/catalog/memoranda?${query}`))
      .json()
      .memoranda.map((m: { docNo: string }) => m.docNo);

  t.same(
    (await docNos('polarity=incentive')).sort(),
    catalog.memoranda
      .filter((m) => m.polarity === 'incentive')
      .map((m) => m.docNo)
      .sort(),
  );
  const inHegangDistrict = await docNos('region=230402');
  t.ok(
    inHegangDistrict.includes(HEGANG) && inHegangDistrict.includes(QUALITY),
    'a district sees its city’s and the national documents',
  );
  t.notOk(inHegangDistrict.includes(JIAMUSI) || inHegangDistrict.includes(WUHAN));
  t.same(
    (await docNos('region=000000')).sort(),
    catalog.memoranda
      .filter((m) => m.region === '000000')
      .map((m) => m.docNo)
      .sort(),
    'a national caller sees national documents only',
  );
  const customs = await docNos('category=customs');
  t.ok(
    customs.includes('发改财金〔2017〕427号') && customs.includes('发改财金〔2016〕2190号') && customs.includes(SAFETY),
  );
  t.notOk(customs.includes(WUHAN), 'Wuhan’s list binds only 质监');
  const wuhanQs = await docNos('category=market_regulation&region=420100&polarity=punitive');
  t.ok(wuhanQs.includes(WUHAN));

  // By 文号: the brief's encoded form, another bracket spelling, and by uuid.
  const byDocNo = await get(app, adminKey, `/v1/catalog/memoranda/${QUALITY_ENCODED}`);
  t.equal(byDocNo.statusCode, 200);
  t.equal(byDocNo.json().memorandum.docNo, QUALITY);
  t.equal(
    (await get(app, adminKey, `/v1/catalog/memoranda/${enc('发改财金【2016】2202号')}`)).json().memorandum.docNo,
    QUALITY,
  );
  const hegang = (await get(app, adminKey, `/v1/catalog/memoranda/${enc(HEGANG)}`)).json().memorandum;
  t.equal(hegang.measures.length, 19);
  t.same(
    hegang.measures.map((m: { ordinal: string }) => m.ordinal),
    Array.from({ length: 19 }, (_, i) => String(i + 1)),
    'in seed order',
  );
  const byId = (await get(app, adminKey, `/v1/catalog/memoranda/${hegang.memorandumId}`)).json();
  t.same(byId.memorandum, hegang);
  t.equal((await get(app, adminKey, `/v1/catalog/memoranda/${enc(JIAMUSI)}`)).json().memorandum.measures.length, 15);
  const debtor = (await get(app, adminKey, `/v1/catalog/memoranda/${enc(DEBTOR)}`)).json().memorandum;
  t.same(
    debtor.noDuty.map((r: { category: string; region: string; reason: string; statedBy: string }) => [
      r.category,
      r.region,
      r.reason,
      r.statedBy,
    ]),
    [['market_regulation', '420100', '无相关职能', WUHAN]],
  );

  for (const missing of [enc('发改财金〔2099〕1号'), '00000000-0000-4000-8000-000000000000']) {
    const res = await get(app, adminKey, `/v1/catalog/memoranda/${missing}`);
    t.equal(res.statusCode, 404);
    t.equal(res.json().code, 'NOT_FOUND');
  }
  const bad = await get(app, adminKey, '/v1/catalog/memoranda?region=2304');
  t.equal(bad.json().code, 'VALIDATION_FAILED');
});

t.test('reading lists, matter types and categories', async (t) => {
  const { app, adminKey } = await build(t);
  const lists = (await get(app, adminKey, '/v1/catalog/lists')).json();
  t.equal(lists.version, 1);
  t.same(
    lists.lists.map((l: { code: string }) => l.code),
    catalog.lists.map((l) => l.code),
  );
  const red = (await get(app, adminKey, '/v1/catalog/lists?polarity=incentive'))
    .json()
    .lists.map((l: { code: string }) => l.code)
    .sort();
  t.same(red, ['customs.aeo_advanced', 'tax.a_grade', 'youth.volunteer_5a']);
  const blacklist = (await get(app, adminKey, '/v1/catalog/lists/safety.blacklist')).json().list;
  t.same(
    {
      validityDays: blacklist.validityDays,
      removesFromRedLists: blacklist.removesFromRedLists,
      memoranda: blacklist.memoranda,
    },
    { validityDays: 365, removesFromRedLists: true, memoranda: [SAFETY] },
  );
  const nanning = (await get(app, adminKey, '/v1/catalog/lists/nanning.urban_points')).json().list;
  t.same(nanning.pointsRule, catalog.lists.find((l) => l.code === 'nanning.urban_points')!.pointsRule);
  const missing = await get(app, adminKey, '/v1/catalog/lists/nope.none');
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'NOT_FOUND');

  const matterTypes = (await get(app, adminKey, '/v1/catalog/matter-types')).json();
  t.equal(matterTypes.version, 1);
  t.same(
    matterTypes.matterTypes.map((m: { code: string }) => m.code),
    MATTER_TYPE_CODES,
  );
  t.equal(matterTypes.matterTypes.find((m: { code: string }) => m.code === 'government_procurement').label, '政府采购');
  const categories = (await get(app, adminKey, '/v1/catalog/categories')).json().categories;
  t.equal(categories.find((c: { code: string }) => c.code === 'finance').label, '财政');
});

t.test('measures: the four measuresFor cases of issue 3, through HTTP', async (t) => {
  const { app, adminKey } = await build(t);
  const q = async (query: string) => {
    const res = await get(app, adminKey, `/v1/catalog/measures?${query}`);
    t.equal(res.statusCode, 200, query);
    return res.json();
  };

  const procurement = await q(
    `category=finance&matterType=government_procurement&region=230400&memorandum=${enc(QUALITY)}`,
  );
  t.equal(procurement.resolved, true);
  t.same(measureIds(procurement), [`${HEGANG} 6`], '财政 + government_procurement under Hegang’s 2202 → measure 6');
  t.equal(procurement.measures[0].triggeredBy, QUALITY);
  t.equal(procurement.measures[0].effect, 'restrict');
  t.type(procurement.measures[0].measureId, 'string');
  const viaList = await q(
    'category=finance&matterType=government_procurement&region=230400&list=quality.serious_violation',
  );
  t.same(measureIds(viaList), [`${HEGANG} 6`], 'the same through the list that triggers 2202');

  const land = await q(`category=natural_resources&matterType=land_and_mining&region=230800&memorandum=${enc(SAFETY)}`);
  t.same(measureIds(land), [`${JIAMUSI} (十)`], '自然资源 + land_and_mining under Jiamusi’s 1001 → (十)');
  t.match(land.measures[0].legalBasis, /矿产资源法/);

  const entry = await q(
    `category=market_regulation&matterType=market_entry_and_office&region=230400&memorandum=${enc(QUALITY)}`,
  );
  t.ok(measureIds(entry).includes(`${HEGANG} 18`), '市场监管 + market_entry_and_office under Hegang → 18');
  t.same(entry.measures.find((m: { ordinal: string }) => m.ordinal === '18').appliesTo, ['legal_representative']);

  const wuhan = await q('category=market_regulation&matterType=supervision&region=420100&list=court.dishonest_debtor');
  t.same(wuhan.measures, [], 'a Wuhan 质监 query on 141号 → no measures');
  t.same(wuhan.noDuty, [{ docNo: DEBTOR, reason: '无相关职能', statedBy: WUHAN }]);
  t.same(wuhan.uncovered, []);

  // Without a list or memorandum, every national memorandum is asked; local adoptions still answer for theirs.
  const everything = await q('category=finance&matterType=government_procurement&region=230400');
  t.ok(measureIds(everything).includes(`${HEGANG} 6`));
  t.ok(measureIds(everything).includes(`${SAFETY} (十八)`), 'outside Jiamusi the national 1001 applies');
  t.notOk(measureIds(everything).some((id: string) => id.startsWith(JIAMUSI)));
  t.ok(everything.uncovered.length > 0, 'memoranda with nothing for finance procurement are named');
});

t.test('measures: plain filtering when the query is not a full (category, matter, region)', async (t) => {
  const { app, adminKey } = await build(t);
  const q = async (query: string) => (await get(app, adminKey, `/v1/catalog/measures?${query}`)).json();

  const land = await q('matterType=land_and_mining');
  t.equal(land.resolved, false);
  t.same(land.noDuty, []);
  t.ok(measureIds(land).includes(`${JIAMUSI} (十)`) && measureIds(land).includes(`${HEGANG} 5`));
  t.ok(land.measures.every((m: { matterTypes: string[] }) => m.matterTypes.includes('land_and_mining')));

  const all = await q('');
  t.equal(all.measures.length, SEED_MEASURES);
  const hegangOnly = await q('region=230400&category=finance');
  t.ok(
    hegangOnly.measures.every(
      (m: { docNo: string; categories: string[] }) => m.categories.includes('finance') || m.categories.includes('all'),
    ),
  );
  t.notOk(
    measureIds(hegangOnly).some((id: string) => id.startsWith(JIAMUSI)),
    'region keeps documents covering it',
  );
  const quality = await q(`memorandum=${enc(QUALITY)}`);
  t.same(
    [...new Set(quality.measures.map((m: { docNo: string }) => m.docNo))].sort(),
    [HEGANG, WUHAN].sort(),
    'measures concerning 2202: Hegang’s adoption and Wuhan’s row',
  );
  const abnormal = await q('list=market.abnormal_operation&matterType=market_entry_and_office');
  t.notOk(
    measureIds(abnormal).includes('发改财金〔2015〕2045号 (七)11'),
    'a measure limited to another list is left out',
  );
  t.ok(measureIds(abnormal).includes('发改财金〔2015〕2045号 (七)10'));

  for (const [query, code] of [
    ['list=nope.none', 'NOT_FOUND'],
    [`memorandum=${enc('发改财金〔2099〕1号')}`, 'NOT_FOUND'],
    ['matterType=cooking', 'VALIDATION_FAILED'],
    ['region=abc', 'VALIDATION_FAILED'],
    ['colour=red', 'VALIDATION_FAILED'],
  ] as const) {
    t.equal((await get(app, adminKey, `/v1/catalog/measures?${query}`)).json().code, code, query);
  }
});

const NEW_DOC = '鹤信用发〔2025〕3号';
const newMeasure = (ordinal: string, extra: Record<string, unknown> = {}) => ({
  ordinal,
  text: '依法限制参与政府采购活动。',
  effect: 'restrict',
  mandatory: false,
  matterTypes: ['government_procurement'],
  categories: ['finance'],
  appliesTo: ['unit'],
  implementingUnits: ['鹤岗市财政局'],
  ...extra,
});

t.test('admins grow the catalogue: each change is validated, audited and versioned', async (t) => {
  const { app, adminKey, database } = await build(t);
  const keyId = await adminKeyId(app, adminKey);
  const send = (method: 'POST' | 'PATCH', url: string, payload: unknown) =>
    app.inject({
      method,
      url: `/v1/catalog${url}`,
      headers: bearer(adminKey),
      payload: payload as Record<string, unknown>,
    });

  // Before: finance procuring in Hegang has nothing on 141号 (no national measure for it).
  const beforeQuery = `/v1/catalog/measures?category=finance&matterType=government_procurement&region=230400&memorandum=${enc(DEBTOR)}`;
  t.same((await get(app, adminKey, beforeQuery)).json().uncovered, [DEBTOR]);

  const created = await send('POST', '/memoranda', {
    docNo: '鹤信用发[2025]3号',
    title: '鹤岗市对失信被执行人实施联合惩戒的合作备忘录',
    polarity: 'punitive',
    initiatingCategory: 'court',
    signatoryCategories: ['court', 'finance'],
    region: '230400',
    effectiveFrom: '2025-03-01',
    adopts: '发改财金（2016）141号',
    measures: [newMeasure('1')],
    noDuty: [{ category: 'agriculture', region: '230400', reason: '无相关职能', statedBy: NEW_DOC }],
  });
  t.equal(created.statusCode, 201, created.body);
  const memo = created.json().memorandum;
  t.equal(created.json().version, 2);
  t.equal(memo.docNo, NEW_DOC, 'the 文号 is stored with 〔〕');
  t.equal(memo.adopts, DEBTOR);
  t.equal(memo.fromSeed, false);
  t.type(memo.amendedAt, 'string');
  t.equal(memo.measures.length, 1);
  t.equal(memo.noDuty.length, 1);

  const now = (await get(app, adminKey, beforeQuery)).json();
  t.equal(now.version, 2);
  t.same(measureIds(now), [`${NEW_DOC} 1`], 'the new local adoption now answers for 141号 in Hegang');
  t.equal(now.measures[0].triggeredBy, DEBTOR);

  const patched = await send('PATCH', `/memoranda/${enc(NEW_DOC)}`, {
    effectiveTo: '2027-12-31',
    title: '鹤岗市失信被执行人联合惩戒备忘录',
  });
  t.equal(patched.statusCode, 200, patched.body);
  t.equal(patched.json().version, 3);
  t.equal(patched.json().memorandum.effectiveTo, '2027-12-31');
  const cleared = await send('PATCH', `/memoranda/${memo.memorandumId}`, { effectiveTo: null });
  t.notOk('effectiveTo' in cleared.json().memorandum, 'null clears');

  const added = await send(
    'POST',
    `/memoranda/${enc(NEW_DOC)}/measures`,
    newMeasure('2', { matterTypes: ['fiscal_funds'], text: '限制申请财政性资金项目。' }),
  );
  t.equal(added.statusCode, 201, added.body);
  t.equal(added.json().version, 5);
  const measure = added.json().measure;
  t.same([measure.docNo, measure.ordinal, measure.memorandumId], [NEW_DOC, '2', memo.memorandumId]);

  const amended = await send('PATCH', `/measures/${measure.measureId}`, {
    legalBasis: '《最高人民法院关于公布失信被执行人名单信息的若干规定》',
    mandatory: true,
  });
  t.equal(amended.statusCode, 200, amended.body);
  t.equal(amended.json().measure.legalBasis, '《最高人民法院关于公布失信被执行人名单信息的若干规定》');
  t.equal(amended.json().measure.mandatory, true);
  const unbased = await send('PATCH', `/measures/${measure.measureId}`, { legalBasis: null });
  t.notOk('legalBasis' in unbased.json().measure);
  t.equal(unbased.json().version, 7);

  // A seed measure amended by an admin keeps fromSeed and gains amendedAt.
  const six = (await get(app, adminKey, `/v1/catalog/memoranda/${enc(HEGANG)}`)).json().memorandum.measures[5];
  const seedAmended = await send('PATCH', `/measures/${six.measureId}`, {
    legalBasis: '《中华人民共和国政府采购法》第二十二条',
  });
  t.equal(seedAmended.json().measure.fromSeed, true);
  t.type(seedAmended.json().measure.amendedAt, 'string');

  const list = await send('POST', '/lists', {
    code: 'hegang.debtor',
    name: '鹤岗市失信被执行人名单',
    polarity: 'punitive',
    memoranda: [DEBTOR, NEW_DOC],
    validityDays: 365,
    escalatesTo: 'court.dishonest_debtor',
    publisherCategories: ['court'],
  });
  t.equal(list.statusCode, 201, list.body);
  t.same(
    [list.json().list.objectionWorkingDays, list.json().list.restartTermOnObjectionRejected],
    [15, false],
    'defaults',
  );
  const listPatched = await send('PATCH', '/lists/hegang.debtor', { validityDays: 730, escalatesTo: null });
  t.equal(listPatched.statusCode, 200, listPatched.body);
  t.equal(listPatched.json().list.validityDays, 730);
  t.notOk('escalatesTo' in listPatched.json().list);
  t.equal(listPatched.json().version, 10);

  const versions = await rows<{ version: number; changed_by: string | null; seed_hash: string | null }>(
    database,
    sql`select version, changed_by, seed_hash from catalog_version order by version`,
  );
  t.same(
    versions.map((v) => v.version),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  t.ok(
    versions.slice(1).every((v) => v.changed_by === keyId && v.seed_hash === null),
    'each admin change names its key',
  );

  const audits = await rows<{ action: string; key_id: string; target_type: string }>(
    database,
    sql`select action, key_id, target_type from audit_log where action like 'catalog.%' and action <> 'catalog.seed_sync' order by id`,
  );
  t.same(
    audits.map((a) => a.action),
    [
      'catalog.memorandum.create',
      'catalog.memorandum.update',
      'catalog.memorandum.update',
      'catalog.measure.create',
      'catalog.measure.update',
      'catalog.measure.update',
      'catalog.measure.update',
      'catalog.list.create',
      'catalog.list.update',
    ],
  );
  t.ok(audits.every((a) => a.key_id === keyId));

  // A restart does not undo admin work: the seed is unchanged, so the sync does nothing.
  t.equal((await syncSeedCatalog(database.db)).changed, false);
  t.equal((await get(app, adminKey, '/v1/catalog/lists/hegang.debtor')).json().list.validityDays, 730);
});

t.test('a rejected change writes nothing, and each class of bad input has its code', async (t) => {
  const { app, adminKey, database } = await build(t);
  const hegang = (await get(app, adminKey, `/v1/catalog/memoranda/${enc(HEGANG)}`)).json().memorandum;
  const six = hegang.measures[5];
  const memoBody = (extra: Record<string, unknown> = {}) => ({
    docNo: NEW_DOC,
    title: '鹤岗市对失信被执行人实施联合惩戒的合作备忘录',
    polarity: 'punitive',
    initiatingCategory: 'court',
    region: '230400',
    adopts: DEBTOR,
    ...extra,
  });
  const listBody = (extra: Record<string, unknown> = {}) => ({
    code: 'hegang.debtor',
    name: '鹤岗市失信被执行人名单',
    polarity: 'punitive',
    memoranda: [DEBTOR],
    publisherCategories: ['court'],
    ...extra,
  });
  const req = (method: 'POST' | 'PATCH', url: string, payload: unknown): InjectOptions => ({
    method,
    url: `/v1/catalog${url}`,
    headers: bearer(adminKey),
    payload: payload as Record<string, unknown>,
  });
  const unknownId = '00000000-0000-4000-8000-000000000000';

  const cases: Array<[string, InjectOptions, number, string]> = [
    [
      'duplicate 文号',
      req('POST', '/memoranda', memoBody({ docNo: QUALITY, adopts: undefined, region: '000000' })),
      409,
      'CONFLICT',
    ],
    [
      'duplicate 文号 in another bracket spelling',
      req('POST', '/memoranda', memoBody({ docNo: '鹤信用发【2018】5号', adopts: QUALITY })),
      409,
      'CONFLICT',
    ],
    ['not a 文号', req('POST', '/memoranda', memoBody({ docNo: 'memo 1' })), 400, 'VALIDATION_FAILED'],
    [
      'adopts an unknown memorandum',
      req('POST', '/memoranda', memoBody({ adopts: '发改财金〔2099〕1号' })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a national document cannot adopt',
      req('POST', '/memoranda', memoBody({ region: '000000' })),
      400,
      'VALIDATION_FAILED',
    ],
    ['bad region', req('POST', '/memoranda', memoBody({ region: '2304' })), 400, 'VALIDATION_FAILED'],
    [
      'unknown category',
      req('POST', '/memoranda', memoBody({ initiatingCategory: 'police' })),
      400,
      'VALIDATION_FAILED',
    ],
    ['unknown polarity', req('POST', '/memoranda', memoBody({ polarity: 'red' })), 400, 'VALIDATION_FAILED'],
    [
      'ends before it starts',
      req('POST', '/memoranda', memoBody({ effectiveFrom: '2025-03-01', effectiveTo: '2024-01-01' })),
      400,
      'VALIDATION_FAILED',
    ],
    ['bad date', req('POST', '/memoranda', memoBody({ effectiveFrom: '2025-13-45' })), 400, 'VALIDATION_FAILED'],
    ['unknown field', req('POST', '/memoranda', memoBody({ colour: 'red' })), 400, 'VALIDATION_FAILED'],
    [
      'incentive measure on a punitive memorandum',
      req('POST', '/memoranda', memoBody({ measures: [newMeasure('1', { effect: 'incentive' })] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'ordinal repeated in the body',
      req('POST', '/memoranda', memoBody({ measures: [newMeasure('1'), newMeasure('1')] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'no-duty row stated twice',
      req(
        'POST',
        '/memoranda',
        memoBody({
          noDuty: [1, 2].map(() => ({
            category: 'finance',
            region: '230400',
            reason: '无相关职能',
            statedBy: NEW_DOC,
          })),
        }),
      ),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'measure on an unknown memorandum',
      req('POST', `/memoranda/${unknownId}/measures`, newMeasure('1')),
      404,
      'NOT_FOUND',
    ],
    [
      'measure on an unknown 文号',
      req('POST', `/memoranda/${enc('发改财金〔2099〕1号')}/measures`, newMeasure('1')),
      404,
      'NOT_FOUND',
    ],
    ['duplicate ordinal', req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('6')), 409, 'CONFLICT'],
    [
      'unknown matter type',
      req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { matterTypes: ['cooking'] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'no matter type',
      req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { matterTypes: [] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'unknown effect',
      req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { effect: 'scold' })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'unknown appliesTo',
      req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { appliesTo: ['family'] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'implements an unknown memorandum',
      req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { implements: '发改财金〔2099〕1号' })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'limited to an unknown list',
      req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { listCodes: ['nope.none'] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'parts that do not add up',
      req(
        'POST',
        `/memoranda/${enc(HEGANG)}/measures`,
        newMeasure('20', {
          effect: 'prohibit',
          parts: [{ ordinal: '1', text: '依法限制', effect: 'restrict', matterTypes: ['government_procurement'] }],
        }),
      ),
      400,
      'VALIDATION_FAILED',
    ],
    ['amend an unknown measure', req('PATCH', `/measures/${unknownId}`, { mandatory: true }), 404, 'NOT_FOUND'],
    ['malformed measure id', req('PATCH', '/measures/6', { mandatory: true }), 400, 'VALIDATION_FAILED'],
    ['empty amendment', req('PATCH', `/measures/${six.measureId}`, {}), 400, 'VALIDATION_FAILED'],
    ['ordinal taken', req('PATCH', `/measures/${six.measureId}`, { ordinal: '7' }), 409, 'CONFLICT'],
    [
      'amend a measure into the wrong polarity',
      req('PATCH', `/measures/${six.measureId}`, { effect: 'incentive' }),
      400,
      'VALIDATION_FAILED',
    ],
    ['amend an unknown memorandum', req('PATCH', `/memoranda/${unknownId}`, { title: 'x' }), 404, 'NOT_FOUND'],
    ['the 文号 cannot change', req('PATCH', `/memoranda/${enc(HEGANG)}`, { docNo: NEW_DOC }), 400, 'VALIDATION_FAILED'],
    [
      'a polarity flip that strands lists and adoptions',
      req('PATCH', `/memoranda/${QUALITY_ENCODED}`, { polarity: 'incentive' }),
      409,
      'CONFLICT',
    ],
    ['duplicate list code', req('POST', '/lists', listBody({ code: 'safety.blacklist' })), 409, 'CONFLICT'],
    [
      'list of an unknown memorandum',
      req('POST', '/lists', listBody({ memoranda: ['发改财金〔2099〕1号'] })),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'list of the other polarity',
      req('POST', '/lists', listBody({ memoranda: ['发改财金〔2016〕1467号'] })),
      400,
      'VALIDATION_FAILED',
    ],
    ['list code not scheme.code', req('POST', '/lists', listBody({ code: 'Red List' })), 400, 'VALIDATION_FAILED'],
    [
      'escalates to an unknown list',
      req('POST', '/lists', listBody({ escalatesTo: 'nope.none' })),
      400,
      'VALIDATION_FAILED',
    ],
    ['amend an unknown list', req('PATCH', '/lists/nope.none', { validityDays: 1 }), 404, 'NOT_FOUND'],
    [
      'a list pointed at a memorandum of the other polarity',
      req('PATCH', '/lists/safety.blacklist', { memoranda: ['发改财金〔2016〕1467号'] }),
      400,
      'VALIDATION_FAILED',
    ],
    ['negative validity', req('PATCH', '/lists/safety.blacklist', { validityDays: -1 }), 400, 'VALIDATION_FAILED'],
  ];

  const before = await counts(database);
  for (const [name, options, status, code] of cases) {
    const res = await app.inject(options);
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.equal(res.json().code, code, name);
    if (code === 'VALIDATION_FAILED') t.ok(res.json().errors?.length > 0, `${name}: errors[] points at the field`);
  }
  t.same(await counts(database), before, 'no rejected request wrote anything');
  t.equal((await currentCatalog(database.db)).version, 1);

  // The field paths of rule violations point into the body.
  const nested = await app.inject(
    req('POST', '/memoranda', memoBody({ measures: [newMeasure('1'), newMeasure('2', { effect: 'incentive' })] })),
  );
  t.same(
    nested.json().errors.map((e: { path: string }) => e.path),
    ['/body/measures/1/effect'],
  );
  const listPath = await app.inject(req('POST', '/lists', listBody({ memoranda: [DEBTOR, '发改财金〔2099〕1号'] })));
  t.same(
    listPath.json().errors.map((e: { path: string }) => e.path),
    ['/body/memoranda/1'],
  );
  const measurePath = await app.inject(
    req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { implements: '发改财金〔2099〕1号' })),
  );
  t.same(
    measurePath.json().errors.map((e: { path: string }) => e.path),
    ['/body/implements'],
    'a measure added on its own: paths from the body too',
  );
  const measureRule = await app.inject(
    req('POST', `/memoranda/${enc(HEGANG)}/measures`, newMeasure('20', { effect: 'incentive' })),
  );
  t.same(
    measureRule.json().errors.map((e: { path: string }) => e.path),
    ['/body/effect'],
  );
});

t.test('scopes: any department key reads, only admin keys write', async (t) => {
  const { app, adminKey, departmentId } = await build(t);
  const checkOnly = await keyWith(app, adminKey, departmentId, ['check']);
  const publishOnly = await keyWith(app, adminKey, departmentId, ['publish']);

  for (const url of [
    '/v1/catalog/memoranda',
    `/v1/catalog/memoranda/${QUALITY_ENCODED}`,
    '/v1/catalog/measures',
    '/v1/catalog/lists',
    '/v1/catalog/matter-types',
  ]) {
    t.equal((await get(app, checkOnly.secret, url)).statusCode, 200, `check key reads ${url}`);
    const denied = await get(app, publishOnly.secret, url);
    t.equal(denied.json().code, 'FORBIDDEN_SCOPE', `publish-only key may not read ${url}`);
    t.equal((await app.inject({ url })).json().code, 'UNAUTHENTICATED');
  }

  const writes: Array<InjectOptions & { url: string }> = [
    { method: 'POST', url: '/v1/catalog/memoranda', payload: { docNo: NEW_DOC } },
    { method: 'PATCH', url: `/v1/catalog/memoranda/${QUALITY_ENCODED}`, payload: { title: 'x' } },
    { method: 'POST', url: `/v1/catalog/memoranda/${QUALITY_ENCODED}/measures`, payload: newMeasure('1') },
    { method: 'PATCH', url: '/v1/catalog/measures/00000000-0000-4000-8000-000000000000', payload: { mandatory: true } },
    { method: 'POST', url: '/v1/catalog/lists', payload: { code: 'a.b' } },
    { method: 'PATCH', url: '/v1/catalog/lists/safety.blacklist', payload: { validityDays: 1 } },
  ];
  for (const w of writes) {
    const res = await app.inject({ ...w, headers: bearer(checkOnly.secret) });
    t.equal(res.statusCode, 403, `${w.method} ${w.url}`);
    t.equal(res.json().code, 'FORBIDDEN_SCOPE');
  }
});

t.test('the cached catalogue follows the version, whoever wrote it', async (t) => {
  const { database } = await build(t);
  const first = await currentCatalog(database.db);
  t.equal(await currentCatalog(database.db), first, 'unchanged: the same snapshot, not a re-read');
  t.ok(Object.isFrozen(first.memoranda[0]), 'shared snapshots are frozen');

  // Another instance's change: rows and a version written behind this process's back.
  await database.db.execute(sql`update memorandum set title = 'changed elsewhere' where doc_no = ${QUALITY}`);
  await database.db.execute(
    sql`insert into catalog_version (version, content_hash, note) values (2, ${'0'.repeat(64)}, 'written by another instance')`,
  );
  const second = await currentCatalog(database.db);
  t.equal(second.version, 2);
  t.equal(second.memorandumByDocNo.get(QUALITY)?.title, 'changed elsewhere');
});

t.test(
  'two instances on one PostgreSQL: one syncs, each cache follows the other’s changes',
  { skip: ENGINE !== 'postgres' && 'PostgreSQL only' },
  async (t) => {
    const url = await freshPostgresUrl(t);
    const a = await openDatabase({ url, max: 3 });
    const b = await openDatabase({ url, max: 3 });
    t.teardown(async () => {
      await a.close();
      await b.close();
    });
    await migrateDatabase(a);
    const [ra, rb] = await Promise.all([syncSeedCatalog(a.db), syncSeedCatalog(b.db)]);
    t.equal([ra, rb].filter((r) => r.changed).length, 1);
    t.equal((await currentCatalog(b.db)).version, 1);

    const changed = await updateList(a.db, { keyId: null, departmentId: null }, 'safety.blacklist', {
      validityDays: 730,
    });
    t.equal(changed.version, 2);
    const seenByB = await currentCatalog(b.db);
    t.equal(seenByB.version, 2);
    t.equal(seenByB.listByCode.get('safety.blacklist')?.validityDays, 730);
  },
);
