// The SDK's error hierarchy, after the Stainless SDKs: one APIError subclass per status family, and distinct classes
// for a connection that failed, a timeout and an abort by the caller. Branch on `code`, never on `message`.
import type { components } from './schema.js';

export type Problem = components['schemas']['Problem'];
/** The stable codes the API answers with (see the Problem schema); kept open so a newer server's code still types. */
export type ProblemCode = Problem['code'] | (string & {});

// Every instance carries the brands of its class chain under a registry symbol, and `instanceof` checks the brand.
// Two copies of the SDK in one process (a host app and a library each installing it) then still recognise each
// other's errors, as undici's do.
const BRANDS = Symbol.for('yingcha.sdk.errorBrands');

export class YingchaError extends Error {
  static readonly brand: string = 'yingcha.YingchaError';
  /** A stable code: the API's problem code for APIError, ERR_YINGCHA_* for errors raised in the client. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    const brands: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && 'brand' in c; c = Object.getPrototypeOf(c)) {
      brands.push((c as { brand: string }).brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands });
    this.name = new.target.name;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [BRANDS]?: unknown })[BRANDS];
    return Array.isArray(brands) && brands.includes(this.brand);
  }
}

/** Options were wrong before any request was sent (bad baseUrl, negative timeout, missing apiKey…). */
export class YingchaConfigError extends YingchaError {
  static override readonly brand: string = 'yingcha.YingchaConfigError';
  constructor(message: string) {
    super(message, 'ERR_YINGCHA_CONFIG');
  }
}

/** The server answered with a non-2xx status. */
export class APIError extends YingchaError {
  static override readonly brand: string = 'yingcha.APIError';
  declare readonly code: ProblemCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The parsed application/problem+json body, or the raw text when the body was not JSON. */
  readonly body: Problem | string | undefined;
  /** Quote this when reporting a problem: it is in the server's logs. */
  readonly requestId: string | undefined;
  /** Field errors of a VALIDATION_FAILED answer. */
  readonly errors: Array<{ path: string; message: string }>;

  constructor(status: number, headers: Record<string, string>, body: Problem | string | undefined) {
    const problem = typeof body === 'object' && body !== null ? body : undefined;
    const code = problem?.code ?? `HTTP_${status}`;
    const detail =
      problem?.detail ??
      problem?.title ??
      (typeof body === 'string' && body.length > 0 ? body.slice(0, 200) : 'no body');
    super(`${status} ${code}: ${detail}`, code);
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.requestId = problem?.requestId ?? headers['x-request-id'];
    this.errors = problem?.errors ?? [];
  }

  /** The subclass for a status, so `catch (e) { if (e instanceof NotFoundError) … }` works. */
  static from(status: number, headers: Record<string, string>, body: Problem | string | undefined): APIError {
    const Ctor = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Ctor(status, headers, body);
  }
}

export class BadRequestError extends APIError {
  static override readonly brand: string = 'yingcha.BadRequestError';
}
export class AuthenticationError extends APIError {
  static override readonly brand: string = 'yingcha.AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  static override readonly brand: string = 'yingcha.PermissionDeniedError';
}
export class NotFoundError extends APIError {
  static override readonly brand: string = 'yingcha.NotFoundError';
}
export class ConflictError extends APIError {
  static override readonly brand: string = 'yingcha.ConflictError';
}
export class PayloadTooLargeError extends APIError {
  static override readonly brand: string = 'yingcha.PayloadTooLargeError';
}
export class UnprocessableEntityError extends APIError {
  static override readonly brand: string = 'yingcha.UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  static override readonly brand: string = 'yingcha.RateLimitError';
}
export class InternalServerError extends APIError {
  static override readonly brand: string = 'yingcha.InternalServerError';
}
/** 503 UNAVAILABLE: the database is busy or the instance is draining; the SDK already retried per Retry-After. */
export class ServiceUnavailableError extends InternalServerError {
  static override readonly brand: string = 'yingcha.ServiceUnavailableError';
}

const STATUS_CLASSES: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

/** No HTTP answer: refused, reset, DNS, TLS. The request may or may not have reached the server. */
export class APIConnectionError extends YingchaError {
  static override readonly brand: string = 'yingcha.APIConnectionError';
  constructor(message = 'Connection error', options?: { cause?: unknown }, code = 'ERR_YINGCHA_CONNECTION') {
    super(message, code, options);
  }
}

/** The per-attempt `timeout` elapsed (after any retries). */
export class APIConnectionTimeoutError extends APIConnectionError {
  static override readonly brand: string = 'yingcha.APIConnectionTimeoutError';
  constructor(message = 'Request timed out', options?: { cause?: unknown }) {
    super(message, options, 'ERR_YINGCHA_TIMEOUT');
  }
}

/** The caller's AbortSignal fired. Never retried. */
export class APIUserAbortError extends YingchaError {
  static override readonly brand: string = 'yingcha.APIUserAbortError';
  constructor(message = 'Request was aborted', options?: { cause?: unknown }) {
    super(message, 'ERR_YINGCHA_ABORTED', options);
  }
}

export type WebhookErrorCode =
  | 'ERR_YINGCHA_WEBHOOK_NO_SIGNATURE'
  | 'ERR_YINGCHA_WEBHOOK_MALFORMED_SIGNATURE'
  | 'ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE'
  | 'ERR_YINGCHA_WEBHOOK_STALE'
  | 'ERR_YINGCHA_WEBHOOK_MALFORMED_BODY';

/** A webhook delivery failed verification; answer it with 400 and do not act on it. */
export class WebhookVerificationError extends YingchaError {
  static override readonly brand: string = 'yingcha.WebhookVerificationError';
  declare readonly code: WebhookErrorCode;
  constructor(code: WebhookErrorCode, message: string) {
    super(message, code);
  }
}
