// Every class of bad input gets its own 4xx problem+json with a stable code, and leaves nothing half-written.
import { sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { bearer, build } from '../helpers/app.js';

const DEPT = { uscc: '91350100M000100Y43', name: '鹤岗市财政局', category: 'finance', region: '230400' };

t.test('bad input → 4xx problem+json with a stable code', async (t) => {
  const { app, adminKey, database } = await build(t);
  const json = { 'content-type': 'application/json' };

  const checkOnly = (
    await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: { ...bearer(adminKey), ...json },
      payload: { departmentId: (await app.inject({ url: '/v1/admin/departments', headers: bearer(adminKey) })).json().departments[0].departmentId, scopes: ['check'] },
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
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/admin/keys/${revoked.keyId}`, headers: bearer(adminKey) })).statusCode, 200);

  const count = async () => {
    const r = await database.db.execute(sql`select (select count(*) from department)::int as d, (select count(*) from audit_log)::int as a, (select count(*) from api_key)::int as k`);
    return JSON.stringify((r as unknown as { rows?: unknown[] }).rows ?? r);
  };
  const before = await count();

  const cases: Array<{ name: string; req: InjectOptions; status: number; code: string }> = [
    { name: 'unknown route', req: { method: 'GET', url: '/v1/nope' }, status: 404, code: 'ROUTE_NOT_FOUND' },
    { name: 'wrong method', req: { method: 'PUT', url: '/v1/admin/departments', headers: bearer(adminKey) }, status: 405, code: 'METHOD_NOT_ALLOWED' },
    {
      name: 'malformed JSON',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: '{"uscc": ' },
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
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), 'content-type': 'text/plain' }, payload: 'uscc=1' },
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
      req: { method: 'GET', url: '/v1/admin/departments', headers: { authorization: 'Bearer yc_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!' } },
      status: 401,
      code: 'MALFORMED_KEY',
    },
    {
      name: 'unknown key',
      req: { method: 'GET', url: '/v1/admin/departments', headers: bearer('yc_' + 'A'.repeat(43)) },
      status: 401,
      code: 'UNKNOWN_KEY',
    },
    { name: 'revoked key', req: { method: 'GET', url: '/v1/admin/departments', headers: bearer(revoked.secret) }, status: 401, code: 'REVOKED_KEY' },
    { name: 'missing scope', req: { method: 'GET', url: '/v1/admin/departments', headers: bearer(checkOnly.secret) }, status: 403, code: 'FORBIDDEN_SCOPE' },
    {
      name: 'schema violation (missing and unknown fields)',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: { uscc: DEPT.uscc, colour: 'red' } },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'enum violation',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: { ...DEPT, category: 'police' } },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'bad region',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: { ...DEPT, region: '2304' } },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      name: 'bad USCC checksum',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: { ...DEPT, uscc: '91350100M000100Y44' } },
      status: 400,
      code: 'INVALID_USCC',
    },
    {
      name: 'duplicate department',
      req: { method: 'POST', url: '/v1/admin/departments', headers: { ...bearer(adminKey), ...json }, payload: { ...DEPT, uscc: '11230400MB12345677' } },
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
      req: { method: 'POST', url: '/v1/admin/keys', headers: { ...bearer(adminKey), ...json }, payload: { departmentId: checkOnly.departmentId, scopes: [] } },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    { name: 'malformed id in path', req: { method: 'DELETE', url: '/v1/admin/keys/not-a-uuid', headers: bearer(adminKey) }, status: 400, code: 'VALIDATION_FAILED' },
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
    if (c.code === 'VALIDATION_FAILED') t.ok(Array.isArray(body.errors) && body.errors.length > 0, `${c.name}: errors[]`);
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
  const paths = res.json().errors.map((e: { path: string }) => e.path).sort();
  t.same(paths, ['/body/extra', '/body/name']);
});

t.test('the last admin key cannot be revoked', async (t) => {
  const { app, adminKey } = await build(t);
  const keys = (await app.inject({ url: '/v1/admin/keys', headers: bearer(adminKey) })).json().keys;
  t.equal(keys.length, 1);
  const res = await app.inject({ method: 'DELETE', url: `/v1/admin/keys/${keys[0].keyId}`, headers: bearer(adminKey) });
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'LAST_ADMIN_KEY');
  t.equal((await app.inject({ url: '/v1/admin/keys', headers: bearer(adminKey) })).statusCode, 200, 'still works');
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
