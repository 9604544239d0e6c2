// Fair limits: per-key request budgets per scope class, a department budget for batch items, a stricter budget of
// failed authentications per client address, and bounded concurrent batch/import jobs per department.
//
// Counting goes through @fastify/rate-limit (createRateLimit), with a store of ours: its own stores add 1 per call,
// and a batch of N items must count N. The weight travels in the key (`<key>#<n>`), the only thing a store sees.
// The counters live in Redis when YINGCHA_REDIS_URL is set (so every instance shares them) and in memory otherwise.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { DEFAULTS } from '../defaults.js';
import type { Scope } from '../domain/codes.js';
import { ApiError } from '../errors.js';

export interface LimitOptions {
  /** false: no request budgets at all (the job gates stay) */
  enabled: boolean;
  /** the fixed window every budget counts in */
  windowMs: number;
  /** per key and window: single checks and check reads */
  checks: number;
  /** per department and window: items of POST /v1/checks/batch (a batch of N counts N) */
  batchItems: number;
  /** per key and window: publishing, imports, review decisions, subscriptions and watches */
  publishing: number;
  /** per key and window: admin routes */
  admin: number;
  /** per client address and window: failed authentications (unknown, malformed, revoked, expired keys) */
  authFailures: number;
  /** concurrent batch and import jobs one department may run (per instance) */
  departmentJobs: number;
  /** batches checked at once across all departments on this instance (others queue), so single checks keep connections */
  batchSlots: number;
  /** redis://…; undefined → counters in memory */
  redisUrl?: string | undefined;
  /** prefix of every Redis key (tests use one per run) */
  redisPrefix: string;
  /** gates to use instead of new ones (a host mounting the API twice, or a test holding a job open) */
  gates?: JobGates | undefined;
}

type LimitClass = 'checks' | 'batchItems' | 'publishing' | 'admin';

declare module 'fastify' {
  interface FastifyInstance {
    /** bounded concurrent jobs per department, and the shared batch item slots */
    jobs: JobGates;
  }
}

// ---- stores ----------------------------------------------------------------------------------------------------

type Incr = (
  key: string,
  cb: (err: Error | null, res?: { current: number; ttl: number }) => void,
  timeWindow: number,
) => void;

function splitWeight(key: string): [string, number] {
  const at = key.lastIndexOf('#');
  if (at < 0) return [key, 1];
  const n = Number(key.slice(at + 1));
  return [key.slice(0, at), Number.isSafeInteger(n) && n > 0 ? n : 1];
}

const MEMORY_KEYS = 100_000;

/** Fixed windows in a Map, swept of expired entries when it grows past MEMORY_KEYS. */
function memoryStore() {
  const counters = new Map<string, { current: number; resetAt: number }>();
  const sweep = (now: number) => {
    for (const [k, v] of counters) if (v.resetAt <= now) counters.delete(k);
    // Still full of live windows (a flood of distinct keys): start over rather than grow without bound.
    if (counters.size >= MEMORY_KEYS) counters.clear();
  };
  const incr: Incr = (key, cb, timeWindow) => {
    const [k, weight] = splitWeight(key);
    const now = Date.now();
    let c = counters.get(k);
    if (!c || c.resetAt <= now) {
      if (!c && counters.size >= MEMORY_KEYS) sweep(now);
      c = { current: 0, resetAt: now + timeWindow };
      counters.set(k, c);
    }
    c.current += weight;
    cb(null, { current: c.current, ttl: c.resetAt - now });
  };
  const read: Incr = (key, cb) => {
    const [k] = splitWeight(key);
    const now = Date.now();
    const c = counters.get(k);
    cb(null, c && c.resetAt > now ? { current: c.current, ttl: c.resetAt - now } : { current: 0, ttl: 0 });
  };
  return class MemoryStore {
    incr = incr;
    read = read;
    child() {
      return this;
    }
  };
}

