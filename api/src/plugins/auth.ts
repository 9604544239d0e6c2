import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Scope } from '../domain/codes.js';
import { KEY_PATTERN } from '../config.js';
import { ApiError, type ErrorCode } from '../errors.js';
import type { Actor } from '../services/audit.js';
import { type AuthContext, authenticate } from '../services/keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs (a list: any one of them); routes without one are public. */
    scope?: Scope | readonly Scope[];
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

const REFUSED = {
  unknown: ['UNKNOWN_KEY', 'no such API key'],
  revoked: ['REVOKED_KEY', 'this API key was revoked; ask your administrator for a new one'],
  expired: [
    'EXPIRED_KEY',
    'this API key has expired (a rotated key stops at the end of its overlap); use its successor',
  ],
} as const satisfies Record<string, readonly [ErrorCode, string]>;

/**
 * Bearer-key authentication for every route that declares `config.scope`. It runs on onRequest, before the body is
 * read, so an anonymous client cannot make the server parse a large body. Each failure has its own code, so an
 * integrator can tell a typo from a revoked key.
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('auth', null);
    app.addHook('onRequest', async (request) => {
      const scope = request.routeOptions.config?.scope;
      if (!scope) return;
      const header = request.headers.authorization;
      if (header === undefined || header === '') {
        throw new ApiError('UNAUTHENTICATED', 'send the API key as "Authorization: Bearer <key>"', {
          headers: { 'www-authenticate': 'Bearer realm="yingcha"' },
        });
      }
      const m = /^Bearer +(\S+) *$/i.exec(header);
      if (!m || !KEY_PATTERN.test(m[1]!)) {
        throw new ApiError(
          'MALFORMED_KEY',
          'expected "Authorization: Bearer <key>" with a key of 24–256 URL-safe characters',
          {
            headers: { 'www-authenticate': 'Bearer realm="yingcha", error="invalid_request"' },
          },
        );
      }
      const result = await authenticate(app.yc.database.db, m[1]!);
      if (!result.ok) {
        const [code, detail] = REFUSED[result.reason];
        throw new ApiError(code, detail, {
          headers: { 'www-authenticate': 'Bearer realm="yingcha", error="invalid_token"' },
        });
      }
      const anyOf: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
      if (!anyOf.some((s) => result.auth.scopes.includes(s))) {
        throw new ApiError(
          'FORBIDDEN_SCOPE',
          `this operation needs scope ${anyOf.map((s) => `"${s}"`).join(' or ')}; the key has ${result.auth.scopes.join(', ')}`,
        );
      }
      request.auth = result.auth;
    });
  },
  { name: 'yingcha-auth', fastify: '5.x', dependencies: ['yingcha-context', 'yingcha-problem'] },
);

/** Who acted, for the audit trail of a write made in a scoped route. */
export function actorOf(request: { auth: AuthContext | null }): Actor {
  const auth = caller(request);
  return { keyId: auth.keyId, departmentId: auth.department.departmentId };
}

/** The authenticated caller inside a scoped route. */
export function caller(request: { auth: AuthContext | null }): AuthContext {
  if (!request.auth) throw new ApiError('UNAUTHENTICATED', 'this route needs an API key');
  return request.auth;
}
