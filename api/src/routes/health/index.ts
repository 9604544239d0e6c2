import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../errors.js';

const READY_TIMEOUT_MS = 2000;

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: {
          200: Type.Object({ status: Type.Literal('ok') }, { examples: [{ status: 'ok' }] }),
        },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: {
          200: Type.Object(
            { status: Type.Literal('ready'), engine: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]) },
            { examples: [{ status: 'ready', engine: 'postgres' }] },
          ),
        },
      },
    },
    async () => {
      const { database } = app.yc;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          database.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), READY_TIMEOUT_MS);
          }),
        ]);
      } catch {
        throw new ApiError('UNAVAILABLE', 'the database does not answer', { headers: { 'retry-after': '5' } });
      } finally {
        clearTimeout(timer);
      }
      return { status: 'ready' as const, engine: database.engine };
    },
  );
};

export default healthRoutes;
