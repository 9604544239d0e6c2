// Every default value of the service, each written once. config.ts reads the environment over the configuration
// defaults (README's configuration table lists them); the app, the routes and the services fall back to the same
// values when they are built without a Config (tests, a host mounting the plugin). No imports but types, so any
// layer may read it.
import type { LimitOptions } from './plugins/rate-limit.js';

export const DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  logLevel: 'info',
  /** embedded mode: database files, the generated secret, a lock file, receipt archives */
  dataDir: './.yingcha',
  /** bytes of a JSON body (YINGCHA_BODY_LIMIT) */
  bodyLimit: 1024 * 1024,
  /** bytes of a bulk import body (YINGCHA_IMPORT_LIMIT) */
  importLimit: 1024 ** 3,
  /** rows per bulk import batch (YINGCHA_IMPORT_BATCH) */
  importBatch: 2000,
  /** seconds a signed notice link opens (YINGCHA_NOTICE_LINK_TTL) */
  noticeLinkTtlSeconds: 24 * 3600,
  /**
   * Requests per client address and minute to the public pages (signed notice links, /verify), which have no key to
   * budget (YINGCHA_RATE_PUBLIC_PAGES). A clerk's browser opens a notice a few times; a scanner reading every hash
   * does not.
   */
  publicPagesPerMinute: 120,
  expirySweepSeconds: 60,
  /** per pool connection on PostgreSQL (YINGCHA_STATEMENT_TIMEOUT_MS, YINGCHA_IDLE_TX_TIMEOUT_MS); 0 = none */
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  /**
   * PostgreSQL: connections of the pool batches run on (YINGCHA_BATCH_CONNECTIONS). Each busy one keeps a database
   * core busy for as long as a batch runs; with two, two departments' batches of fuzzy names took both cores of a
   * two-core database and another department's single check p99 grew 4.7× (test/bench/fairness.ts); with one, 1.9×.
   */
  batchConnections: 1,
  metrics: true,
  /** months of receipt partitions made ahead of the current one (YINGCHA_RECEIPT_MONTHS_AHEAD) */
  receiptMonthsAhead: 2,
  /** webhook delivery and the watch matcher (YINGCHA_WORKERS, YINGCHA_WORKER_POLL_MS, YINGCHA_DELIVERY_*) */
  workers: {
    enabled: true,
    pollMs: 1_000,
    timeoutMs: 10_000,
    leaseMs: 60_000,
    horizonSeconds: 3 * 86_400,
    backoffBaseMs: 1_000,
    backoffMaxMs: 600_000,
    batch: 100,
    claim: 16,
  },
  /** request budgets and job gates (YINGCHA_RATE_*, YINGCHA_DEPARTMENT_JOBS, YINGCHA_BATCH_SLOTS) */
  limits: {
    enabled: true,
    windowMs: 60_000,
    // Generous: a department's system may run thousands of checks a second at peak; these stop a runaway client.
    checks: 300_000,
    batchItems: 300_000,
    publishing: 60_000,
    admin: 6_000,
    authFailures: 60,
    departmentJobs: 2,
    batchSlots: 2,
    redisPrefix: 'yingcha:rl:',
  } satisfies LimitOptions,
  /** a list's objection (异议) deadline in working days, when the list names none */
  objectionWorkingDays: 15,
} as const;

/** `limit` of the paged lists: the default page and the largest one asked for. */
export const PAGE_SIZES = {
  /** entries, departments, keys, reads, changes, subscriptions, deliveries, watches */
  lists: { default: 100, max: 1000 },
  /** objections and repairs */
  cases: { default: 100, max: 500 },
  imports: { default: 50, max: 200 },
} as const;
