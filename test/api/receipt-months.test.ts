// Receipts by month (issue #13): partitions made ahead across a month boundary with an injected clock, a receipt kept
// under its chain's month when the chain has moved on, reads by id, and the archive → verify → drop → verify cycle:
// old months written to NDJSON, verified from the files alone, dropped, and the live chains verifying from where the
// archives end; a month that does not verify is not archived, and an archived month takes no more receipts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { checkIdempotency, checks } from '../../api/src/db/schema.js';
import { uuidv7, uuidv7Time } from '../../api/src/domain/uuid7.js';
import { archiveMonth, archiveOldMonths, ArchiveRefused, receiptMonths } from '../../api/src/services/partitions.js';
import { verifyArchiveFiles, verifyReceipts } from '../../api/src/services/receipt-verify.js';
import { commitReceipt } from '../../api/src/services/receipt-batch.js';
import { addMonths, appendReceipt, receiptIdIs, receiptMonth } from '../../api/src/services/receipts.js';
import { keepReceiptMonths } from '../../api/src/services/workers.js';
import { bearer } from '../helpers/app.js';
import { department, world } from '../helpers/world.js';
import { receiptBody } from '../helpers/receipt-body.js';
import { ENGINE } from '../helpers/db.js';
import { rows } from '../helpers/rows.js';

t.test('months in Beijing time; v7 ids name their instant', async (t) => {
  t.equal(receiptMonth(new Date('2027-01-31T15:59:59.999Z')), '2027-01-01', '23:59:59.999 on 31 January in Beijing');
  t.equal(receiptMonth(new Date('2027-01-31T16:00:00.000Z')), '2027-02-01', 'midnight of 1 February in Beijing');
  t.equal(addMonths('2026-12-01', 1), '2027-01-01');
  t.equal(addMonths('2027-01-01', -13), '2025-12-01');
  const at = new Date('2026-06-30T23:00:00.123Z');
  t.same(uuidv7Time(uuidv7(at.getTime())), at);
  t.equal(uuidv7Time(randomUUID()), null, 'a v4 id says nothing');
  t.equal(uuidv7Time('ffffffff-ffff-7fff-bfff-ffffffffffff'), null, 'nor a v7 id from the year 10889');
});

t.test(
  `the month keeper makes partitions ahead across a month boundary, with an injected clock (${ENGINE})`,
  async (t) => {
    const { database } = await world(t);
    const opts = { aheadMonths: 2, keepMonths: undefined, archiveDir: '/nonexistent' };
    const before = await receiptMonths(database.db);
    t.notOk(before.includes('2031-01-01'), 'nothing in 2031 yet');
    const jan = await keepReceiptMonths(database, { ...opts, now: () => new Date('2031-01-31T15:59:59.999Z') });
    t.equal(jan, 3, 'January and the two months after it');
    let months = await receiptMonths(database.db);
    t.ok(['2031-01-01', '2031-02-01', '2031-03-01'].every((m) => months.includes(m)));
    t.notOk(months.includes('2031-04-01'));
    t.equal(
      await keepReceiptMonths(database, { ...opts, now: () => new Date('2031-01-31T15:59:59.999Z') }),
      0,
      'a second pass in the same month makes nothing',
    );
    const feb = await keepReceiptMonths(database, { ...opts, now: () => new Date('2031-01-31T16:00:00.000Z') });
    t.equal(feb, 1, 'one millisecond later it is February in Beijing: April is made');
    months = await receiptMonths(database.db);
    t.ok(months.includes('2031-04-01'));
  },
);

t.test(
  `a receipt is kept under its chain's month when the chain has moved on, and read by id (${ENGINE})`,
  async (t) => {
    const { app, database, adminKey } = await world(t);
    const finance = await department(app, adminKey, 'finance', '230400');
    // one chain only, so the order is certain
    await database.db.execute(sql`delete from check_chain where chain <> 0`);
    const late = await appendReceipt(database.db, receiptBody(finance.departmentId, new Date('2031-02-01T00:00:00Z')));
    t.equal(late.partMonth, '2031-02-01');
    const early = await appendReceipt(database.db, receiptBody(finance.departmentId, new Date('2031-01-31T15:59:00Z')));
    t.equal(receiptMonth(early.checkedAt), '2031-01-01', 'checked in January …');
    t.equal(early.partMonth, '2031-02-01', '… kept under February, after the receipt before it in its chain');
    const [head] = rows<{ month: string }>(
      await database.db.execute(sql`select month::text as month from check_chain where chain = 0`),
    );
    t.equal(head!.month, '2031-02-01');
    const [back] = await database.db.select().from(checks).where(receiptIdIs(early.id));
    t.equal(back?.hash, early.hash, 'found by id in the month after the one its id names');
    const res = await app.inject({ url: `/v1/checks/${early.id}`, headers: bearer(finance.key) });
    t.equal(res.statusCode, 200, 'GET /v1/checks/{id} finds it');
    // a receipt from before ids were v7 (random id) is still found
    const far = await app.inject({
      url: '/v1/checks/ffffffff-ffff-7fff-bfff-ffffffffffff',
      headers: bearer(finance.key),
    });
    t.equal(far.statusCode, 404, 'a v7 id from the far future is a plain 404, not a bad date');
    const legacy = await appendReceipt(database.db, {
      ...receiptBody(finance.departmentId, new Date('2031-02-02T00:00:00Z')),
      id: randomUUID(),
    });
    t.equal(
      (await app.inject({ url: `/v1/checks/${legacy.id}`, headers: bearer(finance.key) })).statusCode,
      200,
      'a v4 id is looked for in every month',
    );
    const report = await verifyReceipts(database.db);
    t.equal(report.ok, true, 'the chain verifies');
  },
);

