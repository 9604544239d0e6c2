import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, fieldsUnder, inBody } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { Ref } from '../schemas.js';
import { getCheck, runBatch, runCheck } from '../../services/checks.js';
import { checkFeedback, recordFeedback } from '../../services/feedback.js';
import {
  BatchBody,
  BatchResult,
  CheckBody,
  CheckFeedback,
  CheckParams,
  CheckResult,
  FeedbackBody,
  FeedbackResult,
} from './schemas.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

const checkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(CheckResult);
  const db = () => app.yc.database.db;
  const onReceiptAppended = (seconds: number) => app.metrics.receiptAppend.observe(seconds);

  app.post(
    '',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'createCheck',
        tags: ['checks'],
        summary: 'Check a subject before handling a matter (应查必查)',
        description:
          'Returns the verdict, the list hits, the measures this department must apply to this matter type, and a ' +
          'hash-chained receipt. Send `Idempotency-Key` to make a retry return the same receipt.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: CheckBody,
        response: { 200: Ref(CheckResult), 201: Ref(CheckResult) },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1–200 of A–Z a–z 0–9 . _ : -', {
          errors: [{ path: '/headers/idempotency-key', message: 'has characters outside A–Z a–z 0–9 . _ : -' }],
        });
      }
      const { result, replayed } = await runCheck(db(), app.yc.secret, caller(request), request.body, {
        idempotencyKey: key,
        onReceiptAppended,
      }).catch(inBody);
      return reply.code(replayed ? 200 : 201).send(result);
    },
  );

  app.post(
    '/batch',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'createCheckBatch',
        tags: ['checks'],
        summary: 'Check up to 1000 subjects for one matter (e.g. all bidders)',
        description:
          'One receipt per item, in request order. A bad item gets its own error; the others are still checked.',
        body: BatchBody,
        response: { 200: BatchResult },
      },
    },
    async (request) => {
      const batchId = randomUUID();
      const { matter, operator, items } = request.body;
      // A department runs a bounded number of batch/import jobs at once (429 DEPARTMENT_BUSY), and batches of all
      // departments share a few slots, so one department's batches cannot take every connection from single checks.
      const leave = app.jobs.enter(caller(request).department.departmentId);
      try {
        const results = await app.jobs.slot(() =>
          runBatch(
            // the bulk pool: a batch's queries never hold more than its few connections (db/index.ts)
            app.yc.database.batchDb,
            app.yc.secret,
            caller(request),
            items.map((item) => ({
              subject: item.subject,
              matter: { ...matter, reference: item.reference ?? matter.reference },
              operator,
            })),
            { batchId, onReceiptAppended },
          ),
        );
        // an item's field errors point into its check (/0/subject); here, into the request's items
        return {
          batchId,
          results: results.map((r) => (r.error?.errors ? { ...r, error: fieldsUnder('/body/items', r.error) } : r)),
        };
      } finally {
        leave();
      }
    },
  );

  app.get(
    '/:checkId',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'getCheck',
        tags: ['checks'],
        summary: 'Read a stored receipt (append-only; no route changes or deletes one)',
        params: CheckParams,
        response: { 200: Ref(CheckResult) },
      },
    },
    async (request) => getCheck(db(), caller(request), request.params.checkId),
  );

  // GET/POST /:checkId/notice live in routes/notices (issuing, signed links, verification).

  app.post(
    '/:checkId/feedback',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'createCheckFeedback',
        tags: ['checks'],
        summary: 'Report how a measure of this check was applied (执行反馈)',
        description:
          'One current report per (check, measure). The same report again answers 200 and writes nothing; a different ' +
          'one amends (201, `amends` names the replaced report, which stays in the history). Only the department that ' +
          'ran the check reports; MEASURE_NOT_IN_CHECK for a measure the check did not require.',
        params: CheckParams,
        body: FeedbackBody,
        response: { 200: FeedbackResult, 201: FeedbackResult },
      },
    },
    async (request, reply) => {
      const r = await recordFeedback(db(), caller(request), request.params.checkId, request.body).catch(inBody);
      return reply.code(r.created ? 201 : 200).send({ ...r.feedback, amends: r.amended });
    },
  );

  app.get(
    '/:checkId/feedback',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'getCheckFeedback',
        tags: ['checks'],
        summary: "The check's measures with their current report and history",
        params: CheckParams,
        response: { 200: CheckFeedback },
      },
    },
    async (request) => checkFeedback(db(), caller(request), request.params.checkId),
  );
};

export default checkRoutes;
