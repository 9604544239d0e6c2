// Every class of bad input gets its own 4xx problem+json with a stable code, and leaves nothing half-written.
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { bearer, build } from '../helpers/app.js';
import { countDiff, rowCounts, rows } from '../helpers/rows.js';

const DEPT = { uscc: '91350100M000100Y43', name: '鹤岗市财政局', category: 'finance', region: '230400' };

t.test('bad input → 4xx problem+json with a stable code', async (t) => {
  const { app, adminKey, database } = await build(t);
  const json = { 'content-type': 'application/json' };

  const checkOnly = (
    await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: { ...bearer(adminKey), ...json },
      payload: {
        departmentId: (await app.inject({ url: '/v1/admin/departments', headers: bearer(adminKey) })).json()
          .departments[0].departmentId,
        scopes: ['check'],
      },
    })
  ).json();
  const revoked = (
    await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: { ...bearer(adminKey), ...json },
      payload: { departmentId: checkOnly.departmentId, scopes: ['admin'] },
    })
  ).json();
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/admin/keys/${revoked.keyId}`, headers: bearer(adminKey) }))
      .statusCode,
    200,
  );

  const count = async () => {
    const r = await database.db.execute(
      sql`select (select count(*) from department)::int as d, (select count(*) from audit_log)::int as a, (select count(*) from api_key)::int as k`,
    );
    return JSON.stringify(rows(r));
  };
  const before = await count();

  const cases: Array<{ name: string; req: InjectOptions; status: number; code: string }> = [
    { name: 'unknown route', req: { method: 'GET', url: '/v1/nope' }, status: 404, code: 'ROUTE_NOT_FOUND' },
    {
      name: 'wrong method',
      req: { method: 'PUT', url: '/v1/admin/departments', headers: bearer(adminKey) },
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
    },
    {
      name: 'malformed JSON',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: '{"uscc": ',
      },
      status: 400,
      code: 'MALFORMED_JSON',
    },
    {
      name: 'empty JSON body',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: '' },
      status: 400,
      code: 'MALFORMED_JSON',
    },
    {
      name: 'wrong content type',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), 'content-type': 'text/plain' },
        payload: 'uscc=1',
      },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'over-large body',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: JSON.stringify({ ...DEPT, name: 'x'.repeat(1024 * 1024 + 10) }),
      },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    { name: 'missing key', req: { method: 'GET', url: '/v1/admin/departments' }, status: 401, code: 'UNAUTHENTICATED' },
    {
      name: 'malformed key (not Bearer)',
      req: { method: 'GET', url: '/v1/admin/departments', headers: { authorization: `Basic ${adminKey}` } },
      status: 401,
      code: 'MALFORMED_KEY',
    },
    {
      name: 'malformed key (bad characters)',
      req: {
        method: 'GET',
        url: '/v1/admin/departments',
        headers: { authorization: 'Bearer yc_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' },
      },
      status: 401,
      code: 'MALFORMED_KEY',
    },
    {
      name: 'unknown key',
      req: { method: 'GET', url: '/v1/admin/departments', headers: bearer('yc_' + 'A'.repeat(43)) },
      status: 401,
      code: 'UNKNOWN_KEY',
    },
    {
      name: 'revoked key',
      req: { method: 'GET', url: '/v1/admin/departments', headers: bearer(revoked.secret) },
      status: 401,
      code: 'REVOKED_KEY',
    },
    {
      name: 'missing scope',
      req: { method: 'GET', url: '/v1/admin/departments', headers: bearer(checkOnly.secret) },
      status: 403,
      code: 'FORBIDDEN_SCOPE',
    },
    {
      name: 'schema violation (missing and unknown fields)',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: { uscc: DEPT.uscc, colour: 'red' },
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'enum violation',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: { ...DEPT, category: 'police' },
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'bad region',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: { ...DEPT, region: '2304' },
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'bad USCC checksum',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: { ...DEPT, uscc: '91350100M000100Y44' },
      },
      status: 400,
      code: 'INVALID_USCC',
    },
    {
      name: 'duplicate department',
      req: {
        method: 'POST',
        url: '/v1/admin/departments',
        headers: { ...bearer(adminKey), ...json },
        payload: { ...DEPT, uscc: '11230400MB12345677' },
      },
      status: 409,
      code: 'CONFLICT',
    },
    {
      name: 'key for an unknown department',
      req: {
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { ...bearer(adminKey), ...json },
        payload: { departmentId: '00000000-0000-4000-8000-000000000000', scopes: ['check'] },
      },
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'empty scope list',
      req: {
        method: 'POST',
        url: '/v1/admin/keys',
        headers: { ...bearer(adminKey), ...json },
        payload: { departmentId: checkOnly.departmentId, scopes: [] },
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'malformed id in path',
      req: { method: 'DELETE', url: '/v1/admin/keys/not-a-uuid', headers: bearer(adminKey) },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'revoke an unknown key',
      req: { method: 'DELETE', url: '/v1/admin/keys/00000000-0000-4000-8000-000000000000', headers: bearer(adminKey) },
      status: 404,
      code: 'NOT_FOUND',
    },
    {
      name: 'bad query parameter',
      req: { method: 'GET', url: '/v1/admin/keys?departmentId=42', headers: bearer(adminKey) },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
  ];

  for (const c of cases) {
    const res = await app.inject(c.req);
    t.equal(res.statusCode, c.status, `${c.name}: status`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${c.name}: problem+json`);
    const body = res.json();
    t.equal(body.code, c.code, `${c.name}: code`);
    t.equal(body.status, c.status, `${c.name}: status in body`);
    t.type(body.title, 'string');
    t.type(body.detail, 'string');
    t.equal(body.requestId, res.headers['x-request-id'], `${c.name}: request id`);
    t.notMatch(res.body, /\bat .+:\d+:\d+|node_modules|insert into|select .* from/i, `${c.name}: no stack or SQL`);
    if (c.code === 'VALIDATION_FAILED')
      t.ok(Array.isArray(body.errors) && body.errors.length > 0, `${c.name}: errors[]`);
    if (c.code === 'METHOD_NOT_ALLOWED') t.match(res.headers.allow, /GET/);
    if (c.status === 401) t.match(res.headers['www-authenticate'], /^Bearer/);
  }
  t.equal(await count(), before, 'no rejected request wrote anything');
});

