import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inBody } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import {
  KEY_OVERLAP_DEFAULT_S,
  createDepartment,
  createKey,
  listDepartments,
  listKeys,
  revokeKey,
  rotateKey,
} from '../../services/keys.js';
import { answerList } from '../paging.js';
import { listReads } from '../../services/reads.js';
import { verifyReceipts } from '../../services/receipt-verify.js';
import { ChainReport } from '../checks/schemas.js';
import { absentBodyIsEmpty, Ref } from '../schemas.js';
import {
  ADMIN_SCHEMAS,
  ApiKey,
  CreateDepartmentBody,
  CreatedKey,
  CreateKeyBody,
  Department,
  DepartmentList,
  DepartmentListQuery,
  KeyList,
  KeyListQuery,
  KeyParams,
  ReadList,
  ReadListQuery,
  RotateKeyBody,
  RotatedKey,
} from './schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const s of ADMIN_SCHEMAS) app.addSchema(s);
  const db = () => app.yc.database.db;
  const config = { scope: 'admin' as const };

  app.post(
    '/departments',
    {
      config,
      schema: {
        operationId: 'createDepartment',
        tags: ['admin'],
        summary: 'Register a department',
        description:
          'A department is identified by its own 统一社会信用代码; its category decides which measures it applies.',
        body: CreateDepartmentBody,
        response: { 201: Ref(Department) },
      },
    },
    async (request, reply) => {
      const dept = await createDepartment(db(), actorOf(request), request.body).catch(inBody);
      return reply.code(201).send(dept);
    },
  );

  app.get(
    '/departments',
    {
      config,
      schema: {
        operationId: 'listDepartments',
        tags: ['admin'],
        summary: 'List departments, oldest first',
        querystring: DepartmentListQuery,
        response: { 200: DepartmentList },
      },
    },
    async (request, reply) =>
      answerList(request, reply, 'departments', PAGE_SIZES.lists, (q) => listDepartments(db(), q)),
  );

  app.post(
    '/keys',
    {
      config,
      schema: {
        operationId: 'createKey',
        tags: ['admin'],
        summary: 'Create an API key for a department',
        description: 'The secret is in this response only; store it now. Only its SHA-256 is kept.',
        body: CreateKeyBody,
        response: { 201: CreatedKey },
      },
    },
    async (request, reply) => {
      const key = await createKey(db(), actorOf(request), request.body).catch(inBody);
      return reply.code(201).header('cache-control', 'no-store').send(key);
    },
  );

  app.get(
    '/keys',
    {
      config,
      schema: {
        operationId: 'listKeys',
        tags: ['admin'],
        summary: 'List API keys (never their secrets), oldest first',
        querystring: KeyListQuery,
        response: { 200: KeyList },
      },
    },
    async (request, reply) => answerList(request, reply, 'keys', PAGE_SIZES.lists, (q) => listKeys(db(), q)),
  );

  app.delete(
    '/keys/:keyId',
    {
      config,
      schema: {
        operationId: 'revokeKey',
        tags: ['admin'],
        summary: 'Revoke an API key',
        description:
          'Takes effect for the next request. Revoking twice returns the first revocation. The last active admin key cannot be revoked (LAST_ADMIN_KEY).',
        params: KeyParams,
        response: { 200: Ref(ApiKey) },
      },
    },
    async (request) => revokeKey(db(), actorOf(request), request.params.keyId),
  );

  app.post(
    '/keys/:keyId/rotate',
    {
      config,
      schema: {
        operationId: 'rotateKey',
        tags: ['admin'],
        summary: 'Issue a successor to an API key, keeping the old one valid for an overlap',
        description:
          'The successor has the same department, scopes and label; its secret is in this answer only. The old key keeps ' +
          `working until \`previous.expiresAt\` (overlapSeconds from now, default ${KEY_OVERLAP_DEFAULT_S} = 24 h, or its own ` +
          'earlier expiry) and is refused with EXPIRED_KEY afterwards, on every instance. A revoked, expired or already ' +
          'rotated key answers CONFLICT.',
        params: KeyParams,
        body: RotateKeyBody,
        response: { 200: RotatedKey },
      },
      preValidation: absentBodyIsEmpty,
    },
    async (request, reply) => {
      const rotated = await rotateKey(
        db(),
        actorOf(request),
        request.params.keyId,
        request.body?.overlapSeconds ?? KEY_OVERLAP_DEFAULT_S,
      );
      return reply.header('cache-control', 'no-store').send(rotated);
    },
  );

  app.get(
    '/reads',
    {
      config,
      schema: {
        operationId: 'listReads',
        tags: ['admin'],
        summary: 'Who looked up whom: reads that reveal whether a subject is listed',
        description:
          'Every GET /v1/entries (by subject), GET /v1/entries/{entryId} and entry search is recorded: the department and ' +
          'key, the time, and the subjects the answer was about (by subject id; a lookup by ID number keeps only its keyed ' +
          'hash). Oldest first; page with `after=<nextCursor>`. Filter by `departmentId` or `subjectId`.',
        querystring: ReadListQuery,
        response: { 200: ReadList },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listReads(db(), {
        after: q.after,
        limit: q.limit ?? PAGE_SIZES.lists.default,
        departmentId: q.departmentId,
        subjectId: q.subjectId,
      });
      if (page.nextCursor) {
        const next = new URLSearchParams({
          ...(q.departmentId ? { departmentId: q.departmentId } : {}),
          ...(q.subjectId ? { subjectId: q.subjectId } : {}),
          after: page.nextCursor,
          limit: String(q.limit ?? PAGE_SIZES.lists.default),
        });
        reply.header('link', `</v1/admin/reads?${next.toString()}>; rel="next"`);
      }
      return page;
    },
  );

  app.get(
    '/receipts/verify',
    {
      config,
      schema: {
        operationId: 'verifyReceipts',
        tags: ['admin'],
        summary: 'Walk every receipt chain and report every broken link',
        description:
          'Recomputes each receipt hash from its stored content and the previous hash. `firstBroken` names the first ' +
          'receipt that was altered, removed or reordered; `broken` lists every broken link (at most 100 per chain; ' +
          '`chains[].brokenLinks` counts them all). Also available as `yingcha receipts verify`, which exits 2 when any is broken.',
        response: { 200: ChainReport },
      },
    },
    async () => verifyReceipts(db()),
  );
};

export default adminRoutes;
