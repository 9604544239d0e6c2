// Rotation end to end through the SDK against the real app on a random loopback port: an API key (both keys work
// during the overlap, then the old one answers EXPIRED_KEY) and a subscription secret (deliveries carry both
// signatures during the overlap, then only the new one), verified by a receiver written with the SDK.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { APIError, SIGNATURE_HEADER, verifyWebhook, WebhookVerificationError } from '../../sdk/src/index.js';
import { uscc } from '../helpers/world.js';
import { serve, until, workers } from './harness.js';

t.test('a key rotated through the SDK: both work during the overlap, then EXPIRED_KEY', async (t) => {
  const s = await serve(t);
  const dept = await s.admin.admin.departments.create({
    uscc: uscc('11', '230400'),
    name: '鹤岗市财政局',
    category: 'finance',
    region: '230400',
  });
  const key = await s.admin.admin.keys.create({
    departmentId: dept.departmentId,
    scopes: ['check'],
    label: '审批系统',
  });
  const old = s.client({ apiKey: key.secret, maxRetries: 0 });
  t.ok((await old.catalog.lists.list()).lists.length > 0, 'the key works');

  const { successor, previous } = await s.admin.admin.keys.rotate(key.keyId, { overlapSeconds: 3 });
  t.match(successor, { departmentId: dept.departmentId, scopes: ['check'], label: '审批系统' });
  t.equal(previous.successorId, successor.keyId);
  const next = s.client({ apiKey: successor.secret, maxRetries: 0 });
  t.ok((await old.catalog.lists.list()).lists.length > 0, 'the old key works during the overlap');
  t.ok((await next.catalog.lists.list()).lists.length > 0, 'so does its successor');

  const refused = await until(
    () =>
      old.catalog.lists.list().then(
        () => undefined,
        (err: unknown) => err,
      ),
    'the end of the overlap',
    20_000,
  );
  t.ok(refused instanceof APIError);
  t.equal((refused as APIError).status, 401);
  t.equal((refused as APIError).code, 'EXPIRED_KEY');
  t.ok(Date.now() >= Date.parse(previous.expiresAt!), 'not before the stated end');
  t.ok((await next.catalog.lists.list()).lists.length > 0, 'the successor goes on');

  const listed = (await s.admin.admin.keys.list({ departmentId: dept.departmentId })).keys;
  t.match(
    listed.find((k) => k.keyId === key.keyId),
    { successorId: successor.keyId, expiresAt: previous.expiresAt },
  );
  const again = await s.admin.admin.keys.rotate(key.keyId).catch((err: unknown) => err);
  t.equal((again as APIError).code, 'CONFLICT', 'an expired key is not rotated again');
});

t.test('a subscription secret rotated through the SDK: two signatures during the overlap, then one', async (t) => {
  const s = await serve(t);
  const safety = await s.department('emergency_management', '230400');
  const finance = await s.department('finance', '230400', ['check']);
  const got: Array<{ body: Buffer; signature: string }> = [];
  const hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ body: Buffer.concat(chunks), signature: String(req.headers[SIGNATURE_HEADER]) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => hook.close(() => resolve())));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  const sub = await s.as(finance).subscriptions.create({ url, events: ['entry.created'] });
  const delivery = await workers(t, s);
  let n = 0;
  const publishAndReceive = async () => {
    const before = got.length;
    await s.as(safety).entries.publish({
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: uscc('91', '230400'), name: `鹤岗市轮换${++n}有限公司` },
      decisionDocNo: '鹤应急〔2026〕9号',
      reason: '重大安全生产事故',
      decidedAt: '2026-01-15T00:00:00.000Z',
      source: 'sdk-rotation',
      sourceRecordId: `r-${n}`,
    });
    delivery.wake();
    return until(() => got[before], `delivery ${n}`, 20_000);
  };
  const verifies = (d: { body: Buffer; signature: string }, secret: string | string[]) => {
    try {
      verifyWebhook({ body: d.body, signature: d.signature, secret });
      return true;
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      return false;
    }
  };

  const first = await publishAndReceive();
  t.equal(first.signature.match(/v1=/g)?.length, 1, 'one signature before any rotation');
  t.ok(verifies(first, sub.secret));

  const rotated = await s.as(finance).subscriptions.rotateSecret(sub.subscriptionId, { overlapSeconds: 3 });
  t.not(rotated.secret, sub.secret);
  t.ok(rotated.previousSecretValidUntil);
  const during = await publishAndReceive();
  t.equal(during.signature.match(/v1=/g)?.length, 2, 'v1= twice during the overlap');
  t.ok(verifies(during, sub.secret), 'a receiver still on the old secret verifies');
  t.ok(verifies(during, rotated.secret), 'a receiver already on the new secret verifies');
  t.ok(verifies(during, [rotated.secret, sub.secret]));

  // Wait out the overlap by the server's own statement of it, then the next delivery carries only the new signature.
  await until(
    () => (Date.now() > Date.parse(rotated.previousSecretValidUntil!) + 50 ? true : undefined),
    'the end of the overlap',
    20_000,
  );
  const after = await publishAndReceive();
  t.equal(after.signature.match(/v1=/g)?.length, 1, 'one signature after the overlap');
  t.ok(verifies(after, rotated.secret));
  t.notOk(verifies(after, sub.secret), 'the old secret no longer verifies');

  const zero = await s.as(finance).subscriptions.rotateSecret(sub.subscriptionId, { overlapSeconds: 0 });
  t.equal(zero.previousSecretValidUntil, null, 'overlap 0 retires the previous secret at once');
  const bad = await s
    .as(finance)
    .subscriptions.rotateSecret(sub.subscriptionId, { overlapSeconds: 40 * 86_400 })
    .catch((err: unknown) => err);
  t.equal((bad as APIError).code, 'VALIDATION_FAILED');
  const other = await s.department('taxation', '230400', ['check']);
  const foreign = await s
    .as(other)
    .subscriptions.rotateSecret(sub.subscriptionId)
    .catch((err: unknown) => err);
  // Without a body (curl -X POST) the defaults apply: a 24 h overlap.
  const bare = await fetch(`${s.baseUrl}/v1/subscriptions/${sub.subscriptionId}/rotate-secret`, {
    method: 'POST',
    headers: { authorization: `Bearer ${finance.key}` },
  });
  t.equal(bare.status, 200);
  const bareBody = (await bare.json()) as { previousSecretValidUntil: string };
  t.ok(Date.parse(bareBody.previousSecretValidUntil) - Date.now() > 23 * 3600_000, 'the default overlap is 24 h');
  t.equal((foreign as APIError).code, 'NOT_FOUND', "another department's subscription is not found");
});
