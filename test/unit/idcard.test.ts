import t from 'tap';
import { hashIdNumber, idCheckChar, maskIdNumber, parseIdNumber } from '../../api/src/domain/idcard.js';

// Check digits worked out by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check = (12 - sum % 11) % 11,
// 10 written X), not with the code under test:
// - 11010519491231002X: sum 167, 167 % 11 = 2, (12 - 2) % 11 = 10 → X. 17th digit 2 → female. The GB 11643 sample.
// - 44030519900101123X: sum 200, 200 % 11 = 2 → X. 17th digit 3 → male.
// - 110101200002290018: sum 114, 114 % 11 = 4, 12 - 4 = 8 → 8. 29 Feb 2000 (2000 is a leap year).
const NOW = new Date('2026-06-01T00:00:00Z');

t.test('valid numbers parse, with birth date and sex', async (t) => {
  t.same(parseIdNumber('11010519491231002X', NOW), {
    ok: true,
    value: '11010519491231002X',
    birthDate: '1949-12-31',
    sex: 'female',
  });
  t.same(parseIdNumber('44030519900101123X', NOW), {
    ok: true,
    value: '44030519900101123X',
    birthDate: '1990-01-01',
    sex: 'male',
  });
  t.same(parseIdNumber('110101200002290018', NOW), {
    ok: true,
    value: '110101200002290018',
    birthDate: '2000-02-29',
    sex: 'male',
  });
  t.equal(idCheckChar('11010519491231002'), 'X');
  t.equal(idCheckChar('11010120000229001'), '8');
});

t.test('lowercase x and surrounding white space are accepted', async (t) => {
  const r = parseIdNumber('  11010519491231002x\t', NOW);
  t.equal(r.ok, true);
  if (r.ok) t.equal(r.value, '11010519491231002X');
  const ideographicSpace = parseIdNumber('\u300011010519491231002X\u3000', NOW);
  t.equal(ideographicSpace.ok, true);
});

t.test('defaults to the current time for the future-date check', async (t) => {
  t.equal(parseIdNumber('11010519491231002X').ok, true);
});

t.test('each kind of error is named', async (t) => {
  const cases: Array<[string, string]> = [
    ['', 'length'],
    ['11010519491231002', 'length'],
    ['11010519491231002X1', 'length'],
    ['110105491231002', 'length'], // legacy 15-digit number
    ['1101051949123100XX', 'character'],
    ['11010519491231A02X', 'character'],
    ['11010519491231002Y', 'character'],
    ['１１010519491231002X', 'character'], // full-width digits are not silently converted
    ['00010519491231002X', 'region'],
    ['99010519491231002X', 'region'],
    ['91010519491231002X', 'region'], // 外国人永久居留身份证 scheme, not GB 11643
    ['110105194902300025', 'birth_date'], // 30 February
    ['110105202302290025', 'birth_date'], // 29 February 2023, not a leap year
    ['110105190002290025', 'birth_date'], // 1900 is not a leap year
    ['110105194913010025', 'birth_date'], // month 13
    ['110105194912000025', 'birth_date'], // day 0
    ['110105189912310025', 'birth_date'], // before 1900
    ['110105202612310025', 'birth_date'], // after NOW
    ['110105194912310021', 'checksum'],
    ['110105194912310020', 'checksum'],
    ['11010519491231003X', 'checksum'],
  ];
  for (const [input, problem] of cases) {
    const r = parseIdNumber(input, NOW);
    t.equal(r.ok, false, input);
    if (!r.ok) {
      t.equal(r.problem, problem, input);
      t.ok(r.detail.length > 0);
    }
  }
});

t.test('the future-date check uses the Asia/Shanghai calendar date', async (t) => {
  // 2000-01-01T16:00Z is already 1 January 2000 in Beijing but still 31 December 1999 in UTC.
  const id = `11010120000101001${idCheckChar('11010120000101001')}`;
  t.equal(parseIdNumber(id, new Date('1999-12-31T16:00:00Z')).ok, true);
  const early = parseIdNumber(id, new Date('1999-12-31T15:59:59Z'));
  t.equal(early.ok ? null : early.problem, 'birth_date');
});

t.test('every single-digit change is caught', async (t) => {
  const base = '11010519491231002X';
  let caught = 0;
  let tried = 0;
  for (let i = 14; i < 18; i++) {
    for (const c of '0123456789X') {
      if (c === base[i] || (c === 'X' && i !== 17)) continue;
      tried++;
      const r = parseIdNumber(base.slice(0, i) + c + base.slice(i + 1), NOW);
      if (!r.ok && r.problem === 'checksum') caught++;
    }
  }
  t.equal(caught, tried);
});

t.test('mask keeps the first 6 and the last 4', async (t) => {
  t.equal(maskIdNumber('11010519491231002X'), '110105********002X');
  t.equal(maskIdNumber('11010519491231002x'), '110105********002X');
  t.equal(maskIdNumber('44030519900101123X'), '440305********123X');
  t.notMatch(maskIdNumber('12345'), /\d/, 'a malformed input is masked completely');
});

t.test('hash is a stable, secret-keyed HMAC-SHA256 of the canonical number', async (t) => {
  const h = hashIdNumber('11010519491231002X', 'secret-a');
  t.match(h, /^[0-9a-f]{64}$/);
  t.equal(hashIdNumber('11010519491231002X', 'secret-a'), h, 'stable');
  t.equal(hashIdNumber(' 11010519491231002x ', 'secret-a'), h, 'lowercase x and spaces hash the same');
  t.not(hashIdNumber('11010519491231002X', 'secret-b'), h, 'depends on the secret');
  t.not(hashIdNumber('44030519900101123X', 'secret-a'), h, 'depends on the number');
  // Known answer, computed with `printf %s 11010519491231002X | openssl dgst -sha256 -hmac secret-a`.
  t.equal(h, '011644f66402093925c55b7a1b15878bae61273d38dab33457c70a428d17075a');
});
