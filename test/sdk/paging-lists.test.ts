// The lists paged in #14's second round, each walked with the SDK's iterator past its first page: a subscription's
// 1,000 delivery attempts (real deliveries to a local receiver) and its dead letters by their own cursor, imports,
// watches (cursor, and the deprecated offset still honoured), departments, keys and subscriptions. A forged cursor is
// 400 INVALID_CURSOR on each.
import t, { type Test } from 'tap';
import { apiKeys, deadLetters, departments } from '../../api/src/db/schema.js';
import type { PagePromise } from '../../sdk/src/index.js';
import { csv, row } from '../helpers/import.js';
import { receiver } from '../helpers/receiver.js';
import { uscc } from '../helpers/world.js';
import { serve, until, workers } from './harness.js';

// Real deliveries, one at a time through the worker: 1,000 keep the file inside a minute on a loaded machine.
const DELIVERIES = 1_000;
const FORGED = 'bm90LWEtY3Vyc29y';

/** Every row of a list through the iterator and page by page; asserts each row once and the number of pages. */
async function walk<P extends object, T>(
  t: Test,
  list: () => PagePromise<P, T>,
  id: (row: T) => string,
  pageSize: number,
  expected: number,
): Promise<string[]> {
  const seen: string[] = [];
  for await (const item of list()) seen.push(id(item));
  t.equal(new Set(seen).size, seen.length, 'each row once');
  t.equal(seen.length, expected, 'every row');
  let pages = 0;
  for await (const _ of list().pages()) pages++;
  t.equal(pages, Math.max(1, Math.ceil(expected / pageSize)), 'pages of the asked size');
  return seen;
}

t.test('deliveries: 1,000 attempts and the dead letters, each by its own cursor', async (t) => {
  const s = await serve(t);
  const hook = await receiver(t);
  const sub = await s.admin.subscriptions.create({ url: hook.url, events: ['entry.created'] });
  hook.secret = sub.secret;
  const imported = await s.admin.imports.create(
    { file: csv(Array.from({ length: DELIVERIES }, () => row())), format: 'csv', mode: 'accept-valid' },
    { timeout: 120_000 },
  );
  t.equal(imported.accepted, DELIVERIES);
  const w = await workers(t, s);
  w.wake();
  await hook.until((r) => r.delivered().length >= DELIVERIES, 50_000);
  // The attempt is recorded with the cursor advance, just after the receiver answered: wait for the last one.
  await until(
    async () =>
      (await s.admin.subscriptions.get(sub.subscriptionId)).delivery.delivered >= DELIVERIES ? true : undefined,
    'every attempt recorded',
    30_000,
  );

  const first = await s.admin.subscriptions.deliveries(sub.subscriptionId, { limit: 150 }).withResponse();
  t.equal(first.data.attempts.length, 150);
  t.type(first.data.nextCursor, 'string');
  t.match(first.response.headers.link ?? '', /rel="next"$/);
  t.same(first.data.deadLetters, [], 'no dead letters yet');
  t.equal(first.data.deadLettersNextCursor, null);

  const events = await walk(
    t,
    () => s.admin.subscriptions.deliveries(sub.subscriptionId, { limit: 150 }),
    (a) => `${a.eventId}:${a.attempt}`,
    150,
    DELIVERIES,
  );
  t.equal(new Set(events.map((e) => e.split(':')[0])).size, DELIVERIES, 'one attempt per event');
  t.same(
    new Set(hook.delivered().map((r) => r.eventId)),
    new Set(events.map((e) => e.split(':')[0])),
    'exactly the events the receiver got',
  );

  // Dead letters page on their own cursor, by event id, while the attempts stay on their first page.
  const dead = events.slice(0, 5).map((e) => Number(e.split(':')[0]));
  await s.database.db
    .insert(deadLetters)
    .values(
      dead.map((eventId) => ({ subscriptionId: sub.subscriptionId, eventId, status: 'dead' as const, failures: 9 })),
    );
  const letters = await walk(
    t,
    () => s.admin.subscriptions.deadLetters(sub.subscriptionId, { limit: 2 }),
    (d) => d.eventId,
    2,
    5,
  );
  t.same(letters, [...dead].sort((a, b) => a - b).map(String), 'by event id');
  const cursor = (await s.admin.subscriptions.deliveries(sub.subscriptionId, { limit: 2 })).deadLettersNextCursor;
  t.type(cursor, 'string');
  const second = await s.admin.subscriptions.deliveries(sub.subscriptionId, { limit: 2, deadLettersAfter: cursor! });
  t.same(
    second.attempts.map((a) => a.eventId),
    first.data.attempts.slice(0, 2).map((a) => a.eventId),
    'attempts without `after` are the first page',
  );
  t.same(
    second.deadLetters.map((d) => d.eventId),
    letters.slice(2, 4),
  );

  await t.rejects(s.admin.subscriptions.deliveries(sub.subscriptionId, { after: FORGED }), {
    status: 400,
    code: 'INVALID_CURSOR',
  });
  await t.rejects(s.admin.subscriptions.deliveries(sub.subscriptionId, { deadLettersAfter: FORGED }), {
    status: 400,
    code: 'INVALID_CURSOR',
    body: { errors: [{ path: '/querystring/deadLettersAfter' }] },
  });
});

