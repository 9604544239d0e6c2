// Subscriptions: management rules, and delivery by in-process workers to a real local receiver: order, retries with
// backoff, dead-letter after the horizon, replay, the attempts log.
import t from 'tap';
import { backoffMs } from '../../api/src/services/delivery.js';
import { startWorkers } from '../../api/src/services/workers.js';
import { bearer } from '../helpers/app.js';
import { FAST_WORKERS } from '../helpers/dns.js';
import { receiver } from '../helpers/receiver.js';
import { eventually, within } from '../helpers/wait.js';
import { department, publish, uscc, world } from '../helpers/world.js';

const FAST = FAST_WORKERS;

t.test('backoff is exponential, jittered and capped', async (t) => {
  t.equal(
    backoffMs(1, 1000, 60_000, () => 0),
    500,
  );
  t.equal(
    backoffMs(1, 1000, 60_000, () => 1),
    1000,
  );
  t.equal(
    backoffMs(4, 1000, 60_000, () => 1),
    8000,
  );
  t.equal(
    backoffMs(30, 1000, 60_000, () => 1),
    60_000,
  );
  const samples = new Set(Array.from({ length: 20 }, () => backoffMs(3, 1000, 60_000)));
  t.ok(samples.size > 1, 'jittered');
  for (const s of samples) t.ok(s >= 2000 && s <= 4000, `${s} within [2000, 4000]`);
});

