import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';

export const API_VERSION = '1.0.0';

const problemContent = { content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } };

/**
 * Every route answers errors as problem+json, and a route with `config.scope` needs the bearer key. Declared here
 * once, so no route can forget it: fastify serialises errors through the Problem schema (nothing else can leak), and
 * the OpenAPI spec shows the security requirement and the error shape on every operation.
 */
function completeRouteSchema(route: RouteOptions) {
  if (route.schema?.hide) return;
  const schema = (route.schema ??= {}) as Record<string, unknown>;
  const response = (schema.response ??= {}) as Record<string, unknown>;
  response['4xx'] ??= { description: 'Problem (RFC 9457) with a stable code', ...problemContent };
  response['5xx'] ??= { description: 'Problem (RFC 9457); details are never shown', ...problemContent };
  const declared = route.config?.scope;
  const scope = declared === undefined ? undefined : typeof declared === 'string' ? declared : declared.join('` or `');
  schema.security ??= scope ? [{ bearerAuth: [] }] : [];
  if (scope && typeof schema.description === 'string' && !schema.description.includes('Scope:')) {
    schema.description += `\n\nScope: \`${scope}\`.`;
  } else if (scope && schema.description === undefined) {
    schema.description = `Scope: \`${scope}\`.`;
  }
}

export const swaggerPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', completeRouteSchema);
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Yingcha 应查 API',
          version: API_VERSION,
          description:
            '应查必查、奖惩到位: inline joint reward and punishment list checks for departments. One call returns the ' +
            'verdict, the list hits, the measures this department must apply, a tamper-evident receipt and a printable ' +
            '惩戒告知书. Errors are application/problem+json with a stable `code`.',
        },
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'A department API key: `Authorization: Bearer yc_…`. The key decides the calling department.',
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
          { name: 'entries', description: '名单记录: publishing list records, and reading them (public or internal view)' },
          { name: 'objections', description: '异议: the record is suspended (核实期间暂不执行) until the deciding department decides' },
          { name: 'repairs', description: '信用修复: evidence and a credit pledge; per-list locks; the record leaves the list from the effective date' },
          { name: 'stats', description: '跟踪问效: checks, verdicts, feedback completion, objection and repair deadlines per department' },
          { name: 'changes', description: '即时推送 (pull): every list event in commit order, behind an opaque cursor' },
          { name: 'subscriptions', description: '即时推送 (push): signed webhooks from a transactional outbox, retried, dead-lettered, replayable' },
          { name: 'watches', description: 'Subjects a department has approved; a new listing of one sends it a watch.hit' },
        ],
      },
      // Name components after their $id, never def-N, so the SDK types keep stable names.
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'yingcha-swagger', fastify: '5.x' },
);
