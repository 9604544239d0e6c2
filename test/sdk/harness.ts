// The real app listening on 127.0.0.1 (random port) for SDK tests, and a small node:http proxy that can put one
// fault in front of it (a 503 with Retry-After, a delay, a dropped answer) while every other request passes through.
import { type IncomingHttpHeaders, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { type Workers, startWorkers } from '../../api/src/services/workers.js';
import { Yingcha, type ClientOptions } from '../../sdk/src/index.js';
import type { Built } from '../helpers/app.js';
import { FAST_WORKERS } from '../helpers/dns.js';
import { type Dept, department, world } from '../helpers/world.js';

interface TestLike {
  teardown(fn: () => unknown): void;
}

export interface Served extends Built {
  baseUrl: string;
  /** a client with the bootstrap admin key (every scope) */
  admin: Yingcha;
  /** a client for a key of a new department */
  as(dept: Dept, options?: ClientOptions): Yingcha;
  department(category: string, region: string, scopes?: string[]): Promise<Dept>;
  client(options?: ClientOptions): Yingcha;
}

/** The app on a fresh database (seed catalogue, bootstrap admin), listening on 127.0.0.1:0. */
export async function serve(t: TestLike): Promise<Served> {
  const built = await world(t);
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = built.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // One agent per test file, closed at the end, so no keep-alive socket outlives the test.
  const dispatcher = new Agent();
  t.teardown(() => dispatcher.close());
  const client = (options: ClientOptions = {}) =>
    new Yingcha({ baseUrl, apiKey: built.adminKey, dispatcher, ...options });
  return {
    ...built,
    baseUrl,
    admin: client(),
    client,
    as: (dept, options = {}) => client({ apiKey: dept.key, ...options }),
    department: (category, region, scopes) => department(built.app, built.adminKey, category, region, scopes),
  };
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'delay'; ms: number }
  /** forward to the server, wait for its answer, then destroy the client's socket without answering */
  | { kind: 'drop-answer' }
  /** send the server's status and headers, then hold the body back until the client gives up */
  | { kind: 'stall-body' };

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  at: number;
  /** the upstream status, when the request was forwarded and answered */
  upstream?: number;
}

export interface Proxy {
  baseUrl: string;
  /** every request that reached the proxy, in order */
  seen: Seen[];
  /** faults for the next requests matching `match`, one per request, in order */
  inject(match: (method: string, url: string) => boolean, ...faults: Fault[]): void;
}

const INJECTED_CODES: Record<number, string> = { 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };

export async function proxy(t: TestLike, target: string): Promise<Proxy> {
  const upstream = new URL(target);
  const seen: Seen[] = [];
  const plans: Array<{ match: (m: string, u: string) => boolean; faults: Fault[] }> = [];
  const server = createServer((req, res) => {
    const record: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: Date.now() };
    seen.push(record);
    const plan = plans.find((p) => p.faults.length > 0 && p.match(record.method, record.url));
    const fault = plan?.faults.shift();
    if (fault?.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/problem+json', ...fault.headers });
      res.end(
        JSON.stringify({
          type: 'urn:test:injected',
          title: 'injected',
          status: fault.status,
          detail: 'injected by the test proxy',
          code: INJECTED_CODES[fault.status] ?? 'INTERNAL',
        }),
      );
      return;
    }
    const forward = () => {
      const up = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (upRes) => {
          record.upstream = upRes.statusCode;
          if (fault?.kind === 'drop-answer') {
            upRes.resume();
            upRes.on('end', () => req.socket.destroy());
            return;
          }
          if (fault?.kind === 'stall-body') {
            upRes.resume();
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            res.flushHeaders();
            return;
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (fault?.kind === 'delay') {
      const timer = setTimeout(forward, fault.ms);
      res.on('close', () => clearTimeout(timer));
    } else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    inject: (match, ...faults) => plans.push({ match, faults }),
  };
}

/** Polls `probe` until it returns a value other than undefined, or fails at the deadline. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 2_000; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A port on 127.0.0.1 that nothing listens on: bound, then released. */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The instance's background workers (webhook delivery, watch matcher) on short timers, stopped at teardown. */
export async function workers(t: TestLike, s: Served): Promise<Workers> {
  const w = await startWorkers(s.database, { ...FAST_WORKERS, horizonMs: 60_000 });
  t.teardown(() => w.stop());
  return w;
}
