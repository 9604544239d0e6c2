// The Prometheus metrics of one app instance. Each app gets its own registry (tests build many apps in one process,
// and a host application may mount the API beside metrics of its own), reached as `app.metrics`. Other plugins
// increment what they observe through it; the plugin in plugins/metrics.ts fills most of it from the answers.
//
// Labels are bounded: a route pattern (never the raw URL), a method, a status code, a verdict, a matter type from the
// catalogue (anything else is "other"), an outcome. Subjects, keys and departments never appear in a label. The one
// exception is the webhook backlog, which is per subscription by design; subscriptions are created by departments
// one at a time and the scrape reports at most SUBSCRIPTION_LIMIT of them (those with the oldest undelivered event).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Subscriptions one scrape reports, oldest undelivered event first. */
export const SUBSCRIPTION_LIMIT = 100;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** receipts created, by verdict and matter type (replays are not new receipts) */
  checks: Counter<'verdict' | 'matter_type'>;
  checkReplays: Counter;
  receiptAppend: Histogram;
  statementTimeouts: Counter;
  importRows: Counter<'outcome'>;
  importDuration: Histogram<'mode'>;
  /** the last finished import's rows (accepted + rejected) per second of request time */
  importRowsPerSecond: Gauge;
  /** requests refused with 429 by a limit (counted from the answers; plugins need not increment it) */
  rateLimited: Counter<'route'>;
  /** answers a label value from a closed set, or "other" */
  bounded(value: unknown, allowed: ReadonlySet<string>): string;
}

export interface MetricsOptions {
  /** process metrics (CPU, memory, event loop, GC); once per process, since the GC observer is global */
  defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) {
    collectDefaultMetrics({ register: registry });
    // Gauges that prom-client names with a counter's suffix; `promtool check metrics` rejects them.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      registry.removeSingleMetric(name);
  }
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'yingcha_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'yingcha_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its answer, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    checks: new Counter({
      name: 'yingcha_checks_total',
      help: 'Checks recorded (new receipts), by verdict and matter type; single and batch',
      labelNames: ['verdict', 'matter_type'],
      registers,
    }),
    checkReplays: new Counter({
      name: 'yingcha_check_replays_total',
      help: 'Checks answered from an earlier receipt through Idempotency-Key (no new receipt)',
      registers,
    }),
    receiptAppend: new Histogram({
      name: 'yingcha_receipt_append_duration_seconds',
      help: 'Time to append receipts to their hash chain, per append: a single check, or a whole batch (includes waiting for the chain head)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    statementTimeouts: new Counter({
      name: 'yingcha_db_statement_timeouts_total',
      help: 'Requests that failed because a database statement was cancelled (SQLSTATE 57014)',
      registers,
    }),
    importRows: new Counter({
      name: 'yingcha_import_rows_total',
      help: 'Bulk import rows, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    importDuration: new Histogram({
      name: 'yingcha_import_duration_seconds',
      help: 'Bulk import request time, by mode',
      labelNames: ['mode'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1200],
      registers,
    }),
    importRowsPerSecond: new Gauge({
      name: 'yingcha_import_rows_per_second',
      help: 'Rows per second of the last finished bulk import on this instance',
      registers,
    }),
    rateLimited: new Counter({
      name: 'yingcha_rate_limited_total',
      help: 'Requests refused with 429 RATE_LIMITED, by route pattern',
      labelNames: ['route'],
      registers,
    }),
    bounded: (value, allowed) => (typeof value === 'string' && allowed.has(value) ? value : 'other'),
  };
}
