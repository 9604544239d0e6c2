import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inBody } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { answerList } from '../paging.js';
import { createWatch, deleteWatch, listWatches } from '../../services/watches.js';
import { Ref } from '../schemas.js';
import { CreateWatchBody, DeletedWatch, Watch, WatchList, WatchListQuery, WatchParams } from './schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

const watchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Watch);
  const db = () => app.yc.database.db;
  const config = { scope: 'check' as const };
  const tags = ['watches'];

  app.post(
    '',
    {
      config,
      schema: {
        operationId: 'createWatch',
        tags,
        summary: 'Watch an approved subject (e.g. a bidder under contract)',
        description:
          'When the subject is newly listed on a punitive list, the department receives a watch.hit event (feed and ' +
          'webhooks) with the record and the measures its category must apply for this matter type, once per record version.',
        body: CreateWatchBody,
        response: { 201: Ref(Watch) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createWatch(db(), caller(request), request.body, app.yc.secret).catch(inBody)),
  );

  app.get(
    '',
    {
      config,
      schema: {
        operationId: 'listWatches',
        tags,
        summary: "The caller's watches (an admin sees all), newest first",
        querystring: WatchListQuery,
        response: { 200: WatchList },
      },
    },
    async (request, reply) =>
      answerList(request, reply, 'watches', PAGE_SIZES.lists, (q) =>
        listWatches(db(), caller(request), { ...q, offset: q.offset ?? 0 }),
      ),
  );

  app.delete(
    '/:watchId',
    {
      config,
      schema: {
        operationId: 'deleteWatch',
        tags,
        summary: 'Stop watching',
        params: WatchParams,
        response: { 200: DeletedWatch },
      },
    },
    async (request) => {
      await deleteWatch(db(), caller(request), request.params.watchId);
      return { watchId: request.params.watchId, deleted: true };
    },
  );
};

export default watchRoutes;
