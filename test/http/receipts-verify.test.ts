// `yingcha receipts verify` as an operator runs it: a real child process on the instance's own database (a PGlite
// data directory, or a PostgreSQL database of its own). Exit 0 and ok on intact chains; after one stored column of one
// receipt is altered behind the service's back, exit 2 with the report naming that receipt and the failed check.
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { buildApp } from '../../api/src/app.js';
import { type Database, openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { checks } from '../../api/src/db/schema.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog.js';
import { TEST_SECRET } from '../helpers/app.js';
import { isolatedEnv, run } from '../helpers/process.js';
import { check, uscc } from '../helpers/world.js';

const CHECKS = 5;

interface Report {
  ok: boolean;
  receipts: number;
  chains: Array<{ chain: number; length: number; brokenLinks: number }>;
  firstBroken: { checkId: string | null; chain: number; chainSeq: number; problem: string } | null;
  broken: Array<{ checkId: string | null; chain: number; chainSeq: number; problem: string }>;
}

/** Opens the instance's database in this process; the caller closes it before the command runs (PGlite: one process). */
function openInstance(env: Record<string, string>): Promise<Database> {
  return openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, max: 2 } : { dataDir: join(env.YINGCHA_DATA_DIR!, 'pgdata') });
}

async function withInstance<T>(env: Record<string, string>, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openInstance(env);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function verify(t: Test, env: Record<string, string>): Promise<{ code: number | null; report: Report }> {
  const r = await run(['receipts', 'verify'], env, 120_000);
  t.equal(r.stderr, '', 'nothing on stderr');
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

t.test('receipts verify: exit 0 on intact chains, 2 naming the altered receipt', async (t) => {
  const env = await isolatedEnv(t);

  const ids = await withInstance(env, async (database) => {
    await migrateDatabase(database);
    await syncSeedCatalog(database.db);
    const boot = await bootstrap(database.db, { demo: false });
    if (!boot.created) throw new Error('bootstrap did not run on an empty database');
    const app = await buildApp({ database, secret: env.YINGCHA_SECRET ?? TEST_SECRET });
    try {
      const made: string[] = [];
      for (let i = 0; i < CHECKS; i++) {
        const res = await check(app, boot.key.secret, { kind: 'enterprise', uscc: uscc(), name: `核验${i}公司` }, 'tax');
        if (res.statusCode !== 201) throw new Error(`check: ${res.statusCode} ${res.body}`);
        made.push(res.json().checkId);
      }
      return made;
    } finally {
      await app.close();
    }
  });

  const intact = await verify(t, env);
  t.equal(intact.code, 0, 'intact chains exit 0');
  t.equal(intact.report.ok, true);
  t.equal(intact.report.receipts, CHECKS, 'every receipt walked');
  t.equal(intact.report.chains.reduce((n, c) => n + c.length, 0), CHECKS);
  t.same(intact.report.broken, []);
  t.equal(intact.report.firstBroken, null);

  // One column of one stored receipt, changed directly in the database.
  const victim = ids[2]!;
  const where = await withInstance(env, async (database) => {
    const [row] = await database.db
      .update(checks)
      .set({ matterReference: sql`${checks.matterReference} || '-altered'` })
      .where(eq(checks.id, victim))
      .returning({ chain: checks.chain, chainSeq: checks.chainSeq });
    if (!row) throw new Error(`no receipt ${victim}`);
    return row;
  });

  const broken = await verify(t, env);
  t.equal(broken.code, 2, 'a broken link exits 2');
  t.equal(broken.report.ok, false);
  t.equal(broken.report.receipts, CHECKS, 'the walk goes on past the broken link');
  t.same(broken.report.broken, [{ checkId: victim, ...where, problem: 'hash_mismatch' }], 'exactly the altered receipt, by its failed check');
  t.same(broken.report.firstBroken, broken.report.broken[0]);
  t.same(
    broken.report.chains.filter((c) => c.brokenLinks > 0).map((c) => c.chain),
    [where.chain],
    'only its chain counts a broken link',
  );
});