t.test('validation errors point at the field', async (t) => {
  const { app, adminKey } = await build(t);
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/departments',
    headers: bearer(adminKey),
    payload: { uscc: DEPT.uscc, category: 'finance', region: '230400', extra: true },
  });
  const paths = res
    .json()
    .errors.map((e: { path: string }) => e.path)
    .sort();
  t.same(paths, ['/body/extra', '/body/name']);
});

t.test('a caller request id is echoed when safe, replaced when not', async (t) => {
  const { app } = await build(t);
  const ok = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
  t.equal(ok.headers['x-request-id'], 'abc-123');
  const bad = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'evil\nlog line' } });
  t.not(bad.headers['x-request-id'], 'evil\nlog line');
  t.match(bad.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});

t.test('a database constraint violation is a 409 CONFLICT that shows no SQL', async (t) => {
  // drizzle wraps driver errors (DrizzleQueryError); the SQLSTATE is on its cause.
  const { database } = await build(t);
  const Fastify = (await import('fastify')).default;
  const { problemPlugin } = await import('../../api/src/plugins/problem.js');
  const { departments } = await import('../../api/src/db/schema.js');
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(problemPlugin);
  const row = { uscc: '11230400MB12345677', name: '重复', category: 'finance', region: '230400' };
  app.post('/dup', async () => {
    await database.db.insert(departments).values(row);
    return { ok: true };
  });
  const res = await app.inject({ method: 'POST', url: '/dup' });
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'CONFLICT');
  t.notMatch(res.body, /insert into|params/i);
});

t.test('SQLSTATE class 22 (data exception) is a 400 INVALID_DATA that shows no SQL', async (t) => {
  // Real statements on the test engine, each failing with a data exception; the API's error handler maps them.
  const { database } = await build(t);
  const Fastify = (await import('fastify')).default;
  const { sql } = await import('drizzle-orm');
  const { problemPlugin } = await import('../../api/src/plugins/problem.js');
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(problemPlugin);
  const statements: Record<string, ReturnType<typeof sql>> = {
    '22003 numeric out of range': sql`select ${'99999999999'}::int4 as v`,
    '22P02 invalid text representation': sql`select ${'twelve'}::int4 as v`,
    '22008 datetime field overflow': sql`select ${'0000-01-01T00:00:00Z'}::timestamptz as v`,
    '22007 invalid datetime format': sql`select ${'2026-13-45'}::date as v`,
    '22021 character not in repertoire': sql`select convert_from(${Buffer.from([0xff, 0xfe])}::bytea, 'UTF8') as v`,
    '22012 division by zero': sql`select 1 / ${0}::int4 as v`,
  };
  let i = 0;
  const urls: Record<string, string> = {};
  for (const [name, statement] of Object.entries(statements)) {
    const url = `/s${i++}`;
    urls[name] = url;
    app.get(url, async () => {
      await database.db.execute(statement);
      return { ok: true };
    });
  }
  for (const [name, url] of Object.entries(urls)) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 400, `${name}: 400`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
    t.equal(res.json().code, 'INVALID_DATA', `${name}: INVALID_DATA`);
    t.notMatch(res.body, /select|::|convert_from/i, `${name}: no SQL in the answer`);
  }
});

