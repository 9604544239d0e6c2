// Webhooks cannot reach inside: refusal at POST /v1/subscriptions and at delivery, the allowlist, DNS rebinding,
// unfollowed redirects, and failures shown as categories. Every packet goes to loopback: names resolve from a table
// (helpers/dns.ts), and refused targets are never connected to (that is what is tested).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { failureCategory, shownError } from '../../api/src/services/delivery.js';
import { startWorkers } from '../../api/src/services/workers.js';
import { bearer, build } from '../helpers/app.js';
import { LOOPBACK_ALLOW, policy } from '../helpers/dns.js';
import { receiver } from '../helpers/receiver.js';
import { eventually } from '../helpers/wait.js';
import { department, publish, uscc } from '../helpers/world.js';

const FAST = {
  pollMs: 20,
  timeoutMs: 2_000,
  leaseMs: 10_000,
  backoffBaseMs: 10,
  backoffMaxMs: 50,
  batch: 50,
  claim: 8,
  horizonMs: 600_000,
};

const TABLE = {
  'metadata.google.internal': ['169.254.169.254'],
  'intranet.test': ['10.1.2.3'],
  'public.test': ['8.8.8.8'],
  'mixed.test': ['8.8.8.8', '10.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
};

t.test('registration refuses non-public targets in every form; nothing is written', async (t) => {
  const { app, adminKey } = await build(t, { webhooks: policy('', TABLE) });
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const count = async () =>
    (await app.inject({ url: '/v1/subscriptions', headers: bearer(adminKey) })).json().subscriptions.length;
  const create = (url: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: bearer(dept.key),
      payload: { url, events: ['entry.created'] },
    });
  const before = await count();
  const refused = [
    'http://127.0.0.1:3000/hook',
    'http://[::1]/hook',
    'http://localhost:5432/',
    'http://LOCALHOST./',
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://10.0.0.1/',
    'https://172.16.5.4/',
    'http://192.168.0.10:8080/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://127.1/',
    'http://0/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://192.0.2.1/',
    'http://[2001:db8::1]/',
    'http://198.18.0.1/',
    'http://240.0.0.1/',
    'http://mixed.test/',
    'http://mapped.test/',
    'http://intranet.test/',
  ];
  for (const url of refused) {
    const res = await create(url);
    t.equal(res.statusCode, 400, `${url}: ${res.body}`);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(res.json().code, 'FORBIDDEN_WEBHOOK_TARGET', url);
    t.ok(
      res.json().errors?.some((e: { path: string }) => e.path === '/body/url'),
      url,
    );
    t.notMatch(
      res.body,
      /10\.0\.0\.1|169\.254|127\.0\.0\.1/,
      'the answer names a category, not what a name resolved to',
    );
  }
  t.equal(await count(), before, 'no refused subscription was stored');
  // Public targets, and a name that does not resolve now (the delivery-time check still applies to it), are accepted.
  for (const url of ['https://public.test/hook', 'http://8.8.8.8/hook', 'https://no-such-name.test/hook']) {
    t.equal((await create(url)).statusCode, 201, url);
  }
});

t.test('the allowlist opens exactly the ranges and names it lists', async (t) => {
  const { app, adminKey } = await build(t, {
    webhooks: policy('10.1.0.0/16 metadata.google.internal *.svc.test', {
      ...TABLE,
      'a.svc.test': ['192.168.7.7'],
      'svc.test': ['192.168.7.7'],
    }),
  });
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const create = (url: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: bearer(dept.key),
      payload: { url, events: ['entry.created'] },
    });
  for (const url of [
    'http://10.1.2.3/',
    'http://intranet.test/',
    'http://metadata.google.internal/',
    'http://a.svc.test/',
  ]) {
    t.equal((await create(url)).statusCode, 201, `${url} opened`);
  }
  for (const url of ['http://10.2.0.1/', 'http://169.254.169.254/', 'http://svc.test/', 'http://127.0.0.1/']) {
    t.equal((await create(url)).json().code, 'FORBIDDEN_WEBHOOK_TARGET', `${url} still closed`);
  }
});

