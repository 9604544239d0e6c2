import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalog } from '../../api/src/catalog/index.js';
import type { CatalogMeasure, CatalogMemorandum, SeedRef } from '../../api/src/catalog/types.js';
import { APPLIES_TO, CATEGORY_CODES, EFFECTS, MATTER_TYPE_CODES, POLARITIES } from '../../api/src/domain/codes.js';
import { strongest } from '../../api/src/domain/measures.js';

// The seed documents are vendored beside the catalogue so the citations can be checked in any clone.
const SEEDS = fileURLToPath(new URL('../../api/src/catalog/seeds/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const SHARED_SEEDS = `${SHARED}seeds/`;
const seedLines = new Map<string, string[]>(
  readdirSync(SEEDS)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => [f, readFileSync(`${SEEDS}${f}`, 'utf8').split('\n')]),
);

t.test(
  'the vendored seeds are the shared seeds',
  { skip: !existsSync(SHARED_SEEDS) && 'no ../shared/seeds beside this clone' },
  async (t) => {
    const shared = readdirSync(SHARED_SEEDS)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    t.same([...seedLines.keys()].sort(), shared);
    for (const f of shared)
      t.equal(readFileSync(`${SEEDS}${f}`, 'utf8'), readFileSync(`${SHARED_SEEDS}${f}`, 'utf8'), f);
  },
);

const HEGANG = '鹤信用发〔2018〕5号';
const JIAMUSI = '佳应急联发〔2020〕5号';
const WUHAN = '武质技监管〔2018〕22号';

function memo(docNo: string): CatalogMemorandum {
  const found = catalog.memoranda.find((m) => m.docNo === docNo);
  if (!found) throw new Error(`no memorandum ${docNo}`);
  return found;
}

/** Text of the cited lines, widened by `slack` lines each side, without whitespace or punctuation. */
function cited(ref: SeedRef, slack = 0): string {
  const lines = seedLines.get(ref.file) ?? [];
  return normalize(lines.slice(Math.max(0, ref.lines[0] - 1 - slack), ref.lines[1] + slack).join(''));
}

function normalize(s: string): string {
  return s.replace(/[\s\p{P}\p{S}]/gu, '');
}

/** The clauses of a text long enough to identify it in a seed. */
function clauses(text: string): string[] {
  return text
    .split(/[\s\p{P}\p{S}]+/u)
    .map(normalize)
    .filter((c) => c.length >= 4);
}

// The memoranda table of ../shared/DOMAIN.md, as of 2026-11-22.
const DOMAIN_DOC_NOS = [
  '发改财金〔2016〕1001号',
  '发改财金〔2016〕2202号',
  '发改财金〔2016〕1467号',
  '发改财金〔2016〕2012号',
  '发改财金〔2016〕2190号',
  '发改财金〔2015〕2045号',
  '发改财金〔2016〕141号',
  '发改财金〔2016〕1580号',
  '发改财金〔2017〕346号',
  '发改财金〔2017〕427号',
  '发改外资〔2017〕1894号',
];

t.test('every 文号 in DOMAIN.md’s memoranda table is in the catalogue', async (t) => {
  const docNos = new Set(catalog.memoranda.map((m) => m.docNo));
  for (const docNo of DOMAIN_DOC_NOS) t.ok(docNos.has(docNo), docNo);
});

t.test(
  'the list above is DOMAIN.md’s table',
  { skip: !existsSync(`${SHARED}DOMAIN.md`) && 'no ../shared beside this clone' },
  async (t) => {
    const table = readFileSync(`${SHARED}DOMAIN.md`, 'utf8')
      .split('\n')
      .map((line) => /^\| (\S+〔\d{4}〕\d+号) \|/.exec(line)?.[1])
      .filter((d): d is string => d !== undefined);
    t.same(table, DOMAIN_DOC_NOS);
  },
);

t.test('the three local documents', async (t) => {
  const hegang = memo(HEGANG);
  t.equal(hegang.measures.length, 19);
  t.same(
    hegang.measures.map((m) => m.ordinal),
    Array.from({ length: 19 }, (_, i) => String(i + 1)),
  );
  t.equal(hegang.adopts, '发改财金〔2016〕2202号');
  t.equal(hegang.region, '230400');
  // 19 is the catch-all that names no bureau; every other measure names its implementing bureau.
  for (const m of hegang.measures.filter((m) => m.ordinal !== '19')) {
    t.ok(
      (m.implementingUnits ?? []).some((u) => u.startsWith('鹤岗市') || u.startsWith('国家税务总局鹤岗')),
      `Hegang ${m.ordinal}`,
    );
  }

  const jiamusi = memo(JIAMUSI);
  t.equal(jiamusi.measures.length, 15);
  t.equal(jiamusi.adopts, '发改财金〔2016〕1001号');
  t.equal(jiamusi.region, '230800');
  for (const m of jiamusi.measures) {
    t.ok((m.legalBasis ?? '').trim().length > 0, `Jiamusi ${m.ordinal} legal basis`);
    t.ok((m.implementingUnits ?? []).length > 0, `Jiamusi ${m.ordinal} units`);
  }

  const wuhan = memo(WUHAN);
  t.equal(wuhan.region, '420100');
  const noDutyRows = catalog.memoranda.flatMap((m) =>
    (m.noDuty ?? []).filter((r) => r.statedBy === WUHAN).map((r) => ({ docNo: m.docNo, ...r })),
  );
  t.equal(wuhan.measures.length + noDutyRows.length, 10, 'ten rows in the Wuhan responsibility list');
  t.same(noDutyRows.map((r) => r.docNo).sort(), ['发改财金〔2016〕141号', '发改财金〔2017〕427号']);
  for (const r of noDutyRows) {
    t.equal(r.category, 'market_regulation');
    t.equal(r.region, '420100');
    t.equal(r.reason, '无相关职能');
  }
  // One row per memorandum: the eight measures concern eight different national memoranda.
  const concerned = wuhan.measures.map((m) => m.implements);
  t.equal(new Set(concerned).size, 8);
  for (const docNo of concerned) t.ok(docNo && catalog.memoranda.some((m) => m.docNo === docNo), `${docNo} exists`);
});

t.test('1001号 carries its 29 measures', async (t) => {
  const safety = memo('发改财金〔2016〕1001号');
  t.equal(safety.measures.length, 29);
  t.equal(safety.measures[28]?.ordinal, '(二十九)');
});

t.test('memoranda are well formed', async (t) => {
  const docNos = catalog.memoranda.map((m) => m.docNo);
  t.equal(new Set(docNos).size, docNos.length, 'docNos are unique');
  for (const m of catalog.memoranda) {
    t.match(m.docNo, /〔\d{4}〕\d+号$/, `${m.docNo} uses 〔〕`);
    t.ok(POLARITIES.includes(m.polarity), `${m.docNo} polarity`);
    t.ok(CATEGORY_CODES.includes(m.initiatingCategory), `${m.docNo} initiating category`);
    for (const c of m.signatoryCategories) t.ok(CATEGORY_CODES.includes(c), `${m.docNo} signatory ${c}`);
    t.match(m.region, /^\d{6}$/);
    if (m.adopts !== undefined) {
      t.ok(docNos.includes(m.adopts), `${m.docNo} adopts a catalogued memorandum`);
      t.not(m.region, '000000', `${m.docNo} is local`);
    }
    const ordinals = m.measures.map((x) => x.ordinal);
    t.equal(new Set(ordinals).size, ordinals.length, `${m.docNo} ordinals are unique`);
    for (const row of m.noDuty ?? []) {
      t.ok(CATEGORY_CODES.includes(row.category));
      t.match(row.region, /^\d{6}$/);
      t.ok(row.reason.length > 0 && row.statedBy.length > 0);
    }
  }
});

t.test('every measure is well formed', async (t) => {
  const docNos = new Set(catalog.memoranda.map((m) => m.docNo));
  const listCodes = new Set(catalog.lists.map((l) => l.code));
  for (const m of catalog.memoranda) {
    for (const x of m.measures) {
      const id = `${m.docNo} ${x.ordinal}`;
      t.ok(x.matterTypes.length >= 1, `${id} has a matter type`);
      t.ok(x.categories.length >= 1, `${id} has an implementing category`);
      t.ok(x.appliesTo.length >= 1, `${id} applies to someone`);
      for (const v of x.matterTypes) t.ok(MATTER_TYPE_CODES.includes(v), `${id} matter type ${v}`);
      for (const c of x.categories) t.ok(CATEGORY_CODES.includes(c), `${id} category ${c}`);
      for (const a of x.appliesTo) t.ok(APPLIES_TO.includes(a), `${id} appliesTo ${a}`);
      t.ok(EFFECTS.includes(x.effect), `${id} effect`);
      // Wuhan's list mixes polarities, so a measure's polarity is that of the memorandum it implements.
      const incentive = isIncentive(x.implements ?? m.adopts ?? m.docNo);
      t.equal(x.effect === 'incentive', incentive, `${id} effect matches its memorandum's polarity`);
      t.ok(x.text.length > 0, `${id} text`);
      if (x.implements !== undefined) t.ok(docNos.has(x.implements), `${id} implements a catalogued memorandum`);
      for (const code of x.listCodes ?? []) t.ok(listCodes.has(code), `${id} list ${code}`);
      if (x.parts) t.same(partProblems(id, x), [], `${id} parts`);
    }
  }
});

function isIncentive(docNo: string): boolean {
  return catalog.memoranda.find((m) => m.docNo === docNo)?.polarity === 'incentive';
}

/** What is wrong with a measure's parts, if anything. */
function partProblems(id: string, x: CatalogMeasure): string[] {
  const parts = x.parts ?? [];
  const problems: string[] = [];
  if (parts.length < 2) problems.push(`${id}: fewer than two parts`);
  const union = new Set(parts.flatMap((p) => p.matterTypes));
  if (union.size !== x.matterTypes.length || !x.matterTypes.every((v) => union.has(v))) {
    problems.push(`${id}: matter types are not the parts' union`);
  }
  if (x.effect !== strongest(parts.map((p) => p.effect))) problems.push(`${id}: effect is not the strongest part's`);
  for (const p of parts) if (!x.text.includes(p.text)) problems.push(`${id}: part ${p.ordinal} is not in the text`);
  return problems;
}

t.test('lists', async (t) => {
  const codes = catalog.lists.map((l) => l.code);
  t.equal(new Set(codes).size, codes.length, 'codes are unique');
  for (const code of [
    'safety.joint_punishment',
    'safety.blacklist',
    'safety.watch',
    'quality.serious_violation',
    'market.serious_illegal',
    'market.abnormal_operation',
    'court.dishonest_debtor',
    'tax.major_violation',
    'procurement.bad_record',
    'customs.dishonest',
    'tax.a_grade',
    'customs.aeo_advanced',
    'youth.volunteer_5a',
    'nanning.urban_points',
    'nanning.yellow',
    'nanning.red',
    'nanning.black',
    'mohurd.urban_points',
  ]) {
    t.ok(codes.includes(code), code);
  }
  const docNos = new Set(catalog.memoranda.map((m) => m.docNo));
  for (const l of catalog.lists) {
    t.match(l.code, /^[a-z0-9_]+\.[a-z0-9_]+$/);
    for (const d of l.memoranda) {
      t.ok(docNos.has(d), `${l.code} → ${d} exists`);
      t.equal(catalog.memoranda.find((m) => m.docNo === d)?.polarity, l.polarity, `${l.code} → ${d} polarity`);
    }
    t.ok(l.publisherCategories.length >= 1 && l.publisherCategories.every((c) => CATEGORY_CODES.includes(c)));
    t.ok(l.objectionWorkingDays > 0);
    for (const tier of l.pointsRule?.tiers ?? []) t.ok(codes.includes(tier.list), `${l.code} tier ${tier.list}`);
    if (l.escalatesTo !== undefined) t.ok(codes.includes(l.escalatesTo));
  }

  const byCode = (code: string) => catalog.lists.find((l) => l.code === code);
  t.equal(byCode('safety.joint_punishment')?.validityDays, 365);
  t.equal(byCode('safety.blacklist')?.validityDays, 365);
  t.equal(byCode('safety.blacklist')?.removesFromRedLists, true);
  t.equal(byCode('safety.watch')?.escalatesTo, 'safety.blacklist');
  t.equal(byCode('nanning.red')?.polarity, 'punitive', 'Nanning’s 红名单 is a punitive tier');

  const nanning = byCode('nanning.urban_points');
  t.same(nanning?.pointsRule, {
    window: { kind: 'rolling_days', days: 365 },
    pointsPerAct: [1, 3, 6],
    tiers: [
      { list: 'nanning.yellow', min: 10 },
      { list: 'nanning.red', min: 20 },
      { list: 'nanning.black', min: 30 },
    ],
  });
  t.equal(nanning?.objectionWorkingDays, 20);
  t.equal(nanning?.repairCalendarDays, 20);

  const mohurd = byCode('mohurd.urban_points');
  t.same(mohurd?.pointsRule?.window, { kind: 'calendar_year' });
  t.same(
    mohurd?.pointsRule?.tiers.map((x) => x.min),
    [4, 8, 12],
  );
  t.ok(mohurd?.pointsRule?.pointsPerAct.includes(2));
  t.same(mohurd?.repairLock?.minDaysByListingCount, [365, 1095]);
  t.equal(mohurd?.autoRemoveAfterDays, 1825);
  t.equal(mohurd?.repairWorkingDays, 15);
});

t.test('every source reference lies inside its seed and points at the right text', async (t) => {
  const check = (what: string, ref: SeedRef) => {
    const lines = seedLines.get(ref.file);
    t.ok(lines, `${what}: seed ${ref.file} exists`);
    const [first, last] = ref.lines;
    t.ok(Number.isInteger(first) && Number.isInteger(last) && first >= 1 && first <= last, `${what}: ${first}-${last}`);
    t.ok(last <= (lines?.length ?? 0), `${what}: line ${last} within ${ref.file}`);
  };

  for (const m of catalog.memoranda) {
    check(m.docNo, m.source);
    // The 文号's number (e.g. "2202"; seeds print the brackets in five different ways) or the title, near the lines.
    const number = /〔(\d{4})〕(\d+)号/.exec(m.docNo);
    const near = cited(m.source, 3);
    const found =
      (number !== null && near.includes(`${number[1]}`) && near.includes(number[2] ?? '')) ||
      near.includes(normalize(m.title));
    t.ok(found, `${m.docNo}: number or title near ${m.source.file}:${m.source.lines.join('-')}`);

    for (const x of m.measures) {
      const id = `${m.docNo} ${x.ordinal}`;
      check(id, x.source);
      const text = cited(x.source);
      t.ok(
        clauses(x.text).some((c) => text.includes(c)),
        `${id}: its text is in the cited lines`,
      );
    }
    for (const row of m.noDuty ?? []) {
      check(`${m.docNo} noDuty`, row.source);
      t.ok(cited(row.source).includes(row.reason), `${m.docNo} noDuty: "${row.reason}" in the cited line`);
      t.ok(number && cited(row.source).includes(number[2] ?? '-'), `${m.docNo} noDuty row is about this memorandum`);
    }
  }
  for (const l of catalog.lists) check(l.code, l.source);
});
