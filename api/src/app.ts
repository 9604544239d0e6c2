// buildApp(opts) and the embeddable plugin: registers plugins and routes, nothing else.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import type { Database } from './db/index.js';
import { DEFAULTS } from './defaults.js';
import { authPlugin } from './plugins/auth.js';
import { type LimitOptions, rateLimitPlugin } from './plugins/rate-limit.js';
import { contextPlugin } from './plugins/context.js';
import { sharedSerializers, strictBodyValidators } from './plugins/compilers.js';
import { inputPlugin } from './plugins/input.js';
import { createMetrics } from './metrics.js';
import { type MetricsPluginOptions, metricsPlugin } from './plugins/metrics.js';
import { clientErrorHandler, frameworkErrors, problemPlugin } from './plugins/problem.js';
import { type SwaggerOptions, swaggerPlugin } from './plugins/swagger.js';
import adminRoutes from './routes/admin/index.js';
import catalogRoutes from './routes/catalog/index.js';
import changeRoutes from './routes/changes/index.js';
import checkRoutes from './routes/checks/index.js';
import entryRoutes from './routes/entries/index.js';
import healthRoutes from './routes/health/index.js';
import objectionRoutes from './routes/objections/index.js';
import repairRoutes from './routes/repairs/index.js';
import statsRoutes from './routes/stats/index.js';
import importRoutes, { type ImportRoutesOptions } from './routes/imports/index.js';
import noticeRoutes, { type NoticeRoutesOptions } from './routes/notices/index.js';
import screeningRoutes from './routes/screenings/index.js';
import subscriptionRoutes from './routes/subscriptions/index.js';
import type { WebhookPolicy } from './services/delivery.js';
import watchRoutes from './routes/watches/index.js';
import { SHARED_SCHEMAS } from './routes/schemas.js';

export interface YingchaOptions {
  database: Database;
  /** HMAC key for ID numbers */
  secret: string;
  /** bulk import limits (YINGCHA_IMPORT_LIMIT, YINGCHA_IMPORT_BATCH) */
  imports?: ImportRoutesOptions;
  /** request budgets, failed-authentication budget, job gates (YINGCHA_RATE_*, YINGCHA_REDIS_URL); defaults when absent */
  limits?: Partial<LimitOptions>;
  /** where webhooks may go (YINGCHA_WEBHOOK_ALLOW); only public addresses when absent */
  webhooks?: WebhookPolicy;
  /** signed notice links and QR codes (YINGCHA_NOTICE_LINK_TTL, YINGCHA_PUBLIC_URL) */
  notices?: NoticeRoutesOptions;
  /** GET /metrics on the API's port (YINGCHA_METRICS) and process metrics; the registry is always there as app.metrics */
  metrics?: MetricsPluginOptions;
  /** the spec's `servers` (YINGCHA_PUBLIC_URL) */
  openapi?: SwaggerOptions;
}

/**
 * The whole API as one encapsulated Fastify plugin, so a host application can mount it (optionally under a
 * prefix) next to its own routes. The host owns the database and closes it.
 */
export const yingcha: FastifyPluginAsync<YingchaOptions> = async (app, opts) => {
  await app.register(contextPlugin, { database: opts.database, secret: opts.secret });
  // JSON only, unless a route plugin adds its own parser (imports add CSV and NDJSON). Fastify's default text/plain
  // parser would turn a wrong content type into a confusing schema error instead of 415.
  app.removeContentTypeParser('text/plain');
  for (const s of SHARED_SCHEMAS) app.addSchema(s);
  await app.register(problemPlugin);
  // Before auth: an address with too many failed authentications is refused without a key lookup.
  await app.register(rateLimitPlugin, opts.limits ?? {});
  await app.register(authPlugin);
  await app.register(inputPlugin);
  await app.register(swaggerPlugin, opts.openapi ?? {});
  await app.register(metricsPlugin, opts.metrics ?? {});
  await app.register(healthRoutes);
  await app.register(adminRoutes, { prefix: '/v1/admin' });
  await app.register(catalogRoutes, { prefix: '/v1/catalog' });
  await app.register(checkRoutes, { prefix: '/v1/checks' });
  await app.register(noticeRoutes, opts.notices ?? {});
  await app.register(screeningRoutes, { prefix: '/v1/screenings' });
  await app.register(entryRoutes, { prefix: '/v1/entries' });
  await app.register(objectionRoutes, { prefix: '/v1/objections' });
  await app.register(repairRoutes, { prefix: '/v1/repairs' });
  await app.register(statsRoutes, { prefix: '/v1/stats' });
  await app.register(importRoutes, { prefix: '/v1/imports', ...opts.imports });
  await app.register(changeRoutes, { prefix: '/v1/changes' });
  await app.register(subscriptionRoutes, { prefix: '/v1/subscriptions', webhooks: opts.webhooks });
  await app.register(watchRoutes, { prefix: '/v1/watches' });
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BuildOptions extends YingchaOptions {
  logger?: FastifyServerOptions['logger'];
  bodyLimit?: number;
}

export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? DEFAULTS.bodyLimit,
    requestIdHeader: false,
    // Paths have no trailing slash in the spec; a client that adds one still reaches the route.
    routerOptions: { ignoreTrailingSlash: true },
    // A caller's x-request-id is kept when it is safe to log; otherwise we mint one.
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    ajv: {
      customOptions: {
        allErrors: true,
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        // Our schemas are fixed at build time; checking each against the meta-schema cost about 0.4 s of every start.
        // test/api/route-schemas.test.ts runs that check on every route instead.
        validateSchema: false,
      },
    },
    // Bodies are validated without type coercion (a number is not a string); query, params and headers coerce. Both
    // compilers keep what they compile for the next app in the process (plugins/compilers.ts).
    schemaController: {
      compilersFactory: { buildValidator: strictBodyValidators, buildSerializer: sharedSerializers },
    },
    // Errors raised by the router, by Node's HTTP parser and while draining are problem+json too (plugins/problem.ts).
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // The API plugin is encapsulated; its registry is shown on the root instance too, for the server and tests.
  const metrics = createMetrics({ defaultMetrics: opts.metrics?.defaultMetrics === true });
  app.decorate('metrics', metrics);
  await app.register(yingcha, {
    database: opts.database,
    secret: opts.secret,
    ...(opts.imports ? { imports: opts.imports } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
    ...(opts.notices ? { notices: opts.notices } : {}),
    metrics: { ...opts.metrics, instance: metrics },
    ...(opts.openapi ? { openapi: opts.openapi } : {}),
  });
  return app;
}
