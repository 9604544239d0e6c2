// The request engine under every resource: one undici request per attempt, a timeout per attempt, retries with
// backoff and jitter that obey Retry-After, and errors mapped onto the SDK's classes.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { type Dispatcher, request as undiciRequest } from 'undici';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  type Problem,
  YingchaConfigError,
} from './errors.js';
import { VERSION } from './version.js';

export interface RequestOptions {
  /** Milliseconds one attempt may take, headers and body together; overrides the client's `timeout`. */
  timeout?: number;
  /** Retries after the first attempt; overrides the client's `maxRetries`. 0 disables retrying. */
  maxRetries?: number;
  /** Aborts the call, including any wait between retries; the call rejects with APIUserAbortError. */
  signal?: AbortSignal;
  /** Extra headers for this call; they win over the client's. */
  headers?: Record<string, string>;
  /**
   * Sent as `Idempotency-Key`. A request carrying one may be retried even if it is not idempotent by method. Checks
   * get one generated for each call when this is not set; other writes only when you set it.
   */
  idempotencyKey?: string;
}

export interface TransportOptions {
  baseUrl: string;
  apiKey: string | undefined;
  timeout: number;
  maxRetries: number;
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
}

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | ReadonlyArray<string | number> | undefined> | undefined;
  /** A JSON body, or a raw body with its content type (imports). */
  body?: unknown;
  raw?: { body: string | Uint8Array; contentType: string };
  /** Safe to repeat even without an idempotency key (e.g. publishing, which dedupes on source + sourceRecordId). */
  idempotent?: boolean;
  /** Generate an Idempotency-Key for this call when the caller did not give one. */
  autoIdempotencyKey?: boolean;
  accept?: 'json' | 'text';
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
// 408/429/5xx are transient. 409 is not retried, unlike Stainless: here it means a real conflict (the same
// idempotency key with a different request, a duplicate), which a retry would only repeat.
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
// A Retry-After beyond this is not waited for; the call fails instead, so a caller's flow is not parked for minutes.
const MAX_RETRY_AFTER_MS = 60_000;
const UNDICI_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export const USER_AGENT = `yingcha-sdk/${VERSION} node/${process.versions.node}`;

/** What the HTTP response said besides its body: `await client.checks.create(…).withResponse()`. */
export interface ResponseInfo {
  status: number;
  /** lower-case names */
  headers: Record<string, string>;
  /** the server's `x-request-id`: quote it when reporting a problem */
  requestId: string | undefined;
}

export interface WithResponse<T> {
  data: T;
  response: ResponseInfo;
}

/**
 * What every call returns: a promise of the parsed body, which can also show the response it came from
 * (`.withResponse()`), as the Stainless SDKs do. The request starts when the call is made, not when it is awaited.
 */
export class APIPromise<T> extends Promise<T> {
  private parsed: Promise<T> | undefined;

  constructor(protected readonly raw: Promise<WithResponse<T>>) {
    // The base promise is never used: then/catch/finally below read the body through `raw`.
    super((resolve) => resolve(undefined as T));
  }

  // Promises derived with then() are plain promises, not APIPromises over nothing.
  static override get [Symbol.species]() {
    return Promise;
  }

  /** The body and the response: status, headers and request id. */
  withResponse(): Promise<WithResponse<T>> {
    return this.raw;
  }

  /** A promise of another value made from the body and the response (used by resources, e.g. checks' `replayed`). */
  map<U>(fn: (data: T, response: ResponseInfo) => U): APIPromise<U> {
    return new APIPromise(this.raw.then((r) => ({ data: fn(r.data, r.response), response: r.response })));
  }

  private body(): Promise<T> {
    return (this.parsed ??= this.raw.then((r) => r.data));
  }

  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.body().then(onfulfilled, onrejected);
  }

  override catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.body().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.body().finally(onfinally);
  }
}

/** A page of a list: its rows under some key, and the cursor of the next page (absent or null on the last). */
export interface CursorPage {
  nextCursor?: string | null;
}

/**
 * What a list call returns: awaited, the first page (with `.withResponse()` like any call); iterated with
 * `for await`, every row of every page, fetching the next page (`after` = the page's `nextCursor`) as it goes.
 */
