// The real service as a child process over real HTTP: first start, bootstrap, config errors, migrations, the key
// commands and graceful shutdown. Runs on PGlite, or on a fresh PostgreSQL database when TEST_DATABASE_URL is set.
import { request as httpRequest } from 'node:http';
import t from 'tap';
import { ENGINE } from '../helpers/db.js';
import { isolatedEnv, run, serve } from '../helpers/process.js';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

t.test('first start: ready, docs, admin key printed once', async (t) => {
  const env = await isolatedEnv(t, 'empty');
  const s1 = await serve(t, env);
  const key = s1.output().match(/Admin API key \(shown once, keep it\): (yc_\S+)/)?.[1];
  t.ok(key, 'the admin key is printed on first start');
  t.match(s1.output(), /API docs: http:\/\/127\.0\.0\.1:\d+\/docs/);

  const ready = await fetch(`${s1.url}/readyz`);
  t.equal(ready.status, 200);
  t.same(await ready.json(), { status: 'ready', engine: ENGINE });
  const docs = await fetch(`${s1.url}/docs`);
  t.equal(docs.status, 200);
  t.match(await docs.text(), /swagger/i);
  const spec = (await (await fetch(`${s1.url}/openapi.json`)).json()) as { openapi: string };
  t.equal(spec.openapi, '3.1.0');

  const depts = await fetch(`${s1.url}/v1/admin/departments`, { headers: auth(key!) });
  t.equal(depts.status, 200);
  // Embedded mode is a demo (YINGCHA_DEMO defaults to true there): a second, 市场监管 demo department comes with it.
  const demo = env.DATABASE_URL === undefined;
  t.equal(((await depts.json()) as { departments: unknown[] }).departments.length, demo ? 2 : 1);
  // The first-start banner may repeat the key in its ready-to-paste curl and export lines; the log never carries it.
  const logLines = s1
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'));
  t.ok(logLines.length > 0, 'the log lines were captured');
  t.notMatch(logLines.join('\n'), key!, 'the key appears in no log line');
  t.equal(await s1.stop(), 0, 'SIGTERM exits 0');

  const s2 = await serve(t, env);
  t.notMatch(s2.output(), /Admin API key/, 'no new key on a database that has one');
  t.notMatch(s2.output(), key!, 'a restart prints the key nowhere');
  t.equal(
    (await fetch(`${s2.url}/v1/admin/departments`, { headers: auth(key!) })).status,
    200,
    'the key survives restart',
  );
  t.equal(await s2.stop(), 0);
});

t.test('YINGCHA_BOOTSTRAP_KEY becomes the first admin key', async (t) => {
  const env = await isolatedEnv(t, 'migrated');
  const key = 'automation-bootstrap-key-0123456789';
  const s = await serve(t, { ...env, YINGCHA_BOOTSTRAP_KEY: key });
  t.notMatch(s.output(), new RegExp(key), 'the given key is not echoed');
  const res = await fetch(`${s.url}/v1/admin/keys`, { headers: auth(key) });
  t.equal(res.status, 200);
  const scopes = ((await res.json()) as { keys: Array<{ scopes: string[] }> }).keys.map((k) => k.scopes);
  t.same(
    scopes.filter((s) => s.includes('admin')),
    [['check', 'publish', 'review', 'admin']],
    'one admin key, with every scope',
  );
  // Embedded mode also makes the 市场监管 demo key, scope check only.
  t.same(
    scopes.filter((s) => !s.includes('admin')),
    env.DATABASE_URL === undefined ? [['check']] : [],
  );
  const checked = await fetch(`${s.url}/v1/checks`, {
    method: 'POST',
    headers: { ...auth(key), 'content-type': 'application/json' },
    body: JSON.stringify({
      subject: { uscc: '91350100M000100Y43' },
      matter: { type: 'administrative_licensing', reference: 'http-1' },
    }),
  });
  t.equal(checked.status, 201, 'a check over real HTTP');
  t.equal(await s.stop(), 0);

  const verified = await run(['receipts', 'verify'], env);
  t.equal(verified.code, 0, verified.stderr);
  t.match(JSON.parse(verified.stdout), { ok: true, receipts: 1, firstBroken: null });
});

