import t from 'tap';
import { catalog } from '../../api/src/catalog/index.js';
import type { CatalogMeasure, CatalogMemorandum } from '../../api/src/catalog/types.js';
import { measuresFor, regionCovers, regionPrefix, strongest } from '../../api/src/domain/measures.js';
import type { MeasureQuery } from '../../api/src/domain/measures.js';

const SAFETY = '发改财金〔2016〕1001号';
const QUALITY = '发改财金〔2016〕2202号';
const DEBTOR = '发改财金〔2016〕141号';
const ENTERPRISE = '发改财金〔2015〕2045号';
const ENVIRONMENT = '发改财金〔2016〕1580号';
const CUSTOMS_DISHONEST = '发改财金〔2017〕427号';
const AGRI = '发改财金〔2017〕346号';
const HEGANG = '鹤信用发〔2018〕5号';
const JIAMUSI = '佳应急联发〔2020〕5号';
const WUHAN = '武质技监管〔2018〕22号';

const run = (q: MeasureQuery) => measuresFor(q, catalog.memoranda);
const ids = (r: ReturnType<typeof run>) => r.measures.map((m) => `${m.docNo} ${m.ordinal}`);

t.test('finance procuring in Hegang on 2202号 gets exactly Hegang measure 6', async (t) => {
  // 000:L45: "6. 依法限制参与政府采购活动。由鹤岗市财政局实施。" — the seed's numbering matches.
  const r = run({ category: 'finance', matterType: 'government_procurement', region: '230400', memoranda: [QUALITY] });
  t.same(ids(r), [`${HEGANG} 6`]);
  t.equal(r.measures[0]?.effect, 'restrict');
  t.equal(r.measures[0]?.triggeredBy, QUALITY);
  t.same(r.measures[0]?.implementingUnits, ['鹤岗市财政局']);
  t.same(r.noDuty, []);
  t.same(r.uncovered, []);
});

t.test('natural resources granting land in Jiamusi on 1001号 gets Jiamusi measure (十)', async (t) => {
  const r = run({
    category: 'natural_resources',
    matterType: 'land_and_mining',
    region: '230800',
    memoranda: [SAFETY],
  });
  t.same(ids(r), [`${JIAMUSI} (十)`]);
  t.match(r.measures[0]?.legalBasis, /矿产资源法/);
  t.equal(r.measures[0]?.mandatory, true);
});

t.test('market regulation on market entry in Hegang on 2202号 includes Hegang measure 18', async (t) => {
  const r = run({
    category: 'market_regulation',
    matterType: 'market_entry_and_office',
    region: '230400',
    memoranda: [QUALITY],
  });
  t.ok(ids(r).includes(`${HEGANG} 18`));
  t.ok(r.measures.every((m) => m.docNo === HEGANG));
  t.same(r.measures.find((m) => m.ordinal === '18')?.appliesTo, ['legal_representative']);
});

t.test('Wuhan 质监 on 141号 has no duty: no measures, reason 无相关职能', async (t) => {
  for (const matterType of ['administrative_licensing', 'supervision', 'market_entry_and_office'] as const) {
    const r = run({ category: 'market_regulation', matterType, region: '420100', memoranda: [DEBTOR] });
    t.same(r.measures, [], matterType);
    t.same(r.noDuty, [{ docNo: DEBTOR, reason: '无相关职能', statedBy: WUHAN }], matterType);
    t.same(r.uncovered, [], matterType);
  }
  // A Wuhan district is covered by the city's statement.
  const district = run({
    category: 'market_regulation',
    matterType: 'supervision',
    region: '420102',
    memoranda: [DEBTOR],
  });
  t.equal(district.noDuty.length, 1);
  // The statement is Wuhan's: market regulation elsewhere still has the national measure.
  const elsewhere = run({
    category: 'market_regulation',
    matterType: 'supervision',
    region: '230400',
    memoranda: [DEBTOR],
  });
  t.same(elsewhere.noDuty, []);
  t.same(ids(elsewhere), [`${DEBTOR} 5`]);
  // And it is 质监's: Wuhan finance still restricts subsidies to a judgment defaulter.
  const finance = run({ category: 'finance', matterType: 'fiscal_funds', region: '420100', memoranda: [DEBTOR] });
  t.same(ids(finance), [`${DEBTOR} 3`]);
});

