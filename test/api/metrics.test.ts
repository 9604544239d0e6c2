// GET /metrics after real traffic: every counter moved by exactly what the traffic implies, the scrape-time gauges
// describe the database as it is, and `promtool check metrics` accepts the exposition.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { bearer } from '../helpers/app.js';
import { csv, row } from '../helpers/import.js';
import { department, publish, uscc, world } from '../helpers/world.js';

type Scrape = Map<string, number>;

/** Series → value, keyed as written (`name{a="x",b="y"}`); label order as prom-client writes it. */
export function parseExposition(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

t.test('metrics after real traffic, and promtool accepts the scrape', async (t) => {
  const { app, adminKey } = await world(t);
  const checker = await department(app, adminKey, 'market_regulation', '230400', ['check']);
  const scrape = async () => {
    const res = await app.inject({ url: '/metrics' });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    return res.body;
  };
  const before = parseExposition(await scrape());
  const delta = (after: Scrape, series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

  // A subscription first, so the two records published next are its backlog (no workers run under buildApp).
  const sub = await app.inject({
    method: 'POST',
    url: '/v1/subscriptions',
    headers: bearer(adminKey),
    payload: { url: 'https://example.test/hook', events: ['entry.created'] },
  });
  t.equal(sub.statusCode, 201, sub.body);
  const listed = uscc();
  for (const subject of [
    { kind: 'enterprise', uscc: listed, name: '鹤岗市指标测试有限公司' },
    { kind: 'enterprise', uscc: uscc(), name: '鹤岗市指标测试二有限公司' },
  ]) {
    const p = await publish(app, adminKey, { list: 'safety.blacklist', subject });
    t.equal(p.statusCode, 201, p.body);
  }

  // Checks: two single ones, one replayed through Idempotency-Key, and a batch of three.
  const verdicts = new Map<string, number>();
  const saw = (v: string) => verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
  const single = (subject: object, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: { ...bearer(checker.key), ...headers },
      payload: { subject, matter: { type: 'administrative_licensing', reference: 'M-1' } },
    });
  const idempotencyKey = `metrics-${randomUUID()}`;
  const first = await single({ uscc: listed }, { 'idempotency-key': idempotencyKey });
  t.equal(first.statusCode, 201, first.body);
  saw(first.json().verdict);
  const replay = await single({ uscc: listed }, { 'idempotency-key': idempotencyKey });
  t.equal(replay.statusCode, 200, replay.body);
  const second = await single({ uscc: uscc() });
  t.equal(second.statusCode, 201, second.body);
  saw(second.json().verdict);
  const batch = await app.inject({
    method: 'POST',
    url: '/v1/checks/batch',
    headers: bearer(checker.key),
    payload: {
      matter: { type: 'public_bidding', reference: 'B-1' },
      items: [{ subject: { uscc: listed } }, { subject: { uscc: uscc() } }, { subject: { uscc: uscc() } }],
    },
  });
  t.equal(batch.statusCode, 200, batch.body);
  const batchVerdicts = new Map<string, number>();
  for (const r of batch.json().results)
    batchVerdicts.set(r.check.verdict, (batchVerdicts.get(r.check.verdict) ?? 0) + 1);

  // Refusals and misses.
  t.equal((await app.inject({ url: `/v1/checks/${randomUUID()}`, headers: bearer(checker.key) })).statusCode, 404);
  t.equal((await app.inject({ url: `/v1/checks/${randomUUID()}`, headers: bearer(checker.key) })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/v1/checks', payload: {} })).statusCode, 401);
  t.equal((await app.inject({ url: '/no/such/route' })).statusCode, 404);
  // A trailing slash reaches the same route and counts under its pattern.
  const third = await single({ uscc: uscc() });
  t.equal(third.statusCode, 201, third.body);
  saw(third.json().verdict);
  t.equal((await app.inject({ url: '/v1/changes/', headers: bearer(checker.key) })).statusCode, 200);

  // An accept-valid import of two good rows and one bad one.
  const imp = await app.inject({
    method: 'POST',
    url: '/v1/imports?mode=accept-valid',
    headers: { ...bearer(adminKey), 'content-type': 'text/csv' },
    payload: csv([row(), row({ uscc: '123' }), row()]),
  });
  t.equal(imp.statusCode, 201, imp.body);
  t.equal(imp.json().accepted, 2);

  const text = await scrape();
  const after = parseExposition(text);

  t.equal(
    delta(after, 'yingcha_http_requests_total{method="POST",route="/v1/checks",status="201"}'),
    3,
    'three new single checks',
  );
  t.equal(delta(after, 'yingcha_http_requests_total{method="POST",route="/v1/checks",status="200"}'), 1, 'one replay');
  t.equal(delta(after, 'yingcha_http_requests_total{method="POST",route="/v1/checks",status="401"}'), 1);
  t.equal(delta(after, 'yingcha_http_requests_total{method="GET",route="/v1/checks/:checkId",status="404"}'), 2);
  t.equal(delta(after, 'yingcha_http_requests_total{method="GET",route="unmatched",status="404"}'), 1);
  t.equal(delta(after, 'yingcha_http_requests_total{method="GET",route="/v1/changes",status="200"}'), 1);
  t.equal(delta(after, 'yingcha_http_requests_total{method="POST",route="/v1/entries",status="201"}'), 2);
  t.equal(
    delta(after, 'yingcha_http_requests_total{method="GET",route="/metrics",status="200"}'),
    1,
    'the first scrape, not the one in progress',
  );
  t.equal(delta(after, 'yingcha_http_request_duration_seconds_count{method="POST",route="/v1/checks"}'), 5);

  for (const [verdict, n] of verdicts) {
    t.equal(
      delta(after, `yingcha_checks_total{verdict="${verdict}",matter_type="administrative_licensing"}`),
      n,
      `single ${verdict}`,
    );
  }
  for (const [verdict, n] of batchVerdicts) {
    t.equal(
      delta(after, `yingcha_checks_total{verdict="${verdict}",matter_type="public_bidding"}`),
      n,
      `batch ${verdict}`,
    );
  }
  t.equal(delta(after, 'yingcha_check_replays_total'), 1);
  // One observation per append: each single check, and the batch (its receipts go in one statement per chain head).
  t.equal(delta(after, 'yingcha_receipt_append_duration_seconds_count'), 4, 'three single appends and one batch');

  t.equal(delta(after, 'yingcha_import_rows_total{outcome="accepted"}'), 2);
  t.equal(delta(after, 'yingcha_import_rows_total{outcome="rejected"}'), 1);
  t.equal(delta(after, 'yingcha_import_duration_seconds_count{mode="accept-valid"}'), 1);
  t.ok((after.get('yingcha_import_rows_per_second') ?? 0) > 0);

  // Scrape-time gauges: the subscription's backlog is the two records published after it (imports raise events too,
  // as entry.created, so the two imported rows are in it as well).
  const id = sub.json().subscriptionId as string;
  t.equal(after.get(`yingcha_webhook_backlog_events{subscription="${id}"}`), 4);
  t.ok((after.get(`yingcha_webhook_oldest_undelivered_seconds{subscription="${id}"}`) ?? -1) >= 0);
  t.equal(after.get('yingcha_feed_horizon_lag_events'), 0, 'no transaction holds the feed back');
  t.equal(after.get('yingcha_db_statement_timeouts_total'), 0);
  t.equal(after.get('yingcha_rate_limited_total'), undefined, 'no refusal yet, so no series');
  t.notOk(
    [...after.keys()].some((k) => k.startsWith('yingcha_metrics_scrape_errors_total')),
    'every scrape-time query ran',
  );
  t.ok([...after.keys()].some((k) => k.startsWith('yingcha_db_connections{')));
  t.notOk(text.includes(listed), 'no subject identifier in any label');

  const checked = promtool(text);
  t.equal(checked.error, undefined, 'promtool runs (Debian package prometheus)');
  t.equal(checked.findings, '', 'no lint findings');
  t.equal(checked.status, 0);
});

/** `promtool check metrics` over a scrape: its exit status and whatever it found (empty when clean). */
function promtool(text: string): { error: Error | undefined; status: number | null; findings: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  return { error: r.error, status: r.status, findings: `${r.stdout}${r.stderr}`.trim() };
}

t.test('with the process metrics the server adds, promtool still accepts the scrape', async (t) => {
  const { buildApp } = await import('../../api/src/app.js');
  const { testDatabase } = await import('../helpers/db.js');
  const database = await testDatabase(t);
  const app = await buildApp({
    database,
    secret: 'test-secret-for-id-number-hmac-000000',
    metrics: { defaultMetrics: true },
  });
  t.teardown(() => app.close());
  const res = await app.inject({ url: '/metrics' });
  t.match(res.body, /^process_cpu_user_seconds_total /m);
  const checked = promtool(res.body);
  t.equal(checked.findings, '', 'no lint findings');
  t.equal(checked.status, 0);
});

t.test('YINGCHA_METRICS=false: no /metrics on the API port, but the registry still counts', async (t) => {
  const { buildApp } = await import('../../api/src/app.js');
  const { testDatabase } = await import('../helpers/db.js');
  const database = await testDatabase(t);
  const app = await buildApp({
    database,
    secret: 'test-secret-for-id-number-hmac-000000',
    metrics: { route: false },
    limits: { authFailures: 2 },
  });
  t.teardown(() => app.close());
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  // Unknown keys: past the budget of failed authentications the address is refused with 429, and each refusal counts.
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: { authorization: 'Bearer yc_unknown_key_0000000000000000' },
      payload: {},
    });
    statuses.push(r.statusCode);
  }
  const refused = statuses.filter((s) => s === 429).length;
  t.ok(refused > 0, `refused: ${statuses.join(' ')}`);
  const text = await app.metrics.registry.metrics();
  t.match(text, /yingcha_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
  t.match(text, new RegExp(`yingcha_rate_limited_total\\{route="/v1/checks"\\} ${refused}\n`));
});
