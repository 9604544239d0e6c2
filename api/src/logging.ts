// What the server logs must never let anyone recover an ID number (issue #11):
// - request lines: the query string of routes that carry subject identifiers is replaced by its parameter names
//   (`?subject=[redacted]`), and anything shaped like an ID number anywhere else in a URL is masked;
// - errors: a failed statement's parameters are never logged (drizzle puts them in the message and in `params`), at
//   any depth of `cause`.
import type { FastifyServerOptions } from 'fastify';

/** Routes whose query string names a subject (USCC, subject id, name) or may be sent one by mistake (an ID number). */
const IDENTIFYING = [/^\/v1\/entries\/?$/, /^\/v1\/checks(\/|$)/, /^\/v1\/watches(\/|$)/, /^\/v1\/admin\/reads\/?$/];
/** 17 digits and a check character, with or without separators in between: an ID number, or its 17-digit prefix. */
const ID_SHAPE = String.raw`\d{6}[-\s]?(?:18|19|20)\d{2}[-\s]?\d{2}[-\s]?\d{2}[-\s]?\d{3}[\dXx]?`;
const ID_LIKE = new RegExp(ID_SHAPE, 'g');
const HAS_ID = new RegExp(ID_SHAPE);

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const safePath = path.replace(ID_LIKE, '[redacted]');
  if (q === -1) return safePath;
  const query = url.slice(q + 1);
  if (IDENTIFYING.some((r) => r.test(path))) {
    const names = query
      .split('&')
      .filter(Boolean)
      .map((pair) => `${pair.split('=')[0]!.replace(ID_LIKE, '[redacted]')}=[redacted]`);
    return `${safePath}?${names.join('&')}`;
  }
  let decoded = query;
  try {
    decoded = decodeURIComponent(query);
  } catch {
    // a malformed escape: mask the raw text
  }
  return HAS_ID.test(decoded) || HAS_ID.test(query) ? `${safePath}?[redacted]` : `${safePath}?${query}`;
}

// drizzle: "Failed query: <sql>\nparams: <values>", then the stack frames.
const PARAMS_TO_END = /params:[\s\S]*$/;
const PARAMS_IN_STACK = /params:[\s\S]*?(?=\n\s+at |$)/;

interface SerializedError {
  [k: string]: unknown;
  message?: string;
  stack?: string;
}

/** Every string in a logged value with ID-number-shaped runs masked (database messages quote the offending value). */
function scrub(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.replace(ID_LIKE, '[redacted]');
  if (!v || typeof v !== 'object' || depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, scrub(x, depth + 1)]));
}

/**
 * An error as logged: the driver's parameters are dropped from every level of `cause`, and any ID-number-shaped text
 * left (PostgreSQL quotes the offending value in messages such as "value … is out of range") is masked.
 */
export function redactError(err: unknown): unknown {
  return scrub(withoutParams(err));
}

function withoutParams(err: unknown, depth = 0): unknown {
  if (!err || typeof err !== 'object' || depth > 5) return err;
  const e = err as Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };
  const out: SerializedError = { type: err.constructor?.name ?? 'Error' };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'params' || k === 'parameters' || k === 'values') continue;
    out[k] = k === 'cause' ? withoutParams(v, depth + 1) : v;
  }
  if (typeof e.message === 'string') out.message = e.message.replace(PARAMS_TO_END, 'params: [not logged]');
  if (typeof e.stack === 'string') out.stack = e.stack.replace(PARAMS_IN_STACK, 'params: [not logged]');
  if (e.cause !== undefined) out.cause = withoutParams(e.cause, depth + 1);
  return out;
}

/** The request serializer: method and redacted URL, never headers (the bearer key) or a body. */
function serializeRequest(req: { method?: string; url?: string; id?: unknown; ip?: string }) {
  return { method: req.method, url: redactUrl(req.url ?? ''), reqId: req.id, remoteAddress: req.ip };
}

/** The server's logger options: level, the redacting serializers, and the authorization header redacted anyway. */
export function serverLogger(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: ['req.headers.authorization'],
    serializers: { req: serializeRequest, err: redactError },
  } as NonNullable<FastifyServerOptions['logger']>;
}