t.test('imports, watches, departments, keys and subscriptions page past their first page', async (t) => {
  const s = await serve(t);
  const finance = await s.department('finance', '230400', ['check', 'publish']);
  const client = s.as(finance);

  t.test('imports', async (t) => {
    for (let i = 0; i < 5; i++)
      await client.imports.create({
        file: csv([row({ list: 'procurement.bad_record' })]),
        format: 'csv',
        mode: 'accept-valid',
      });
    const ids = await walk(
      t,
      () => client.imports.list({ limit: 2 }),
      (i) => i.importId,
      2,
      5,
    );
    const newest = await client.imports.list({ limit: 1 });
    t.equal(newest.imports[0]?.importId, ids[0], 'newest first');
    await t.rejects(client.imports.list({ after: FORGED }), { status: 400, code: 'INVALID_CURSOR' });
  });

  t.test('watches: the cursor, and the deprecated offset', async (t) => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const w = await client.watches.create({
        subject: { uscc: uscc() },
        matter: { type: 'government_procurement', reference: `W-${i}` },
      });
      made.push(w.watchId);
    }
    const ids = await walk(
      t,
      () => client.watches.list({ limit: 3 }),
      (w) => w.watchId,
      3,
      7,
    );
    t.same(ids, [...made].reverse(), 'newest first');
    const byOffset = await client.watches.list({ limit: 3, offset: 3 });
    t.same(
      byOffset.watches.map((w) => w.watchId),
      ids.slice(3, 6),
      'offset still pages as before',
    );
    await t.rejects(client.watches.list({ after: FORGED }), { status: 400, code: 'INVALID_CURSOR' });
  });

  t.test('departments and keys', async (t) => {
    for (let i = 0; i < 3; i++) await s.department('finance', '230400');
    const all = await s.database.db.$count(departments);
    t.ok(all >= 5);
    const depts = await walk(
      t,
      () => s.admin.admin.departments.list({ limit: 2 }),
      (d) => d.departmentId,
      2,
      all,
    );
    t.ok(depts.includes(finance.departmentId));
    const keys = await s.database.db.$count(apiKeys);
    t.ok(keys >= 5);
    await walk(
      t,
      () => s.admin.admin.keys.list({ limit: 2 }),
      (k) => k.keyId,
      2,
      keys,
    );
    await t.rejects(s.admin.admin.departments.list({ after: FORGED }), { status: 400, code: 'INVALID_CURSOR' });
    await t.rejects(s.admin.admin.keys.list({ after: FORGED }), { status: 400, code: 'INVALID_CURSOR' });
  });

  t.test('subscriptions', async (t) => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        (await client.subscriptions.create({ url: `http://127.0.0.1:9/hook-${i}`, events: ['entry.created'] }))
          .subscriptionId,
      );
    t.same(
      await walk(
        t,
        () => client.subscriptions.list({ limit: 2 }),
        (x) => x.subscriptionId,
        2,
        5,
      ),
      made,
      'oldest first',
    );
    await t.rejects(client.subscriptions.list({ after: FORGED }), { status: 400, code: 'INVALID_CURSOR' });
  });
});
