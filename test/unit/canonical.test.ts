import t from 'tap';
import { canonicalJson } from '../../api/src/domain/canonical.js';

t.test('key order and white space do not matter', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [1, 2], c: '应查' } }), '{"a":{"c":"应查","d":[1,2]},"b":1}');
  t.equal(canonicalJson({ a: { c: '应查', d: [1, 2] }, b: 1 }), canonicalJson({ b: 1, a: { d: [1, 2], c: '应查' } }));
});

t.test('undefined members are dropped, dates become ISO strings, null stays', async (t) => {
  t.equal(
    canonicalJson({ a: undefined, b: null, c: new Date('2026-11-22T00:00:00Z') }),
    '{"b":null,"c":"2026-11-22T00:00:00.000Z"}',
  );
  t.throws(() => canonicalJson({ x: Number.NaN }));
});

t.test('omitNull drops null members at every depth, never array elements', async (t) => {
  t.equal(
    canonicalJson({ a: null, b: { c: null, d: 1 }, e: [null, 2] }, { omitNull: true }),
    '{"b":{"d":1},"e":[null,2]}',
  );
});
