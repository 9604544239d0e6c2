// Retries, timeouts and aborts, through a node:http proxy in front of the real app: the proxy injects one fault
// (a 503 with Retry-After, a delay, a dropped answer) and passes everything else to the server.
import t from 'tap';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
  USER_AGENT,
} from '../../sdk/src/index.js';
import { uscc } from '../helpers/world.js';
import { proxy, serve, until } from './harness.js';

const MATTER = { type: 'administrative_licensing', reference: 'RETRY-1' } as const;
const isCheck = (m: string, u: string) => m === 'POST' && u === '/v1/checks';
const isGet = (prefix: string) => (m: string, u: string) => m === 'GET' && u.startsWith(prefix);

t.test('retries, timeouts, aborts', async (t) => {
  const s = await serve(t);
  const p = await proxy(t, s.baseUrl);
  const client = s.client({ baseUrl: p.baseUrl });
  const requestsTo = (pred: (m: string, u: string) => boolean) => p.seen.filter((r) => pred(r.method, r.url));

  t.test('a 503 with Retry-After is retried after the server’s delay', async (t) => {
    const route = isGet('/v1/catalog/categories');
    p.inject(route, { kind: 'status', status: 503, headers: { 'retry-after': '1' } });
    const res = await client.catalog.categories();
    t.ok(res.categories.length > 0, 'the retry got the real answer');
    const [first, second] = requestsTo(route);
    t.equal(requestsTo(route).length, 2);
    t.ok(second!.at - first!.at >= 950, `waited ${second!.at - first!.at} ms for Retry-After: 1`);
  });

  t.test('a 5xx is retried at most maxRetries times, then thrown typed', async (t) => {
    const route = isGet('/v1/catalog/matter-types');
    const fault = { kind: 'status', status: 503, headers: { 'retry-after-ms': '10' } } as const;
    p.inject(route, fault, fault, fault);
    const err = await client.catalog.matterTypes({ maxRetries: 2 }).catch((e: unknown) => e);
    t.ok(err instanceof ServiceUnavailableError);
    t.ok(err instanceof InternalServerError, '503 is a server error');
    t.match(err, { status: 503, code: 'UNAVAILABLE' });
    t.equal(requestsTo(route).length, 3, 'one attempt and two retries');
  });

  t.test('the server’s x-should-retry wins over the status', async (t) => {
    const route = isGet('/v1/admin/receipts');
    p.inject(route, { kind: 'status', status: 503, headers: { 'x-should-retry': 'false' } });
    await t.rejects(client.admin.receipts.verify(), ServiceUnavailableError);
    t.equal(requestsTo(route).length, 1);
  });

  t.test('a write that is neither idempotent nor keyed is not retried', async (t) => {
    const finance = await s.department('finance', '110000', ['check', 'publish']);
    const entry = await s.as(finance, { baseUrl: p.baseUrl }).entries.publish({
      list: 'procurement.bad_record',
      subject: { kind: 'enterprise', uscc: uscc(), name: '北京某某工程有限公司' },
      decisionDocNo: '京财采〔2026〕1号',
      reason: '提供虚假材料',
      decidedAt: '2026-01-15T00:00:00.000Z',
      source: 'sdk-retry',
      sourceRecordId: 'r-1',
    });
    const route = (m: string, u: string) => m === 'POST' && u.endsWith('/revoke');
    p.inject(route, { kind: 'status', status: 503, headers: { 'retry-after': '0' } });
    await t.rejects(
      s.as(finance, { baseUrl: p.baseUrl }).entries.revoke(entry.entryId, { reason: '测试' }),
      ServiceUnavailableError,
    );
    t.equal(requestsTo(route).length, 1);
  });

  t.test('a Retry-After beyond a minute is not waited for', async (t) => {
    const route = isGet('/v1/admin/departments');
    p.inject(route, { kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const started = Date.now();
    await t.rejects(client.admin.departments.list(), RateLimitError);
    t.ok(Date.now() - started < 5_000);
    t.equal(requestsTo(route).length, 1);
  });

  t.test('a lost answer to a check is retried with the same Idempotency-Key: one receipt', async (t) => {
    const before = (await s.admin.admin.receipts.verify()).receipts;
    p.inject(isCheck, { kind: 'drop-answer' });
    const seenBefore = requestsTo(isCheck).length;
    const check = await client.checks.create({ subject: { uscc: uscc() }, matter: MATTER });
    const attempts = requestsTo(isCheck).slice(seenBefore);
    t.equal(attempts.length, 2, 'the first answer was dropped, so the SDK sent the check twice');
    t.equal(attempts[0]!.upstream, 201, 'the server recorded the first attempt');
    const key = attempts[0]!.headers['idempotency-key'];
    t.match(key, /^yc-sdk-[0-9a-f-]{36}$/);
    t.equal(attempts[1]!.headers['idempotency-key'], key, 'the retry carried the same key');
    t.equal(attempts[1]!.upstream, 200, 'the server replayed the stored receipt');
    const after = await s.admin.admin.receipts.verify();
    t.equal(after.receipts, before + 1, 'exactly one receipt');
    t.equal(after.ok, true);
    // The retry was answered from the receipt the lost answer carried.
    t.equal(check.replayed, true);
    const { replayed: _replayed, ...answered } = check;
    t.same(await s.admin.checks.get(check.checkId), answered);
  });

  t.test('each check gets its own key; a caller’s key is sent as given', async (t) => {
    const n = requestsTo(isCheck).length;
    await client.checks.create({ subject: { uscc: uscc() }, matter: MATTER });
    await client.checks.create({ subject: { uscc: uscc() }, matter: MATTER }, { idempotencyKey: 'order-4711' });
    const [a, b] = requestsTo(isCheck).slice(n);
    t.not(a!.headers['idempotency-key'], undefined);
    t.equal(b!.headers['idempotency-key'], 'order-4711');
  });

  t.test('a dropped answer to an unkeyed write is a connection error, not a retry', async (t) => {
    const route = (m: string, u: string) => m === 'POST' && u === '/v1/checks/batch';
    p.inject(route, { kind: 'drop-answer' });
    const err = await client.checks
      .batch({ matter: MATTER, items: [{ subject: { uscc: uscc() } }] })
      .catch((e: unknown) => e);
    t.ok(err instanceof APIConnectionError);
    t.notOk(err instanceof APIConnectionTimeoutError);
    t.equal((err as APIConnectionError).code, 'ERR_YINGCHA_CONNECTION');
    t.equal(requestsTo(route).length, 1);
  });

  t.test('a slow answer times out per attempt, and idempotent calls retry the timeout', async (t) => {
    const route = isGet('/v1/catalog/lists');
    p.inject(route, { kind: 'delay', ms: 5_000 }, { kind: 'delay', ms: 5_000 });
    const started = Date.now();
    const err = await client.catalog.lists.list({}, { timeout: 150, maxRetries: 1 }).catch((e: unknown) => e);
    t.ok(err instanceof APIConnectionTimeoutError, String(err));
    t.ok(err instanceof APIConnectionError, 'a timeout is a connection error too');
    t.equal((err as APIConnectionTimeoutError).code, 'ERR_YINGCHA_TIMEOUT');
    t.equal(requestsTo(route).length, 2);
    t.ok(Date.now() - started < 4_000, 'did not wait for the slow server');
  });

  t.test('the timeout covers the body too: headers sent, body stalled', async (t) => {
    const route = isGet('/v1/catalog/memoranda');
    p.inject(route, { kind: 'stall-body' });
    const err = await client.catalog.memoranda.list({}, { timeout: 300, maxRetries: 0 }).catch((e: unknown) => e);
    t.ok(err instanceof APIConnectionTimeoutError, String(err));
    t.equal(requestsTo(route).at(-1)?.upstream, 200, 'the server had answered');
  });

  t.test('the client-wide timeout applies when a call sets none', async (t) => {
    const route = isGet('/readyz');
    p.inject(route, { kind: 'delay', ms: 5_000 });
    const impatient = s.client({ baseUrl: p.baseUrl, timeout: 100, maxRetries: 0 });
    await t.rejects(impatient.health.ready(), APIConnectionTimeoutError);
  });

  t.test('an abort while the request is in flight', async (t) => {
    const route = isGet('/healthz');
    p.inject(route, { kind: 'delay', ms: 5_000 });
    const n = requestsTo(route).length;
    const controller = new AbortController();
    const pending = client.health.live({ signal: controller.signal }).catch((e: unknown) => e);
    await until(() => (requestsTo(route).length > n ? true : undefined), 'the request to reach the proxy');
    controller.abort();
    const err = await pending;
    t.ok(err instanceof APIUserAbortError, String(err));
    t.equal((err as APIUserAbortError).code, 'ERR_YINGCHA_ABORTED');
    t.equal(requestsTo(route).length, n + 1, 'an abort is never retried');
  });

  t.test('an abort during the wait before a retry', async (t) => {
    const route = isGet('/v1/admin/keys');
    p.inject(route, { kind: 'status', status: 503, headers: { 'retry-after': '30' } });
    const n = requestsTo(route).length;
    const controller = new AbortController();
    const pending = client.admin.keys.list({}, { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => (requestsTo(route).length > n ? true : undefined), 'the first attempt');
    controller.abort();
    t.ok((await pending) instanceof APIUserAbortError);
    t.equal(requestsTo(route).length, n + 1);
  });

  t.test('an already aborted signal sends nothing', async (t) => {
    const n = p.seen.length;
    await t.rejects(client.health.live({ signal: AbortSignal.abort() }), APIUserAbortError);
    t.equal(p.seen.length, n);
  });

  t.test('User-Agent names the SDK and Node versions; the key goes in Authorization', async (t) => {
    await client.health.live();
    const last = p.seen.at(-1)!;
    t.equal(last.headers['user-agent'], USER_AGENT);
    t.match(USER_AGENT, /^yingcha-sdk\/\d+\.\d+\.\d+ node\/\d+\.\d+\.\d+$/);
    t.equal(last.headers.authorization, `Bearer ${s.adminKey}`);
    await client.health.live({ headers: { 'X-Request-Id': 'trace-4711', 'User-Agent': 'my-app/1.0' } });
    t.match(
      p.seen.at(-1)!.headers,
      { 'x-request-id': 'trace-4711', 'user-agent': 'my-app/1.0' },
      'per-call headers win',
    );
  });
});
