import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inBody, inQuery } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { Ref } from '../schemas.js';
import {
  findEntries,
  getEntry,
  publishEntry,
  revokeEntry,
  searchEntriesByIdNumber,
  transferEntry,
} from '../../services/entries.js';
import type { Page } from '../../services/paging.js';
import { answerPage } from '../paging.js';
import { askedFor, recordEntryRead } from '../../services/reads.js';
import {
  Entry,
  EntryList,
  EntryListQuery,
  EntryParams,
  EntryQuery,
  PublishBody,
  PublishResult,
  RevokeBody,
  SearchBody,
  TransferBody,
  TransferResult,
} from './schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

type Lookup = { list?: string | undefined; view: 'public' | 'internal'; limit: number; after?: string | undefined };

const entryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Entry);

  /** A lookup by subject (query or body): its defaults, and the read recorded (services/reads.ts) before answering. */
  async function lookup<T extends { subjectId: string }>(
    request: FastifyRequest,
    reply: FastifyReply,
    operation: string,
    asked: string,
    given: {
      list?: string | undefined;
      view?: 'public' | 'internal' | undefined;
      limit?: number | undefined;
      after?: string | undefined;
    },
    find: (q: Lookup) => Promise<Page<T>>,
  ): Promise<{ entries: T[]; nextCursor: string | null }> {
    const page = await find({
      list: given.list,
      view: given.view ?? 'public',
      limit: given.limit ?? PAGE_SIZES.lists.default,
      after: given.after,
    });
    await recordEntryRead(app.yc.database.db, caller(request), operation, askedFor(asked, app.yc.secret), page.items);
    return answerPage(request, reply, 'entries', page);
  }

  app.post(
    '',
    {
      config: { scope: 'publish' },
      schema: {
        operationId: 'publishEntry',
        tags: ['entries'],
        summary: 'Publish a list record (名单记录)',
        description:
          'A record is identified by (the calling department, source, sourceRecordId): another department sending the same ' +
          'ids makes its own record and never touches this one. ' +
          'Idempotent on (source, sourceRecordId): the same content again returns the same version (200, replayed); ' +
          'changed content writes a new version (200); a new record answers 201. The calling department must be a ' +
          'publisher of the list (FORBIDDEN_LIST otherwise).',
        body: PublishBody,
        response: { 200: PublishResult, 201: PublishResult },
      },
    },
    async (request, reply) => {
      const r = await publishEntry(app.yc.database.db, caller(request), request.body, app.yc.secret).catch(inBody);
      return reply
        .code(r.created ? 201 : 200)
        .send({ entryId: r.entryId, version: r.version, status: r.status, replayed: r.replayed });
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
        response: { 200: Ref(Entry) },
      },
    },
    async (request) => {
      const entry = await getEntry(
        app.yc.database.db,
        caller(request),
        request.params.entryId,
        request.query.view ?? 'public',
      );
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
        description:
          'By 统一社会信用代码 or subject id; newest first. An ID number never travels in a URL: it is refused with ' +
          'ID_NUMBER_IN_URL; use POST /v1/entries/search.',
        querystring: EntryListQuery,
        response: { 200: EntryList },
      },
    },
    async (request, reply) =>
      lookup(request, reply, 'listEntries', request.query.subject, request.query, (q) =>
        findEntries(app.yc.database.db, app.yc.secret, caller(request), { ...q, subject: request.query.subject }).catch(
          inQuery,
        ),
      ),
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
          'Only the deciding department may revoke (NOT_DECIDING_DEPARTMENT otherwise, admins included). The record leaves the list at once; its history stays, ' +
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

  app.post(
    '/search',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'searchEntries',
        tags: ['entries'],
        summary: 'Find the list records of a person by ID number',
        description:
          'The lookup by 居民身份证号, in the body so the number never appears in a URL or an access log. The number is ' +
          'hashed at once with the instance key; the answer shows only the masked form. Same answer as GET /v1/entries.',
        body: SearchBody,
        response: { 200: EntryList },
      },
    },
    async (request, reply) =>
      lookup(request, reply, 'searchEntries', request.body.idNumber, request.body, (q) =>
        searchEntriesByIdNumber(app.yc.database.db, app.yc.secret, caller(request), {
          ...q,
          idNumber: request.body.idNumber,
        }).catch(inBody),
      ),
  );

  app.post(
    '/:entryId/transfer',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'transferEntry',
        tags: ['entries'],
        summary: 'Transfer a list record to another department (移交, admin only)',
        description:
          'For a department that was merged or renamed. The record gets a new version naming the new deciding department, ' +
          'an entry.transferred event and an audit row with the reason. The only way a record changes hands: publishing ' +
          'never takes over another department’s record. CONFLICT when it already belongs there or the new department ' +
          'already has a record with the same (source, sourceRecordId); NOT_FOUND for an unknown department.',
        params: EntryParams,
        body: TransferBody,
        response: { 200: TransferResult },
      },
    },
    async (request) => transferEntry(app.yc.database.db, caller(request), request.params.entryId, request.body),
  );
};

export default entryRoutes;
