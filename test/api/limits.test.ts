// Fair limits (plugins/rate-limit.ts): per-key budgets per scope class with RateLimit-* headers and 429 RATE_LIMITED,
// a department budget for batch items (a batch of N counts N), a stricter budget of failed authentications per
// client address, and bounded concurrent jobs per department. Each on the memory store and on Redis (127.0.0.1:6379).
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { buildApp } from '../../api/src/app.js';
import { JobGates, type LimitOptions } from '../../api/src/plugins/rate-limit.js';
import { ApiError } from '../../api/src/errors.js';
import { bearer, build, TEST_SECRET } from '../helpers/app.js';
import { countDiff, rowCounts } from '../helpers/rows.js';
import { department } from '../helpers/world.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function assertLimited(t: Test, res: LightMyRequestResponse, max: number, what: string) {
  t.equal(res.statusCode, 429, `${what}: 429`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${what}: problem+json`);
  t.equal(res.json().code, 'RATE_LIMITED', `${what}: RATE_LIMITED`);
  t.ok(Number(res.headers['retry-after']) >= 1, `${what}: Retry-After`);
  t.equal(Number(res.headers['ratelimit-limit']), max, `${what}: RateLimit-Limit`);
  t.equal(Number(res.headers['ratelimit-remaining']), 0, `${what}: RateLimit-Remaining`);
  t.ok(Number(res.headers['ratelimit-reset']) >= 0, `${what}: RateLimit-Reset`);
}

const checkRead = (app: FastifyInstance, key: string) =>
  app.inject({ url: `/v1/checks/${randomUUID()}`, headers: bearer(key) });
const batch = (app: FastifyInstance, key: string, n: number) =>
  app.inject({
    method: 'POST',
    url: '/v1/checks/batch',
    headers: bearer(key),
    payload: {
      matter: { type: 'tax', reference: `b-${randomUUID()}` },
      items: Array.from({ length: n }, (_, i) => ({ subject: { name: `某公司${i}` } })),
    },
  });

for (const store of ['memory', 'redis'] as const) {
  t.test(`budgets on the ${store} store`, async (t) => {
    const prefix = `yingcha-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const limits: Partial<LimitOptions> = {
      checks: 3,
      batchItems: 5,
      authFailures: 3,
      windowMs: 60_000,
      ...(store === 'redis' ? { redisUrl: REDIS_URL, redisPrefix: prefix } : {}),
    };
    const { app, adminKey, database } = await build(t, { limits });
    const a = await department(app, adminKey, 'finance', '230800', ['check']);
    const b = await department(app, adminKey, 'taxation', '230800', ['check']);

    t.test('per key: checks', async (t) => {
      for (let i = 0; i < 3; i++) {
        const res = await checkRead(app, a.key);
        t.equal(res.statusCode, 404, `request ${i + 1} is answered`);
        t.equal(Number(res.headers['ratelimit-remaining']), 2 - i, 'RateLimit-Remaining counts down');
        t.equal(Number(res.headers['ratelimit-limit']), 3);
      }
      assertLimited(t, await checkRead(app, a.key), 3, 'the fourth check request');
      t.equal((await checkRead(app, b.key)).statusCode, 404, "another key's budget is its own");
    });

    t.test('per department: batch items, a batch of N counts N', async (t) => {
      const before = await rowCounts(database.db);
      t.equal((await batch(app, b.key, 3)).statusCode, 200, '3 of 5 items');
      const over = await batch(app, b.key, 3);
      assertLimited(t, over, 5, 'a batch that would pass the budget');
      t.same(countDiff(before, await rowCounts(database.db)).check_receipt, 3, 'the refused batch wrote no receipt');
      const c = await department(app, adminKey, 'court', '110000', ['check']);
      t.equal((await batch(app, c.key, 5)).statusCode, 200, 'another department has its own budget');
    });

    t.test('per address: failed authentication, stricter and before the key lookup', async (t) => {
      const unknown = `yc_${'Z'.repeat(43)}`;
      for (let i = 0; i < 3; i++) t.equal((await checkRead(app, unknown)).statusCode, 401, `failure ${i + 1} is a 401`);
      assertLimited(t, await checkRead(app, unknown), 3, 'the next attempt from that address');
      assertLimited(t, await checkRead(app, b.key), 3, 'even with a good key, from that address');
      const other = await app.inject({
        url: `/v1/checks/${randomUUID()}`,
        headers: bearer(b.key),
        remoteAddress: '127.0.0.2',
      });
      t.equal(other.statusCode, 404, 'another address is not affected');
      t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'public routes are not limited');
    });
  });
}