t.test('Wuhan 质监 on 427号 has no duty either', async (t) => {
  const r = run({
    category: 'market_regulation',
    matterType: 'customs',
    region: '420100',
    memoranda: [CUSTOMS_DISHONEST],
  });
  t.same(r.noDuty, [{ docNo: CUSTOMS_DISHONEST, reason: '无相关职能', statedBy: WUHAN }]);
});

t.test('the Wuhan responsibility list replaces the national measures for 质监 only', async (t) => {
  const supervision = run({
    category: 'market_regulation',
    matterType: 'supervision',
    region: '420100',
    memoranda: [QUALITY],
  });
  t.same(ids(supervision), [`${WUHAN} 7`]);
  // Row 7 bundles inspections (supervise) with a bar on qualifications (restrict); the effect follows the matter.
  t.equal(supervision.measures[0]?.effect, 'supervise');
  t.same(
    supervision.measures[0]?.parts?.map((p) => p.ordinal),
    ['1', '3'],
  );
  const licensing = run({
    category: 'market_regulation',
    matterType: 'administrative_licensing',
    region: '420100',
    memoranda: [QUALITY],
  });
  t.equal(licensing.measures[0]?.effect, 'restrict');
  t.same(licensing.measures[0]?.appliesTo, ['legal_representative']);

  const agri = run({ category: 'market_regulation', matterType: 'supervision', region: '420100', memoranda: [AGRI] });
  t.same(ids(agri), [`${WUHAN} 8`]);
  // Outside Wuhan nobody has a measure on 346号: uncovered, so the caller can answer review.
  const agriElsewhere = run({
    category: 'market_regulation',
    matterType: 'supervision',
    region: '230400',
    memoranda: [AGRI],
  });
  t.same(agriElsewhere.measures, []);
  t.same(agriElsewhere.uncovered, [AGRI]);

  // 1580号: Wuhan 质监 inspects (row 6); market regulation elsewhere, and Wuhan's other departments, follow the
  // national measures.
  const env = run({
    category: 'market_regulation',
    matterType: 'supervision',
    region: '420100',
    memoranda: [ENVIRONMENT],
  });
  t.same(ids(env), [`${WUHAN} 6`]);
  const envEntry = run({
    category: 'market_regulation',
    matterType: 'market_entry_and_office',
    region: '420100',
    memoranda: [ENVIRONMENT],
  });
  t.same(envEntry.measures, [], 'the Wuhan list is what 质监 implements there; it has no market-entry duty on 1580号');
  t.same(envEntry.uncovered, [ENVIRONMENT]);
  const envFinance = run({
    category: 'finance',
    matterType: 'fiscal_funds',
    region: '420100',
    memoranda: [ENVIRONMENT],
  });
  t.same(ids(envFinance), [`${ENVIRONMENT} 4`]);
});

t.test('region covering', async (t) => {
  t.equal(regionPrefix('230400'), '2304');
  t.equal(regionPrefix('230000'), '23');
  t.equal(regionPrefix('000000'), '');
  t.equal(regionPrefix('230402'), '230402');
  t.ok(regionCovers('000000', '230402'));
  t.ok(regionCovers('230400', '230402'));
  t.ok(regionCovers('230400', '230400'));
  t.ok(regionCovers('230000', '230402'));
  t.notOk(regionCovers('230400', '230800'));
  t.notOk(regionCovers('230400', '230000'), 'a city document does not bind the province');
  t.notOk(regionCovers('230402', '230400'), 'a district document does not bind the city');
  t.notOk(regionCovers('230400', '000000'));

  // A Hegang district (230402) is bound by the Hegang document.
  const district = run({
    category: 'finance',
    matterType: 'government_procurement',
    region: '230402',
    memoranda: [QUALITY],
  });
  t.same(ids(district), [`${HEGANG} 6`]);
  // The province (230000) is not: the national 2202号 applies, and the seeds give it no measures.
  const province = run({
    category: 'finance',
    matterType: 'government_procurement',
    region: '230000',
    memoranda: [QUALITY],
  });
  t.same(province.measures, []);
  t.same(province.uncovered, [QUALITY]);
});

