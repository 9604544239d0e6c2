// Expiry through HTTP on either engine: a check reads a record's validity by time, with or without a sweep, and the
// sweep (several at once, as several instances run it) writes the expiry exactly once.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { sweepExpired } from '../../api/src/services/expiry.js';
import { bearer } from '../helpers/app.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';
import { eventually } from '../helpers/wait.js';

t.test('expiry: the check reads validity by time; the event is written exactly once', async (t) => {
  const { app, database, adminKey } = await world(t);
  const db = database.db;
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const firm = uscc();
  const person = idNumber('19700101');
  const validFrom = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const validUntil = new Date(Date.now() - 1000).toISOString();
  const p = await publish(app, safety.key, {
    list: 'safety.blacklist',
    validFrom,
    validUntil,
    subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市到期有限公司' },
  });
  t.equal(p.statusCode, 201, p.body);
  const entryId = p.json().entryId;
  const live = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'person', idNumber: person, name: '张三' },
  });
  t.equal(live.statusCode, 201, live.body);

  const before = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
  t.equal(before.verdict, 'clear', 'no sweep has run, yet the expired record is off the list');

  // A record that runs out a moment from now: listed, then off the list by time alone.
  const soon = uscc();
  const ending = await publish(app, safety.key, {
    list: 'safety.blacklist',
    validFrom,
    validUntil: new Date(Date.now() + 5000).toISOString(),
    subject: { kind: 'enterprise', uscc: soon, name: '佳木斯市将到期有限公司' },
  });
  t.equal(ending.statusCode, 201, ending.body);
  t.equal((await check(app, finance.key, { uscc: soon }, 'government_procurement')).json().verdict, 'restricted');
  // 5 s of validity, so the publish and the first check fit inside it even on a loaded machine (1.5 s did not at load 20).
  const verdict = await eventually(
    async () => (await check(app, finance.key, { uscc: soon }, 'government_procurement')).json().verdict as string,
    (v) => v === 'clear',
    'the record off the list at validUntil',
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  t.equal(verdict, 'clear', 'off the list at validUntil with no sweep');

  // Several sweepers at once, as several instances would run them.
  const moved = await Promise.all([sweepExpired(db), sweepExpired(db), sweepExpired(db)]);
  t.equal(
    moved.reduce((a, b) => a + b, 0),
    2,
    'two records moved, each once',
  );
  t.equal(await sweepExpired(db), 0, 'a later sweep finds nothing');
  const events = rows<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from event where entry_id = ${entryId} and type = 'entry.expired'`),
  );
  t.equal(Number(events[0]!.n), 1, 'exactly one expiry event');
  const liveEvents = rows<{ n: number }>(
    await db.execute(
      sql`select count(*)::int as n from event where entry_id = ${live.json().entryId} and type = 'entry.expired'`,
    ),
  );
  t.equal(Number(liveEvents[0]!.n), 0, 'a record still in force is untouched');

  const get = (key: string, url: string) => app.inject({ url, headers: bearer(key) });
  t.equal((await get(finance.key, `/v1/entries/${entryId}`)).statusCode, 404);
  const internal = (await get(safety.key, `/v1/entries/${entryId}?view=internal`)).json();
  t.equal(internal.status, 'expired');
  t.same(
    internal.versions.map((v: { change: string }) => v.change),
    ['created', 'expired'],
  );
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/objections',
        headers: bearer(safety.key),
        payload: { entryId, applicant: { name: 'x' }, reason: 'x' },
      })
    ).json().code,
    'INVALID_TRANSITION',
  );
});