export class PagePromise<P, Item> extends APIPromise<P> implements AsyncIterable<Item> {
  constructor(
    raw: Promise<WithResponse<P>>,
    private readonly fetchAfter: (after: string) => APIPromise<P>,
    private readonly rows: (page: P) => Item[],
    private readonly cursorOf: (page: P) => string | null | undefined = (page) => (page as CursorPage).nextCursor,
  ) {
    super(raw);
  }

  /**
   * The pages, the first one included. `maxPages` bounds the loop (default: until the last page). A cursor that does
   * not move ends it too, so a misbehaving server cannot keep it spinning.
   */
  async *pages(maxPages = Number.POSITIVE_INFINITY): AsyncGenerator<P> {
    let page: P = await this;
    yield page;
    for (let n = 1; n < maxPages; n++) {
      const cursor = this.cursorOf(page);
      if (!cursor) return;
      const next: P = await this.fetchAfter(cursor);
      if (this.cursorOf(next) === cursor) return;
      page = next;
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.pages()) yield* this.rows(page);
  }
}

export class Transport {
  constructor(readonly options: TransportOptions) {}

  request<T>(call: Call, opts: RequestOptions = {}): APIPromise<T> {
    return new APIPromise(this.send<T>(call, opts));
  }

  /**
   * A list: GET `call` for the first page, then the same with `after` = the page's `nextCursor` for each next one.
   * A list with a second cursor in the same answer (a subscription's dead letters) names its own `cursor` field and
   * query `param`.
   */
  list<P extends CursorPage, Item>(call: Call, opts: RequestOptions, rows: (page: P) => Item[]): PagePromise<P, Item>;
  list<P, Item>(
    call: Call,
    opts: RequestOptions,
    rows: (page: P) => Item[],
    cursor: { param: string; of: (page: P) => string | null | undefined },
  ): PagePromise<P, Item>;
  list<P, Item>(
    call: Call,
    opts: RequestOptions,
    rows: (page: P) => Item[],
    cursor?: { param: string; of: (page: P) => string | null | undefined },
  ): PagePromise<P, Item> {
    const param = cursor?.param ?? 'after';
    const fetchAfter = (after: string) => this.request<P>({ ...call, query: { ...call.query, [param]: after } }, opts);
    return new PagePromise<P, Item>(this.send<P>(call, opts), fetchAfter, rows, cursor?.of);
  }

