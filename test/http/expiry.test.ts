// The running service moves expired records off their lists by itself: one entry.expired event in the feed, from a
// sweep that needs no operator, while the check already answered clear at validUntil.
import t from 'tap';
import { isolatedEnv, serve } from '../helpers/process.js';

const KEY = 'expiry-test-bootstrap-key-0123456789';
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

t.test('the sweep writes the expiry event once', async (t) => {
  const env = await isolatedEnv(t);
  const s = await serve(t, { ...env, YINGCHA_BOOTSTRAP_KEY: KEY, YINGCHA_DEMO: 'false', YINGCHA_EXPIRY_SWEEP_SECONDS: '1' });
  const validUntil = new Date(Date.now() + 1500).toISOString();
  const published = await fetch(`${s.url}/v1/entries`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: '91350100M000100Y43', name: '福州市到期测试有限公司' },
      decisionDocNo: '测试〔2026〕9号',
      reason: '测试',
      decidedAt: '2026-01-15T00:00:00.000Z',
      validFrom: '2026-01-15T00:00:00.000Z',
      validUntil,
      source: 'http-expiry',
      sourceRecordId: 'e-1',
    }),
  });
  t.equal(published.status, 201, await published.clone().text());
  const { entryId } = (await published.json()) as { entryId: string };

  const deadline = Date.now() + 30_000;
  let expired: Array<{ type: string; data: { entryId: string } }> = [];
  while (Date.now() < deadline) {
    const page = (await (await fetch(`${s.url}/v1/changes?type=entry.expired&limit=100`, { headers })).json()) as { events: typeof expired };
    expired = page.events.filter((e) => e.data.entryId === entryId);
    if (expired.length > 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  t.equal(expired.length, 1, 'one entry.expired event');
  // Two more sweeps run in the next seconds; none may write a second event.
  const settle = Date.now() + 2500;
  while (Date.now() < settle) await new Promise((r) => setTimeout(r, 250));
  const again = (await (await fetch(`${s.url}/v1/changes?type=entry.expired&limit=100`, { headers })).json()) as { events: typeof expired };
  t.equal(again.events.filter((e) => e.data.entryId === entryId).length, 1, 'still one after later sweeps');
  const entry = (await (await fetch(`${s.url}/v1/entries/${entryId}?view=internal`, { headers })).json()) as { status: string };
  t.equal(entry.status, 'expired');
  t.equal(await s.stop(), 0);
});