t.test('national fallback', async (t) => {
  // Outside Jiamusi the national 1001号 applies.
  const national = run({
    category: 'finance',
    matterType: 'government_procurement',
    region: '110000',
    memoranda: [SAFETY],
  });
  t.same(ids(national), [`${SAFETY} (十八)`]);
  t.equal(national.measures[0]?.triggeredBy, SAFETY);
  // Inside Jiamusi the local measure (九) replaces it.
  const local = run({
    category: 'finance',
    matterType: 'government_procurement',
    region: '230800',
    memoranda: [SAFETY],
  });
  t.same(ids(local), [`${JIAMUSI} (九)`]);
  // Customs did not sign the Jiamusi memorandum, so in Jiamusi it still applies the national measures.
  const customs = run({ category: 'customs', matterType: 'customs', region: '230800', memoranda: [SAFETY] });
  t.same(ids(customs), [`${SAFETY} (二十一)`, `${SAFETY} (二十二)`, `${SAFETY} (二十三)`]);
  // A national department (000000) is never bound by a local document.
  const centre = run({
    category: 'finance',
    matterType: 'government_procurement',
    region: '000000',
    memoranda: [QUALITY],
  });
  t.same(centre.uncovered, [QUALITY]);
});

t.test('measures with parts report the effect of the matching sub-items', async (t) => {
  const inspect = run({
    category: 'emergency_management',
    matterType: 'supervision',
    region: '110000',
    memoranda: [SAFETY],
  });
  t.same(ids(inspect), [`${SAFETY} (一)`]);
  t.equal(inspect.measures[0]?.effect, 'supervise');
  t.same(
    inspect.measures[0]?.parts?.map((p) => p.ordinal),
    ['1', '2', '3', '6'],
  );
  const entry = run({
    category: 'emergency_management',
    matterType: 'market_entry_and_office',
    region: '110000',
    memoranda: [SAFETY],
  });
  t.equal(entry.measures[0]?.effect, 'prohibit');
  t.same(
    entry.measures[0]?.parts?.map((p) => p.ordinal),
    ['5'],
  );
  // Jiamusi's copy names more implementing departments, among them housing.
  const housing = run({
    category: 'housing_construction',
    matterType: 'supervision',
    region: '230800',
    memoranda: [SAFETY],
  });
  t.same(ids(housing), [`${JIAMUSI} (一)`]);
});

t.test('measures limited to some lists', async (t) => {
  const q: MeasureQuery = {
    category: 'market_regulation',
    matterType: 'market_entry_and_office',
    region: '110000',
    memoranda: [ENTERPRISE],
  };
  const serious = run({ ...q, list: 'market.serious_illegal' });
  t.ok(ids(serious).includes(`${ENTERPRISE} (七)11`), 'the 3-year office bar applies to 严重违法失信企业名单');
  const abnormal = run({ ...q, list: 'market.abnormal_operation' });
  t.notOk(ids(abnormal).includes(`${ENTERPRISE} (七)11`), 'but not to 经营异常名录');
  t.ok(ids(abnormal).includes(`${ENTERPRISE} (七)10`));
  const unknownList = run(q);
  t.ok(ids(unknownList).includes(`${ENTERPRISE} (七)11`), 'without a list the caller sees every measure');
});

t.test('several memoranda, duplicates and unknown docNos', async (t) => {
  const r = run({
    category: 'market_regulation',
    matterType: 'supervision',
    region: '420100',
    memoranda: [DEBTOR, QUALITY, QUALITY, '发改财金〔2099〕1号'],
  });
  t.same(
    r.noDuty.map((x) => x.docNo),
    [DEBTOR],
  );
  t.same(ids(r), [`${WUHAN} 7`]);
  t.same(r.uncovered, ['发改财金〔2099〕1号']);
  t.same(run({ category: 'finance', matterType: 'tax', region: '230400', memoranda: [] }), {
    measures: [],
    noDuty: [],
    uncovered: [],
  });
});

