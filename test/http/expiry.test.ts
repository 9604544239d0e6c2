// The running service moves expired records off their lists by itself: one entry.expired event in the feed, from a
// sweep that needs no operator, while the check already answered clear at validUntil.
import t from 'tap';
import { isolatedEnv, serve } from '../helpers/process.js';
import { eventually } from '../helpers/wait.js';

const KEY = 'expiry-test-bootstrap-key-0123456789';
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

t.test('the sweep writes the expiry event once', async (t) => {
  const env = await isolatedEnv(t, 'migrated');
  const s = await serve(t, {
    ...env,
    YINGCHA_BOOTSTRAP_KEY: KEY,
    YINGCHA_DEMO: 'false',
    YINGCHA_EXPIRY_SWEEP_SECONDS: '1',
  });
  const publish = async (n: number, validUntil: Date): Promise<string> => {
    const published = await fetch(`${s.url}/v1/entries`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: '91350100M000100Y43', name: '福州市到期测试有限公司' },
        decisionDocNo: `测试〔2026〕${8 + n}号`,
        reason: '测试',
        decidedAt: '2026-01-15T00:00:00.000Z',
        validFrom: '2026-01-15T00:00:00.000Z',
        validUntil: validUntil.toISOString(),
        source: 'http-expiry',
        sourceRecordId: `e-${n}`,
      }),
    });
    t.equal(published.status, 201, await published.clone().text());
    return ((await published.json()) as { entryId: string }).entryId;
  };
  const expiredEvents = async (entryId: string) => {
    const page = (await (await fetch(`${s.url}/v1/changes?type=entry.expired&limit=100`, { headers })).json()) as {
      events: Array<{ data: { entryId: string } }>;
    };
    return page.events.filter((e) => e.data.entryId === entryId);
  };
  const expiredOnce = (entryId: string, what: string) =>
    eventually(
      () => expiredEvents(entryId),
      (events) => events.length > 0,
      what,
      { timeoutMs: 30_000, intervalMs: 250 },
    );

  const entryId = await publish(1, new Date(Date.now() + 1500));
  t.equal((await expiredOnce(entryId, 'the entry.expired event')).length, 1, 'one entry.expired event');
  // Later sweeps must not write a second event. Each of two more records runs out as soon as it is published, after
  // the event above was read, so the sweep that moves it ran after the first record had expired: two such sweeps
  // have seen the first record again.
  for (const n of [2, 3]) await expiredOnce(await publish(n, new Date()), `the sweep after record ${n - 1}'s`);
  t.equal((await expiredEvents(entryId)).length, 1, 'still one after later sweeps');
  const entry = (await (await fetch(`${s.url}/v1/entries/${entryId}?view=internal`, { headers })).json()) as {
    status: string;
  };
  t.equal(entry.status, 'expired');
  t.equal(await s.stop(), 0);
});
