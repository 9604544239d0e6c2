// Webhook verification: signatures computed here independently with node:crypto, then a real delivery signed by the
// server's delivery worker and verified by a receiver written with the SDK.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import {
  SIGNATURE_HEADER,
  type WebhookEvent,
  WebhookVerificationError,
  signWebhook,
  verifyWebhook,
} from '../../sdk/src/index.js';
import { uscc } from '../helpers/world.js';
import { serve, until, workers } from './harness.js';

const SECRET = 'whsec_test_0123456789abcdef';
const NOW = 1_800_000_000;
const body = JSON.stringify({
  eventId: '42',
  type: 'entry.revoked',
  occurredAt: '2026-11-22T08:30:00.000Z',
  data: { entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f', list: 'safety.blacklist', version: 2, status: 'revoked' },
});
const hmac = (secret: string, ts: number, payload: string) =>
  createHmac('sha256', secret).update(`${ts}.${payload}`).digest('hex');
const header = (ts: number, ...sigs: string[]) => [`t=${ts}`, ...sigs.map((s) => `v1=${s}`)].join(',');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    return err.code;
  }
}

t.test('verifyWebhook', async (t) => {
  t.test('a valid delivery returns the typed event', async (t) => {
    const event = verifyWebhook({ body, signature: header(NOW, hmac(SECRET, NOW, body)), secret: SECRET, now: NOW });
    t.equal(event.type, 'entry.revoked');
    if (event.type === 'entry.revoked') t.equal(event.data.status, 'revoked', 'data is typed by the event type');
    t.equal(event.eventId, '42');
  });

  t.test('a Buffer body verifies the same', async (t) => {
    t.equal(
      verifyWebhook({
        body: Buffer.from(body),
        signature: header(NOW, hmac(SECRET, NOW, body)),
        secret: SECRET,
        now: NOW,
      }).eventId,
      '42',
    );
  });

  t.test('a tampered body, a wrong secret', async (t) => {
    const sig = header(NOW, hmac(SECRET, NOW, body));
    t.equal(
      code(() => verifyWebhook({ body: body.replace('revoked', 'created'), signature: sig, secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE',
    );
    t.equal(
      code(() => verifyWebhook({ body, signature: sig, secret: 'whsec_other', now: NOW })),
      'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE',
    );
    t.equal(
      code(() =>
        verifyWebhook({ body, signature: header(NOW + 1, hmac(SECRET, NOW, body)), secret: SECRET, now: NOW }),
      ),
      'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE',
      'the timestamp is part of what is signed',
    );
  });

  t.test('the timestamp must be within the tolerance, either way', async (t) => {
    const old = NOW - 301;
    t.equal(
      code(() => verifyWebhook({ body, signature: header(old, hmac(SECRET, old, body)), secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_STALE',
    );
    const future = NOW + 301;
    t.equal(
      code(() =>
        verifyWebhook({ body, signature: header(future, hmac(SECRET, future, body)), secret: SECRET, now: NOW }),
      ),
      'ERR_YINGCHA_WEBHOOK_STALE',
    );
    t.equal(
      verifyWebhook({
        body,
        signature: header(old, hmac(SECRET, old, body)),
        secret: SECRET,
        now: NOW,
        toleranceSeconds: 600,
      }).eventId,
      '42',
    );
  });

  t.test('a missing or malformed header', async (t) => {
    t.equal(
      code(() => verifyWebhook({ body, signature: undefined, secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_NO_SIGNATURE',
    );
    t.equal(
      code(() => verifyWebhook({ body, signature: '', secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_NO_SIGNATURE',
    );
    t.equal(
      code(() => verifyWebhook({ body, signature: 'v1=abc', secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_MALFORMED_SIGNATURE',
    );
    t.equal(
      code(() => verifyWebhook({ body, signature: `t=${NOW}`, secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_MALFORMED_SIGNATURE',
    );
    t.equal(
      code(() => verifyWebhook({ body, signature: `t=${NOW},v1=${'0'.repeat(63)}`, secret: SECRET, now: NOW })),
      'ERR_YINGCHA_WEBHOOK_MALFORMED_SIGNATURE',
    );
  });

  t.test('a signed body that is not an event', async (t) => {
    const notJson = 'hello';
    t.equal(
      code(() =>
        verifyWebhook({ body: notJson, signature: header(NOW, hmac(SECRET, NOW, notJson)), secret: SECRET, now: NOW }),
      ),
      'ERR_YINGCHA_WEBHOOK_MALFORMED_BODY',
    );
    const notEvent = '{"a":1}';
    t.equal(
      code(() =>
        verifyWebhook({
          body: notEvent,
          signature: header(NOW, hmac(SECRET, NOW, notEvent)),
          secret: SECRET,
          now: NOW,
        }),
      ),
      'ERR_YINGCHA_WEBHOOK_MALFORMED_BODY',
    );
  });

  t.test('secret rotation: several secrets, several v1 values', async (t) => {
    const sig = header(NOW, hmac('whsec_old', NOW, body), hmac('whsec_new', NOW, body));
    t.equal(verifyWebhook({ body, signature: sig, secret: 'whsec_new', now: NOW }).eventId, '42');
    t.equal(
      verifyWebhook({
        body,
        signature: header(NOW, hmac('whsec_old', NOW, body)),
        secret: ['whsec_new', 'whsec_old'],
        now: NOW,
      }).eventId,
      '42',
    );
  });

  t.test('signWebhook produces what the server sends', async (t) => {
    t.equal(signWebhook(body, SECRET, NOW), header(NOW, hmac(SECRET, NOW, body)));
  });
});

t.test('a real delivery from the server verifies', async (t) => {
  const s = await serve(t);
  const safety = await s.department('emergency_management', '230400');
  const received: Array<{ event?: WebhookEvent; error?: string }> = [];
  let secret = '';
  const hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        received.push({
          event: verifyWebhook({ body: Buffer.concat(chunks), signature: req.headers[SIGNATURE_HEADER], secret }),
        });
        res.writeHead(204).end();
      } catch (err) {
        received.push({ error: (err as WebhookVerificationError).code });
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => hook.close(() => resolve())));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

  const sub = await s.as(safety).subscriptions.create({ url, events: ['entry.created'] });
  secret = sub.secret;
  t.match(secret, /^whsec_/);
  const delivery = await workers(t, s);

  const firm = uscc('91', '230400');
  const published = await s.as(safety).entries.publish({
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: firm, name: '鹤岗市某某煤矿有限公司' },
    decisionDocNo: '鹤应急〔2026〕7号',
    reason: '重大安全生产事故',
    decidedAt: '2026-01-15T00:00:00.000Z',
    scopeRegion: '230400',
    source: 'sdk-webhook',
    sourceRecordId: 'w-1',
  });
  delivery.wake();
  const first = await until(() => received[0], 'the delivery', 20_000);
  t.equal(first.error, undefined, 'the server’s signature verifies with the SDK');
  t.equal(first.event?.type, 'entry.created');
  if (first.event?.type === 'entry.created') t.equal(first.event.data.entryId, published.entryId);

  // The event names whom it is about, in the signed body and on the feed alike, so a receiver can match it unfetched.
  const dept = (await s.admin.admin.departments.list({ limit: 1000 })).departments.find(
    (d) => d.departmentId === safety.departmentId,
  )!;
  const about = {
    entryId: published.entryId,
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', name: '鹤岗市某某煤矿有限公司', uscc: firm, idMasked: null },
    region: '230400',
    decidingDepartment: { departmentId: safety.departmentId, name: dept.name },
    version: 1,
    status: 'active',
  };
  t.match(first.event?.data, about, 'the delivered event');
  let fed: unknown;
  for await (const e of s.as(safety).changes.list({ type: ['entry.created'] }))
    if ((e.data as { entryId?: string }).entryId === published.entryId) fed = e;
  t.match(fed, { eventId: first.event?.eventId, data: about }, 'the same on the change feed');
  const deliveries = await until(async () => {
    const d = await s.as(safety).subscriptions.deliveries(sub.subscriptionId);
    return d.attempts.length > 0 ? d : undefined;
  }, 'the attempt log');
  t.equal(deliveries.attempts[0]?.outcome, 'delivered');
});
