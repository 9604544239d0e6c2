// 跟踪问效: checks, verdicts, measures and their feedback, objections and repairs against their deadlines.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inQuery } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { departmentStats } from '../../services/stats.js';
import { Timestamp, Uuid } from '../schemas.js';
import { Stats } from './schemas.js';

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'getStats',
        tags: ['stats'],
        summary: '跟踪问效: checks, verdicts, feedback completion, objections and repairs per department',
        description:
          'The period defaults to the current month (Asia/Shanghai), as feedback is reported monthly (003:L599). A ' +
          "department sees its own row; an admin key sees every department's, or one with departmentId.",
        querystring: Type.Object(
          {
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
            departmentId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: Stats },
      },
    },
    async (request) => departmentStats(app.yc.database.db, caller(request), request.query).catch(inQuery),
  );
};

export default statsRoutes;
