// Issue #13 on either engine: a batch resolved in one statement answers what single checks answer, and receipts
// written together (group commit, many parallel checks, batches, replayed Idempotency-Keys) still form unbroken
// chains with one receipt per key.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { checks } from '../../api/src/db/schema.js';
import { verifyReceipts } from '../../api/src/services/receipt-verify.js';
import { bearer } from '../helpers/app.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';

/** The parts of a check that do not depend on when or as which receipt it ran. */
const gist = (c: {
  verdict: string;
  hits: Array<Record<string, unknown>>;
  measures: Array<Record<string, unknown>>;
  reasons: unknown[];
  subject: { resolved: unknown[] };
}) => ({
  verdict: c.verdict,
  hits: c.hits.map((h) => ({
    entryId: h.entryId,
    matchedBy: h.matchedBy,
    list: h.list,
    measureIds: h.measureIds,
    subject: h.subject,
  })),
  measures: c.measures.map((m) => ({ measureId: m.measureId, forEntries: m.forEntries })),
  reasons: c.reasons,
  resolved: c.subject.resolved,
});

t.test('a batch answers each item as a single check would', async (t) => {
  const { app, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const court = await department(app, adminKey, 'court', '110000');
  const market = await department(app, adminKey, 'market_regulation', '110000');
  const firm = uscc();
  const rep = idNumber('19750302');
  const name = '佳木斯市恒达建筑工程有限公司';
  t.equal(
    (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: {
          kind: 'enterprise',
          uscc: firm,
          name,
          relatedPersons: [{ role: 'legal_representative', name: '王建国', idNumber: rep }],
        },
      })
    ).statusCode,
    201,
  );
  t.equal(
    (
      await publish(app, court.key, {
        list: 'court.dishonest_debtor',
        subject: { kind: 'person', idNumber: rep, name: '王建国' },
      })
    ).statusCode,
    201,
  );

  const subjects: Array<Record<string, string>> = [
    { uscc: firm }, // listed, with a listed legal representative
    { idNumber: rep }, // the person, and the firm they lead
    { name }, // by name only
    { name: '佳木斯市恒达建筑工程有限责任公司' }, // fuzzy
    { uscc: uscc() }, // clear
    { uscc: firm, name: '别的名字' }, // the code wins over the name
  ];
  const res = await app.inject({
    method: 'POST',
    url: '/v1/checks/batch',
    headers: bearer(market.key),
    payload: {
      matter: { type: 'market_entry_and_office', reference: 'B-1' },
      items: [...subjects.map((subject) => ({ subject })), { subject: { uscc: '91350100M000100Y44' } }],
    },
  });
  t.equal(res.statusCode, 200, res.body);
  const { results } = res.json();
  t.equal(results.length, subjects.length + 1);
  t.equal(results[subjects.length].error.code, 'INVALID_USCC', 'a bad item has its own error');
  for (const [i, subject] of subjects.entries()) {
    const single = await check(app, market.key, subject, 'market_entry_and_office');
    t.equal(single.statusCode, 201);
    t.same(
      gist(results[i].check),
      gist(single.json()),
      `item ${i} (${Object.keys(subject).join('+')}) as a single check`,
    );
  }
  t.not(results[0].check.verdict, 'clear');
  t.ok(
    results[0].check.hits.some((h: { matchedBy: string }) => h.matchedBy === 'related_person'),
    'related persons in a batch',
  );
  t.ok(
    results[1].check.hits.some((h: { matchedBy: string }) => h.matchedBy === 'related_person'),
    'and the firm a person leads',
  );
  t.equal(results[3].check.hits[0]?.matchedBy, 'fuzzy_name');
});

t.test('receipts written together: parallel checks, batches and replays form unbroken chains', async (t) => {
  const { app, database, adminKey } = await world(t);
  const finance = await department(app, adminKey, 'finance', '230800');
  const other = await department(app, adminKey, 'finance', '230400');
  const KEYS = 12;
  const replays = Array.from({ length: KEYS }, (_, k) => ({ subject: { uscc: uscc() }, key: `group-${k}` }));
  const requests: Array<Promise<{ kind: string; key?: string; status: number; body: Record<string, unknown> }>> = [];
  for (let i = 0; i < 80; i++) {
    requests.push(
      check(app, finance.key, { uscc: uscc() }, 'tax').then((r) => ({
        kind: 'plain',
        status: r.statusCode,
        body: r.json(),
      })),
    );
    if (i % 5 === 0) {
      const r = replays[(i / 5) % KEYS]!;
      // three tries of one key in flight at once, from two departments (keys are per department); two batches at
      // most at once (a department runs at most two batch jobs)
      for (const [dept, n] of [
        [finance, 0],
        [finance, 1],
        [other, 2],
      ] as const) {
        requests.push(
          check(
            app,
            dept.key,
            r.subject,
            'tax',
            { matter: { type: 'tax', reference: r.key } },
            { 'idempotency-key': r.key },
          ).then((res) => ({
            kind: `replay-${dept === finance ? 'a' : 'b'}-${n}`,
            key: `${dept.departmentId}/${r.key}`,
            status: res.statusCode,
            body: res.json(),
          })),
        );
      }
    }
    if (i % 40 === 0) {
      requests.push(
        app
          .inject({
            method: 'POST',
            url: '/v1/checks/batch',
            headers: bearer(finance.key),
            payload: {
              matter: { type: 'tax', reference: `batch-${i}` },
              items: Array.from({ length: 25 }, () => ({ subject: { uscc: uscc() } })),
            },
          })
          .then((r) => ({ kind: 'batch', status: r.statusCode, body: r.json() })),
      );
    }
  }
  const done = await Promise.all(requests);
  t.same([...new Set(done.filter((d) => d.kind === 'plain').map((d) => d.status))], [201], 'every plain check landed');
  const badBatch = done.find(
    (d) =>
      d.kind === 'batch' && !(d.status === 200 && (d.body.results as Array<{ check?: unknown }>).every((r) => r.check)),
  );
  t.notOk(badBatch, `every batch item landed ${badBatch ? JSON.stringify(badBatch.body).slice(0, 500) : ''}`);
  const byKey = new Map<string, Set<string>>();
  for (const d of done.filter((x) => x.key)) {
    t.ok(d.status === 200 || d.status === 201, `replay answered ${d.status}`);
    byKey.set(d.key!, (byKey.get(d.key!) ?? new Set()).add(d.body.checkId as string));
  }
  t.ok(
    [...byKey.values()].every((ids) => ids.size === 1),
    'each key answered one receipt to all its tries',
  );
  const keyed = await database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(checks)
    .where(sql`${checks.idempotencyKey} is not null`);
  t.equal(keyed[0]?.n, byKey.size, 'one stored receipt per (department, key)');
  const report = await verifyReceipts(database.db);
  t.equal(report.ok, true, JSON.stringify(report.firstBroken));
  const [all] = await database.db.select({ n: sql<number>`count(*)::int` }).from(checks);
  t.equal(report.receipts, all?.n, 'every stored receipt is on a chain');
  t.equal(all?.n, 80 + byKey.size + 2 * 25);
});
