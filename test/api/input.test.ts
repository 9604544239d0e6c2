// The one input validator (plugins/input.ts): text that cannot be stored faithfully is refused at the edge, in every
// place a request carries text, with the path named, and nothing is written.
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { findUnstorable, MAX_DEPTH, unstorableReason } from '../../api/src/domain/text.js';
import { bearer } from '../helpers/app.js';
import { countDiff, rowCounts } from '../helpers/rows.js';
import { department, uscc, world } from '../helpers/world.js';

/** Each cannot be stored: NUL, C0 and C1 controls, DEL, lone surrogates (high, low, a reversed pair). */
const HOSTILE: Array<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ['SOH', '\u0001'],
  ['vertical tab', 'x\u000By'],
  ['form feed', '\u000C'],
  ['ESC', 'red\u001B[31m'],
  ['unit separator', '\u001F'],
  ['DEL', 'a\u007F'],
  ['NEL (C1)', 'a\u0085b'],
  ['CSI (C1)', '\u009B'],
  ['APC (C1)', '\u009F'],
  ['lone high surrogate', '名\uD800'],
  ['lone low surrogate', '\uDC00名'],
  ['reversed pair', '\uDFFF\uD800'],
];
/** Each can: tab, LF, CR, an astral character (a well-formed pair), NBSP, a zero-width joiner, an RTL mark. */
const FINE = ['a\tb', 'line\nline\r\n', '𠮷野家 😀', 'a\u00A0b', '\u200D\u200F', '\uE000'];

t.test('the pure check', async (t) => {
  for (const [name, s] of HOSTILE) t.not(unstorableReason(s), null, name);
  for (const s of FINE) t.equal(unstorableReason(s), null, JSON.stringify(s));
  t.notMatch(unstorableReason('secret\u0000')!, /secret/, 'the message never echoes the text');

  const found = findUnstorable({ a: [{ b: 'ok' }, { c: 'x\u0000' }], 'k/~\u0001': 'v', d: 'fine' }, '/body');
  t.same(
    found.map((f) => f.path).sort(),
    ['/body/a/1/c', '/body/k~1~0\\u0001'],
    'paths are JSON pointers; a hostile key is escaped',
  );

  let deep: unknown = 'leaf';
  for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { n: deep };
  t.match(findUnstorable(deep, '/body')[0]?.message, /deeper/, 'nesting beyond the bound is refused');
  let veryDeep: unknown = [];
  for (let i = 0; i < 100_000; i++) veryDeep = [veryDeep];
  t.equal(findUnstorable(veryDeep).length, 1, 'iterative: 100,000 levels do not overflow the stack');
  t.same(findUnstorable(Buffer.from([0])), [], 'a Buffer body is left to its own reader');
});

