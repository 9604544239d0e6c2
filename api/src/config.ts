// All configuration comes from the environment and is read here, once, over the defaults in defaults.ts. A bad value throws ConfigError whose message
// is one line naming the variable; the entry point prints it and exits non-zero.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULTS } from './defaults.js';
import { type Allowlist, parseAllowlist } from './domain/address.js';
import type { LimitOptions } from './plugins/rate-limit.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What an API key may look like; the bootstrap key must fit it too. */
export const KEY_PATTERN = /^[A-Za-z0-9._~-]{24,256}$/;

export interface Config {
  port: number;
  host: string;
  logLevel: LogLevel;
  /** undefined → embedded PGlite in dataDir */
  databaseUrl: string | undefined;
  dataDir: string;
  /** HMAC key for ID numbers; undefined only in embedded mode before ensureEmbeddedSecret() */
  secret: string | undefined;
  bootstrapKey: string | undefined;
  bodyLimit: number;
  /** bytes a bulk import body may have; other routes keep bodyLimit */
  importLimit: number;
  /** rows per bulk import batch (one transaction each in accept-valid mode) */
  importBatch: number;
  /** seconds a signed notice link opens (YINGCHA_NOTICE_LINK_TTL) */
  noticeLinkTtl: number;
  /** public base URL of links and QR codes (YINGCHA_PUBLIC_URL); undefined → each request's own origin */
  publicUrl: string | undefined;
  /** requests per client address and minute to the public pages: signed notice links and /verify (YINGCHA_RATE_PUBLIC_PAGES) */
  publicPagesPerMinute: number;
  /** fill a small demo data set on an empty embedded database */
  demo: boolean;
  /** how often expired records are moved to `expired` (their event); checks never wait for it */
  expirySweepSeconds: number;
  /** webhook delivery and the watch matcher (services/workers.ts) */
  workers: WorkerConfig;
  /** receipt months: partitions made ahead, and the retention that archives old months (services/partitions.ts) */
  receipts: ReceiptConfig;
  /** request budgets per scope class, failed authentications, department job gates (plugins/rate-limit.ts) */
  limits: LimitOptions;
  /** per pool connection: statement_timeout and idle_in_transaction_session_timeout (0 = none) */
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  /** PostgreSQL: connections of the pool batches run on (defaults.ts says why it is small) */
  batchConnections: number;
  /** GET /metrics (Prometheus): on the API's port unless metricsPort is set */
  metrics: boolean;
  /** a separate listener for GET /metrics, so the API's port need not expose it */
  metricsPort: number | undefined;
}

export interface ReceiptConfig {
  /** months of partitions kept ready after the current one */
  aheadMonths: number;
  /** months of receipts kept in the database (the current one counts); undefined: all, nothing is archived */
  keepMonths: number | undefined;
  /** where archived months are written as NDJSON files */
  archiveDir: string;
}

