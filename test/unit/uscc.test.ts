import t from 'tap';
import { parseUscc, usccCheckChar } from '../../api/src/domain/uscc.js';

// Vectors verified with an independent implementation of GB 32100-2015 (weights 3^i mod 31, check = (31 - sum % 31) % 31).
const VALID = ['91350100M000100Y43', '91110000600037341L', '11230400MB12345677'];

t.test('valid codes pass and are normalised', async (t) => {
  for (const v of VALID) {
    const r = parseUscc(v);
    t.same(r, { ok: true, value: v }, v);
  }
  t.same(parseUscc('  91350100m000100y43 \n'), { ok: true, value: '91350100M000100Y43' }, 'spaces and lowercase');
  t.equal(usccCheckChar('91110000600037341'), 'L');
});

t.test('invalid codes name the problem', async (t) => {
  const cases: Array<[string, string]> = [
    ['', 'length'],
    ['91350100M000100Y4', 'length'],
    ['91350100M000100Y433', 'length'],
    ['91350100M00010OY43', 'character'], // letter O is not in the charset
    ['91350100I000100Y43', 'character'],
    ['9135010OZ000100Y43', 'character'],
    ['91350100M000100Y4S', 'character'],
    ['91350100M000100Y44', 'checksum'],
    ['91110000600037341K', 'checksum'],
  ];
  for (const [input, problem] of cases) {
    const r = parseUscc(input);
    t.equal(r.ok, false, input);
    if (!r.ok) {
      t.equal(r.problem, problem, input);
      t.ok(r.detail.length > 0);
    }
  }
});

t.test('a single-character change is always caught', async (t) => {
  const base = VALID[0]!;
  let caught = 0;
  let tried = 0;
  for (let i = 0; i < 17; i++) {
    for (const c of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
      if (c === base[i]) continue;
      tried++;
      const r = parseUscc(base.slice(0, i) + c + base.slice(i + 1));
      if (!r.ok && r.problem === 'checksum') caught++;
    }
  }
  t.equal(caught, tried);
});
