// migrations/ is what drizzle-kit generates from api/src/db/schema.ts: `check` passes and `generate` adds nothing.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../..', import.meta.url));
const drizzleKit = join(root, 'node_modules/.bin/drizzle-kit');

t.test('drizzle-kit check passes', async (t) => {
  const out = execFileSync(drizzleKit, ['check'], { cwd: root, encoding: 'utf8' });
  t.match(out, /Everything's fine/);
});

t.test('drizzle-kit generate finds nothing new (run `pnpm db:generate` if it does)', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'yc-migrations-'));
  // drizzle-kit prefixes --out with './', so it must be relative to the project root.
  const out = relative(root, scratch);
  cpSync(join(root, 'migrations'), scratch, { recursive: true });
  const before = readdirSync(scratch).sort();
  execFileSync(
    drizzleKit,
    ['generate', '--dialect', 'postgresql', '--schema', './api/src/db/schema.ts', '--out', out],
    { cwd: root, encoding: 'utf8' },
  );
  t.same(readdirSync(scratch).sort(), before, 'no new migration file');
});

t.test('advisory-lock ids are distinct, and the partition function takes the registry one', async (t) => {
  const locks = await import('../../api/src/db/locks.js');
  const ids: unknown[] = Object.values(locks).filter((v) => typeof v === 'number');
  t.equal(new Set(ids).size, ids.length, 'no two features share an id');
  const sql = readFileSync(join(root, 'migrations/0014_receipt_partitions.sql'), 'utf8');
  t.match(sql, `pg_advisory_xact_lock(${locks.RECEIPT_PARTITION_LOCK})`);
});
