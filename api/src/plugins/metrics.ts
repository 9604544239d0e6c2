// Fills the app's metrics (api/src/metrics.ts) from what the app does, and answers GET /metrics when enabled.
// Request metrics come from onResponse; checks and imports are read from the answers they send (preSerialization),
// so the routes need not know about metrics. Gauges that describe the database (pool, webhook backlog, feed horizon)
// are queried at scrape time, each query bounded, so an idle instance costs nothing.
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { sqlState } from '../db/index.js';
import { rows as rowsOf } from '../db/rows.js';
import { MATTER_TYPE_CODES, VERDICTS } from '../domain/codes.js';
import { METRICS_CONTENT_TYPE, type Metrics, SUBSCRIPTION_LIMIT, createMetrics } from '../metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export interface MetricsPluginOptions {
  /** serve GET /metrics on the API's own port (YINGCHA_METRICS; default true) */
  route?: boolean;
  /** process metrics (CPU, memory, GC); the server turns them on, tests leave them off */
  defaultMetrics?: boolean;
  /** the registry to fill; buildApp passes its own so the root instance shows it as app.metrics too */
  instance?: Metrics;
}

/** Events one scrape counts per subscription at most; a backlog beyond it reads as this many. */
export const BACKLOG_COUNT_LIMIT = 10_000;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const MATTER_TYPES = new Set<string>(MATTER_TYPE_CODES);
const VERDICT_SET = new Set<string>(VERDICTS);

interface CheckAnswer {
  verdict?: unknown;
}

/** One run of `fn` for all callers until it settles: the gauges of one scrape share a query. */
function oncePerScrape<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= fn().finally(() => {
      pending = undefined;
    }));
}

/** Gauges read from the database when scraped. */
function databaseGauges(app: FastifyInstance, m: Metrics) {
  const registers = [m.registry];
  const db = () => app.yc.database.db;
  const engine = () => app.yc.database.engine;
  const rows = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => rowsOf<T>(await db().execute(query));
  const scrapeErrors = new Counter({
    name: 'yingcha_metrics_scrape_errors_total',
    help: 'Scrape-time queries that failed, by query',
    labelNames: ['query'],
    registers,
  });
  // A failed scrape-time query must not fail the scrape: the other metrics still matter most when the database is sick.
  const guarded = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      scrapeErrors.inc({ query: what });
      app.log.warn({ err, query: what }, 'metrics: scrape-time query failed');
    }
  };

  new Gauge({
    name: 'yingcha_db_connections',
    help:
      "Server connections of this database named application_name 'yingcha' (all instances), by state: active = in use, " +
      'idle = pooled; waiting = active and blocked on a lock. On PGlite the one in-process connection is active.',
    labelNames: ['engine', 'state'],
    registers,
    async collect() {
      this.reset();
      const e = engine();
      if (e === 'pglite') {
        this.set({ engine: e, state: 'active' }, 1);
        return;
      }
      await guarded('connections', async () => {
        const found = await rows<{ state: string; n: number }>(sql`
          select case when wait_event_type = 'Lock' then 'waiting'
                      when state = 'active' then 'active'
                      when state like 'idle in transaction%' then 'idle_in_transaction'
                      else 'idle' end as state,
                 count(*)::int as n
          from pg_stat_activity
          where datname = current_database() and application_name = 'yingcha' and backend_type = 'client backend'
          group by 1`);
        for (const state of ['active', 'idle', 'idle_in_transaction', 'waiting']) this.set({ engine: e, state }, 0);
        for (const r of found) this.set({ engine: e, state: r.state }, Number(r.n));
      });
    },
  });

  // prom-client collects all metrics of a scrape at once, so a pair of gauges filled by one query share that query:
  // the first collect starts it, the second awaits the same promise.
  const backlogRows = oncePerScrape(() =>
    // The same selection as the delivery claim (services/delivery.ts): below the feed horizon, after the cursor,
    // public or addressed to the subscriber, of a subscribed type. Each count is cut off at BACKLOG_COUNT_LIMIT.
    rows<{ id: string; n: number; age: number | null }>(sql`
      select s.id, b.n, b.age
      from subscription s
      cross join lateral (
        select count(*)::int as n, extract(epoch from now() - min(x.occurred_at))::float8 as age
        from (select e.occurred_at from event e
              where (e.xid, e.id) > (s.cursor_xid, s.cursor_id) and e.xid < (select yingcha_feed_horizon())
                and (e.department_id is null or e.department_id = s.department_id) and e.type = any(s.events)
              order by e.xid, e.id
              limit ${BACKLOG_COUNT_LIMIT}) x
      ) b
      where s.deleted_at is null
      order by b.age desc nulls last, s.created_at
      limit ${SUBSCRIPTION_LIMIT}`),
  );
  const perSubscription = (name: string, help: string, value: (r: { n: number; age: number | null }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['subscription'],
      registers,
      async collect() {
        this.reset();
        await guarded(name, async () => {
          for (const r of await backlogRows()) this.set({ subscription: r.id }, value(r));
        });
      },
    });
  perSubscription(
    'yingcha_webhook_backlog_events',
    `Events after a subscription's cursor that its event types select, counted up to ${BACKLOG_COUNT_LIMIT}`,
    (r) => Number(r.n),
  );
  perSubscription(
    'yingcha_webhook_oldest_undelivered_seconds',
    'Age of the oldest event a subscription has not delivered yet (0 when it is up to date)',
    (r) => Math.max(0, Number(r.age ?? 0)),
  );

  const horizon = oncePerScrape(async () => {
    const [r] = await rows<{ n: number; age: number | null }>(sql`
      select count(*)::int as n, extract(epoch from now() - min(x.occurred_at))::float8 as age
      from (select occurred_at from event where xid >= (select yingcha_feed_horizon()) limit ${BACKLOG_COUNT_LIMIT}) x`);
    return { n: Number(r?.n ?? 0), age: Math.max(0, Number(r?.age ?? 0)) };
  });
  const fromHorizon = (name: string, help: string, value: (h: { n: number; age: number }) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        await guarded(name, async () => this.set(value(await horizon())));
      },
    });
  fromHorizon(
    'yingcha_feed_horizon_lag_events',
    `Committed events the change feed does not show yet because an older transaction is still running (up to ${BACKLOG_COUNT_LIMIT})`,
    (h) => h.n,
  );
  fromHorizon(
    'yingcha_feed_horizon_lag_seconds',
    'Age of the oldest committed event held back by the feed horizon (0 when none is)',
    (h) => h.age,
  );
}

