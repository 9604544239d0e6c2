// migrations/0014_receipt_partitions.sql on a database that already holds receipts: they move into month partitions
// with their chains intact (verification passes afterwards), a receipt checked at the end of a month but appended
// after its chain had moved into the next one stays in chain order, Idempotency-Keys are kept, and the heads know
// their month.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import t from 'tap';
import { type Database, openDatabase } from '../../api/src/db/index.js';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../api/src/db/migrate.js';
import { checkIdempotency } from '../../api/src/db/schema.js';
import { receiptMonths } from '../../api/src/services/partitions.js';
import { verifyReceipts } from '../../api/src/services/receipt-verify.js';
import { GENESIS_HASH, type ReceiptBody, receiptHash } from '../../api/src/services/receipts.js';
import { ENGINE, freshPostgresUrl } from '../helpers/db.js';
import { receiptBody } from '../helpers/receipt-body.js';
import { rows } from '../helpers/rows.js';

/** The migrations folder as it was before 0014. */
function foldersBefore0014(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'yc-mig-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.filter((e) => e.tag < '0014');
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

t.test(`existing receipts move into month partitions with their chains intact (${ENGINE})`, async (t) => {
  const old = foldersBefore0014(t);
  const url = await freshPostgresUrl(t);
  let database: Database;
  if (url) {
    const conn = postgres(url, { max: 1, onnotice: () => {} });
    await migratePostgres(drizzlePostgres(conn), { migrationsFolder: old });
    await conn.end();
    database = await openDatabase({ url, max: 2 });
  } else {
    database = await openDatabase({});
    const client = (database.db as unknown as { $client: PGlite }).$client;
    await migratePglite(drizzlePglite(client), { migrationsFolder: old });
  }
  t.teardown(() => database.close());
  const db = database.db;
  const [dept] = rows<{ id: string }>(
    await db.execute(
      sql`insert into department (uscc, name, category, region) values ('11230400MB0000000X', '财政局', 'finance', '230400') returning id`,
    ),
  );
  // Chain 0: January, then a receipt checked on 1 February (Beijing), then one checked on 31 January but appended
  // after it (its check began before midnight); chain 1: one receipt in March, with an Idempotency-Key.
  const plan: Array<[number, string, string | null]> = [
    [0, '2026-01-10T02:00:00Z', null],
    [0, '2026-01-31T16:00:01Z', null],
    [0, '2026-01-31T15:59:59Z', null],
    [1, '2026-03-05T00:00:00Z', 'old-key'],
  ];
  const heads = new Map<number, { seq: number; hash: string }>();
  const ids: string[] = [];
  for (const [chain, at, key] of plan) {
    const head = heads.get(chain) ?? { seq: 0, hash: GENESIS_HASH };
    const checkedAt = new Date(at);
    const body: ReceiptBody = {
      ...receiptBody(dept!.id, checkedAt, { keyId: dept!.id, matterReference: `R-${at}`, idempotencyKey: key }),
      chain,
      chainSeq: head.seq + 1,
    };
    const hash = receiptHash(body, head.hash);
    await db.execute(sql`insert into check_receipt (id, department_id, key_id, matter_type, matter_reference, subject_asked, subject_resolved,
        hits, measures, reasons, verdict, data_version, checked_at, idempotency_key, chain, chain_seq, prev_hash, hash)
      values (${body.id}, ${body.departmentId}, ${body.keyId}, 'tax', ${body.matterReference}, ${JSON.stringify(body.subjectAsked)}::jsonb,
        '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, 'clear', 'c1.e0', ${at}::timestamptz, ${key}::text, ${chain}, ${body.chainSeq},
        ${head.hash}, ${hash})`);
    await db.execute(sql`update check_chain set seq = ${body.chainSeq}, hash = ${hash} where chain = ${chain}`);
    heads.set(chain, { seq: body.chainSeq, hash });
    ids.push(body.id);
  }

  await migrateDatabase(database);

  const months = await receiptMonths(db);
  t.ok(
    ['2026-01-01', '2026-02-01', '2026-03-01'].every((m) => months.includes(m)),
    'a partition per month the receipts were in',
  );
  const stored = rows<{ id: string; part_month: string }>(
    await db.execute(sql`select id, part_month::text as part_month from check_receipt order by chain, chain_seq`),
  );
  t.same(
    stored.map((r) => r.part_month),
    ['2026-01-01', '2026-02-01', '2026-02-01', '2026-03-01'],
    'each under its Beijing month, and the late one under its chain’s February',
  );
  const report = await verifyReceipts(db);
  t.equal(report.ok, true, 'the chains verify after the move');
  t.equal(report.receipts, 4);
  const keys = await db.select().from(checkIdempotency);
  t.same(
    keys.map((k) => [k.idempotencyKey, k.checkId, k.partMonth]),
    [['old-key', ids[3], '2026-03-01']],
    'the Idempotency-Key is kept',
  );
  const headMonths = rows<{ chain: number; month: string }>(
    await db.execute(sql`select chain, month::text as month from check_chain where chain in (0, 1) order by chain`),
  );
  t.same(
    headMonths.map((h) => h.month),
    ['2026-02-01', '2026-03-01'],
    'each head knows its month',
  );
  const fks = rows<{ n: string | number }>(
    await db.execute(
      sql`select count(*) as n from pg_constraint where contype = 'f' and confrelid = 'check_receipt'::regclass`,
    ),
  );
  t.equal(Number(fks[0]!.n), 0, 'nothing refers to a receipt by foreign key');
});
