// The receipt chain hashes exactly what it stores: receipts written with generated text from every corner of Unicode
// (astral characters, combining marks, RTL and zero-width characters, lone surrogates, C0/C1 controls, the longest
// allowed lengths) verify afterwards; verification lists every broken link; the idempotency fingerprint is keyed.
//
// RECEIPT_FUZZ_RECEIPTS sets how many receipts the property test writes (default 2,000 in the suite; the
// full run is RECEIPT_FUZZ_RECEIPTS=10000, about 100 s on PGlite at load 18); RECEIPT_FUZZ_SEED its seed.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import t from 'tap';
import { checks } from '../../api/src/db/schema.js';
import { canonicalJson } from '../../api/src/domain/canonical.js';
import { appendReceipt, type NewReceipt, receiptHash, storable } from '../../api/src/services/receipts.js';
import { verifyReceipts } from '../../api/src/services/receipt-verify.js';
import { requestHash } from '../../api/src/services/checks.js';
import { commitReceipt } from '../../api/src/services/receipt-batch.js';
import { bearer } from '../helpers/app.js';
import { check, department, idNumber, uscc, world } from '../helpers/world.js';
import { ENGINE } from '../helpers/db.js';
import { bodyArb } from '../helpers/unicode.js';
import { rows } from '../helpers/rows.js';

const RECEIPTS = Number(process.env.RECEIPT_FUZZ_RECEIPTS ?? 2_000);
const SEED = Number(process.env.RECEIPT_FUZZ_SEED ?? 20261201);
const PER_RUN = 100;

t.test('storable() is what the database hands back', async (t) => {
  t.equal(storable('a\ud800b'), 'a\ufffdb', 'a lone high surrogate becomes U+FFFD');
  t.equal(storable('\udc00'), '\ufffd', 'a lone low surrogate becomes U+FFFD');
  t.equal(storable('𝄞\u0301'), '𝄞\u0301', 'a pair stays');
  t.equal(
    storable('\ufeff\ufeffa\ufeff'),
    'a\ufeff',
    'a leading byte order mark goes (PGlite reads it back without), an inner one stays',
  );
  t.same(
    storable({ ['k\ud800']: ['x\udfff', 1, null, true] }),
    { ['k\ufffd']: ['x\ufffd', 1, null, true] },
    'at any depth, keys too',
  );
  const d = new Date();
  t.equal(storable(d), d);
  t.throws(
    () => storable({ a: ['ok', 'n\u0000ul'] }),
    { code: 'VALIDATION_FAILED', extra: { errors: [{ path: '/a/1' }] } },
    'a NUL is refused with its path',
  );
});

t.test(`${RECEIPTS} receipts with generated text verify afterwards (${ENGINE})`, async (t) => {
  const { app, database, adminKey, departmentId } = await world(t);
  const db = database.db;
  const keyId = randomUUID();
  const started = Date.now();
  let written = 0;
  let runs = 0;
  const outcome = await fc.check(
    fc.asyncProperty(
      fc.array(bodyArb(departmentId, keyId), { minLength: PER_RUN, maxLength: PER_RUN }),
      async (bodies) => {
        // A batch at a time, concurrently, so appends to the shards interleave as they do under load; every other batch
        // through the group commit the check service uses (services/receipt-batch.ts), the rest one statement each.
        const grouped = ++runs % 2 === 0;
        const rows = await Promise.all(bodies.map((b) => (grouped ? commitReceipt(db, b) : appendReceipt(db, b))));
        written += rows.length;
        const stored = await db
          .select()
          .from(checks)
          .where(sql`${checks.id} in ${rows.map((r) => r.id)}`);
        const byId = new Map(stored.map((r) => [r.id, r]));
        for (const r of rows) {
          const back = byId.get(r.id)!;
          // The value the hash was computed over is the value stored, and the stored row rehashes to the stored hash.
          if (back.matterReference !== r.matterReference || canonicalJson(back.reasons) !== canonicalJson(r.reasons))
            return false;
          if (receiptHash(back, back.prevHash) !== back.hash || back.hash !== r.hash) return false;
        }
        return true;
      },
    ),
    { numRuns: Math.ceil(RECEIPTS / PER_RUN), seed: SEED, endOnFailure: true },
  );
  t.equal(
    outcome.failed,
    false,
    outcome.failed
      ? String(
          outcome.errorInstance instanceof Error
            ? outcome.errorInstance
            : outcome.counterexample?.[0]?.slice(0, 3).map((b) => b.matterReference),
        )
      : 'every batch re-reads as written',
  );
  const seconds = (Date.now() - started) / 1000;
  t.comment(`${written} receipts written and re-read on ${ENGINE} in ${seconds.toFixed(1)} s`);
  const res = await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(adminKey) });
  t.equal(res.statusCode, 200);
  const report = res.json();
  t.equal(report.ok, true, 'GET /v1/admin/receipts/verify answers ok');
  t.equal(report.receipts, written);
  t.same(report.broken, []);
  t.equal(report.firstBroken, null);
});

