// mustCheck as an approval gate: decisions from real verdicts, and fail-closed when the service is down, slow or
// answering 5xx. Failing open happens only when asked for, and is logged.
import t from 'tap';
import { APIConnectionError, APIConnectionTimeoutError, type Logger, Yingcha, mustCheck } from '../../sdk/src/index.js';
import { type Dept, uscc } from '../helpers/world.js';
import { deadPort, proxy, serve } from './harness.js';

const params = (
  code: string,
  type: 'government_procurement' | 'market_entry_and_office' = 'government_procurement',
) => ({
  subject: { uscc: code },
  matter: { type, reference: 'GUARD-1' },
});

function recorder(): Logger & { lines: Array<{ message: string; details?: Record<string, unknown> }> } {
  const lines: Array<{ message: string; details?: Record<string, unknown> }> = [];
  return { lines, warn: (message, details) => lines.push({ message, ...(details ? { details } : {}) }) };
}

t.test('decisions from the verdict', async (t) => {
  const s = await serve(t);
  const safety = await s.department('emergency_management', '230800');
  const finance = s.as(await s.department('finance', '230800'));
  const market = await s.department('market_regulation', '110000');

  const list = (dept: Dept, code: string, subject: { uscc: string; name: string }) =>
    s.as(dept).entries.publish({
      list: code,
      subject: { kind: 'enterprise', ...subject },
      decisionDocNo: '测试〔2026〕1号',
      reason: '测试',
      decidedAt: '2026-01-15T00:00:00.000Z',
      source: 'sdk-guard',
      sourceRecordId: subject.uscc,
    });
  const listed = uscc();
  await list(safety, 'safety.blacklist', { uscc: listed, name: '佳木斯市某某建筑工程有限公司' });
  const seriousIllegal = uscc('91', '110000');
  await list(market, 'market.serious_illegal', { uscc: seriousIllegal, name: '北京某某科技有限公司' });

  t.test('clear → allowed, with the receipt', async (t) => {
    const r = await finance.mustCheck(params(uscc()));
    t.match(r, { decision: 'allowed', basis: 'verdict', verdict: 'clear', measures: [], error: null });
    t.equal((await finance.checks.get(r.receiptId!)).checkId, r.receiptId, 'the receipt id names a stored receipt');
  });

  t.test('restricted → review with the measures to apply, or blocked when configured', async (t) => {
    const r = await finance.mustCheck(params(listed));
    t.match(r, { decision: 'review', basis: 'verdict', verdict: 'restricted' });
    t.ok(r.measures.length > 0 && r.measures.every((m) => m.measureId && m.text));
    t.ok(r.receiptId);
    const strict = await mustCheck(finance.checks, params(listed), { restricted: 'blocked' });
    t.equal(strict.decision, 'blocked');
  });

  t.test('prohibited → blocked', async (t) => {
    const r = await s.as(market).mustCheck(params(seriousIllegal, 'market_entry_and_office'));
    t.match(r, { decision: 'blocked', basis: 'verdict', verdict: 'prohibited' });
    t.ok(r.measures.some((m) => m.effect === 'prohibit'));
  });

  t.test('a refused request (bad key) is blocked and never fails open', async (t) => {
    const log = recorder();
    const r = await s
      .client({ apiKey: 'yc_notAKey00000000000000000000000000' })
      .mustCheck(params(uscc()), { failOpen: true, logger: log });
    t.match(r, { decision: 'blocked', basis: 'rejected', receiptId: null, verdict: null });
    t.equal(r.error?.code && ['UNKNOWN_KEY', 'MALFORMED_KEY'].includes(r.error.code), true);
    t.same(log.lines, [], 'nothing to log: it did not fail open');
  });

  t.test('a bad 统一社会信用代码 is blocked (rejected), not allowed', async (t) => {
    const r = await finance.mustCheck(params('91230400MA1B2C3D4X'));
    t.match(r, { decision: 'blocked', basis: 'rejected' });
    t.equal(r.error?.code, 'INVALID_USCC');
  });

  t.test('5xx on every attempt → blocked (unavailable)', async (t) => {
    const p = await proxy(t, s.baseUrl);
    const fault = { kind: 'status', status: 503, headers: { 'retry-after-ms': '5' } } as const;
    p.inject(() => true, fault, fault, fault);
    const r = await s.client({ baseUrl: p.baseUrl }).mustCheck(params(uscc()));
    t.match(r, { decision: 'blocked', basis: 'unavailable', receiptId: null });
    t.equal(r.error?.code, 'UNAVAILABLE');
    t.equal(p.seen.length, 3, 'the check was retried before giving up');
  });

  t.test('a timeout → blocked (unavailable)', async (t) => {
    const p = await proxy(t, s.baseUrl);
    p.inject(() => true, { kind: 'delay', ms: 5_000 });
    const r = await s.client({ baseUrl: p.baseUrl }).mustCheck(params(uscc()), { timeout: 100, maxRetries: 0 });
    t.match(r, { decision: 'blocked', basis: 'unavailable' });
    t.ok(r.error instanceof APIConnectionTimeoutError);
  });

  t.test('an abort → blocked (aborted)', async (t) => {
    const r = await finance.mustCheck(params(uscc()), { signal: AbortSignal.abort() });
    t.match(r, { decision: 'blocked', basis: 'aborted' });
  });
});

t.test('the server is down', async (t) => {
  const port = await deadPort();
  const client = new Yingcha({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'yc_whatever', maxRetries: 1 });

  t.test('fail-closed by default: blocked, no receipt, the connection error attached', async (t) => {
    const log = recorder();
    const r = await client.mustCheck(params(uscc()), { logger: log });
    t.match(r, {
      decision: 'blocked',
      basis: 'unavailable',
      verdict: null,
      receiptId: null,
      check: null,
      measures: [],
    });
    t.ok(r.error instanceof APIConnectionError);
    t.equal(r.error?.code, 'ERR_YINGCHA_CONNECTION');
    t.same(log.lines, []);
  });

  t.test('fail-open only when opted in, and logged', async (t) => {
    const log = recorder();
    const r = await client.mustCheck(params(uscc()), { failOpen: true, logger: log });
    t.match(r, { decision: 'allowed', basis: 'failed_open', receiptId: null, verdict: null });
    t.equal(log.lines.length, 1, 'one log line per fail-open decision');
    t.match(log.lines[0], {
      message: /failed open/,
      details: { matter: { reference: 'GUARD-1' }, errorCode: 'ERR_YINGCHA_CONNECTION' },
    });
  });

  t.test('the client-wide logger is used when the call names none', async (t) => {
    const log = recorder();
    const c = new Yingcha({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'yc_whatever', maxRetries: 0, logger: log });
    t.equal((await c.mustCheck(params(uscc()), { failOpen: true })).decision, 'allowed');
    t.equal(log.lines.length, 1);
  });

  t.test('plain calls reject with APIConnectionError', async (t) => {
    await t.rejects(client.checks.create(params(uscc())), APIConnectionError);
  });
});