t.test('Redis: instances share the counters', async (t) => {
  const prefix = `yingcha-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const limits = { checks: 4, redisUrl: REDIS_URL, redisPrefix: prefix };
  const first = await build(t, { limits });
  const second = await buildApp({ database: first.database, secret: TEST_SECRET, limits });
  t.teardown(() => second.close());
  await second.ready();
  const a = await department(first.app, first.adminKey, 'finance', '230800', ['check']);
  for (let i = 0; i < 2; i++) t.equal((await checkRead(first.app, a.key)).statusCode, 404);
  for (let i = 0; i < 2; i++) t.equal((await checkRead(second, a.key)).statusCode, 404);
  assertLimited(t, await checkRead(second, a.key), 4, 'the fifth request, on the other instance');
  assertLimited(t, await checkRead(first.app, a.key), 4, 'and on the first');
});

t.test('an unreachable Redis lets requests through', async (t) => {
  const { app, adminKey } = await build(t, {
    limits: { checks: 1, redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'x:' },
  });
  const a = await department(app, adminKey, 'finance', '230800', ['check']);
  for (let i = 0; i < 3; i++) t.equal((await checkRead(app, a.key)).statusCode, 404, `request ${i + 1}`);
});

t.test('jobs per department are bounded; batches share the instance slots', async (t) => {
  const gates = new JobGates(2, 1);
  const l1 = gates.enter('d1');
  const l2 = gates.enter('d1');
  const refused = (() => {
    try {
      gates.enter('d1');
    } catch (err) {
      return err;
    }
    return null;
  })();
  t.ok(
    refused instanceof ApiError && refused.code === 'DEPARTMENT_BUSY' && refused.extra.headers?.['retry-after'] === '1',
    'a third job → DEPARTMENT_BUSY with Retry-After',
  );
  const other = gates.enter('d2');
  l1();
  l1(); // a second release of the same job changes nothing
  const l3 = gates.enter('d1');
  t.throws(() => gates.enter('d1'), 'still two at most');
  for (const leave of [l2, l3, other]) leave();

  const order: string[] = [];
  let release!: () => void;
  const first = gates.slot(() => new Promise<void>((r) => (release = r)).then(() => order.push('first')));
  const second = gates.slot(async () => void order.push('second'));
  await new Promise((r) => setImmediate(r));
  t.same(order, [], 'the second batch waits for the slot');
  release();
  await Promise.all([first, second]);
  t.same(order, ['first', 'second']);

  // Through HTTP: with one job per department running (held here through the app's own gate, so the test does not
  // race a batch against another), the department's next batch is refused, another department's is not.
  const held = new JobGates(1, 2);
  const { app, adminKey } = await build(t, { limits: { gates: held } });
  const a = await department(app, adminKey, 'finance', '230800', ['check', 'publish']);
  const b = await department(app, adminKey, 'taxation', '230800', ['check']);
  const leave = held.enter(a.departmentId);
  const busy = await batch(app, a.key, 2);
  t.equal(busy.statusCode, 429);
  t.equal(busy.json().code, 'DEPARTMENT_BUSY');
  t.equal(busy.headers['retry-after'], '1');
  const imported = await app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { ...bearer(a.key), 'content-type': 'text/csv' },
    payload: 'list,kind,name\n',
  });
  t.equal(imported.statusCode, 429, 'an import is a job too');
  t.equal(imported.json().code, 'DEPARTMENT_BUSY');
  t.equal((await batch(app, b.key, 2)).statusCode, 200, 'another department is not held up');
  leave();
  t.equal((await batch(app, a.key, 2)).statusCode, 200, 'once the job ends, the department may run another');
});
