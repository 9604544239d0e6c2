// The routes objections (异议) and repairs (信用修复) share: list them, read one, and start its verification; and the
// words on who may file one.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Static, type TObject, type TSchema, Type } from 'typebox';
import { caller } from '../plugins/auth.js';
import type { AuthContext } from '../services/keys.js';
import type { Page } from '../services/paging.js';
import { PAGE_SIZES } from '../defaults.js';
import { answerList, NextCursor } from './paging.js';

/** Who may file an objection or a repair request (services/cases.ts filingPath), for the description of each. */
export const WHO_MAY_FILE =
  'Filed by the deciding department; by a department whose own check hit the record (`checkId`, a receipt of the ' +
  "filing department with this record among its hits); or by a `credit_office` whose region covers the record's " +
  "region. Anyone else: 403 NOT_ENTITLED_TO_FILE; CHECK_NOT_OURS for another department's (or no) check; " +
  'CHECK_DID_NOT_HIT when the check did not hit the record. ';

export function caseRoutes<Q extends TObject>(
  app: FastifyInstance,
  c: {
    kind: 'objection' | 'repair';
    /** the Type.Ref of the case schema */
    ref: TSchema;
    params: TSchema;
    /** the list's query string */
    query: Q;
    list: (caller: AuthContext, query: Static<Q> & { limit: number }) => Promise<Page<unknown>>;
    read: (caller: AuthContext, id: string) => Promise<unknown>;
    verify: (caller: AuthContext, id: string) => Promise<unknown>;
  },
): void {
  const Kind = c.kind === 'objection' ? 'Objection' : 'Repair';
  const tag = `${c.kind}s`;
  const idOf = (params: unknown) => (params as Record<string, string>)[`${c.kind}Id`]!;

  app.get(
    '',
    {
      config: { scope: ['review', 'publish'] },
      schema: {
        operationId: `list${Kind}s`,
        tags: [tag],
        summary: `${c.kind === 'objection' ? 'Objections' : 'Repair requests'} the caller filed or must decide, newest first`,
        querystring: c.query,
        response: {
          200: Type.Object(
            { [tag]: Type.Array(c.ref), nextCursor: NextCursor },
            { examples: [{ [tag]: [], nextCursor: null }] },
          ),
        },
      },
    },
    // Fastify has validated the query string against c.query.
    async (request, reply) =>
      answerList(request as FastifyRequest & { query: Static<Q> }, reply, tag, PAGE_SIZES.cases, (q) =>
        c.list(caller(request), q),
      ),
  );

  app.get(
    `/:${c.kind}Id`,
    {
      config: { scope: ['review', 'publish'] },
      schema: {
        operationId: `get${Kind}`,
        tags: [tag],
        summary: `Read a${c.kind === 'objection' ? 'n objection' : ' repair request'}`,
        params: c.params,
        response: { 200: c.ref },
      },
    },
    async (request) => c.read(caller(request), idOf(request.params)),
  );

  app.post(
    `/:${c.kind}Id/verify`,
    {
      config: { scope: 'review' },
      schema: {
        operationId: `verify${Kind}`,
        tags: [tag],
        summary: `Start verifying a${c.kind === 'objection' ? 'n objection' : ' repair request'} (received → verifying)`,
        description: 'Deciding department only (NOT_DECIDING_DEPARTMENT). INVALID_TRANSITION unless received.',
        params: c.params,
        response: { 200: c.ref },
      },
    },
    async (request) => c.verify(caller(request), idOf(request.params)),
  );
}