t.test('delivery to a loopback receiver: refused without the allowlist, delivered with it', async (t) => {
  // The app lets the loopback URL be registered (the allowlist was open then); the workers run with the operator's
  // allowlist as it is now: empty, so the connection is refused before a packet leaves.
  const { app, database, adminKey } = await build(t, { webhooks: policy(LOOPBACK_ALLOW) });
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const rx = await receiver(t);
  const sub = (
    await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: bearer(dept.key),
      payload: { url: rx.url, events: ['entry.created'] },
    })
  ).json();
  rx.secret = sub.secret;
  const closed = await startWorkers(database, { ...FAST, ...policy('') });
  const res = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '回环' },
  });
  t.equal(res.statusCode, 201);
  const deliveries = () =>
    app
      .inject({ url: `/v1/subscriptions/${sub.subscriptionId}/deliveries`, headers: bearer(dept.key) })
      .then((r) => r.json());
  const refused = await eventually(deliveries, (l) => l.attempts.length >= 2, 'two refused attempts');
  await closed.stop();
  t.equal(rx.received.length, 0, 'the receiver never saw a request');
  for (const a of refused.attempts) t.match(a, { outcome: 'failed', httpStatus: null, error: 'forbidden_target' });

  const open = await startWorkers(database, { ...FAST, ...policy(LOOPBACK_ALLOW) });
  t.teardown(() => open.stop());
  await rx.until((r) => r.delivered().length === 1, 20_000);
  t.ok(rx.delivered()[0]!.verified);
  t.equal(JSON.parse(rx.delivered()[0]!.body).data.entryId, res.json().entryId);
});

t.test('DNS rebinding: the address connected to is the one checked', async (t) => {
  const rx = await receiver(t);
  const port = new URL(rx.url).port;
  // At registration the name answers a public address; at delivery it answers loopback (alone, or among public ones).
  const { app, database, adminKey } = await build(t, {
    webhooks: policy('', { 'rebind.test': ['8.8.8.8'], 'rebind2.test': ['8.8.8.8'] }),
  });
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const subs = [];
  for (const host of ['rebind.test', 'rebind2.test']) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: bearer(dept.key),
      payload: { url: `http://${host}:${port}/hook`, events: ['entry.created'] },
    });
    t.equal(res.statusCode, 201, res.body);
    subs.push(res.json());
  }
  const w = await startWorkers(database, {
    ...FAST,
    ...policy('', { 'rebind.test': ['127.0.0.1'], 'rebind2.test': ['8.8.8.8', '127.0.0.1'] }),
  });
  t.teardown(() => w.stop());
  await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '重绑定' },
  });
  for (const sub of subs) {
    const log = await eventually(
      () =>
        app
          .inject({ url: `/v1/subscriptions/${sub.subscriptionId}/deliveries`, headers: bearer(dept.key) })
          .then((r) => r.json()),
      (l) => l.attempts.length >= 1,
      'an attempt',
    );
    t.match(log.attempts[0], { outcome: 'failed', error: 'forbidden_target' }, sub.url);
  }
  t.equal(rx.received.length, 0, 'nothing reached the loopback receiver');
});

t.test('by name, with the allowlist: the connection goes to the checked address', async (t) => {
  const rx = await receiver(t);
  const port = new URL(rx.url).port;
  const { app, database, adminKey } = await build(t, {
    webhooks: policy(LOOPBACK_ALLOW, { 'hooks.test': ['127.0.0.1'] }),
  });
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const sub = (
    await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: bearer(dept.key),
      payload: { url: `http://hooks.test:${port}/hook`, events: ['entry.created'] },
    })
  ).json();
  rx.secret = sub.secret;
  const w = await startWorkers(database, { ...FAST, ...policy(LOOPBACK_ALLOW, { 'hooks.test': ['127.0.0.1'] }) });
  t.teardown(() => w.stop());
  await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '按名' },
  });
  await rx.until((r) => r.delivered().length === 1, 20_000);
  t.equal(rx.delivered()[0]!.headers.host, `hooks.test:${port}`, 'the Host header keeps the name');
  t.ok(rx.delivered()[0]!.verified);
});

