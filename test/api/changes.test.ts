// GET /v1/changes: every event exactly once in commit order, filters, cursors, and concurrent publishers.
import t from 'tap';
import { comparePositions, decodeCursor } from '../../api/src/services/changes.js';
import { bearer } from '../helpers/app.js';
import { ENGINE } from '../helpers/db.js';
import { department, publish, uscc, world } from '../helpers/world.js';

interface Page {
  events: Array<{ eventId: string; type: string; occurredAt: string; data: Record<string, unknown> }>;
  nextCursor: string;
}

t.test('change feed', async (t) => {
  const { app, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const reader = await department(app, adminKey, 'finance', '230400', ['check']);

  const page = async (key: string, query: string): Promise<Page> => {
    const res = await app.inject({ url: `/v1/changes${query}`, headers: bearer(key) });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    return res.json();
  };
  /** Pages to the end with the given page size, bounded in pages. */
  const drain = async (key: string, filter = '', limit = 3, after?: string) => {
    const all: Page['events'] = [];
    let cursor = after;
    for (let i = 0; i < 10_000; i++) {
      const p = await page(key, `?limit=${limit}${cursor ? `&after=${cursor}` : ''}${filter}`);
      all.push(...p.events);
      cursor = p.nextCursor;
      if (p.events.length < limit) return { events: all, cursor };
    }
    throw new Error('feed did not end');
  };

  const first = await drain(reader.key);
  t.ok(
    first.events.some((e) => e.type === 'catalog.changed'),
    'the seed catalogue sync is a catalog.changed event',
  );

  const a = (
    await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: uscc('91', '230800'), name: '甲公司' },
      scopeRegion: '230800',
    })
  ).json();
  const b = (
    await publish(app, safety.key, {
      list: 'safety.watch',
      subject: { kind: 'enterprise', uscc: uscc(), name: '乙公司' },
    })
  ).json();
  const revoked = await app.inject({
    method: 'POST',
    url: `/v1/entries/${a.entryId}/revoke`,
    headers: bearer(safety.key),
    payload: { reason: '认定错误' },
  });
  t.equal(revoked.statusCode, 200, revoked.body);

  t.test('new events follow the cursor in commit order', async (t) => {
    const next = await drain(reader.key, '', 2, first.cursor);
    t.same(
      next.events.map((e) => [e.type, e.data.entryId]),
      [
        ['entry.created', a.entryId],
        ['entry.created', b.entryId],
        ['entry.revoked', a.entryId],
      ],
    );
    t.match(next.events[0], {
      eventId: /^\d+$/,
      occurredAt: /^\d{4}-/,
      data: { list: 'safety.blacklist', version: 1, status: 'active' },
    });
    // An empty page answers the head: past every transaction that has ended. Transaction ids belong to the whole
    // PostgreSQL server, so writes in other databases (other test files, other tenants) move the head between two
    // reads: the cursor may step forward then, never back, and nothing of this database lies behind it (see below).
    const again = await page(reader.key, `?after=${next.cursor}`);
    t.same(again.events, [], 'nothing after the end');
    t.ok(
      comparePositions(decodeCursor(again.nextCursor), decodeCursor(next.cursor)) >= 0,
      'an empty page never moves the cursor back',
    );
    if (ENGINE === 'pglite')
      t.equal(again.nextCursor, next.cursor, 'with no other writer anywhere, an empty page keeps the cursor');
  });

  t.test('filters: type, list, region', async (t) => {
    const byType = await drain(reader.key, '&type=entry.revoked', 5, first.cursor);
    t.same(
      byType.events.map((e) => e.data.entryId),
      [a.entryId],
    );
    const byTypes = await drain(reader.key, '&type=entry.revoked&type=entry.created', 5, first.cursor);
    t.equal(byTypes.events.length, 3);
    const byList = await drain(reader.key, '&list=safety.watch', 5, first.cursor);
    t.same(
      byList.events.map((e) => e.data.entryId),
      [b.entryId],
    );
    // 230800-scoped record: seen from 230803 (covered), not from 110000; the national record from both.
    const jms = await drain(reader.key, '&region=230803&type=entry.created', 5, first.cursor);
    t.same(
      jms.events.map((e) => e.data.entryId),
      [a.entryId, b.entryId],
    );
    const bj = await drain(reader.key, '&region=110000&type=entry.created', 5, first.cursor);
    t.same(
      bj.events.map((e) => e.data.entryId),
      [b.entryId],
    );
    const none = await drain(reader.key, '&type=objection.decided', 5, first.cursor);
    t.same(none.events, []);
    t.not(none.cursor, first.cursor, 'a filtered reader skips past what it does not want');
  });

  t.test('bad input', async (t) => {
    for (const after of ['nope!', 'Zm9v', Buffer.from('1:x').toString('base64url'), 'A'.repeat(65)]) {
      const res = await app.inject({ url: `/v1/changes?after=${after}`, headers: bearer(reader.key) });
      t.equal(res.statusCode, 400, after);
      t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      t.ok(['INVALID_CURSOR', 'VALIDATION_FAILED'].includes(res.json().code), res.body);
    }
    t.equal(
      (await app.inject({ url: `/v1/changes?after=Zm9v`, headers: bearer(reader.key) })).json().code,
      'INVALID_CURSOR',
    );
    for (const q of ['limit=0', 'limit=1001', 'limit=x', 'region=23', 'bogus=1']) {
      const res = await app.inject({ url: `/v1/changes?${q}`, headers: bearer(reader.key) });
      t.equal(res.statusCode, 400, q);
      t.equal(res.json().code, 'VALIDATION_FAILED', q);
    }
    t.equal((await app.inject({ url: '/v1/changes' })).json().code, 'UNAUTHENTICATED');
  });

  t.test('the next event follows both the cursor of the last page and the one an empty page moved on', async (t) => {
    const end = await drain(reader.key, '', 5, first.cursor);
    const empty = await page(reader.key, `?after=${end.cursor}`);
    t.same(empty.events, []);
    const c = (
      await publish(app, safety.key, {
        list: 'safety.watch',
        subject: { kind: 'enterprise', uscc: uscc(), name: '丙公司' },
      })
    ).json();
    for (const from of [end.cursor, empty.nextCursor]) {
      const after = await drain(reader.key, '', 5, from);
      t.same(
        after.events.map((e) => [e.type, e.data.entryId]),
        [['entry.created', c.entryId]],
        'exactly the new event',
      );
    }
  });
});

