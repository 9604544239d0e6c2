import t from 'tap';
import {
  bigrams,
  coreName,
  diceCoefficient,
  nameSimilarity,
  normalizeName,
  similarityCeiling,
} from '../../api/src/domain/names.js';

t.test('normalizeName folds width, brackets, spaces, script and case', async (t) => {
  t.equal(normalizeName('ＡＢＣ１２３'), 'ABC123', 'full-width letters and digits');
  t.equal(normalizeName('abc Co'), 'ABCCO', 'Latin letters uppercased, spaces removed');
  t.equal(normalizeName('恒达（鹤岗）建筑'), '恒达(鹤岗)建筑', 'full-width parentheses');
  t.equal(normalizeName('恒达【鹤岗】建筑'), '恒达(鹤岗)建筑', 'lenticular brackets');
  t.equal(normalizeName('恒达[鹤岗]建筑'), '恒达(鹤岗)建筑', 'square brackets');
  t.equal(normalizeName('恒达〔鹤岗〕建筑'), '恒达(鹤岗)建筑', 'tortoise-shell brackets');
  t.equal(
    normalizeName(' 恒达\u3000建筑 \t有限\n公司\u200b'),
    '恒达建筑有限公司',
    'ASCII, ideographic and zero-width spaces',
  );
  t.equal(normalizeName('臺灣'), '台湾');
  t.equal(normalizeName('台灣'), '台湾');
  t.equal(normalizeName('發展'), '发展');
  t.equal(normalizeName('鶴崗'), '鹤岗');
  t.equal(normalizeName('黑龍江省鶴崗市恆達建築工程有限公司'), '黑龙江省鹤岗市恒达建筑工程有限公司');
  t.equal(normalizeName('买买提・艾力'), '买买提·艾力', 'middle dots unified');
  t.equal(normalizeName('买买提•艾力'), '买买提·艾力');
  t.equal(normalizeName(''), '');
});

t.test('normalizeName is idempotent', async (t) => {
  for (const s of [
    '黑龍江省鶴崗市恆達建築工程有限公司',
    'ＡＢＣ（臺灣）【發展】',
    '于 乾隆 干燥 皇后',
    '买买提・艾力',
  ]) {
    const once = normalizeName(s);
    t.equal(normalizeName(once), once, s);
  }
});

t.test('bigrams', async (t) => {
  t.same(bigrams('恒达建筑'), ['恒达', '达建', '建筑']);
  t.same(bigrams('恒达(鹤岗)'), ['恒达', '达鹤', '鹤岗'], 'parentheses ignored');
  t.same(bigrams('买买提·艾力'), ['买买', '买提', '提艾', '艾力'], 'punctuation ignored');
  t.same(bigrams('哈哈哈'), ['哈哈'], 'distinct');
  t.same(bigrams('王'), ['王'], 'one character yields itself');
  t.same(bigrams(''), []);
  t.same(bigrams('()'), []);
  t.same(bigrams('𠮷野家'), ['𠮷野', '野家'], 'a supplementary-plane character counts as one');
});

t.test('diceCoefficient', async (t) => {
  t.equal(diceCoefficient(['AB', 'BC'], ['AB', 'BC']), 1);
  t.equal(diceCoefficient(['AB', 'BC'], ['AB', 'CD']), 0.5);
  t.equal(diceCoefficient(['AB', 'AB'], ['AB']), 1, 'duplicates ignored');
  t.equal(diceCoefficient([], ['AB']), 0);
});

t.test('coreName strips legal forms', async (t) => {
  t.equal(coreName('鹤岗市恒达建筑工程有限公司'), '鹤岗市恒达建筑工程');
  t.equal(coreName('鹤岗市恒达建筑工程有限责任公司'), '鹤岗市恒达建筑工程');
  t.equal(coreName('恒达建筑股份有限公司'), '恒达建筑');
  t.equal(coreName('恒达集团有限公司'), '恒达');
  t.equal(coreName('恒达集团有限公司鹤岗分公司'), '恒达鹤岗');
  t.equal(coreName('恒达投资合伙企业(有限合伙)'), '恒达投资');
  t.equal(coreName('鹤岗市恒达种植专业合作社'), '鹤岗市恒达种植');
  t.equal(coreName('张伟'), '张伟');
  t.equal(coreName('有限公司'), '有限公司', 'never empty');
});