t.test(
  'a lone surrogate in a check request: refused at the edge, or stored as U+FFFD and the chain verifies (issue #11, reproduction 3)',
  async (t) => {
    const { app, database, adminKey } = await world(t);
    const finance = await department(app, adminKey, 'finance', '230400');
    const res = await check(app, finance.key, { uscc: uscc() }, 'tax', {
      matter: { type: 'tax', reference: 'HG-\ud800-1' },
    });
    if (res.statusCode === 201) {
      const [row] = await database.db
        .select()
        .from(checks)
        .where(sql`${checks.id} = ${res.json().checkId}`);
      t.equal(row!.matterReference, 'HG-\ufffd-1', 'stored as the replacement character');
      t.equal(res.json().matter.reference, 'HG-\ufffd-1', 'and answered as stored');
    } else {
      t.equal(res.statusCode, 400);
      t.equal(res.json().code, 'VALIDATION_FAILED');
    }
    const nul = await appendReceipt(database.db, {
      ...(await sampleBody(finance.departmentId)),
      matterReference: 'a\u0000b',
    }).catch((e: unknown) => e);
    t.match(nul, { code: 'VALIDATION_FAILED' }, 'a NUL never reaches the insert');
    const report = (await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(adminKey) })).json();
    t.equal(report.ok, true);
  },
);

async function sampleBody(departmentId: string): Promise<NewReceipt> {
  const [b] = fc.sample(bodyArb(departmentId, randomUUID()), { numRuns: 1, seed: 1 });
  return { ...b!, id: randomUUID() };
}

t.test('verification reports every broken link, not just the first', async (t) => {
  const { app, database, adminKey } = await world(t);
  const finance = await department(app, adminKey, 'finance', '230400');
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push((await appendReceipt(database.db, await sampleBody(finance.departmentId))).id);
  const first = ids[5]!;
  const second = ids[30]!;
  await database.db.execute(sql`update check_receipt set verdict = 'hit' where id in (${first}, ${second})`);
  const report = await verifyReceipts(database.db);
  t.equal(report.ok, false);
  t.same(
    report.broken.map((b) => [b.checkId, b.problem]).sort(),
    [
      [first, 'hash_mismatch'],
      [second, 'hash_mismatch'],
    ].sort(),
    'both altered receipts, each once',
  );
  t.ok(report.firstBroken && [first, second].includes(report.firstBroken.checkId!));
  t.equal(
    report.chains.reduce((n, c) => n + c.brokenLinks, 0),
    2,
  );
  // A removed receipt (the first of a chain that has more): the gap and the broken link after it are both reported,
  // and the other alterations still are.
  const [third] = rows<{ id: string; chain: number }>(
    await database.db
      .execute(sql`select id, chain from check_receipt where chain_seq = 1 and id not in (${first}, ${second})
      and chain in (select chain from check_receipt group by chain having count(*) >= 2) order by chain limit 1`),
  );
  await database.db.execute(sql`delete from check_receipt where id = ${third!.id}`);
  const after = (await app.inject({ url: '/v1/admin/receipts/verify', headers: bearer(adminKey) })).json();
  t.equal(after.ok, false);
  t.ok(
    after.broken.some(
      (b: { problem: string; chain: number }) => b.problem === 'sequence_gap' && b.chain === Number(third!.chain),
    ),
    'the gap',
  );
  t.ok(
    after.broken.some(
      (b: { problem: string; chain: number }) => b.problem === 'prev_hash_mismatch' && b.chain === Number(third!.chain),
    ),
    'the link after it',
  );
  t.ok(
    after.broken.some((b: { checkId: string }) => b.checkId === first) &&
      after.broken.some((b: { checkId: string }) => b.checkId === second),
    'and the two alterations',
  );
});

t.test(
  'the idempotency fingerprint is keyed and never covers the plain ID number (issue #11, reproduction 4)',
  async (t) => {
    const { app, database, adminKey } = await world(t);
    const finance = await department(app, adminKey, 'finance', '230400');
    const id = idNumber('19870312');
    const res = await check(app, finance.key, { idNumber: id }, 'tax', {}, { 'idempotency-key': 'fp-1' });
    t.equal(res.statusCode, 201);
    const [row] = await database.db
      .select()
      .from(checks)
      .where(sql`${checks.id} = ${res.json().checkId}`);
    t.match(row!.requestHash, /^[0-9a-f]{64}$/);
    const input = {
      subject: { idNumber: id },
      matter: { type: 'tax' as const, reference: res.json().matter.reference },
    };
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('../../api/src/domain/canonical.js');
    t.not(
      row!.requestHash,
      createHash('sha256').update(canonicalJson(input)).digest('hex'),
      'not the old unkeyed digest',
    );
    t.not(requestHash(input, 'another-secret', undefined), row!.requestHash, 'another key gives another fingerprint');
    // The same request with the number written differently (lower-case x, spaces) is the same fingerprint.
    const replay = await check(
      app,
      finance.key,
      { idNumber: ` ${id} ` },
      'tax',
      { matter: input.matter },
      { 'idempotency-key': 'fp-1' },
    );
    t.equal(replay.statusCode, 200);
    t.equal(replay.json().checkId, res.json().checkId, 'a replay');
    const other = await check(
      app,
      finance.key,
      { idNumber: idNumber('19870313') },
      'tax',
      { matter: input.matter },
      { 'idempotency-key': 'fp-1' },
    );
    t.equal(other.json().code, 'CONFLICT', 'another person under the same key is refused');
  },
);