export interface WorkerConfig {
  enabled: boolean;
  /** a pass runs at once on a commit notification, otherwise every pollMs (retries after backoff wait for it) */
  pollMs: number;
  /** per webhook POST; the receiver must answer within it */
  timeoutMs: number;
  /** how long a claim on a subscription lasts; at least 2 × timeoutMs */
  leaseMs: number;
  /** how long the head event may keep failing before it goes to dead-letter */
  horizonMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** events one claim may deliver before the subscription is released (fairness) */
  batch: number;
  /** subscriptions one pass claims */
  claim: number;
  /**
   * YINGCHA_WEBHOOK_ALLOW: the non-public addresses and host names webhooks may reach (everything else that is not a
   * public address is refused, at subscription and at delivery; domain/address.ts)
   */
  allow: Allowlist;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, dflt: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, dflt: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return dflt;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

export function loadConfig(env: Env = process.env): Config {
  const logLevel = (str(env, 'LOG_LEVEL') ?? DEFAULTS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const databaseUrl = str(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user@host:port/db)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `must use postgres:// or postgresql://, got "${url.protocol}"`);
    }
  }

  const secret = str(env, 'YINGCHA_SECRET');
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('YINGCHA_SECRET', `must be at least 32 characters, got ${secret.length}`);
  }
  if (secret === undefined && databaseUrl !== undefined) {
    // Every instance on one PostgreSQL must hash ID numbers with the same key, so it cannot be generated locally.
    throw new ConfigError('YINGCHA_SECRET', 'is required when DATABASE_URL is set (at least 32 characters)');
  }

  const bootstrapKey = str(env, 'YINGCHA_BOOTSTRAP_KEY');
  if (bootstrapKey !== undefined && !KEY_PATTERN.test(bootstrapKey)) {
    throw new ConfigError('YINGCHA_BOOTSTRAP_KEY', 'must be 24–256 characters of A–Z a–z 0–9 . _ ~ -');
  }

  const host = str(env, 'HOST') ?? DEFAULTS.host;
  return {
    port: int(env, 'PORT', DEFAULTS.port, 0, 65535),
    host,
    logLevel,
    databaseUrl,
    dataDir: resolve(str(env, 'YINGCHA_DATA_DIR') ?? DEFAULTS.dataDir),
    secret,
    bootstrapKey,
    bodyLimit: int(env, 'YINGCHA_BODY_LIMIT', DEFAULTS.bodyLimit, 1024, 1024 * 1024 * 1024),
    importLimit: int(env, 'YINGCHA_IMPORT_LIMIT', DEFAULTS.importLimit, 1024, 1024 ** 4),
    importBatch: int(env, 'YINGCHA_IMPORT_BATCH', DEFAULTS.importBatch, 1, 20_000),
    noticeLinkTtl: int(env, 'YINGCHA_NOTICE_LINK_TTL', DEFAULTS.noticeLinkTtlSeconds, 60, 366 * 86_400),
    publicUrl: publicUrl(env),
    publicPagesPerMinute: int(env, 'YINGCHA_RATE_PUBLIC_PAGES', DEFAULTS.publicPagesPerMinute, 1, 1e9),
    demo: bool(env, 'YINGCHA_DEMO', databaseUrl === undefined),
    expirySweepSeconds: int(env, 'YINGCHA_EXPIRY_SWEEP_SECONDS', DEFAULTS.expirySweepSeconds, 1, 86_400),
    workers: workerConfig(env),
    receipts: {
      aheadMonths: int(env, 'YINGCHA_RECEIPT_MONTHS_AHEAD', DEFAULTS.receiptMonthsAhead, 1, 24),
      keepMonths:
        str(env, 'YINGCHA_RECEIPT_RETENTION_MONTHS') === undefined
          ? undefined
          : int(env, 'YINGCHA_RECEIPT_RETENTION_MONTHS', 0, 1, 1200),
      archiveDir: resolve(
        str(env, 'YINGCHA_RECEIPT_ARCHIVE_DIR') ??
          join(str(env, 'YINGCHA_DATA_DIR') ?? DEFAULTS.dataDir, 'receipt-archive'),
      ),
    },
    limits: limitsConfig(env),
    statementTimeoutMs: int(env, 'YINGCHA_STATEMENT_TIMEOUT_MS', DEFAULTS.statementTimeoutMs, 0, 3_600_000),
    idleInTransactionTimeoutMs: int(
      env,
      'YINGCHA_IDLE_TX_TIMEOUT_MS',
      DEFAULTS.idleInTransactionTimeoutMs,
      0,
      3_600_000,
    ),
    batchConnections: int(env, 'YINGCHA_BATCH_CONNECTIONS', DEFAULTS.batchConnections, 1, 100),
    metrics: bool(env, 'YINGCHA_METRICS', DEFAULTS.metrics),
    metricsPort:
      str(env, 'YINGCHA_METRICS_PORT') === undefined ? undefined : int(env, 'YINGCHA_METRICS_PORT', 0, 1, 65535),
  };
}

