import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../api/src/app.js';
import type { Database } from '../../api/src/db/index.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { testDatabase } from './db.js';
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
export async function build(t: TestLike, options: Pick<BuildOptions, 'imports' | 'webhooks' | 'limits'> = {}): Promise<Built> {
  const database = await testDatabase(t);
  await syncSeedCatalog(database.db);
  const boot = await bootstrap(database.db, { demo: true });
  if (!boot.created) throw new Error('bootstrap did not run on an empty database');
  // Webhooks may reach the tests' own loopback receivers (and, by name, only what helpers/dns.ts resolves).
  const app = await buildApp({ database, secret: TEST_SECRET, webhooks: LOOPBACK_POLICY, ...options });
  t.teardown(() => app.close());
  await app.ready();
  return { app, database, adminKey: boot.key.secret, departmentId: boot.department.departmentId };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