t.test('errors Fastify and Node raise themselves are problem+json with a stable code', async (t) => {
  const { app, adminKey } = await build(t);
  const cases: Array<{ name: string; req: InjectOptions; status: number; code: string }> = [
    {
      name: 'path parameter over maxParamLength',
      req: { url: `/v1/checks/${'a'.repeat(500)}`, headers: bearer(adminKey) },
      status: 414,
      code: 'URI_TOO_LONG',
    },
    {
      name: 'malformed percent-encoding',
      req: { url: '/v1/checks/%zz', headers: bearer(adminKey) },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      name: 'a lone surrogate, percent-encoded',
      req: { url: '/v1/catalog/lists/%ED%A0%80', headers: bearer(adminKey) },
      status: 400,
      code: 'BAD_REQUEST',
    },
  ];
  for (const c of cases) {
    const res = await app.inject(c.req);
    t.equal(res.statusCode, c.status, `${c.name}: status`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${c.name}: problem+json`);
    t.equal(res.json().code, c.code, `${c.name}: code`);
  }

  // Node's parser answers these before Fastify sees a request: only real HTTP shows them.
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const raw = async (text: string) => {
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('latin1');
    let out = '';
    socket.on('data', (d: string) => (out += d));
    socket.write(text);
    await new Promise<void>((resolve) => {
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    const [head = '', body = ''] = out.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), head, body };
  };
  const long = await raw(`GET /v1/entries?subject=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.equal(long.status, 431, 'an over-long URL → 431');
  t.match(long.head, /content-type: application\/problem\+json/i);
  t.equal(JSON.parse(long.body).code, 'HEADERS_TOO_LARGE');
  const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
  t.equal(garbage.status, 400, 'a malformed request line → 400');
  t.equal(JSON.parse(garbage.body).code, 'BAD_REQUEST');
});

t.test('dates, cursors and periods are range-checked before SQL', async (t) => {
  const { app, adminKey, database } = await build(t);
  const before = await rowCounts(database.db);
  const cursor = (text: string) => Buffer.from(text).toString('base64url');
  const cases: Array<{ name: string; url: string; code: string; path?: string }> = [
    {
      name: 'a leap second',
      url: '/v1/stats?from=2026-12-31T23:59:60Z',
      code: 'VALIDATION_FAILED',
      path: '/querystring/from',
    },
    {
      name: 'year 0',
      url: '/v1/stats?from=0000-01-01T00:00:00Z',
      code: 'VALIDATION_FAILED',
      path: '/querystring/from',
    },
    {
      name: 'past year 9999 by its offset',
      url: '/v1/stats?from=2026-01-01T00:00:00Z&to=9999-12-31T23:59:59-01:00',
      code: 'VALIDATION_FAILED',
      path: '/querystring/to',
    },
    {
      name: 'February 30th',
      url: '/v1/stats?from=2026-02-30T00:00:00Z',
      code: 'VALIDATION_FAILED',
      path: '/querystring/from',
    },
    { name: 'a 20-digit xid', url: `/v1/changes?after=${cursor('99999999999999999999:1')}`, code: 'INVALID_CURSOR' },
    { name: 'an id past 2^53', url: `/v1/changes?after=${cursor('1:99999999999999999')}`, code: 'INVALID_CURSOR' },
  ];
  for (const c of cases) {
    const res = await app.inject({ url: c.url, headers: bearer(adminKey) });
    t.equal(res.statusCode, 400, `${c.name}: 400`);
    t.equal(res.json().code, c.code, `${c.name}: ${c.code}`);
    if (c.path)
      t.ok(
        res.json().errors.some((e: { path: string }) => e.path === c.path),
        `${c.name}: names ${c.path}`,
      );
  }
  const edges = await app.inject({
    url: '/v1/stats?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z',
    headers: bearer(adminKey),
  });
  t.equal(edges.statusCode, 200, 'the widest period the engines hold is answered');
  const top = await app.inject({
    url: `/v1/changes?after=${cursor('18446744073709551615:1')}`,
    headers: bearer(adminKey),
  });
  t.equal(top.statusCode, 200, 'the largest xid8 is a valid (empty) position');
  t.same(countDiff(before, await rowCounts(database.db)), {}, 'nothing written');
});
