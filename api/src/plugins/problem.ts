import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sqlState } from '../db/index.js';
import { ApiError, ERRORS, type ErrorCode, type FieldError, problemType } from '../errors.js';

const PROBLEM_JSON = 'application/problem+json';

// Fastify's own errors, by code, mapped to ours. Anything else with a 4xx status becomes BAD_REQUEST.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_INVALID_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
  FST_ERR_HANDLER_TIMEOUT: 'UNAVAILABLE',
};

// Database errors are mapped by SQLSTATE, never by message, and their text never reaches the client.
const SQLSTATE_CODES: Record<string, ErrorCode> = {
  '23505': 'CONFLICT', // unique_violation
  '23503': 'CONFLICT', // foreign_key_violation
  '40001': 'UNAVAILABLE', // serialization_failure: safe to retry
  '40P01': 'UNAVAILABLE', // deadlock_detected
  '57014': 'UNAVAILABLE', // query_canceled (statement timeout)
  '53300': 'UNAVAILABLE', // too_many_connections
  '55P03': 'UNAVAILABLE', // lock_not_available (lock_timeout)
  '57P01': 'UNAVAILABLE', // admin_shutdown
  '54000': 'INVALID_DATA', // program_limit_exceeded: a value too large to index
};

/**
 * SQLSTATE class 22 (data exception: 22001 too long, 22003 out of range, 22007/22008 bad or overflowing date,
 * 22021/22P05 NUL or untranslatable character, 22P02 bad text representation, …) is always something the request
 * carried that the schema let through: the client's to fix, so 400, never 500.
 */
function mapSqlState(code: string): ErrorCode | undefined {
  return SQLSTATE_CODES[code] ?? (code.startsWith('22') ? 'INVALID_DATA' : undefined);
}

export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
) {
  const { status, title } = ERRORS[code];
  if (extra.headers) reply.headers(extra.headers);
  return reply
    .code(status)
    .type(PROBLEM_JSON)
    .send({
      type: problemType(code),
      title,
      status,
      detail,
      code,
      requestId: String(reply.request.id),
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
}

function validationErrors(err: FastifyError): FieldError[] {
  const where = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    let path = `/${where}${v.instancePath ?? ''}`;
    const params = v.params;
    // For a missing or unexpected property, point at the property itself rather than its parent.
    if (typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
    if (typeof params.additionalProperty === 'string') path += `/${params.additionalProperty}`;
    let message = v.message ?? 'is invalid';
    if (Array.isArray(params.allowedValues)) message += `: ${params.allowedValues.join(', ')}`;
    if (typeof params.additionalProperty === 'string') message = 'is not a known field';
    return { path, message };
  });
}

/** Fastify's own code, or the SQLSTATE of a database error. */
function errorCode(err: { code?: string }): string | undefined {
  return typeof err.code === 'string' && err.code.startsWith('FST_') ? err.code : sqlState(err);
}

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * One error handler for the whole API: application/problem+json with a stable code. A 5xx never shows its message
 * or stack; it is logged with the request id instead.
 */
export const problemPlugin = fp(
  async (app: FastifyInstance) => {
    // A shadow router of our own routes, so an unknown path (404) can be told from a known path with the wrong
    // method (405 + Allow). Fastify's router answers both with its not-found handler.
    const shadow = FindMyWay({ ignoreTrailingSlash: true });
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const m of methods) {
        try {
          shadow.on(m as HTTPMethod, route.url, () => {});
        } catch {
          // already known (HEAD twins and the like)
        }
      }
    });

    app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] ?? '/';
      const allowed = METHODS.filter((m) => shadow.find(m, path) !== null);
      if (allowed.length > 0) {
        return sendProblem(
          reply,
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed here; use ${allowed.join(', ')}`,
          {
            headers: { allow: allowed.join(', ') },
          },
        );
      }
      return sendProblem(reply, 'ROUTE_NOT_FOUND', `no route ${request.method} ${path}`);
    });

    // While the server drains (app.close()), new requests get our 503 with Retry-After instead of Fastify's own
    // plain JSON (return503OnClosing is off in buildApp); requests already running finish normally.
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.addHook('onRequest', async (_request, reply) => {
      if (!closing) return;
      reply.header('connection', 'close');
      throw new ApiError('UNAVAILABLE', 'the server is shutting down; retry the request', {
        headers: { 'retry-after': '1' },
      });
    });

    app.setErrorHandler((err: FastifyError & { code?: string }, request, reply) => {
      if (err instanceof ApiError) {
        return sendProblem(reply, err.code, err.detail, err.extra);
      }
      if (err.validation) {
        const errors = validationErrors(err);
        return sendProblem(reply, 'VALIDATION_FAILED', errors.map((e) => `${e.path} ${e.message}`).join('; '), {
          errors,
        });
      }
      const code = errorCode(err);
      const fromDb = code !== undefined && !code.startsWith('FST_');
      const mapped = code ? (fromDb ? mapSqlState(code) : FASTIFY_CODES[code]) : undefined;
      if (mapped && ERRORS[mapped].status < 500) {
        if (fromDb)
          request.log.info({ sqlState: code, reqId: request.id }, 'database refused a value from the request');
        const detail = !fromDb
          ? err.message
          : mapped === 'INVALID_DATA'
            ? 'a value in the request is out of range or malformed for the database'
            : 'the request conflicts with existing data';
        return sendProblem(reply, mapped, detail);
      }
      if (mapped) {
        request.log.warn({ err, reqId: request.id }, fromDb ? 'database unavailable' : 'request timed out');
        const detail = fromDb ? 'the database is busy; retry the request' : 'the request took too long; retry it';
        return sendProblem(reply, mapped, detail, { headers: { 'retry-after': '1' } });
      }
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        return sendProblem(reply, 'BAD_REQUEST', err.message);
      }
      request.log.error({ err, reqId: request.id }, 'unhandled error');
      return sendProblem(reply, 'INTERNAL', `internal error; quote request id ${request.id}`);
    });
  },
  { name: 'yingcha-problem', fastify: '5.x' },
);

/**
 * Errors the router raises before any route or hook runs (a URL that does not decode, a path parameter longer than
 * maxParamLength): Fastify's `frameworkErrors` option, so they are problem+json like everything else.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const code =
    FASTIFY_CODES[err.code] ??
    (typeof err.statusCode === 'number' && err.statusCode < 500 ? 'BAD_REQUEST' : 'INTERNAL');
  const detail =
    code === 'URI_TOO_LONG'
      ? 'a path segment is longer than any identifier this API uses'
      : code === 'INTERNAL'
        ? 'internal error'
        : 'the URL is not valid percent-encoded UTF-8';
  sendProblem(reply, code, detail);
}

const CLIENT_ERRORS: Record<string, ErrorCode> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
};

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers over maxHeaderSize, including an over-long
 * URL; a malformed request line or header; a request that was not received in time): written to the socket as
 * problem+json, then the connection is closed, as Node does.
 */
export function clientErrorHandler(
  err: NodeJS.ErrnoException & { code?: string },
  socket: import('node:stream').Duplex,
) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code = CLIENT_ERRORS[err.code ?? ''] ?? 'BAD_REQUEST';
  const { status, title } = ERRORS[code];
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    detail:
      code === 'HEADERS_TOO_LARGE'
        ? 'the URL and headers together exceed the size limit'
        : code === 'REQUEST_TIMEOUT'
          ? 'the request was not received in time'
          : 'the HTTP request is malformed',
    code,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
