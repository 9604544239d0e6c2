// The cross-item catalogue rules (catalog/validate.ts), 文号 normalisation and the content hash.
import t from 'tap';
import { catalog } from '../../api/src/catalog/index.js';
import type { Catalog } from '../../api/src/catalog/types.js';
import { checkCatalog } from '../../api/src/catalog/validate.js';
import { isDocNo, normalizeDocNo } from '../../api/src/domain/docno.js';
import { catalogueHash, seedHashOf } from '../../api/src/services/catalog-content.js';

const seed = (): Catalog => structuredClone(catalog);
const fields = (c: Catalog) => checkCatalog(c.memoranda, c.lists).map((v) => `${v.kind} ${v.key} ${v.field}`);

t.test('the seed catalogue keeps every rule', async (t) => {
  t.same(checkCatalog(catalog.memoranda, catalog.lists), []);
});

t.test('each rule', async (t) => {
  const hegang = (c: Catalog) => c.memoranda.find((m) => m.docNo === '鹤信用发〔2018〕5号')!;

  let c = seed();
  hegang(c).adopts = '发改财金〔2099〕1号';
  t.same(fields(c), ['memorandum 鹤信用发〔2018〕5号 adopts'], 'adopts an unknown memorandum');

  c = seed();
  hegang(c).region = '000000';
  t.same(fields(c), ['memorandum 鹤信用发〔2018〕5号 region'], 'an adoption is local');

  c = seed();
  hegang(c).effectiveTo = '2017-01-01';
  t.same(fields(c), ['memorandum 鹤信用发〔2018〕5号 effectiveTo']);

  c = seed();
  hegang(c).measures[0]!.effect = 'incentive';
  t.same(fields(c), ['measure 鹤信用发〔2018〕5号 1 effect'], 'polarity follows the adopted memorandum');

  c = seed();
  hegang(c).measures[0]!.implements = '发改财金〔2016〕1467号';
  t.same(fields(c), ['measure 鹤信用发〔2018〕5号 1 effect'], '…or the implemented one');

  c = seed();
  hegang(c).measures[0]!.listCodes = ['nope.none'];
  t.same(fields(c), ['measure 鹤信用发〔2018〕5号 1 listCodes/0']);

  c = seed();
  const withParts = c.memoranda.flatMap((m) => m.measures).find((x) => x.parts)!;
  withParts.matterTypes = [...withParts.matterTypes, 'tax'];
  t.match(fields(c), [/matterTypes$/], 'matter types are the parts’ union');

  c = seed();
  c.lists.find((l) => l.code === 'tax.a_grade')!.memoranda.push('发改财金〔2016〕2202号');
  t.same(fields(c), ['list tax.a_grade memoranda/1'], 'a red list cannot trigger a punitive memorandum');

  c = seed();
  c.lists.find((l) => l.code === 'safety.watch')!.escalatesTo = 'safety.nowhere';
  t.same(fields(c), ['list safety.watch escalatesTo']);

  c = seed();
  c.lists.find((l) => l.pointsRule)!.pointsRule!.tiers[0]!.list = 'nanning.purple';
  t.same(fields(c), ['list nanning.urban_points pointsRule/tiers/0/list']);
});

t.test('文号 in any bracket spelling is stored in one', async (t) => {
  for (const raw of [
    '发改财金【2016】2202号',
    '发改财金（2016）2202号',
    '发改财金(2016)2202号',
    '发改财金[2016]2202号',
    '发改财金［2016］2202号',
    ' 发改财金 〔2016〕 2202号 ',
  ]) {
    t.equal(normalizeDocNo(raw), '发改财金〔2016〕2202号', raw);
  }
  t.equal(normalizeDocNo('武质技监管(2018)22号'), '武质技监管〔2018〕22号');
  t.ok(isDocNo('鹤信用发〔2018〕5号'));
  t.notOk(isDocNo('memo 1'));
  t.notOk(isDocNo('发改财金〔16〕2202号'));
  for (const m of catalog.memoranda) t.equal(normalizeDocNo(m.docNo), m.docNo, `${m.docNo} is already canonical`);
});

t.test('the content hash ignores key order and absent fields, and sees every content change', async (t) => {
  const base = seedHashOf(catalog);
  t.equal(seedHashOf(catalog), base, 'memoised');
  const reordered = seed();
  reordered.memoranda = reordered.memoranda.map((m) => Object.fromEntries(Object.entries(m).reverse()) as typeof m);
  t.equal(catalogueHash(reordered.memoranda, reordered.lists), base);
  const withUndefined = seed();
  withUndefined.memoranda[0]!.adopts = undefined;
  t.equal(catalogueHash(withUndefined.memoranda, withUndefined.lists), base);
  const changed = seed();
  changed.memoranda[0]!.measures[0]!.text += '。';
  t.not(catalogueHash(changed.memoranda, changed.lists), base);
  const moved = seed();
  moved.lists.reverse();
  t.not(catalogueHash(moved.memoranda, moved.lists), base, 'order counts: it decides the order of measures');
});
