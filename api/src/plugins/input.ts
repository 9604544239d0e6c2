import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findUnstorable, unstorableReason, type UnstorableAt } from '../domain/text.js';
import { ApiError, type FieldError } from '../errors.js';

/** Header values the service keeps (the request id is logged and echoed; an idempotency key is stored). */
export const STORED_HEADERS = ['x-request-id', 'idempotency-key'] as const;

const MAX_ERRORS = 20;

/** Every unstorable string a request carries, with its path (/body/…, /querystring/…, /params/…, /headers/…). */
export function unstorableInRequest(
  request: Pick<FastifyRequest, 'body' | 'query' | 'params' | 'headers'>,
): FieldError[] {
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
      throw ApiError.invalidFields(errors);
    });
  },
  { name: 'yingcha-input', fastify: '5.x', dependencies: ['yingcha-problem'] },
);

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The instants PostgreSQL and Date both hold: 0001-01-01 to 9999-12-31 (UTC), so no year 0 and no +010000. */
const FIRST_MS = new Date('0001-01-01T00:00:00Z').getTime();
const LAST_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const daysIn = (y: number, m: number) => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/** A calendar date (YYYY-MM-DD) that exists, in years 0001–9999. */
export function isValidDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo);
}

/**
 * An RFC 3339 date-time that names a real instant between 0001 and 9999 (UTC). Stricter than ajv-formats: a leap
 * second (:60), which Date cannot hold (new Date() gives Invalid Date and toISOString throws), and an offset that
 * pushes the instant past either end of the range (year 0 or 10000, which PostgreSQL refuses with 22008) are refused
 * here, as a 400 naming the field, instead of failing later in a service or in SQL.
 */
export function isValidDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (!(y! >= 1 && mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= daysIn(y!, mo!) && h! <= 23 && mi! <= 59 && se! <= 59))
    return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  const ms = Date.parse(s.toUpperCase().replace(' ', 'T'));
  return Number.isFinite(ms) && ms >= FIRST_MS && ms <= LAST_MS;
}
