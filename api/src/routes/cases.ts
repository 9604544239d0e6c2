// The routes objections (异议) and repairs (信用修复) share: read one, and start its verification.
import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { caller } from '../plugins/auth.js';
import type { AuthContext } from '../services/keys.js';

export function caseRoutes(
  app: FastifyInstance,
  c: {
    kind: 'objection' | 'repair';
    /** the Type.Ref of the case schema */
    ref: TSchema;
    params: TSchema;
    read: (caller: AuthContext, id: string) => Promise<unknown>;
    verify: (caller: AuthContext, id: string) => Promise<unknown>;
  },
): void {
  const Kind = c.kind === 'objection' ? 'Objection' : 'Repair';
  const tag = `${c.kind}s`;
  const idOf = (params: unknown) => (params as Record<string, string>)[`${c.kind}Id`]!;

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
