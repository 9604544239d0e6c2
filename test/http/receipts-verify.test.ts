// `yingcha receipts verify` as an operator runs it: a real child process on the instance's own database (a PGlite
// data directory, or a PostgreSQL database of its own). Exit 0 and ok on intact chains; after one stored column of one
// receipt is altered behind the service's back, exit 3 with the report naming that receipt and the failed check.
// `receipts archive` writes old months to files and drops them, and `receipts verify --archive` checks those files
// with no database at all: exit 0, then 3 once a line is altered.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { buildApp } from '../../api/src/app.js';
import { type Database, openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { checks } from '../../api/src/db/schema.js';
import { appendReceipt } from '../../api/src/services/receipts.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { TEST_SECRET } from '../helpers/app.js';
import { isolatedEnv, run } from '../helpers/process.js';
import { check, uscc } from '../helpers/world.js';
import { receiptBody } from '../helpers/receipt-body.js';

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
  return openDatabase(
    env.DATABASE_URL ? { url: env.DATABASE_URL, max: 2 } : { dataDir: join(env.YINGCHA_DATA_DIR!, 'pgdata') },
  );
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

t.test('receipts verify: exit 0 on intact chains, 3 naming the altered receipt', async (t) => {
  const env = await isolatedEnv(t, 'migrated');

  const ids = await withInstance(env, async (database) => {
    await migrateDatabase(database);
    await syncSeedCatalog(database.db);
    const boot = await bootstrap(database.db, { demo: false });
    if (!boot.created) throw new Error('bootstrap did not run on an empty database');
    const app = await buildApp({ database, secret: env.YINGCHA_SECRET ?? TEST_SECRET });
    try {
      const made: string[] = [];
      for (let i = 0; i < CHECKS; i++) {
        const res = await check(
          app,
          boot.key.secret,
          { kind: 'enterprise', uscc: uscc(), name: `核验${i}公司` },
          'tax',
        );
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
  t.equal(
    intact.report.chains.reduce((n, c) => n + c.length, 0),
    CHECKS,
  );
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
  t.equal(broken.code, 3, 'a broken link exits 3 (2 is wrong usage)');
  t.equal(broken.report.ok, false);
  t.equal(broken.report.receipts, CHECKS, 'the walk goes on past the broken link');
  t.same(
    broken.report.broken,
    [{ checkId: victim, ...where, problem: 'hash_mismatch' }],
    'exactly the altered receipt, by its failed check',
  );
  t.same(broken.report.firstBroken, broken.report.broken[0]);
  t.same(
    broken.report.chains.filter((c) => c.brokenLinks > 0).map((c) => c.chain),
    [where.chain],
    'only its chain counts a broken link',
  );
});

t.test(
  'receipts archive, then receipts verify --archive FILE: 0 on the file as written, 3 once a line is altered',
  async (t) => {
    const env = await isolatedEnv(t, 'migrated');
    await withInstance(env, async (database) => {
      await migrateDatabase(database);
      const boot = await bootstrap(database.db, { demo: false });
      if (!boot.created) throw new Error('bootstrap did not run on an empty database');
      // receipts of a month long past (kept in the database until the archive takes them)
      for (let i = 0; i < 6; i++) {
        const checkedAt = new Date(Date.UTC(2025, 0, 10, 0, i));
        await appendReceipt(
          database.db,
          receiptBody(boot.department.departmentId, checkedAt, { keyId: boot.key.keyId, matterReference: `AR-${i}` }),
        );
      }
    });
    const dir = join(env.YINGCHA_DATA_DIR!, 'archive');
    const archived = await run(['receipts', 'archive', '--keep', '1', '--dir', dir], env, 120_000);
    t.equal(archived.code, 0, archived.stderr);
    const done = JSON.parse(archived.stdout) as { archived: Array<{ month: string; file: string; receipts: number }> };
    const january = done.archived.find((a) => a.month === '2025-01-01');
    t.equal(january?.receipts, 6, 'January 2025 archived with its six receipts');
    const file = january!.file;

    // no database is opened for files: a PGlite data directory would be locked by nobody else, a PostgreSQL URL unused
    const whole = await run(['receipts', 'verify', '--archive', file], env, 60_000);
    t.equal(whole.code, 0, 'the file verifies');
    t.match(JSON.parse(whole.stdout), { ok: true, receipts: 6 });
    const live = await verify(t, env);
    t.equal(live.code, 0, 'the database verifies after the cut');
    t.equal(live.report.receipts, 0);

    const text = readFileSync(file, 'utf8');
    t.ok(text.includes('"matterReference":"AR-2"'));
    writeFileSync(file, text.replace('"matterReference":"AR-2"', '"matterReference":"AR-2-altered"'));
    const altered = await run(['receipts', 'verify', '--archive', file], env, 60_000);
    t.equal(altered.code, 3, 'an altered line exits 3');
    t.match(JSON.parse(altered.stdout), { ok: false, firstBroken: { problem: 'hash_mismatch' } });
  },
);