t.test('managing subscriptions', async (t) => {
  const { app, adminKey } = await world(t);
  const a = await department(app, adminKey, 'finance', '230400', ['check']);
  const b = await department(app, adminKey, 'taxation', '230400', ['check']);
  const publisher = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const create = (key: string, payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/subscriptions', headers: bearer(key), payload: payload as object });

  const made = await create(a.key, {
    url: 'https://example.test/hook',
    events: ['entry.created', 'watch.hit'],
    filters: { lists: ['safety.blacklist'], regions: ['230400'] },
  });
  t.equal(made.statusCode, 201, made.body);
  const sub = made.json();
  t.match(sub, {
    subscriptionId: /^[0-9a-f-]{36}$/,
    secret: /^whsec_/,
    departmentId: a.departmentId,
    events: ['entry.created', 'watch.hit'],
  });

  t.test('the secret is shown once', async (t) => {
    const list = await app.inject({ url: '/v1/subscriptions', headers: bearer(a.key) });
    t.equal(list.statusCode, 200);
    t.equal(list.json().subscriptions.length, 1);
    t.notOk('secret' in list.json().subscriptions[0]);
    t.notOk(list.body.includes(sub.secret));
    const one = await app.inject({ url: `/v1/subscriptions/${sub.subscriptionId}`, headers: bearer(a.key) });
    t.notOk(one.body.includes(sub.secret));
  });

  t.test('a department sees and deletes only its own; an admin manages all', async (t) => {
    t.same((await app.inject({ url: '/v1/subscriptions', headers: bearer(b.key) })).json().subscriptions, []);
    for (const [method, url] of [
      ['GET', `/v1/subscriptions/${sub.subscriptionId}`],
      ['DELETE', `/v1/subscriptions/${sub.subscriptionId}`],
      ['GET', `/v1/subscriptions/${sub.subscriptionId}/deliveries`],
      ['POST', `/v1/subscriptions/${sub.subscriptionId}/deliveries/1/replay`],
    ] as const) {
      const res = await app.inject({ method, url, headers: bearer(b.key) });
      t.equal(res.statusCode, 404, `${method} ${url}`);
      t.equal(res.json().code, 'NOT_FOUND');
    }
    const all = (await app.inject({ url: '/v1/subscriptions', headers: bearer(adminKey) })).json().subscriptions;
    t.ok(all.some((s: { subscriptionId: string }) => s.subscriptionId === sub.subscriptionId));
    const other = (await create(b.key, { url: 'http://127.0.0.1:9/x', events: ['entry.revoked'] })).json();
    const del = await app.inject({
      method: 'DELETE',
      url: `/v1/subscriptions/${other.subscriptionId}`,
      headers: bearer(adminKey),
    });
    t.equal(del.statusCode, 200);
    t.same(del.json(), { subscriptionId: other.subscriptionId, deleted: true });
    t.equal(
      (
        await app.inject({
          method: 'DELETE',
          url: `/v1/subscriptions/${other.subscriptionId}`,
          headers: bearer(adminKey),
        })
      ).statusCode,
      404,
      'gone',
    );
  });

  t.test('bad input', async (t) => {
    const cases: Array<[unknown, string, string]> = [
      [{ url: 'ftp://example.test/x', events: ['entry.created'] }, 'VALIDATION_FAILED', '/body/url'],
      [{ url: 'not a url', events: ['entry.created'] }, 'VALIDATION_FAILED', '/body/url'],
      [{ url: 'https://u:p@example.test/x', events: ['entry.created'] }, 'VALIDATION_FAILED', '/body/url'],
      [{ url: 'https://example.test/x', events: [] }, 'VALIDATION_FAILED', '/body/events'],
      [{ url: 'https://example.test/x', events: ['entry.exploded'] }, 'VALIDATION_FAILED', '/body/events/0'],
      [
        { url: 'https://example.test/x', events: ['entry.created'], filters: { lists: ['no.such'] } },
        'VALIDATION_FAILED',
        '/body/filters/lists/0',
      ],
      [
        { url: 'https://example.test/x', events: ['entry.created'], filters: { regions: ['23'] } },
        'VALIDATION_FAILED',
        '/body/filters/regions/0',
      ],
      [{ url: 'https://example.test/x', events: ['entry.created'], extra: 1 }, 'VALIDATION_FAILED', '/body/extra'],
    ];
    for (const [payload, code, path] of cases) {
      const res = await create(a.key, payload);
      t.equal(res.statusCode, 400, JSON.stringify(payload));
      t.equal(res.json().code, code);
      t.ok(
        res.json().errors.some((e: { path: string }) => e.path === path),
        `${path} in ${res.body}`,
      );
    }
    t.equal(
      (await create(publisher.key, { url: 'https://example.test/x', events: ['entry.created'] })).json().code,
      'FORBIDDEN_SCOPE',
    );
    t.equal(
      (await app.inject({ url: '/v1/subscriptions/not-a-uuid', headers: bearer(a.key) })).json().code,
      'VALIDATION_FAILED',
    );
    t.equal((await app.inject({ url: '/v1/subscriptions' })).json().code, 'UNAUTHENTICATED');
    const before = (await app.inject({ url: '/v1/subscriptions', headers: bearer(adminKey) })).json().subscriptions
      .length;
    await create(a.key, { url: 'https://example.test/x', events: ['entry.created'], filters: { lists: ['no.such'] } });
    t.equal(
      (await app.inject({ url: '/v1/subscriptions', headers: bearer(adminKey) })).json().subscriptions.length,
      before,
      'a rejected request writes nothing',
    );
  });
});

t.test('delivery: order, signature, retries, dead letter, replay', async (t) => {
  const { app, database, adminKey } = await world(t);
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const rx = await receiver(t);
  const sub = (
    await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: bearer(dept.key),
      payload: { url: rx.url, events: ['entry.created', 'entry.revoked'] },
    })
  ).json();
  rx.secret = sub.secret;
  let workers = await startWorkers(database, { ...FAST, horizonMs: 60_000 });
  t.teardown(() => workers.stop());
  const pub = async (name: string) => {
    const res = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: uscc(), name },
    });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().entryId as string;
  };

  t.test('delivered in order, signed, with the documented body and headers', async (t) => {
    const ids = [await pub('一'), await pub('二'), await pub('三')];
    await rx.until((r) => r.delivered().length >= 3);
    const got = rx.delivered();
    t.same(
      got.map((d) => JSON.parse(d.body).data.entryId),
      ids,
    );
    for (const d of got) {
      t.ok(d.verified, 'signature verifies');
      const body = JSON.parse(d.body);
      t.same(Object.keys(body).sort(), ['data', 'eventId', 'occurredAt', 'type']);
      t.equal(d.headers['x-yingcha-event-id'], body.eventId);
      t.equal(d.headers['x-yingcha-event-type'], 'entry.created');
      t.match(d.headers['x-yingcha-signature'], /^t=\d+,v1=[0-9a-f]{64}$/);
    }
  });

  t.test('receiver errors: retried with backoff, order kept, attempts recorded', async (t) => {
    const before = rx.delivered().length;
    rx.respond(503);
    const ids = [await pub('四'), await pub('五')];
    await rx.until((r) => r.received.filter((x) => x.status === 503).length >= 3);
    rx.respond(200);
    await rx.until((r) => r.delivered().length >= before + 2);
    t.same(
      rx
        .delivered()
        .slice(before)
        .map((d) => JSON.parse(d.body).data.entryId),
      ids,
      'in order after the failures',
    );
    // The receiver has the POST before the worker has recorded its answer: wait for the record.
    const second = rx.delivered()[before + 1]!.eventId;
    const log = await eventually(
      async () =>
        (
          await app.inject({ url: `/v1/subscriptions/${sub.subscriptionId}/deliveries`, headers: bearer(dept.key) })
        ).json(),
      (l) =>
        l.attempts.some((a: { eventId: string; outcome: string }) => a.eventId === second && a.outcome === 'delivered'),
      'the second delivery recorded',
    );
    const first = rx.delivered()[before]!.eventId;
    const forFirst = log.attempts.filter((a: { eventId: string }) => a.eventId === first).reverse();
    t.ok(forFirst.length >= 4, 'three failures and a success');
    t.same(
      forFirst.map((a: { attempt: number }) => a.attempt),
      forFirst.map((_: unknown, i: number) => i + 1),
    );
    t.match(forFirst[0], { outcome: 'failed', httpStatus: 503, error: 'http_status' });
    t.match(forFirst.at(-1), { outcome: 'delivered', httpStatus: 200, error: null });
    const stamps = forFirst.map((a: { attemptedAt: string }) => Date.parse(a.attemptedAt));
    t.ok(stamps[2] - stamps[1] >= 5, 'waits between attempts');
    const state = (
      await app.inject({ url: `/v1/subscriptions/${sub.subscriptionId}`, headers: bearer(dept.key) })
    ).json();
    t.match(state.delivery, { failures: 0, failingSince: null, deadLetters: 0 });
    t.ok(state.delivery.delivered >= 5);
  });

  t.test('after the horizon the head goes to dead-letter, the rest flows, and a replay delivers it', async (t) => {
    await workers.stop();
    workers = await startWorkers(database, { ...FAST, horizonMs: 0 });
    const before = rx.delivered().length;
    rx.respond(500);
    const dead = await pub('六');
    await rx.until((r) => r.received.some((x) => x.status === 500 && JSON.parse(x.body).data.entryId === dead));
    rx.respond(200);
    const after = await pub('七');
    await rx.until((r) => r.delivered().some((x) => JSON.parse(x.body).data.entryId === after));
    t.notOk(
      rx
        .delivered()
        .slice(before)
        .some((x) => JSON.parse(x.body).data.entryId === dead),
      'the dead event was not delivered',
    );
    const log = (
      await app.inject({ url: `/v1/subscriptions/${sub.subscriptionId}/deliveries`, headers: bearer(dept.key) })
    ).json();
    t.equal(log.deadLetters.length, 1);
    const letter = log.deadLetters[0];
    t.match(letter, { status: 'dead', failures: 1, lastError: 'http_status' });
    t.equal(
      (await app.inject({ url: `/v1/subscriptions/${sub.subscriptionId}`, headers: bearer(dept.key) })).json().delivery
        .deadLetters,
      1,
    );

    const missing = await app.inject({
      method: 'POST',
      url: `/v1/subscriptions/${sub.subscriptionId}/deliveries/999999/replay`,
      headers: bearer(dept.key),
    });
    t.equal(missing.json().code, 'NOT_FOUND');
    const replay = await app.inject({
      method: 'POST',
      url: `/v1/subscriptions/${sub.subscriptionId}/deliveries/${letter.eventId}/replay`,
      headers: bearer(dept.key),
    });
    t.equal(replay.statusCode, 202, replay.body);
    t.same(replay.json(), { eventId: letter.eventId, status: 'replay_queued' });
    await rx.until((r) => r.delivered().some((x) => x.eventId === letter.eventId));
    const replayed = rx.delivered().find((x) => x.eventId === letter.eventId)!;
    t.ok(replayed.verified);
    t.equal(JSON.parse(replayed.body).data.entryId, dead);
    const after2 = await eventually(
      async () =>
        (
          await app.inject({ url: `/v1/subscriptions/${sub.subscriptionId}/deliveries`, headers: bearer(dept.key) })
        ).json(),
      (l) => l.deadLetters[0].status === 'replayed',
      'the dead letter marked replayed',
    );
    t.equal(after2.deadLetters[0].status, 'replayed');
  });

  t.test('a deleted subscription receives nothing more', async (t) => {
    const before = rx.received.length;
    t.equal(
      (
        await app.inject({
          method: 'DELETE',
          url: `/v1/subscriptions/${sub.subscriptionId}`,
          headers: bearer(dept.key),
        })
      ).statusCode,
      200,
    );
    // A second subscription proves the workers are running when the first stays silent.
    const rx2 = await receiver(t);
    const sub2 = (
      await app.inject({
        method: 'POST',
        url: '/v1/subscriptions',
        headers: bearer(dept.key),
        payload: { url: rx2.url, events: ['entry.created'] },
      })
    ).json();
    rx2.secret = sub2.secret;
    const id = await pub('八');
    await rx2.until((r) => r.delivered().some((x) => JSON.parse(x.body).data.entryId === id));
    t.equal(rx.received.length, before);
  });
});

t.test('a commit wakes the workers: delivery does not wait for the poll interval', async (t) => {
  const { app, database, adminKey } = await world(t);
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const rx = await receiver(t);
  await app.inject({
    method: 'POST',
    url: '/v1/subscriptions',
    headers: bearer(dept.key),
    payload: { url: rx.url, events: ['entry.created'] },
  });
  // The first pass runs at start; after it the loop would sleep a minute unless a notification wakes it.
  const workers = await startWorkers(database, { ...FAST, pollMs: 60_000, horizonMs: 60_000 });
  t.teardown(() => workers.stop());
  await within(workers.idle(), 'the first passes of the workers');
  const started = Date.now();
  const res = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '唤醒' },
  });
  t.equal(res.statusCode, 201);
  await rx.until((r) => r.delivered().length === 1, 20_000);
  t.ok(
    Date.now() - started < 20_000,
    `delivered ${Date.now() - started} ms after the commit, with a 60 s poll interval`,
  );
});