const INCR_LUA = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {current, ttl}`;

const READ_LUA = `
local current = redis.call('GET', KEYS[1])
if not current then return {0, 0} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = 0 end
return {tonumber(current), ttl}`;

type LimitRedis = Redis & {
  ycLimitIncr(key: string, weight: number, windowMs: number): Promise<[number, number]>;
  ycLimitRead(key: string): Promise<[number, number]>;
};

function redisStore(redis: LimitRedis, prefix: string) {
  // The store answers through the callback, so the promise is settled here and nothing is returned.
  const toCb = (p: Promise<[number, number]>, cb: Parameters<Incr>[1]): void => {
    p.then(
      ([current, ttl]) => cb(null, { current, ttl }),
      (err: Error) => cb(err),
    );
  };
  return class RedisStore {
    incr: Incr = (key, cb, timeWindow) => {
      const [k, weight] = splitWeight(key);
      toCb(redis.ycLimitIncr(prefix + k, weight, timeWindow), cb);
    };
    read: Incr = (key, cb) => toCb(redis.ycLimitRead(prefix + splitWeight(key)[0]), cb);
    child() {
      return this;
    }
  };
}

// ---- job gates -------------------------------------------------------------------------------------------------

export class JobGates {
  private readonly running = new Map<string, number>();
  private slotsFree: number;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly perDepartment: number,
    readonly slots: number,
  ) {
    this.slotsFree = slots;
  }

  /** Starts a batch or import job for a department, or refuses with 429 DEPARTMENT_BUSY; call the result when done. */
  enter(departmentId: string): () => void {
    const n = this.running.get(departmentId) ?? 0;
    if (n >= this.perDepartment) {
      throw new ApiError(
        'DEPARTMENT_BUSY',
        `this department already runs ${n} batch or import jobs; wait for one to finish`,
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    this.running.set(departmentId, n + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const m = (this.running.get(departmentId) ?? 1) - 1;
      if (m <= 0) this.running.delete(departmentId);
      else this.running.set(departmentId, m);
    };
  }

  /** Runs a batch when one of the instance's batch slots is free (first come, first served). */
  async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.slotsFree > 0) this.slotsFree--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.slotsFree++;
    }
  }
}

// ---- classification --------------------------------------------------------------------------------------------

function scopesOf(request: FastifyRequest): readonly Scope[] {
  const s = request.routeOptions.config?.scope;
  return s === undefined ? [] : typeof s === 'string' ? [s] : s;
}

/** Which budget a request counts against, under which key, with what weight. Public routes count against none. */
export function budgetOf(request: FastifyRequest): { cls: LimitClass; key: string; weight: number } | null {
  const auth = request.auth;
  if (!auth) return null;
  if (request.routeOptions.url?.endsWith('/v1/checks/batch') && request.method === 'POST') {
    const items = (request.body as { items?: unknown[] } | undefined)?.items;
    return {
      cls: 'batchItems',
      key: `batch:${auth.department.departmentId}`,
      weight: Array.isArray(items) ? Math.max(1, items.length) : 1,
    };
  }
  const scopes = scopesOf(request);
  const cls: LimitClass = scopes.includes('admin') ? 'admin' : scopes.includes('check') ? 'checks' : 'publishing';
  return { cls, key: `${cls}:${auth.keyId}`, weight: 1 };
}

function setHeaders(reply: FastifyReply, max: number, remaining: number, resetSeconds: number) {
  reply.header('ratelimit-limit', max);
  reply.header('ratelimit-remaining', Math.max(0, remaining));
  reply.header('ratelimit-reset', resetSeconds);
}

// ---- the plugin ------------------------------------------------------------------------------------------------

export const rateLimitPlugin = fp<Partial<LimitOptions>>(
  async (app: FastifyInstance, partial) => {
    const opts: LimitOptions = { ...DEFAULTS.limits, ...partial };
    app.decorate('jobs', opts.gates ?? new JobGates(opts.departmentJobs, opts.batchSlots));
    if (!opts.enabled) return;

    let Store: ReturnType<typeof memoryStore> | ReturnType<typeof redisStore>;
    if (opts.redisUrl) {
      // Loaded only when a Redis store is configured (about 85 ms of start-up otherwise spent for nothing).
      const { Redis } = await import('ioredis');
      const redis = new Redis(opts.redisUrl, {
        maxRetriesPerRequest: 1,
        enableAutoPipelining: true,
        lazyConnect: false,
      }) as LimitRedis;
      redis.on('error', (err) => app.log.warn({ err }, 'rate limit store (Redis) error; requests are let through'));
      redis.defineCommand('ycLimitIncr', { numberOfKeys: 1, lua: INCR_LUA });
      redis.defineCommand('ycLimitRead', { numberOfKeys: 1, lua: READ_LUA });
      app.addHook('onClose', async () => {
        await redis.quit().catch(() => redis.disconnect());
      });
      Store = redisStore(redis, opts.redisPrefix);
    } else {
      Store = memoryStore();
    }
    // global: false: no route gets the plugin's own hook; we call the limiters below, after authentication.
    // skipOnError: an unreachable Redis lets requests through (logged) rather than refusing every department.
    await app.register(rateLimit, { global: false, store: Store, skipOnError: true, timeWindow: opts.windowMs });

    const limiters = {} as Record<LimitClass, ReturnType<FastifyInstance['createRateLimit']>>;
    for (const cls of ['checks', 'batchItems', 'publishing', 'admin'] as const) {
      limiters[cls] = app.createRateLimit({
        max: opts[cls],
        timeWindow: opts.windowMs,
        keyGenerator: (request) => {
          const b = budgetOf(request)!;
          return b.weight > 1 ? `${b.key}#${b.weight}` : b.key;
        },
      });
    }
    const authFailures = app.createRateLimit({
      max: opts.authFailures,
      timeWindow: opts.windowMs,
      keyGenerator: (request) => `authfail:${request.ip}`,
    });

    // Before authentication (registered ahead of the auth plugin): an address that has failed too often is refused
    // without a key lookup, so guessing keys costs the guesser, not the database.
    app.addHook('onRequest', async (request, reply) => {
      if (scopesOf(request).length === 0) return;
      const r = await authFailures(request, { increment: false });
      if (r.isAllowed || r.remaining > 0) return;
      setHeaders(reply, r.max, 0, r.ttlInSeconds);
      throw new ApiError(
        'RATE_LIMITED',
        `too many failed authentications from this address; retry in ${r.ttlInSeconds} s`,
        {
          headers: { 'retry-after': String(Math.max(1, r.ttlInSeconds)) },
        },
      );
    });
    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode !== 401 || scopesOf(request).length === 0) return;
      await authFailures(request).catch((err: unknown) =>
        request.log.warn({ err }, 'could not count a failed authentication'),
      );
    });

    // After validation, so a batch's size is known; a refused request has already spent its share of the budget.
    app.addHook('preHandler', async (request, reply) => {
      const b = budgetOf(request);
      if (!b) return;
      const r = await limiters[b.cls](request);
      if (r.isAllowed) return;
      setHeaders(reply, r.max, r.remaining, r.ttlInSeconds);
      if (!r.isExceeded) return;
      throw new ApiError(
        'RATE_LIMITED',
        b.cls === 'batchItems'
          ? `this department's batch items for the window (${r.max}) are used up; retry in ${r.ttlInSeconds} s`
          : `this key's ${b.cls} requests for the window (${r.max}) are used up; retry in ${r.ttlInSeconds} s`,
        { headers: { 'retry-after': String(Math.max(1, r.ttlInSeconds)) } },
      );
    });
  },
  { name: 'yingcha-rate-limit', fastify: '5.x', dependencies: ['yingcha-problem'] },
);
