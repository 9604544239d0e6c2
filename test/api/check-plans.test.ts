// The check's hand-written statements run with generic plans on PostgreSQL (api/src/db/index.ts says why: planning
// them afresh on every call was most of the database's CPU per check). If the check pool lost its setting, nothing
// would fail but the speed; this test is the guard.
import t from 'tap';
import { runRaw } from '../../api/src/services/check-read.js';
import { rows } from '../../api/src/db/rows.js';
import { ENGINE, testDatabase } from '../helpers/db.js';
import { sql } from 'drizzle-orm';

t.test('plan_cache_mode of the check statements and of everything else', async (t) => {
  const database = await testDatabase(t);
  const [raw] = await runRaw<{ mode: string }>(database.db, `select current_setting($1::text) as mode`, [
    'plan_cache_mode',
  ]);
  const [main] = rows<{ mode: string }>(
    await database.db.execute(sql`select current_setting('plan_cache_mode') as mode`),
  );
  const [bulk] = await runRaw<{ mode: string }>(database.batchDb, `select current_setting($1::text) as mode`, [
    'plan_cache_mode',
  ]);
  if (ENGINE === 'postgres') {
    t.equal(raw?.mode, 'force_generic_plan', 'a single check’s statements: always the generic plan');
    t.equal(main?.mode, 'auto', 'other queries: PostgreSQL chooses');
    t.equal(bulk?.mode, 'auto', 'batch statements (planned once per batch): PostgreSQL chooses');
  } else {
    t.equal(raw?.mode, 'auto', 'PGlite keeps its own choice (the generic plan was slower there)');
    t.equal(main?.mode, 'auto');
    t.equal(bulk?.mode, 'auto');
  }
});
