import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { caller } from '../../plugins/auth.js';
import { findEntries, getEntry, publishEntry, revokeEntry } from '../../services/entries.js';
import { askedFor, recordEntryRead } from '../../services/reads.js';
import { Entry, EntryList, EntryListQuery, EntryParams, EntryQuery, PublishBody, PublishResult, RevokeBody } from './schemas.js';

const entryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Entry);

  app.post(
    '',
    {
      config: { scope: 'publish' },
      schema: {
        operationId: 'publishEntry',
        tags: ['entries'],
        summary: 'Publish a list record (名单记录)',
        description:
          'Idempotent on (source, sourceRecordId): the same content again returns the same version (200, replayed); ' +
          'changed content writes a new version (200); a new record answers 201. The calling department must be a ' +
          'publisher of the list (FORBIDDEN_LIST otherwise).',
        body: PublishBody,
        response: { 200: PublishResult, 201: PublishResult },
      },
    },
    async (request, reply) => {
      const r = await publishEntry(app.yc.database.db, caller(request), request.body, app.yc.secret);
      return reply.code(r.created ? 201 : 200).send({ entryId: r.entryId, version: r.version, status: r.status, replayed: r.replayed });
    },
  );

  app.get(
    '/:entryId',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'getEntry',
        tags: ['entries'],
        summary: 'Read a list record (public view, or internal with its version history)',
        description:
          'A public read answers NOT_FOUND for a record no longer on display (expired, repaired, revoked); the record ' +
          'stays in the back end and view=internal (scope publish, review or admin) shows it with its history.',
        params: EntryParams,
        querystring: EntryQuery,
        response: { 200: Type.Ref('Entry') },
      },
    },
    async (request) => {
      const entry = await getEntry(app.yc.database.db, caller(request), request.params.entryId, request.query.view ?? 'public');
      // Who read which record is recorded (services/reads.ts, GET /v1/admin/reads).
      await recordEntryRead(app.yc.database.db, caller(request), 'getEntry', { askedBy: 'entry_id' }, [entry]);
      return entry;
    },
  );

  app.get(
    '',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'listEntries',
        tags: ['entries'],
        summary: 'Find the list records of a subject',
        description: 'By 统一社会信用代码, ID number or subject id; newest first.',
        querystring: EntryListQuery,
        response: { 200: EntryList },
      },
    },
    async (request) => {
      const entries = await findEntries(app.yc.database.db, app.yc.secret, caller(request), {
        subject: request.query.subject,
        list: request.query.list,
        view: request.query.view ?? 'public',
        limit: request.query.limit ?? 100,
      });
      await recordEntryRead(app.yc.database.db, caller(request), 'listEntries', askedFor(request.query.subject, app.yc.secret), entries);
      return { entries };
    },
  );

  app.post(
    '/:entryId/revoke',
    {
      config: { scope: 'publish' },
      schema: {
        operationId: 'revokeEntry',
        tags: ['entries'],
        summary: 'Revoke a list record (撤销)',
        description:
          'Only the deciding department (or an admin) may revoke. The record leaves the list at once; its history stays, ' +
          'and a check with an earlier asOf still sees it. Revoking twice is INVALID_TRANSITION.',
        params: EntryParams,
        body: RevokeBody,
        response: { 200: PublishResult },
      },
    },
    async (request) => {
      const r = await revokeEntry(app.yc.database.db, caller(request), request.params.entryId, request.body.reason);
      return { ...r, replayed: false };
    },
  );
};

export default entryRoutes;