t.test('every location on several routes → 400 VALIDATION_FAILED naming the path, nothing written', async (t) => {
  const { app, adminKey, database } = await world(t);
  const dept = await department(app, adminKey, 'finance', '230800');
  const key = bearer(dept.key);
  const admin = bearer(adminKey);

  const checkBody = (over: { name?: string; reference?: string; operator?: string }) => ({
    subject: { uscc: uscc(), name: over.name ?? '鹤岗市恒达建筑工程有限公司' },
    matter: { type: 'government_procurement', reference: over.reference ?? 'HGCG-2026-0451' },
    operator: { id: 'clerk-017', name: over.operator ?? '李娜' },
  });
  const publishBody = (over: { reason?: string; formerName?: string }) => ({
    list: 'finance.procurement_blacklist',
    subject: { kind: 'legal_person', uscc: uscc(), name: '某公司', formerNames: [over.formerName ?? '旧名'] },
    decisionDocNo: '测试〔2026〕1号',
    reason: over.reason ?? '测试',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'test',
    sourceRecordId: `input-${Math.random()}`,
  });

  const locations: Array<{ where: string; path: string; req: (s: string) => InjectOptions }> = [
    {
      where: 'check subject.name',
      path: '/body/subject/name',
      req: (s) => ({ method: 'POST', url: '/v1/checks', headers: key, payload: checkBody({ name: s }) }),
    },
    {
      where: 'check matter.reference',
      path: '/body/matter/reference',
      req: (s) => ({ method: 'POST', url: '/v1/checks', headers: key, payload: checkBody({ reference: s }) }),
    },
    {
      where: 'check operator.name',
      path: '/body/operator/name',
      req: (s) => ({ method: 'POST', url: '/v1/checks', headers: key, payload: checkBody({ operator: s }) }),
    },
    {
      where: 'check Idempotency-Key',
      path: '/headers/idempotency-key',
      req: (s) => ({
        method: 'POST',
        url: '/v1/checks',
        headers: { ...key, 'idempotency-key': s },
        payload: checkBody({}),
      }),
    },
    {
      where: 'x-request-id',
      path: '/headers/x-request-id',
      req: (s) => ({
        method: 'POST',
        url: '/v1/checks',
        headers: { ...key, 'x-request-id': s },
        payload: checkBody({}),
      }),
    },
    {
      where: 'batch item name',
      path: '/body/items/1/subject/name',
      req: (s) => ({
        method: 'POST',
        url: '/v1/checks/batch',
        headers: key,
        payload: {
          matter: { type: 'tax', reference: 'b-1' },
          items: [{ subject: { name: '甲公司' } }, { subject: { name: s } }],
        },
      }),
    },
    {
      where: 'publish reason',
      path: '/body/reason',
      req: (s) => ({ method: 'POST', url: '/v1/entries', headers: key, payload: publishBody({ reason: s }) }),
    },
    {
      where: 'publish formerNames[0]',
      path: '/body/subject/formerNames/0',
      req: (s) => ({ method: 'POST', url: '/v1/entries', headers: key, payload: publishBody({ formerName: s }) }),
    },
    {
      where: 'department name',
      path: '/body/name',
      req: (s) => ({
        method: 'POST',
        url: '/v1/admin/departments',
        headers: admin,
        payload: { uscc: uscc('11', '230800'), name: s, category: 'finance', region: '230800' },
      }),
    },
    {
      where: 'query',
      path: '/querystring/subject',
      req: (s) => ({ method: 'GET', url: '/v1/entries', query: { subject: s }, headers: key }),
    },
    {
      where: 'path parameter',
      path: '/params/code',
      req: (s) => ({ method: 'GET', url: `/v1/catalog/lists/${encodePath(s)}`, headers: key }),
    },
  ];

  const before = await rowCounts(database.db);
  for (const loc of locations) {
    for (const [name, s] of HOSTILE) {
      // Header values travel as latin1: a surrogate cannot be sent in one, so those rows test the body, query, path.
      // In a path, a surrogate's bytes are not UTF-8 and the router refuses the URL itself (errors.test.ts).
      if ((loc.path.startsWith('/headers/') || loc.path.startsWith('/params/')) && /[\uD800-\uDFFF]/.test(s)) continue;
      const res = await app.inject(loc.req(s));
      const body = res.json();
      t.equal(res.statusCode, 400, `${loc.where}: ${name} → 400`);
      t.match(res.headers['content-type'], /^application\/problem\+json/);
      t.equal(body.code, 'VALIDATION_FAILED', `${loc.where}: ${name} → VALIDATION_FAILED`);
      t.ok(
        (body.errors as Array<{ path: string }>).some((e) => e.path === loc.path),
        `${loc.where}: ${name} names ${loc.path} (got ${JSON.stringify(body.errors)})`,
      );
    }
  }
  t.same(countDiff(before, await rowCounts(database.db)), {}, 'no row written by any refused request');

  // The same places accept text that can be stored.
  for (const s of FINE) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: key,
      payload: checkBody({ name: `甲${s}`, reference: `r${s}`, operator: s }),
    });
    t.equal(res.statusCode, 201, `a check with ${JSON.stringify(s)} is accepted`);
  }
});

/** Percent-encodes a path segment; a lone surrogate (which encodeURIComponent refuses) as the bytes of its WTF-8 form. */
function encodePath(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

t.test('bodies are not coerced; query strings still are', async (t) => {
  const { app, adminKey, database } = await world(t);
  const dept = await department(app, adminKey, 'finance', '230800');
  const key = bearer(dept.key);
  const before = await rowCounts(database.db);
  const cases: Array<{ what: string; payload: Record<string, unknown>; path: string }> = [
    {
      what: 'a number for a string',
      payload: { subject: { name: 12345 }, matter: { type: 'tax', reference: 'r' } },
      path: '/body/subject/name',
    },
    {
      what: 'an array for a string',
      payload: { subject: { name: '甲' }, matter: { type: 'tax', reference: ['a'] } },
      path: '/body/matter/reference',
    },
    {
      what: 'a boolean for a string',
      payload: { subject: { name: '甲' }, matter: { type: 'tax', reference: true } },
      path: '/body/matter/reference',
    },
    {
      what: 'null for a string',
      payload: { subject: { name: '甲' }, matter: { type: 'tax', reference: null } },
      path: '/body/matter/reference',
    },
    {
      what: 'an object for a string',
      payload: { subject: { name: { zh: '甲' } }, matter: { type: 'tax', reference: 'r' } },
      path: '/body/subject/name',
    },
  ];
  for (const c of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/checks', headers: key, payload: c.payload });
    t.equal(res.statusCode, 400, c.what);
    t.equal(res.json().code, 'VALIDATION_FAILED', c.what);
    t.ok(
      (res.json().errors as Array<{ path: string }>).some((e) => e.path === c.path),
      `${c.what} names ${c.path}`,
    );
  }
  const points = await app.inject({
    method: 'POST',
    url: '/v1/entries',
    headers: key,
    payload: {
      list: 'finance.procurement_blacklist',
      subject: { kind: 'legal_person', uscc: uscc(), name: '某' },
      decisionDocNo: 'd',
      reason: 'r',
      decidedAt: '2026-01-15T00:00:00.000Z',
      source: 's',
      sourceRecordId: 'x',
      points: '5',
    },
  });
  t.equal(points.statusCode, 400, 'a string for an integer is refused too');
  t.same(countDiff(before, await rowCounts(database.db)), {}, 'nothing written');

  const listed = await app.inject({ url: '/v1/changes?limit=2', headers: key });
  t.equal(listed.statusCode, 200, '?limit=2 in a query string is still read as a number');
});
