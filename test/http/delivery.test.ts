// At least once across a crash: the API process is killed with SIGKILL while deliveries are in flight, then started
// again on the same database. Every event still arrives, and in commit order by first arrival.
import t from 'tap';
import { serve } from '../helpers/process.js';
import { client, createdEvents, firstArrivals, publishOne, pushEnv } from '../helpers/push.js';
import { receiver } from '../helpers/receiver.js';

t.test('SIGKILL mid-delivery, then restart: nothing is lost', async (t) => {
  // A short lease, so the dead process's claim lapses quickly; still twice the request timeout.
  const env = await pushEnv(t, { YINGCHA_DELIVERY_TIMEOUT_MS: '3000', YINGCHA_DELIVERY_LEASE_MS: '6000' });
  const first = await serve(t, env);
  let api = client(first.url);
  const rx = await receiver(t);
  const sub = await api.post('/v1/subscriptions', { url: rx.url, events: ['entry.created'] });
  rx.secret = sub.secret;
  const start = (await api.get('/v1/changes?limit=1000')).nextCursor as string;
  // Slow answers keep a POST in flight most of the time, so the kill lands mid-delivery.
  rx.delay(150);
  const N = 30;
  for (let i = 0; i < N; i++) await publishOne(api, `崩溃${i}`);
  const expected = await createdEvents(api, start, N);
  t.equal(expected.length, N);
  await rx.until((r) => r.received.length >= 5);
  await first.stop('SIGKILL');
  const before = new Set(rx.delivered().map((d) => d.eventId)).size;
  t.ok(before < N, `killed with ${N - before} events still to deliver`);

  rx.delay(0);
  const second = await serve(t, env);
  api = client(second.url);
  await rx.until((r) => new Set(r.delivered().map((d) => d.eventId)).size >= N);
  const ids = rx.delivered().map((d) => d.eventId);
  t.same(firstArrivals(ids), expected, 'every event, in commit order by first arrival');
  t.ok(
    rx.delivered().every((d) => d.verified),
    'all signed',
  );
  // At least once: the event in flight at the kill may come again, and so may one whose 2xx came after our timeout
  // on a loaded machine. Duplicates are allowed; losses and reordering are not (asserted above).
  t.comment(`${ids.length - N} redelivery(ies)`);
  const state = await api.get(`/v1/subscriptions/${sub.subscriptionId}`);
  t.equal(state.delivery.failures, 0);
  t.equal(await second.stop(), 0);
});