  private async send<T>(call: Call, opts: RequestOptions): Promise<WithResponse<T>> {
    const maxRetries = opts.maxRetries ?? this.options.maxRetries;
    const timeout = opts.timeout ?? this.options.timeout;
    validateCallOptions(maxRetries, timeout);
    const idempotencyKey = opts.idempotencyKey ?? (call.autoIdempotencyKey ? `yc-sdk-${randomUUID()}` : undefined);
    const retryable = call.idempotent === true || IDEMPOTENT_METHODS.has(call.method) || idempotencyKey !== undefined;
    const url = this.url(call);
    const headers = this.headers(call, opts, idempotencyKey);
    const body = call.raw ? call.raw.body : call.body === undefined ? undefined : JSON.stringify(call.body);

    // Every pass either returns, throws, or waits and retries; retriesLeft reaches 0 by the last pass at the latest.
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const retriesLeft = retryable ? maxRetries - attempt : 0;
      if (opts.signal?.aborted) throw new APIUserAbortError(undefined, { cause: opts.signal.reason });
      let res: { status: number; headers: Record<string, string>; text: string };
      try {
        res = await this.attempt(call.method, url, headers, body, timeout, opts.signal);
      } catch (err) {
        if (err instanceof APIUserAbortError || retriesLeft <= 0) throw err;
        await this.backoff(attempt, undefined, opts.signal);
        continue;
      }
      if (res.status < 400) {
        return {
          data: parse<T>(res, call.accept ?? 'json'),
          response: { status: res.status, headers: res.headers, requestId: res.headers['x-request-id'] },
        };
      }
      const error = APIError.from(res.status, res.headers, problemBody(res));
      if (retriesLeft <= 0 || !shouldRetry(res)) throw error;
      const wait = retryAfterMs(res.headers);
      if (wait !== undefined && wait > MAX_RETRY_AFTER_MS) throw error;
      await this.backoff(attempt, wait, opts.signal);
    }
    throw new Error('unreachable: the last attempt returns or throws');
  }

  private url(call: Call): string {
    const url = new URL(this.options.baseUrl.replace(/\/+$/, '') + call.path);
    for (const [k, v] of Object.entries(call.query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  private headers(call: Call, opts: RequestOptions, idempotencyKey: string | undefined): Record<string, string> {
    const h: Record<string, string> = {
      'user-agent': USER_AGENT,
      accept:
        call.accept === 'text'
          ? 'text/html, text/plain, application/problem+json'
          : 'application/json, application/problem+json',
    };
    if (this.options.apiKey) h.authorization = `Bearer ${this.options.apiKey}`;
    if (call.raw) h['content-type'] = call.raw.contentType;
    else if (call.body !== undefined) h['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) h['idempotency-key'] = idempotencyKey;
    for (const [k, v] of Object.entries({ ...this.options.headers, ...opts.headers })) h[k.toLowerCase()] = v;
    return h;
  }

  private async attempt(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    // One controller per attempt: it fires on the attempt's timer or on the caller's signal, and the reason tells
    // the two apart afterwards. The body is read under the same controller, so a server that sends headers and then
    // stalls still times out.
    const controller = new AbortController();
    const timedOut = new Error('timeout');
    const timer = setTimeout(() => controller.abort(timedOut), timeout);
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await undiciRequest(url, {
        method,
        headers,
        body,
        signal: controller.signal,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
      const text = await res.body.text();
      return { status: res.statusCode, headers: flatHeaders(res.headers), text };
    } catch (err) {
      if (signal?.aborted) throw new APIUserAbortError(undefined, { cause: err });
      if (controller.signal.reason === timedOut || UNDICI_TIMEOUT_CODES.has((err as { code?: string }).code ?? '')) {
        throw new APIConnectionTimeoutError(
          `Request timed out after ${timeout} ms: ${method} ${new URL(url).pathname}`,
          { cause: err },
        );
      }
      throw new APIConnectionError(`Connection error: ${method} ${new URL(url).pathname}: ${(err as Error).message}`, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private async backoff(
    attempt: number,
    retryAfter: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    try {
      await delay(retryDelayMs(attempt, retryAfter), undefined, signal ? { signal } : undefined);
    } catch (err) {
      throw new APIUserAbortError(undefined, { cause: err });
    }
  }
}

/**
 * The wait before retry number `attempt + 1`: exponential from 0.5 s, capped at 8 s, minus up to 25 % jitter so that
 * many clients turned away by the same overload do not come back in step. A server's Retry-After replaces it.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: number | undefined,
  random: () => number = Math.random,
): number {
  return retryAfter ?? Math.min(INITIAL_DELAY_MS * 2 ** attempt, MAX_DELAY_MS) * (1 - random() * 0.25);
}

function shouldRetry(res: { status: number; headers: Record<string, string> }): boolean {
  const hint = res.headers['x-should-retry'];
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return RETRY_STATUSES.has(res.status);
}

/** Retry-After in seconds or as an HTTP date, or retry-after-ms; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const ms = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  // A number is seconds, even a negative one (ignored); Date.parse would read "-1" as a year.
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    const seconds = Number(value);
    return seconds >= 0 ? seconds * 1000 : undefined;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function problemBody(res: { headers: Record<string, string>; text: string }): Problem | string | undefined {
  if (res.text === '') return undefined;
  if (/json/.test(res.headers['content-type'] ?? '')) {
    try {
      return JSON.parse(res.text) as Problem;
    } catch {
      // a proxy's JSON-labelled error page: keep the text
    }
  }
  return res.text;
}

function parse<T>(res: { status: number; headers: Record<string, string>; text: string }, accept: 'json' | 'text'): T {
  if (accept === 'text') return res.text as T;
  if (res.text === '') return undefined as T;
  try {
    return JSON.parse(res.text) as T;
  } catch (err) {
    throw new APIConnectionError(
      `The server answered ${res.status} with a body that is not JSON`,
      { cause: err },
      'ERR_YINGCHA_BAD_RESPONSE',
    );
  }
}

export function validateCallOptions(maxRetries: number, timeout: number): void {
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    throw new YingchaConfigError(`maxRetries must be an integer ≥ 0, got ${maxRetries}`);
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new YingchaConfigError(`timeout must be a positive number of milliseconds, got ${timeout}`);
}
