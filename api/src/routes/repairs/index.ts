// 信用修复: applied for through the deciding department (or a review department on the subject's behalf), decided by
// the deciding department.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inBody } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { caseRoutes, WHO_MAY_FILE } from '../cases.js';
import { Ref } from '../schemas.js';
import { decideRepair, getRepair, listRepairs, openRepair, verifyRepair } from '../../services/repairs.js';
import { RepairParams } from '../objections/schemas.js';
import { DecideRepairBody, OpenRepairBody, Repair, RepairListQuery } from './schemas.js';

const repairRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addSchema(Repair);
  const db = () => app.yc.database.db;
  const ref = Ref(Repair);

  app.post(
    '',
    {
      config: { scope: ['review', 'publish', 'check'] },
      schema: {
        operationId: 'openRepair',
        tags: ['repairs'],
        summary: 'Apply for credit repair (信用修复) of a list record',
        description:
          'Needs evidence and a credit pledge (信用承诺). ' +
          WHO_MAY_FILE +
          'Per-list locks apply: REPAIR_LOCKED while the waiting time has ' +
          'not passed (e.g. MOHURD: 1 year after the first listing, 3 years after the second), REPAIR_NOT_ALLOWED when ' +
          'the list never allows it (incentive lists, or the listing count the list excludes). REPAIR_ALREADY_OPEN if a ' +
          'request is being handled; INVALID_TRANSITION unless the record is active.',
        body: OpenRepairBody,
        response: { 201: ref },
      },
    },
    async (request, reply) => reply.code(201).send(await openRepair(db(), caller(request), request.body)),
  );

  caseRoutes(app, {
    kind: 'repair',
    ref,
    params: RepairParams,
    query: RepairListQuery,
    list: (auth, q) => listRepairs(db(), auth, q),
    read: (auth, id) => getRepair(db(), auth, id),
    verify: (auth, id) => verifyRepair(db(), auth, id),
  });

  app.post(
    '/:repairId/decision',
    {
      config: { scope: 'review' },
      schema: {
        operationId: 'decideRepair',
        tags: ['repairs'],
        summary: 'Decide a repair request: approved (the record leaves the list from effectiveFrom) or denied',
        description:
          'Deciding department only; the request must be verifying. On approval the record becomes repaired and its ' +
          'validity ends at effectiveFrom (default now): until then checks still apply it, afterwards it is off the list ' +
          'and hidden from public reads, while the internal view keeps it.',
        params: RepairParams,
        body: DecideRepairBody,
        response: { 200: ref },
      },
    },
    async (request) => decideRepair(db(), caller(request), request.params.repairId, request.body).catch(inBody),
  );
};

export default repairRoutes;