t.test('a bad configuration value stops boot with one line naming it', async (t) => {
  for (const [variable, value] of [
    ['PORT', 'eighty'],
    ['LOG_LEVEL', 'chatty'],
    ['YINGCHA_SECRET', 'short'],
  ] as const) {
    const r = await run(['serve'], { [variable]: value, YINGCHA_DATA_DIR: '/nonexistent' });
    t.equal(r.code, 1, `${variable}: exit code`);
    t.match(r.stderr, new RegExp(`^yingcha: ${variable}: `), `${variable}: names the variable`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${variable}: one line`);
  }
});

t.test('a migration that cannot run exits non-zero', async (t) => {
  const r = await run(['migrate'], {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/yingcha_unreachable',
    YINGCHA_SECRET: 'x'.repeat(32),
  });
  t.equal(r.code, 1);
  t.match(r.stderr, /^yingcha: /);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

t.test('keys are created and revoked from the command line', async (t) => {
  const env = await isolatedEnv(t, 'empty');
  // On an empty data directory (or database) migrate creates the schema; every later command finds it in place.
  const migrate = await run(['migrate'], env);
  t.equal(migrate.code, 0, migrate.stderr);
  t.equal(migrate.stdout, 'migrations applied\n');
  const dept = await run(
    [
      'departments',
      'create',
      '--uscc',
      '91350100M000100Y43',
      '--name',
      '鹤岗市财政局',
      '--category',
      'finance',
      '--region',
      '230400',
    ],
    env,
  );
  t.equal(dept.code, 0, dept.stderr);
  const createKey = async (scopes: string, label: string) => {
    const r = await run(
      ['keys', 'create', '--department', '91350100M000100Y43', '--scopes', scopes, '--label', label],
      env,
    );
    t.equal(r.code, 0, r.stderr);
    const secret = r.stdout.match(/secret \(shown once\): (yc_\S+)/)?.[1];
    const keyId = r.stdout.match(/^key (\S+)/)?.[1];
    t.ok(secret && keyId, `${label}: the key id and its secret are printed`);
    return { secret: secret!, keyId: keyId! };
  };
  const kept = await createKey('check,admin', 'cli');
  const revokedKey = await createKey('check,admin', 'cli-revoked');

  const bad = await run(['keys', 'create', '--department', '91350100M000100Y43', '--scopes', 'root'], env);
  t.equal(bad.code, 2, 'an unknown scope is wrong usage (exit 2)');
  t.match(bad.stderr, /unknown scope/);

  const revoked = await run(['keys', 'revoke', revokedKey.keyId], env);
  t.equal(revoked.code, 0, revoked.stderr);
  const list = await run(['keys', 'list', '--department', '91350100M000100Y43'], env);
  t.match(list.stdout, new RegExp(`${revokedKey.keyId}.*revoked`));
  t.match(list.stdout, new RegExp(`${kept.keyId}.*active`));

  const s = await serve(t, env);
  t.equal(
    (await fetch(`${s.url}/v1/admin/keys`, { headers: auth(kept.secret) })).status,
    200,
    'a key made on the command line works over HTTP',
  );
  const res = await fetch(`${s.url}/v1/admin/keys`, { headers: auth(revokedKey.secret) });
  t.equal(res.status, 401, 'a key revoked on the command line is refused');
  t.equal(((await res.json()) as { code: string }).code, 'REVOKED_KEY');
  t.equal(await s.stop(), 0);
});

t.test('SIGTERM finishes the request in flight, then closes the database', async (t) => {
  const env = await isolatedEnv(t, 'migrated');
  const key = 'graceful-shutdown-key-0123456789abcdef';
  const s = await serve(t, { ...env, YINGCHA_BOOTSTRAP_KEY: key });
  const body = JSON.stringify({
    uscc: '91110000600037341L',
    name: '在途请求测试局',
    category: 'finance',
    region: '110000',
  });
  const url = new URL(`${s.url}/v1/admin/departments`);

  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          ...auth(key),
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-request-id': 'in-flight-1',
        },
      },
      (res) => {
        let data = '';
        res.on('data', (d) => (data += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    // Half the body now; the rest only after the server has begun shutting down.
    req.write(body.slice(0, 20));
    s.waitFor(/"reqId":"in-flight-1"[^\n]*incoming request/)
      .then(() => {
        s.child.kill('SIGTERM');
        return s.waitFor(/shutting down/);
      })
      .then(() => req.end(body.slice(20)), reject);
  });

  const res = await response;
  t.equal(res.status, 201, 'the in-flight request completed');
  t.equal(JSON.parse(res.body).name, '在途请求测试局');
  const code = await new Promise<number | null>((resolve) =>
    s.child.exitCode !== null ? resolve(s.child.exitCode) : s.child.once('exit', (c) => resolve(c)),
  );
  t.equal(code, 0, 'clean exit');

  const again = await serve(t, env);
  const depts = (await (await fetch(`${again.url}/v1/admin/departments`, { headers: auth(key) })).json()) as {
    departments: Array<{ uscc: string }>;
  };
  t.ok(
    depts.departments.some((d: { uscc: string }) => d.uscc === '91110000600037341L'),
    'what the in-flight request wrote is there after restart',
  );
  t.equal(await again.stop(), 0);
});