t.test('the rules on a small synthetic catalogue', async (t) => {
  const measure = (ordinal: string, extra: Partial<CatalogMeasure> = {}): CatalogMeasure => ({
    ordinal,
    text: `measure ${ordinal}`,
    effect: 'restrict',
    mandatory: false,
    matterTypes: ['government_procurement'],
    categories: ['finance'],
    appliesTo: ['unit'],
    source: { file: 'x.txt', lines: [1, 1] },
    ...extra,
  });
  const doc = (
    docNo: string,
    region: string,
    measures: CatalogMeasure[],
    extra: Partial<CatalogMemorandum> = {},
  ): CatalogMemorandum => ({
    docNo,
    title: docNo,
    polarity: 'punitive',
    initiatingCategory: 'market_regulation',
    signatoryCategories: [],
    region,
    measures,
    source: { file: 'x.txt', lines: [1, 1] },
    ...extra,
  });
  const memoranda = [
    doc('N', '000000', [
      measure('n1'),
      measure('n2', { categories: ['all'] }),
      measure('n3', { matterTypes: ['tax'] }),
    ]),
    doc('P', '230000', [measure('p1')], { adopts: 'N' }),
    doc('C', '230400', [measure('c1'), measure('c2', { categories: ['taxation'] })], { adopts: 'N' }),
    doc('S', '230800', [measure('s1', { categories: ['taxation'] })], {
      adopts: 'N',
      signatoryCategories: ['taxation'],
    }),
    doc('Z', '230500', [], { adopts: 'N' }),
  ];
  const q = (region: string, extra: Partial<MeasureQuery> = {}): MeasureQuery => ({
    category: 'finance',
    matterType: 'government_procurement',
    region,
    memoranda: ['N'],
    ...extra,
  });
  const got = (query: MeasureQuery) => measuresFor(query, memoranda).measures.map((m) => m.ordinal);

  t.same(got(q('110000')), ['n1', 'n2'], 'national, with the all-category measure');
  t.same(got(q('230402')), ['c1'], 'the city beats the province');
  t.same(got(q('230600')), ['p1'], 'the province where no city document exists');
  t.same(got(q('230800')), ['p1'], 'a city document binds only its signatories; the province still binds finance');
  t.same(got(q('230800', { category: 'taxation', matterType: 'government_procurement' })), ['s1']);
  t.same(
    measuresFor(q('230500'), memoranda).uncovered,
    ['N'],
    'an adopting document with no measure leaves it uncovered',
  );
  t.same(got(q('110000', { matterType: 'tax' })), ['n3']);
  t.same(got(q('110000', { category: 'taxation' })), ['n2']);
  // A noDuty row on an adopting document, for every category, stated twice: reported once.
  const silent = {
    category: 'all' as const,
    region: '230400',
    reason: '无相关职能',
    statedBy: 'C',
    source: { file: 'x.txt', lines: [1, 1] as [number, number] },
  };
  const withNoDuty = memoranda.map((m) => (m.docNo === 'C' ? { ...m, noDuty: [silent, silent] } : m));
  t.same(measuresFor(q('230402'), withNoDuty), {
    measures: [],
    noDuty: [{ docNo: 'N', reason: '无相关职能', statedBy: 'C' }],
    uncovered: [],
  });
  // A list may trigger a local document by its own docNo; it counts only where it covers the caller.
  t.same(got(q('230402', { memoranda: ['C'] })), ['c1']);
  t.same(measuresFor(q('230800', { memoranda: ['C'] }), memoranda).uncovered, ['C']);
  t.equal(strongest(['disclose', 'restrict', 'supervise']), 'restrict');
  t.equal(strongest(['incentive']), 'incentive');
});
