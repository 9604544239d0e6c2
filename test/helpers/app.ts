import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../api/src/app.js';
import type { Database } from '../../api/src/db/index.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { seededDatabase } from './db.js';
import { LOOPBACK_POLICY } from './dns.js';

export const TEST_SECRET = 'test-secret-for-id-number-hmac-000000';

export interface Built {
  app: FastifyInstance;
  database: Database;
  /** bootstrap admin key (all scopes) */
  adminKey: string;
  departmentId: string;
}

interface TestLike {
  teardown(fn: () => unknown): void;
}

/** The app on a fresh database with the seed catalogue, bootstrapped, ready for inject(). */
export async function build(
  t: TestLike,
  options: Pick<BuildOptions, 'imports' | 'webhooks' | 'limits'> = {},
): Promise<Built> {
  // A copy of the run's seeded template (helpers/templates.ts): the catalogue sync a server runs at start finds its
  // work done, as it would on any start after the first.
  const { database, adminKey, departmentId } = await seededDatabase(t);
  if ((await syncSeedCatalog(database.db)).changed)
    throw new Error('build: the seeded template lacks the seed catalogue');
  // Webhooks may reach the tests' own loopback receivers (and, by name, only what helpers/dns.ts resolves).
  const app = await buildApp({ database, secret: TEST_SECRET, webhooks: LOOPBACK_POLICY, ...options });
  t.teardown(() => app.close());
  await app.ready();
  return { app, database, adminKey, departmentId };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
