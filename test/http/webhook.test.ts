// Webhooks against a real server process and a real local receiver: the receiver down then up (every event
// arrives, in order for each subscription), signature verification (tampered body, old timestamp), and
// YINGCHA_WEBHOOK_ALLOW read from the environment (a loopback receiver refused without it, reached with it).
import t from 'tap';
import { signatureHeaderFor } from '../../api/src/services/delivery.js';
import { run, serve } from '../helpers/process.js';
import { PUSH_KEY, client, createdEvents, firstArrivals, publishOne, pushEnv } from '../helpers/push.js';
import { receiver, verification } from '../helpers/receiver.js';

t.test('receiver down, then up: every event arrives, in order for each subscription', async (t) => {
  const server = await serve(t, await pushEnv(t));
  const api = client(server.url);
  const rx = await receiver(t);
  const subs: Array<{ subscriptionId: string; secret: string }> = [];
  for (const s of [1, 2]) {
    subs.push(await api.post('/v1/subscriptions', { url: `${rx.url}?s=${s}`, events: ['entry.created'] }));
  }
  const start = (await api.get('/v1/changes?limit=1000')).nextCursor as string;
  await rx.down();
  const N = 20;
  for (let i = 0; i < N; i++) await publishOne(api, `停机${i}`);
  const expected = await createdEvents(api, start, N);
  t.equal(expected.length, N);

  // The attempts fail while it is down, and the log says so.
  const deadline = Date.now() + 30_000;
  let failed = 0;
  while (failed < 2 && Date.now() < deadline) {
    const log = await api.get(`/v1/subscriptions/${subs[0]!.subscriptionId}/deliveries`);
    failed = log.attempts.filter((a: { outcome: string }) => a.outcome === 'failed').length;
    if (failed < 2) await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(failed >= 2, 'failed attempts recorded while the receiver is down');
  t.equal(rx.received.length, 0);

  await rx.up();
  await rx.until((r) =>
    subs.every(
      (_, i) =>
        new Set(
          r
            .delivered()
            .filter((d) => d.path.endsWith(`s=${i + 1}`))
            .map((d) => d.eventId),
        ).size >= N,
    ),
  );
  for (const [i, sub] of subs.entries()) {
    rx.secret = sub.secret;
    const mine = rx.delivered().filter((d) => d.path.endsWith(`s=${i + 1}`));
    t.same(firstArrivals(mine.map((d) => d.eventId)), expected, `subscription ${i + 1}: all, in commit order`);
    t.ok(
      mine.every((d) => verification(sub.secret, d.headers['x-yingcha-signature'], d.body) === 'ok'),
      'signed with its own secret',
    );
  }
  t.equal(await server.stop(), 0);
});

t.test('signatures: a receiver rejects a tampered body and an old timestamp', async (t) => {
  const server = await serve(t, await pushEnv(t));
  const api = client(server.url);
  const rx = await receiver(t);
  const sub = await api.post('/v1/subscriptions', { url: rx.url, events: ['entry.created'] });
  rx.secret = sub.secret;
  await publishOne(api, '签名');
  await rx.until((r) => r.delivered().length >= 1);
  const d = rx.delivered()[0]!;
  const header = d.headers['x-yingcha-signature'] as string;
  t.ok(d.verified, 'the real delivery verifies');
  // Verified as a receiver does, with the SDK's verifyWebhook.
  t.equal(
    verification(sub.secret, header, d.body.replace('"entry.created"', '"entry.revoked"')),
    'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE',
    'tampered body',
  );
  t.equal(verification('whsec_someone_else', header, d.body), 'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE', 'another secret');
  const t0 = Number(/t=(\d+)/.exec(header)![1]);
  t.equal(verification(sub.secret, header, d.body, t0 + 301), 'ERR_YINGCHA_WEBHOOK_STALE', 'replayed after the window');
  t.equal(verification(sub.secret, header, d.body, t0 + 299), 'ok', 'within the window');
  // An attacker re-signing an old body with a fresh timestamp needs the secret.
  const forged = header.replace(/t=\d+/, `t=${t0 + 1}`);
  t.equal(
    verification(sub.secret, forged, d.body, t0 + 1),
    'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE',
    'a moved timestamp breaks the signature',
  );
  t.equal(verification(sub.secret, 'garbage', d.body), 'ERR_YINGCHA_WEBHOOK_MALFORMED_SIGNATURE');
  t.equal(verification(sub.secret, undefined, d.body), 'ERR_YINGCHA_WEBHOOK_NO_SIGNATURE');
  t.equal(
    verification(sub.secret, signatureHeaderFor([sub.secret], d.body), d.body),
    'ok',
    "the server's signer and the SDK's verifier agree",
  );
  t.equal(
    verification(sub.secret, signatureHeaderFor(['whsec_old', sub.secret], d.body), d.body),
    'ok',
    'one v1 per secret during a rotation: any may match',
  );
  t.equal(await server.stop(), 0);
});

t.test(
  'YINGCHA_WEBHOOK_ALLOW: without it a loopback receiver is refused at registration and at delivery',
  async (t) => {
    const env = await pushEnv(t);
    const closed = { ...env, YINGCHA_WEBHOOK_ALLOW: '' };
    const rx = await receiver(t);

    const bad = await run(['serve'], { ...env, YINGCHA_WEBHOOK_ALLOW: '10.0.0.0/8, 0.0.0.0/0' });
    t.equal(bad.code, 1, 'a bad allowlist stops the server');
    t.match(
      bad.stderr,
      /^yingcha: YINGCHA_WEBHOOK_ALLOW: .*0\.0\.0\.0\/0/,
      'one line naming the variable and the entry',
    );

    // Registered while the operator allowed loopback (the other tests here deliver that way); then the allowlist is
    // withdrawn and the instance restarted.
    let server = await serve(t, env);
    const sub = await client(server.url).post('/v1/subscriptions', { url: rx.url, events: ['entry.created'] });
    t.equal(await server.stop(), 0);
    server = await serve(t, closed);
    const refused = await fetch(`${server.url}/v1/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PUSH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: rx.url, events: ['entry.created'] }),
    });
    t.equal(refused.status, 400);
    t.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    t.equal(((await refused.json()) as { code: string }).code, 'FORBIDDEN_WEBHOOK_TARGET');

    const api = client(server.url);
    await publishOne(api, '收回');
    const deadline = Date.now() + 30_000;
    let attempts: Array<{ outcome: string; error: string | null; httpStatus: number | null }> = [];
    while (attempts.length < 2 && Date.now() < deadline) {
      attempts = (await api.get(`/v1/subscriptions/${sub.subscriptionId}/deliveries`)).attempts;
      if (attempts.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    t.ok(attempts.length >= 2, 'attempts recorded');
    for (const a of attempts) t.match(a, { outcome: 'failed', error: 'forbidden_target', httpStatus: null });
    t.equal(rx.received.length, 0, 'no request reached the receiver');
    t.equal(await server.stop(), 0);
  },
);
