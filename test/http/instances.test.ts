// Two API processes on one PostgreSQL database, both running delivery workers: no event is successfully delivered
// twice to a subscription because the two raced. PGlite is a single-process database, so this runs on PostgreSQL only.
import t from 'tap';
import { ENGINE } from '../helpers/db.js';
import { serve } from '../helpers/process.js';
import { client, createdEvents, firstArrivals, publishOne, pushEnv } from '../helpers/push.js';
import { receiver } from '../helpers/receiver.js';

t.test(
  'two instances share the work and never deliver an event twice',
  { skip: ENGINE === 'pglite' ? 'PGlite is one process; set TEST_DATABASE_URL to run this on PostgreSQL' : false },
  async (t) => {
    // One subscription per claim and two events per claim: the instances keep taking subscriptions from each other.
    const env = await pushEnv(t, { YINGCHA_DELIVERY_CLAIM: '1', YINGCHA_DELIVERY_BATCH: '2' });
    const a = await serve(t, env);
    const b = await serve(t, { ...env, YINGCHA_DATA_DIR: `${env.YINGCHA_DATA_DIR}-b` });
    const apiA = client(a.url);
    const apiB = client(b.url);
    const rx = await receiver(t);
    // Some answers slow and some failing, so claims, retries and lease checks interleave between the two.
    rx.delay(5);
    const SUBS = 4;
    const subs: Array<{ subscriptionId: string; secret: string }> = [];
    for (let s = 0; s < SUBS; s++)
      subs.push(
        await (s % 2 ? apiA : apiB).post('/v1/subscriptions', { url: `${rx.url}?s=${s}`, events: ['entry.created'] }),
      );
    const start = (await apiA.get('/v1/changes?limit=1000')).nextCursor as string;
    const N = 40;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < N / 4; i++) await publishOne(w % 2 ? apiA : apiB, `双实例${w}-${i}`);
      }),
    );
    const expected = await createdEvents(apiA, start, N);
    t.equal(expected.length, N);
    await rx.until(
      (r) =>
        subs.every(
          (_, s) =>
            new Set(
              r
                .delivered()
                .filter((d) => d.path.endsWith(`s=${s}`))
                .map((d) => d.eventId),
            ).size >= N,
        ),
      120_000,
    );

    for (let s = 0; s < SUBS; s++) {
      const mine = rx.delivered().filter((d) => d.path.endsWith(`s=${s}`));
      t.equal(mine.length, N, `subscription ${s}: each event delivered successfully exactly once`);
      t.same(firstArrivals(mine.map((d) => d.eventId)), expected, `subscription ${s}: in commit order`);
    }
    const workers = new Set<string>();
    for (const sub of subs) {
      const log = await apiA.get(`/v1/subscriptions/${sub.subscriptionId}/deliveries?limit=1000`);
      const delivered = log.attempts.filter((x: { outcome: string }) => x.outcome === 'delivered');
      t.equal(delivered.length, N, 'the attempts log agrees');
      for (const x of delivered) workers.add(x.worker);
    }
    // Which instance wins each claim is up to timing, so sharing is reported rather than asserted.
    t.comment(`delivered by ${workers.size} worker(s)`);
    t.equal(await a.stop(), 0);
    t.equal(await b.stop(), 0);
  },
);

t.test(
  'a key revoked through one instance stops working on the other at once (NOTIFY), not after the cache TTL',
  { skip: ENGINE === 'pglite' ? 'PGlite is one process; set TEST_DATABASE_URL to run this on PostgreSQL' : false },
  async (t) => {
    const env = await pushEnv(t);
    const a = await serve(t, env);
    const b = await serve(t, { ...env, YINGCHA_DATA_DIR: `${env.YINGCHA_DATA_DIR}-b` });
    const admin = client(a.url);
    const dept = (await admin.get('/v1/admin/departments')).departments[0];
    const key = await admin.post('/v1/admin/keys', { departmentId: dept.departmentId, scopes: ['check'] });
    const onB = () => fetch(`${b.url}/v1/changes?limit=1`, { headers: { authorization: `Bearer ${key.secret}` } });
    t.equal((await onB()).status, 200, 'B knows the key and caches it');
    const revokedAt = Date.now();
    await fetch(`${a.url}/v1/admin/keys/${key.keyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${env.YINGCHA_BOOTSTRAP_KEY}` },
    });
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 10_000) {
      status = (await onB()).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = Date.now() - revokedAt;
    t.equal(status, 401, 'B refuses the revoked key');
    t.ok(elapsed < 2_000, `refused after ${elapsed} ms, well inside the 5 s cache TTL`);
    t.equal(await a.stop(), 0);
    t.equal(await b.stop(), 0);
  },
);
