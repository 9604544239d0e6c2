import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inQuery } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { changesPage } from '../../services/changes.js';
import { ChangeEvent, ChangesPage, ChangesQuery, RecordEventData } from './schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

const changeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(RecordEventData);
  app.addSchema(ChangeEvent);

  app.get(
    '',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'listChanges',
        tags: ['changes'],
        summary: 'The change feed: every list event in commit order',
        description:
          'Page with `after=<nextCursor>`. Each event appears exactly once, in the order its transaction committed, even ' +
          'under concurrent publishers; a transaction still running holds back the events after it until it ends. ' +
          'The caller sees public events plus those addressed to its department (watch.hit). A malformed cursor is INVALID_CURSOR.',
        querystring: ChangesQuery,
        response: { 200: ChangesPage },
      },
    },
    async (request) => {
      const q = request.query;
      return changesPage(app.yc.database.db, caller(request).department.departmentId, {
        after: q.after,
        limit: q.limit ?? PAGE_SIZES.lists.default,
        filter: { types: q.type, lists: q.list, regions: q.region },
      }).catch(inQuery);
    },
  );
};

export default changeRoutes;