t.test('nameSimilarity', async (t) => {
  const same = nameSimilarity('鶴崗市恆達建築工程有限公司', ' 鹤岗市恒达建筑工程有限公司 ');
  t.equal(same.score, 1, 'traditional and simplified forms are the same name');
  t.ok(same.reason.length > 0);

  t.equal(nameSimilarity('恒达（鹤岗）建筑有限公司', '恒达(鹤岗)建筑有限公司').score, 1);
  t.equal(nameSimilarity('ＡＢＣ科技有限公司', 'abc科技有限公司').score, 1);
  t.equal(nameSimilarity('', '恒达').score, 0);

  const base = '鹤岗市恒达建筑工程有限公司';
  const legalForm = nameSimilarity(base, '鹤岗市恒达建筑工程有限责任公司').score;
  const typo = nameSimilarity(base, '鹤岗市恒大建筑工程有限公司').score;
  const otherFirm = nameSimilarity(base, '鹤岗市宏远建筑工程有限公司').score;
  const unrelated = nameSimilarity(base, '佳木斯市宏远商贸有限公司').score;
  const person = nameSimilarity(base, '张伟').score;
  t.ok(legalForm < 1, `other legal form ${legalForm}`);
  t.ok(legalForm > typo, `legal form ${legalForm} > one-character change ${typo}`);
  t.ok(typo > otherFirm, `one-character change ${typo} > other trade name ${otherFirm}`);
  t.ok(otherFirm > unrelated, `other trade name ${otherFirm} > unrelated ${unrelated}`);
  t.ok(unrelated < 0.3, `unrelated firms sharing only 有限公司 stay low: ${unrelated}`);
  t.equal(person, 0);

  // The shared legal form alone does not make two firms look alike.
  const fullOnly = diceCoefficient(bigrams(normalizeName(base)), bigrams(normalizeName('佳木斯市宏远商贸有限公司')));
  t.ok(unrelated < fullOnly);

  const r = nameSimilarity(base, '鹤岗市恒大建筑工程有限公司');
  t.match(r.reason, /\d+ of \d+\+\d+/);
  for (const [a, b] of [
    ['恒达建筑有限公司', '恒达建筑股份有限公司'],
    ['张伟', '张玮'],
    ['黄河', '黄河科技'],
  ] as const) {
    const s = nameSimilarity(a, b);
    t.ok(s.score >= 0 && s.score <= 1, `${a}/${b} in range`);
    t.equal(nameSimilarity(b, a).score, s.score, `${a}/${b} symmetric`);
  }
});

t.test('similarityCeiling bounds every name that shares only the sharable bigrams', async (t) => {
  // a small alphabet, so random names share bigrams often; legal forms only at the end (the bound's assumption)
  const alphabet = Array.from('北京恒达建筑鑫科技华信');
  const forms = ['', '有限公司', '股份有限公司', '集团', '分公司'];
  let seed = 20261202;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const name = () =>
    Array.from({ length: 2 + rand(6) }, () => alphabet[rand(alphabet.length)]).join('') + forms[rand(forms.length)];
  let tight = 0;
  let over = 0;
  for (let i = 0; i < 5000; i++) {
    const asked = normalizeName(name());
    const other = normalizeName(name());
    const mine = new Set(bigrams(asked));
    // the bigrams they do share, plus some of the asked name's others at random
    const sharable = new Set(bigrams(other).filter((g) => mine.has(g)));
    for (const g of mine) if (rand(3) === 0) sharable.add(g);
    const ceiling = similarityCeiling(asked, (g) => sharable.has(g));
    const score = nameSimilarity(asked, other).score;
    if (score > ceiling + 1e-9) over++;
    if (Math.abs(score - ceiling) < 1e-9 && score > 0) tight++;
  }
  t.equal(over, 0, 'no name scores above the ceiling');
  t.ok(tight > 0, `the ceiling is reached by some names (${tight} of 5000)`);
});

t.test('similarityCeiling vectors', async (t) => {
  const common = new Set(['北京', '科技', '技有', '有限', '限公', '公司']);
  const isCommon = (g: string) => common.has(g);
  // 北京鑫达科技有限公司: 6 of 9 bigrams common → 12/15; core 北京鑫达科技: 北京, 科技 of 5 → 4/7; mean ≈ 0.686
  t.equal(similarityCeiling('北京鑫达科技有限公司', isCommon).toFixed(4), ((12 / 15 + 4 / 7) / 2).toFixed(4));
  // no legal form: the full bound alone
  t.equal(similarityCeiling('北京科技', isCommon).toFixed(4), (4 / 5).toFixed(4));
  t.equal(similarityCeiling('鑫达建筑', isCommon), 0, 'nothing sharable');
  t.equal(similarityCeiling('', isCommon), 0);
  t.equal(
    similarityCeiling('北京鑫达', () => true),
    1,
    'everything sharable',
  );
});
