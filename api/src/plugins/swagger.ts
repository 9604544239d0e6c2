import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { ERRORS, ERROR_CODES, type ErrorCode, problemType } from '../errors.js';

export const API_VERSION = '1.0.0';

const PROBLEM_JSON = 'application/problem+json';

/** A documented problem response: the Problem schema with one example per code, each a body of that status. */
function problemResponse(description: string, codes: readonly ErrorCode[]) {
  const examples: Record<string, { summary: string; value: unknown }> = {};
  for (const code of codes) {
    const { status, title } = ERRORS[code];
    examples[code] = {
      summary: `${status} ${code}`,
      value: {
        type: problemType(code),
        title,
        status,
        detail: EXAMPLE_DETAIL[code] ?? title,
        code,
        requestId: '8e0c1b7e-5c1a-4f7e-9a51-0d1f7c2b9a10',
        ...(code === 'VALIDATION_FAILED'
          ? { errors: [{ path: '/body/matter/type', message: 'must be equal to one of the allowed values' }] }
          : {}),
      },
    };
  }
  const list = codes.map((c) => `\`${c}\``).join(', ');
  return {
    description: `${description}. Codes: ${list}.`,
    content: { [PROBLEM_JSON]: { schema: { $ref: 'Problem#' }, examples } },
  };
}

const EXAMPLE_DETAIL: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: '/body/matter/type must be equal to one of the allowed values',
  UNAUTHENTICATED: 'send Authorization: Bearer <api key>',
  FORBIDDEN_SCOPE: 'this operation needs scope `publish`',
  NOT_FOUND: 'no such resource for this department',
  INTERNAL: 'internal error; quote request id 8e0c1b7e-5c1a-4f7e-9a51-0d1f7c2b9a10',
  RATE_LIMITED: 'too many requests; retry after 1 s',
  UNAVAILABLE: 'the database is busy; retry the request',
};

const AUTH_CODES = ERROR_CODES.filter((c) => ERRORS[c].status === 401);
/** 4xx codes any route may answer that have no status of their own in a route's documentation */
const GENERAL_4XX = ERROR_CODES.filter((c) => {
  const s: number = ERRORS[c].status;
  return s >= 400 && s < 500 && ![400, 401, 403, 404, 429].includes(s);
});

/**
 * Every route answers errors as problem+json, and a route with `config.scope` needs the bearer key. Declared here
 * once, so no route can forget it: fastify serialises errors through the Problem schema (nothing else can leak), and
 * the OpenAPI spec shows the security requirement and, per status, the codes and an example body of that status:
 * 400 when the route takes input, 401/403 when it needs a key, 404 when its path names a resource, 429 always, the
 * other 4xx codes together, and 5xx. A route documents a status itself by declaring it (it is then left alone).
 */
function completeRouteSchema(route: RouteOptions) {
  if (route.schema?.hide) return;
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  const response = (schema.response ??= {}) as Record<string, unknown>;
  const declared = route.config?.scope;
  const scope = declared === undefined ? undefined : typeof declared === 'string' ? declared : declared.join('` or `');
  const takesInput = ['body', 'querystring', 'params', 'headers'].some((k) => schema[k] !== undefined);
  if (takesInput)
    response['400'] ??= problemResponse(
      'The request is malformed',
      schema.body ? ['VALIDATION_FAILED', 'MALFORMED_JSON'] : ['VALIDATION_FAILED'],
    );
  if (scope) {
    response['401'] ??= problemResponse('No valid API key', AUTH_CODES);
    response['403'] ??= problemResponse('The key may not do this', ['FORBIDDEN_SCOPE']);
  }
  if (route.url.includes(':'))
    response['404'] ??= problemResponse('No such resource (or not visible to this department)', ['NOT_FOUND']);
  response['429'] ??= problemResponse('Over the rate limit; see Retry-After', ['RATE_LIMITED']);
  response['4xx'] ??= problemResponse('Other client errors (RFC 9457) with a stable code', GENERAL_4XX);
  response['5xx'] ??= problemResponse('Server errors; details are never shown', ['INTERNAL', 'UNAVAILABLE']);
  schema.security ??= scope ? [{ bearerAuth: [] }] : [];
  if (scope && typeof schema.description === 'string' && !schema.description.includes('Scope:')) {
    schema.description += `\n\nScope: \`${scope}\`.`;
  } else if (scope && schema.description === undefined) {
    schema.description = `Scope: \`${scope}\`.`;
  }
}

export interface SwaggerOptions {
  /** the spec's `servers` (YINGCHA_PUBLIC_URL); default: relative to where the spec is served */
  servers?: Array<{ url: string; description?: string }>;
}

export const swaggerPlugin = fp(
  async (app: FastifyInstance, opts: SwaggerOptions) => {
    app.addHook('onRoute', completeRouteSchema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Yingcha 应查 API',
          version: API_VERSION,
          license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
          description:
            '应查必查、奖惩到位: inline joint reward and punishment list checks for departments. One call returns the ' +
            'verdict, the list hits, the measures this department must apply, a tamper-evident receipt and a printable ' +
            '惩戒告知书. Errors are application/problem+json with a stable `code`.',
        },
        servers: opts.servers?.length
          ? opts.servers
          : [{ url: '/', description: 'The server that serves this document' }],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description:
                'A department API key: `Authorization: Bearer yc_…`. The key decides the calling department.',
            },
          },
        },
        tags: [
          { name: 'health', description: 'Liveness and readiness' },
          { name: 'admin', description: 'Departments and API keys (scope admin)' },
          {
            name: 'catalog',
            description:
              'The memoranda (合作备忘录), measures (措施) and lists (名单) the check applies. Any department key reads it; ' +
              'admins grow it. Every change is audited and raises the catalogue version.',
          },
          { name: 'checks', description: '应查必查: the inline check, its receipts and batches' },
          {
            name: 'entries',
            description: '名单记录: publishing list records, and reading them (public or internal view)',
          },
          {
            name: 'objections',
            description: '异议: the record is suspended (核实期间暂不执行) until the deciding department decides',
          },
          {
            name: 'repairs',
            description:
              '信用修复: evidence and a credit pledge; per-list locks; the record leaves the list from the effective date',
          },
          {
            name: 'stats',
            description:
              '跟踪问效: checks, verdicts, feedback completion, objection and repair deadlines per department',
          },
          {
            name: 'changes',
            description: '即时推送 (pull): every list event in commit order, behind an opaque cursor',
          },
          {
            name: 'subscriptions',
            description:
              '即时推送 (push): signed webhooks from a transactional outbox, retried, dead-lettered, replayable',
          },
          {
            name: 'watches',
            description: 'Subjects a department has approved; a new listing of one sends it a watch.hit',
          },
        ],
      },
      // Name components after their $id, never def-N, so the SDK types keep stable names.
      refResolver: {
        buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'yingcha-swagger', fastify: '5.x' },
);
