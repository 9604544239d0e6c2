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
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
};

// Database errors are mapped by SQLSTATE, never by message, and their text never reaches the client.
const SQLSTATE_CODES: Record<string, ErrorCode> = {
  '23505': 'CONFLICT', // unique_violation
  '23503': 'CONFLICT', // foreign_key_violation
  '40001': 'UNAVAILABLE', // serialization_failure: safe to retry
  '40P01': 'UNAVAILABLE', // deadlock_detected
  '57014': 'UNAVAILABLE', // query_canceled (statement timeout)
  '53300': 'UNAVAILABLE', // too_many_connections
};

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
    const params = v.params as Record<string, unknown>;
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
        return sendProblem(reply, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(', ')}`, {
          headers: { allow: allowed.join(', ') },
        });
      }
      return sendProblem(reply, 'ROUTE_NOT_FOUND', `no route ${request.method} ${path}`);
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
      const mapped = code ? (FASTIFY_CODES[code] ?? SQLSTATE_CODES[code]) : undefined;
      if (mapped && ERRORS[mapped].status < 500) {
        const fromDb = code !== undefined && code in SQLSTATE_CODES;
        return sendProblem(reply, mapped, fromDb ? 'the request conflicts with existing data' : err.message);
      }
      if (mapped) {
        request.log.warn({ err, reqId: request.id }, 'database unavailable');
        return sendProblem(reply, mapped, 'the database is busy; retry the request', { headers: { 'retry-after': '1' } });
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
