import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findUnstorable, unstorableReason, type UnstorableAt } from '../domain/text.js';
import { ApiError, type FieldError } from '../errors.js';

/** Header values the service keeps (the request id is logged and echoed; an idempotency key is stored). */
export const STORED_HEADERS = ['x-request-id', 'idempotency-key'] as const;

const MAX_ERRORS = 20;

/** Every unstorable string a request carries, with its path (/body/…, /querystring/…, /params/…, /headers/…). */
export function unstorableInRequest(request: Pick<FastifyRequest, 'body' | 'query' | 'params' | 'headers'>): FieldError[] {
  const errors: UnstorableAt[] = [];
  const add = (found: UnstorableAt[]) => {
    for (const f of found) if (errors.length < MAX_ERRORS) errors.push(f);
  };
  for (const name of STORED_HEADERS) {
    const v = request.headers[name];
    // Node's parser already refuses C0 controls in header values, but lets C1 (obs-text) and, under inject(), more through.
    for (const s of typeof v === 'string' ? [v] : Array.isArray(v) ? v : []) {
      const why = unstorableReason(s);
      if (why !== null) add([{ path: `/headers/${name}`, message: why }]);
    }
  }
  add(findUnstorable(request.params, '/params', MAX_ERRORS));
  add(findUnstorable(request.query, '/querystring', MAX_ERRORS));
  add(findUnstorable(request.body, '/body', MAX_ERRORS));
  return errors;
}

/**
 * The one input validator every route gets: text that cannot be stored faithfully (a lone surrogate, NUL, a C0/C1
 * control other than tab, LF, CR) anywhere in the params, query, JSON body or a stored header answers 400
 * VALIDATION_FAILED naming each path, before the schema and before any handler can write. One regex test per string.
 */
export const inputPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const errors = unstorableInRequest(request);
      if (errors.length === 0) return;
      throw new ApiError('VALIDATION_FAILED', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
    });
  },
  { name: 'yingcha-input', fastify: '5.x', dependencies: ['yingcha-problem'] },
);