t.test(`archive → verify → drop → verify, on ${ENGINE}`, async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const finance = await department(app, adminKey, 'finance', '230400');
  const dir = mkdtempSync(join(tmpdir(), 'yc-archive-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const at = (iso: string, i: number) => new Date(new Date(iso).getTime() + i * 60_000);
  // three months, each through the group commit (several chains at once) and one at a time
  const written: Record<string, string[]> = {};
  for (const [month, iso] of [
    ['2025-01', '2025-01-10T00:00:00Z'],
    ['2025-02', '2025-02-10T00:00:00Z'],
    ['2025-03', '2025-03-10T00:00:00Z'],
  ] as const) {
    const bodies = Array.from({ length: 24 }, (_, i) =>
      receiptBody(finance.departmentId, at(iso, i), i === 3 ? { idempotencyKey: `idem-${month}` } : {}),
    );
    const grouped = await Promise.all(bodies.slice(0, 16).map((b) => commitReceipt(db, b)));
    const single = [];
    for (const b of bodies.slice(16)) single.push(await appendReceipt(db, b));
    written[month] = [...grouped, ...single].map((r) => r.id);
  }
  const live = await verifyReceipts(db);
  t.equal(live.ok, true);
  t.equal(live.receipts, 72);

  // A month that does not verify is not archived: nothing is written, nothing dropped.
  const victim = written['2025-01']![7]!;
  const [orig] = rows<{ verdict: string }>(
    await db.execute(sql`select verdict from check_receipt where id = ${victim}`),
  );
  await db.execute(sql`update check_receipt set verdict = 'hit' where id = ${victim}`);
  const refused = await archiveOldMonths(db, { now: new Date('2025-03-15T00:00:00Z'), keep: 1, dir }).catch(
    (e: unknown) => e,
  );
  t.ok(refused instanceof ArchiveRefused, 'refused');
  t.match((refused as Error).message, /2025-01 does not verify/);
  t.ok((await receiptMonths(db)).includes('2025-01-01'), 'January is still there');
  t.throws(() => readFileSync(join(dir, 'receipts-2025-01.ndjson')), 'and no file was left');
  await db.execute(sql`update check_receipt set verdict = ${orig!.verdict} where id = ${victim}`);

  // Archive: with the current month (March) kept, January and February go to files and are dropped.
  const done = await archiveOldMonths(db, { now: new Date('2025-03-15T00:00:00Z'), keep: 1, dir });
  t.same(
    done.map((a) => [a.month, a.receipts]),
    [
      ['2025-01-01', 24],
      ['2025-02-01', 24],
    ],
  );
  const months = await receiptMonths(db);
  t.notOk(months.includes('2025-01-01') || months.includes('2025-02-01'), 'both partitions dropped');
  t.ok(months.includes('2025-03-01'), 'March kept');
  const idem = await db
    .select()
    .from(checkIdempotency)
    .where(sql`${checkIdempotency.idempotencyKey} like 'idem-%'`);
  t.same(
    idem.map((r) => r.idempotencyKey),
    ['idem-2025-03'],
    "the archived months' Idempotency-Keys are forgotten",
  );

  // The files verify on their own, chains linked across them.
  const files = done.map((a) => a.file);
  const fromFiles = await verifyArchiveFiles(files);
  t.equal(fromFiles.ok, true, 'the two files verify');
  t.equal(fromFiles.receipts, 48);
  t.same(
    fromFiles.files.map((f) => f.sha256),
    done.map((a) => a.fileSha256),
    'their SHA-256 is the one recorded',
  );
  // each chain's first receipt in January follows the genesis: nothing came before it
  t.ok(fromFiles.chains.every((c) => c.firstSeq === 1 && c.prevHash === '0'.repeat(64)));

  // The live chains verify from where the archives end.
  const after = await verifyReceipts(db);
  t.equal(after.ok, true, 'the live chains verify across the cut');
  t.equal(after.receipts, 24, 'only March is left in the database');
  t.same(
    after.archived.map((a) => [a.month, a.receipts]),
    [
      ['2025-01', 24],
      ['2025-02', 24],
    ],
  );
  t.same(
    after.chains.map((c) => c.length),
    live.chains.map((c) => c.length),
    'chain lengths count the archived receipts too',
  );
  const report = (await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(adminKey) })).json();
  t.equal(report.ok, true);
  t.equal(report.archived.length, 2, 'GET /v1/admin/receipts/verify names the archived months');

  // An archived receipt is gone from the API; a new one in an archived month is refused, not re-made.
  t.equal(
    (await app.inject({ url: `/v1/checks/${written['2025-01']![0]}`, headers: bearer(adminKey) })).statusCode,
    404,
  );
  const late = await appendReceipt(db, receiptBody(finance.departmentId, new Date('2025-01-20T00:00:00Z')));
  t.ok(
    late.partMonth >= '2025-03-01',
    'a receipt checked in an archived month (a clock far behind) is kept after the archives',
  );
  t.notOk((await receiptMonths(db)).includes('2025-01-01'), 'and January is not made again');
  const remade = await db.execute(sql`select yingcha_receipt_partition('2025-01-05'::date)`).catch((e: unknown) => e);
  t.match(String((remade as Error).cause ?? remade), /archived/, 'the partition function refuses an archived month');
  written['2025-03']!.push(late.id);

  // Tampering: one altered line in February's file, and one altered receipt in March.
  const feb = readFileSync(files[1]!, 'utf8').split('\n');
  const row = JSON.parse(feb[5]!) as Record<string, unknown>;
  feb[5] = JSON.stringify({ ...row, verdict: 'hit' });
  const altered = join(dir, 'altered-2025-02.ndjson');
  writeFileSync(altered, feb.join('\n'));
  const bad = await verifyArchiveFiles([files[0]!, altered]);
  t.equal(bad.ok, false);
  t.same(
    bad.broken.map((b) => [b.checkId, b.problem]),
    [[row.id, 'hash_mismatch']],
    'the altered line, and only it',
  );
  const skipped = await verifyArchiveFiles([files[1]!]);
  t.equal(skipped.ok, true, 'February alone verifies too, joined where it starts');
  const jan = new Map((await verifyArchiveFiles([files[0]!])).chains.map((c) => [c.chain, c]));
  t.ok(
    skipped.chains.every(
      (c) =>
        c.firstSeq === (jan.get(c.chain)?.lastSeq ?? 0) + 1 &&
        c.prevHash === (jan.get(c.chain)?.lastHash ?? '0'.repeat(64)),
    ),
    "where February's chains start is where January's end",
  );
  await db.execute(sql`update check_receipt set verdict = 'hit' where id = ${written['2025-03']![2]}`);
  const tampered = await verifyReceipts(db);
  t.same(
    tampered.broken.map((b) => [b.checkId, b.problem]),
    [[written['2025-03']![2], 'hash_mismatch']],
    'a live alteration after the cut is found',
  );
});

t.test(
  `two archivers of the same month at once: one archives, the other leaves its file and nothing else (${ENGINE})`,
  async (t) => {
    const { app, database, adminKey } = await world(t);
    const db = database.db;
    const finance = await department(app, adminKey, 'finance', '230400');
    const dir = mkdtempSync(join(tmpdir(), 'yc-archive-race-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    for (let i = 0; i < 30; i++)
      await appendReceipt(db, receiptBody(finance.departmentId, new Date(Date.UTC(2025, 4, 3, 0, i))));
    const outcomes = await Promise.allSettled([
      archiveMonth(db, '2025-05-01', dir),
      archiveMonth(db, '2025-05-01', dir),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    t.equal(won.length, 1, 'exactly one archives the month');
    t.equal((won[0] as PromiseFulfilledResult<{ receipts: number }>).value.receipts, 30);
    t.same(readdirSync(dir), ['receipts-2025-05.ndjson'], 'the archive file, and no attempt’s file left over');
    const check = await verifyArchiveFiles([join(dir, 'receipts-2025-05.ndjson')]);
    t.equal(check.ok, true, 'and it verifies');
    t.equal(check.receipts, 30);
    t.equal((await verifyReceipts(db)).ok, true, 'the live chains verify from where it ends');
  },
);
