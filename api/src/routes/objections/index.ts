// 异议: filed by the deciding department, a department whose own check hit the record, or the credit office of the
// record's region (services/cases.ts filingPath); verified and decided by the deciding department.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inBody } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { caseRoutes, WHO_MAY_FILE } from '../cases.js';
import { Ref } from '../schemas.js';
import {
  decideObjection,
  getObjection,
  listObjections,
  openObjection,
  verifyObjection,
} from '../../services/objections.js';
import { ObjectionParams, DecideObjectionBody, Objection, ObjectionListQuery, OpenObjectionBody } from './schemas.js';

const objectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Objection);
  const db = () => app.yc.database.db;
  const ref = Ref(Objection);

  app.post(
    '',
    {
      config: { scope: ['review', 'publish', 'check'] },
      schema: {
        operationId: 'openObjection',
        tags: ['objections'],
        summary: 'File an objection (异议) to a list record',
        description:
          'The record becomes objection_pending at once: checks show its hits as suspended and apply none of its ' +
          "measures (核实期间暂不执行). The deadline is the list's working days (15 by default, 20 in Nanning), counted " +
          'with the holiday calendar and 调休. ' +
          WHO_MAY_FILE +
          'OBJECTION_ALREADY_OPEN if one is already open; INVALID_TRANSITION unless the ' +
          'record is active.',
        body: OpenObjectionBody,
        response: { 201: ref },
      },
    },
    async (request, reply) => reply.code(201).send(await openObjection(db(), caller(request), request.body)),
  );

  caseRoutes(app, {
    kind: 'objection',
    ref,
    params: ObjectionParams,
    query: ObjectionListQuery,
    list: (auth, q) => listObjections(db(), auth, q),
    read: (auth, id) => getObjection(db(), auth, id),
    verify: (auth, id) => verifyObjection(db(), auth, id),
  });

  app.post(
    '/:objectionId/decision',
    {
      config: { scope: 'review' },
      schema: {
        operationId: 'decideObjection',
        tags: ['objections'],
        summary: 'Decide an objection: upheld (revoke or amend the record) or rejected (the record resumes)',
        description:
          'Deciding department only. The objection must be verifying. Upheld + revoke revokes the record; upheld + amend ' +
          'writes the corrected fields as a new version and the record resumes; rejected resumes the record, and on lists ' +
          'that say so (003:L71, 继续计算) its validUntil moves later by the days it was suspended.',
        params: ObjectionParams,
        body: DecideObjectionBody,
        response: { 200: ref },
      },
    },
    async (request) => decideObjection(db(), caller(request), request.params.objectionId, request.body).catch(inBody),
  );
};

export default objectionRoutes;