function publicUrl(env: Env): string | undefined {
  const raw = str(env, 'YINGCHA_PUBLIC_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('YINGCHA_PUBLIC_URL', `is not a URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError('YINGCHA_PUBLIC_URL', 'must be http:// or https://');
  return url.href.replace(/\/+$/, '');
}

function limitsConfig(env: Env): LimitOptions {
  const d = DEFAULTS.limits;
  const redisUrl = str(env, 'YINGCHA_REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError('YINGCHA_REDIS_URL', 'must start with redis:// or rediss://');
  return {
    enabled: bool(env, 'YINGCHA_RATE_LIMIT', d.enabled),
    windowMs: int(env, 'YINGCHA_RATE_WINDOW_MS', d.windowMs, 1_000, 3_600_000),
    checks: int(env, 'YINGCHA_RATE_CHECKS', d.checks, 1, 1e9),
    batchItems: int(env, 'YINGCHA_RATE_BATCH_ITEMS', d.batchItems, 1, 1e9),
    publishing: int(env, 'YINGCHA_RATE_PUBLISH', d.publishing, 1, 1e9),
    admin: int(env, 'YINGCHA_RATE_ADMIN', d.admin, 1, 1e9),
    authFailures: int(env, 'YINGCHA_RATE_AUTH_FAILURES', d.authFailures, 1, 1e9),
    departmentJobs: int(env, 'YINGCHA_DEPARTMENT_JOBS', d.departmentJobs, 1, 1_000),
    batchSlots: int(env, 'YINGCHA_BATCH_SLOTS', d.batchSlots, 1, 256),
    redisUrl,
    redisPrefix: str(env, 'YINGCHA_REDIS_PREFIX') ?? d.redisPrefix,
  };
}

function workerConfig(env: Env): WorkerConfig {
  const d = DEFAULTS.workers;
  const timeoutMs = int(env, 'YINGCHA_DELIVERY_TIMEOUT_MS', d.timeoutMs, 100, 120_000);
  const leaseMs = int(env, 'YINGCHA_DELIVERY_LEASE_MS', d.leaseMs, 1_000, 3_600_000);
  // The lease must outlast any POST by a wide margin, or a slow receiver lets a second worker deliver again.
  if (leaseMs < 2 * timeoutMs) {
    throw new ConfigError(
      'YINGCHA_DELIVERY_LEASE_MS',
      `must be at least twice YINGCHA_DELIVERY_TIMEOUT_MS (${2 * timeoutMs}), got ${leaseMs}`,
    );
  }
  const backoffBaseMs = int(env, 'YINGCHA_DELIVERY_BACKOFF_MS', d.backoffBaseMs, 1, 3_600_000);
  return {
    enabled: bool(env, 'YINGCHA_WORKERS', d.enabled),
    pollMs: int(env, 'YINGCHA_WORKER_POLL_MS', d.pollMs, 10, 600_000),
    timeoutMs,
    leaseMs,
    horizonMs: int(env, 'YINGCHA_DELIVERY_HORIZON', d.horizonSeconds, 0, 365 * 86_400) * 1000,
    backoffBaseMs,
    backoffMaxMs: Math.max(backoffBaseMs, int(env, 'YINGCHA_DELIVERY_BACKOFF_MAX_MS', d.backoffMaxMs, 1, 86_400_000)),
    batch: int(env, 'YINGCHA_DELIVERY_BATCH', d.batch, 1, 10_000),
    claim: int(env, 'YINGCHA_DELIVERY_CLAIM', d.claim, 1, 1_000),
    allow: webhookAllow(env),
  };
}

function webhookAllow(env: Env): Allowlist {
  const parsed = parseAllowlist(str(env, 'YINGCHA_WEBHOOK_ALLOW'));
  if (!parsed.ok) throw new ConfigError('YINGCHA_WEBHOOK_ALLOW', parsed.detail);
  return parsed.value;
}

/** Embedded mode: the ID-number key is generated on first start and kept beside the database. */
export function ensureEmbeddedSecret(config: Config): string {
  if (config.secret !== undefined) return config.secret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  return generated;
}
