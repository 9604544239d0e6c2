// Entry: open the configured instance (instance.ts), bootstrap, listen; on SIGTERM stop accepting, drain, close.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { serverLogger } from './logging.js';
import { listenMetrics } from './plugins/metrics.js';
import type { Config } from './config.js';
import { openConfigured } from './instance.js';
import { loadDemoData } from './demo/load.js';
import { loadShowcase, showcaseBanner } from './demo/showcase.js';
import { bootstrap } from './services/bootstrap.js';
import { markOrphansInterrupted } from './services/imports.js';
import { type Workers, startWorkers } from './services/workers.js';

const SHUTDOWN_GRACE_MS = 15_000;
const DEMO_SUBJECTS = 200;

/** SIGTERM/SIGINT: stop taking requests, finish those in flight, close the database, exit 0 (1 after the grace). */
function onSignals(app: FastifyInstance): void {
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

export async function serve(
  config: Config,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): Promise<FastifyInstance> {
  const opened = await openConfigured(config);
  let app: FastifyInstance;
  try {
    const boot = await bootstrap(opened.database.db, { bootstrapKey: config.bootstrapKey, demo: config.demo });
    await markOrphansInterrupted(opened.database);
    // A small demo set on a fresh embedded start, so the first check has something to find.
    const demo =
      boot.created && config.demo
        ? await loadDemoData(opened.database, {
            subjects: DEMO_SUBJECTS,
            entries: DEMO_SUBJECTS / 2,
            seed: 1,
            departmentId: boot.department.departmentId,
            secret: opened.secret,
          })
        : null;
    // Records chosen so that the first check shows measures with their legal basis, and a second (市场监管) key.
    const showcase =
      demo && boot.created
        ? await loadShowcase(opened.database, opened.secret, {
            keyId: boot.key.keyId,
            scopes: boot.key.scopes,
            department: boot.department,
          })
        : null;
    app = await buildApp({
      database: opened.database,
      secret: opened.secret,
      bodyLimit: config.bodyLimit,
      imports: { limit: config.importLimit, batchSize: config.importBatch },
      limits: config.limits,
      webhooks: { allow: config.workers.allow },
      notices: {
        linkTtlSeconds: config.noticeLinkTtl,
        publicPagesPerMinute: config.publicPagesPerMinute,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      },
      ...(config.publicUrl
        ? { openapi: { servers: [{ url: config.publicUrl, description: 'YINGCHA_PUBLIC_URL' }] } }
        : {}),
      logger: serverLogger(config.logLevel),
      // With a port of its own, /metrics is not served on the API's port.
      metrics: { route: config.metrics && config.metricsPort === undefined, defaultMetrics: config.metrics },
    });
    app.addHook('onClose', async () => opened.release());
    let workers: Workers | undefined;
    // preClose: deliveries in flight finish and are recorded before the database is released in onClose.
    app.addHook('preClose', async () => workers?.stop());
    const address = await app.listen({ port: config.port, host: config.host });
    const metricsAt =
      config.metrics && config.metricsPort !== undefined
        ? await listenMetrics(app, config.metricsPort, config.host)
        : config.metrics
          ? `${address}/metrics`
          : undefined;
    // Everything runs before the banner, and the signal handlers are in place: a supervisor (or a test) that waits for
    // the "listening" line may send SIGTERM at once and still get the graceful drain.
    if (config.workers.enabled) {
      workers = await startWorkers(opened.database, {
        ...config.workers,
        expirySweepMs: config.expirySweepSeconds * 1000,
        receipts: { ...config.receipts, everyMs: 3_600_000 },
        log: app.log,
      });
    }
    onSignals(app);
    // One write, so whoever waits for the "listening" line has the whole banner.
    const banner = [`应查 Yingcha listening on ${address} (${opened.database.engine})`, `API docs: ${address}/docs`];
    if (metricsAt) banner.push(`Metrics (Prometheus): ${metricsAt}`);
    const { catalog } = opened;
    if (catalog.changed) banner.push(`Catalogue version ${catalog.version}: the release's seed catalogue was synced.`);
    if (catalog.kept.length > 0) {
      banner.push(
        `Catalogue: the seed changed ${catalog.kept.length} admin-amended item(s); the admins' versions were kept: ${catalog.kept.join('; ')}`,
      );
    }
    if (boot.created) {
      // Printed once to the terminal, never to the log: this is the only time the secret exists in the clear.
      banner.push(`First start: created department "${boot.department.name}" (${boot.department.departmentId}).`);
      banner.push(
        config.bootstrapKey
          ? 'Admin API key: the value of YINGCHA_BOOTSTRAP_KEY'
          : `Admin API key (shown once, keep it): ${boot.key.secret}`,
      );
    }
    if (demo) {
      banner.push(
        `Demo data: ${demo.subjects} subjects, ${demo.entries} list records (a listed code: ${demo.sample.listedUscc[0]}, a clear one: ${demo.sample.clearUscc[0]}).`,
      );
      if (showcase && boot.created)
        banner.push(
          ...showcaseBanner(address, config.bootstrapKey ? '$YINGCHA_BOOTSTRAP_KEY' : boot.key.secret, showcase),
        );
    }
    out(banner.join('\n'));
  } catch (err) {
    await opened.release();
    throw err;
  }

  return app;
}