t.test('parallel publishers: every committed event appears exactly once, in a stable order', async (t) => {
  const { app, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const start = (await app.inject({ url: '/v1/changes?limit=1000', headers: bearer(adminKey) })).json()
    .nextCursor as string;
  const PUBLISHERS = 8;
  const PER = 15;
  const published = new Set<string>();
  let writing = true;
  const writers = Array.from({ length: PUBLISHERS }, async (_, p) => {
    for (let i = 0; i < PER; i++) {
      const res = await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: uscc(), name: `并发${p}-${i}` },
      });
      if (res.statusCode !== 201) throw new Error(res.body);
      published.add(res.json().entryId);
    }
  });
  const all = Promise.all(writers).finally(() => (writing = false));

  // Read with small pages while they write; then finish once they are done.
  const seen: string[] = [];
  const entries: string[] = [];
  let cursor = start;
  const deadline = Date.now() + 120_000;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    const stillWriting = writing;
    const res = await app.inject({
      url: `/v1/changes?limit=4&type=entry.created&after=${cursor}`,
      headers: bearer(adminKey),
    });
    const body = res.json<Page>();
    for (const e of body.events) {
      seen.push(e.eventId);
      entries.push(e.data.entryId as string);
    }
    cursor = body.nextCursor;
    if (!stillWriting && body.events.length === 0) break;
    if (body.events.length === 0) await new Promise((r) => setImmediate(r));
  }
  await all;
  t.equal(new Set(seen).size, seen.length, 'no event twice');
  t.equal(entries.length, PUBLISHERS * PER, 'every event once');
  t.same(new Set(entries), published, 'exactly the published records');
  const replay: string[] = [];
  let c = start;
  for (let i = 0; i < 1000; i++) {
    const body = (
      await app.inject({ url: `/v1/changes?limit=50&type=entry.created&after=${c}`, headers: bearer(adminKey) })
    ).json<Page>();
    replay.push(...body.events.map((e) => e.eventId));
    c = body.nextCursor;
    if (body.events.length < 50) break;
  }
  t.same(replay, seen, 'reading again from the start gives the same sequence');
});