t.test('redirects are not followed; failures are categories', async (t) => {
  const target = await receiver(t);
  // A receiver that answers every POST with a redirect to another loopback receiver.
  const redirector = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(307, { location: target.url }).end());
  });
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => redirector.close(() => r())));
  const redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`;
  // A port nothing listens on: bound, then released.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/hook`;
  await new Promise<void>((r) => probe.close(() => r()));
  const slow = await receiver(t);
  slow.delay(10_000);

  const { app, database, adminKey } = await build(t);
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const ids: Record<string, string> = {};
  for (const [name, url] of [
    ['redirect', redirectUrl],
    ['refused', deadUrl],
    ['timeout', slow.url],
  ] as const) {
    ids[name] = (
      await app.inject({
        method: 'POST',
        url: '/v1/subscriptions',
        headers: bearer(dept.key),
        payload: { url, events: ['entry.created'] },
      })
    ).json().subscriptionId;
  }
  // Long enough for a loopback answer on a loaded machine, far below the slow receiver's 10 s.
  const w = await startWorkers(database, { ...FAST, timeoutMs: 3_000, ...policy(LOOPBACK_ALLOW) });
  t.teardown(() => w.stop());
  await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '分类' },
  });
  const first = (id: string) =>
    eventually(
      () =>
        app
          .inject({ url: `/v1/subscriptions/${id}/deliveries`, headers: bearer(dept.key) })
          .then((r) => r.json().attempts.at(-1)),
      (a) => a !== undefined,
      `an attempt for ${id}`,
    );
  t.match(await first(ids.redirect!), { outcome: 'failed', httpStatus: 307, error: 'http_status' });
  t.match(await first(ids.refused!), { outcome: 'failed', httpStatus: null, error: 'refused' });
  t.match(await first(ids.timeout!), { outcome: 'failed', httpStatus: null, error: 'timeout' });
  t.equal(target.received.length, 0, 'the redirect was not followed');
});

t.test('failureCategory reads codes, never messages', async (t) => {
  const err = (code: string, name = 'Error') => Object.assign(new Error('raw text with 10.0.0.1:5432'), { code, name });
  t.equal(failureCategory(err('ECONNREFUSED')), 'refused');
  t.equal(failureCategory(err('UND_ERR_CONNECT_TIMEOUT')), 'timeout');
  t.equal(failureCategory(err('UND_ERR_HEADERS_TIMEOUT')), 'timeout');
  t.equal(failureCategory(Object.assign(new Error('x'), { name: 'TimeoutError' })), 'timeout');
  t.equal(failureCategory(err('ENOTFOUND')), 'dns');
  t.equal(failureCategory(err('CERT_HAS_EXPIRED')), 'tls');
  t.equal(failureCategory(err('ERR_TLS_CERT_ALTNAME_INVALID')), 'tls');
  t.equal(failureCategory(err('DEPTH_ZERO_SELF_SIGNED_CERT')), 'tls');
  t.equal(failureCategory(err('UND_ERR_SOCKET')), 'connection');
  t.equal(failureCategory(err('ECONNRESET')), 'connection');
  t.equal(failureCategory(Object.assign(new Error('fetch failed'), { cause: err('ECONNREFUSED') })), 'refused');
  t.equal(failureCategory(err('EHOSTUNREACH')), 'network');
  t.equal(failureCategory(undefined), 'network');
  // Attempts recorded before categories kept the raw text; they are shown as the category they stand for.
  t.equal(shownError('UND_ERR_SOCKET'), 'network');
  t.equal(shownError('ECONNREFUSED'), 'refused');
  t.equal(shownError('HTTP 503'), 'http_status');
  t.equal(shownError('timed out after 10000 ms'), 'timeout');
  t.equal(shownError('tls'), 'tls');
  t.equal(shownError(null), null);
});