export const metricsPlugin = fp<MetricsPluginOptions>(
  async (app, opts) => {
    const m = opts.instance ?? createMetrics({ defaultMetrics: opts.defaultMetrics === true });
    if (!app.hasDecorator('metrics')) app.decorate('metrics', m);
    databaseGauges(app, m);

    const route = (request: FastifyRequest) => request.routeOptions.url ?? 'unmatched';
    const opId = (request: FastifyRequest) => request.routeOptions.schema?.operationId;

    app.addHook('onResponse', async (request, reply) => {
      const method = m.bounded(request.method, METHODS);
      const labels = { method, route: route(request) };
      m.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
      m.httpDuration.observe(labels, reply.elapsedTime / 1000);
      // Every refusal by a limit (RATE_LIMITED, DEPARTMENT_BUSY) answers 429, whichever plugin refused it.
      if (reply.statusCode === 429) m.rateLimited.inc({ route: labels.route });
    });

    app.addHook('onError', async (_request, _reply, err) => {
      if (sqlState(err) === '57014') m.statementTimeouts.inc();
    });

    const checked = (verdict: unknown, matterType: unknown) =>
      m.checks.inc({ verdict: m.bounded(verdict, VERDICT_SET), matter_type: m.bounded(matterType, MATTER_TYPES) });

    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
      const id = opId(request);
      if (!id || !payload || typeof payload !== 'object') return payload;
      const body = request.body as { matter?: { type?: unknown }; mode?: unknown } | undefined;
      if (id === 'createCheck' && reply.statusCode < 300) {
        if (reply.statusCode === 200) m.checkReplays.inc();
        else checked((payload as CheckAnswer).verdict, body?.matter?.type);
      } else if (id === 'createCheckBatch' && reply.statusCode < 300) {
        for (const r of (payload as { results?: Array<{ check?: CheckAnswer }> }).results ?? []) {
          if (r.check) checked(r.check.verdict, body?.matter?.type);
        }
      } else if (id === 'createImport') {
        const p = payload as { accepted?: unknown; rejected?: unknown };
        const accepted = typeof p.accepted === 'number' ? p.accepted : 0;
        const rejected = typeof p.rejected === 'number' ? p.rejected : 0;
        if (typeof p.accepted !== 'number' && typeof p.rejected !== 'number') return payload;
        m.importRows.inc({ outcome: 'accepted' }, accepted);
        m.importRows.inc({ outcome: 'rejected' }, rejected);
        const seconds = reply.elapsedTime / 1000;
        const mode =
          (request.query as { mode?: string } | undefined)?.mode === 'accept-valid' ? 'accept-valid' : 'all-or-nothing';
        m.importDuration.observe({ mode }, seconds);
        if (seconds > 0) m.importRowsPerSecond.set((accepted + rejected) / seconds);
      }
      return payload;
    });

    if (opts.route !== false) {
      app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
        const text = await m.registry.metrics();
        return reply.type(METRICS_CONTENT_TYPE).header('cache-control', 'no-store').send(text);
      });
    }
  },
  { name: 'yingcha-metrics', fastify: '5.x', dependencies: ['yingcha-context'] },
);

/**
 * GET /metrics on a port of its own (YINGCHA_METRICS_PORT), so the API's port need not expose it. Closed with the app.
 */
export async function listenMetrics(app: FastifyInstance, port: number, host: string): Promise<string> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    app.metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(text),
      (err) => {
        app.log.error({ err }, 'metrics: scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  app.addHook('onClose', async () => new Promise<void>((resolve) => server.close(() => resolve())));
  const a = server.address() as AddressInfo;
  return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics`;
}
