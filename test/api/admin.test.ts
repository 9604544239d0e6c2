// The admin routes (/v1/admin): API keys that expire and rotate, their last-use time, the last admin key that cannot be
// revoked, and the record of reads that reveal whether a subject is listed (GET /v1/admin/reads). Elsewhere: bad input
// to the admin routes in errors.test.ts and input.test.ts, a department's notice prefix in notices.test.ts, and
// GET /v1/admin/receipts/verify with the receipts (receipts-chain.test.ts, receipt-months.test.ts, checks.test.ts).
import t from 'tap';
import { KEY_CACHE_MS, authenticate } from '../../api/src/services/keys.js';
import { bearer, build } from '../helpers/app.js';
import { until } from '../sdk/harness.js';
import { department, idNumber, publish, uscc, world } from '../helpers/world.js';

t.test('keys: expiry, rotation with an overlap, last use', async (t) => {
  const { app, database, adminKey } = await world(t);
  const dept = await department(app, adminKey, 'finance', '230400', ['check']);
  const keys = async () =>
    (await app.inject({ url: `/v1/admin/keys?departmentId=${dept.departmentId}`, headers: bearer(adminKey) })).json()
      .keys;
  const catalog = (key: string) => app.inject({ url: '/v1/catalog/lists', headers: bearer(key) });
  const rotate = (keyId: string, body: unknown, key = adminKey) =>
    app.inject({
      method: 'POST',
      url: `/v1/admin/keys/${keyId}/rotate`,
      headers: bearer(key),
      payload: body as object,
    });

  t.test('a key created with expiresAt works until then; one in the past is refused and not written', async (t) => {
    const before = (await keys()).length;
    const past = await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: bearer(adminKey),
      payload: { departmentId: dept.departmentId, scopes: ['check'], expiresAt: '2020-01-01T00:00:00Z' },
    });
    t.equal(past.statusCode, 400);
    t.equal(past.json().code, 'VALIDATION_FAILED');
    t.equal((await keys()).length, before, 'nothing written');
    const soon = new Date(Date.now() + 5_000).toISOString();
    const made = await app.inject({
      method: 'POST',
      url: '/v1/admin/keys',
      headers: bearer(adminKey),
      payload: { departmentId: dept.departmentId, scopes: ['check'], expiresAt: soon },
    });
    t.equal(made.statusCode, 201, made.body);
    t.equal(made.json().expiresAt, soon);
    t.equal((await catalog(made.json().secret)).statusCode, 200, 'valid before its expiry');
    const refused = await until(async () => {
      const r = await catalog(made.json().secret);
      return r.statusCode === 401 ? r : undefined;
    }, 'the expiry');
    t.equal(refused.json().code, 'EXPIRED_KEY');
    t.ok(Date.now() >= Date.parse(soon), 'not before its time');
  });

  t.test(
    'rotate: a successor with the same department and scopes; both work during the overlap; then EXPIRED_KEY',
    async (t) => {
      const k = (
        await app.inject({
          method: 'POST',
          url: '/v1/admin/keys',
          headers: bearer(adminKey),
          payload: { departmentId: dept.departmentId, scopes: ['check'], label: '审批系统' },
        })
      ).json();
      const res = await rotate(k.keyId, { overlapSeconds: 4 });
      t.equal(res.statusCode, 200, res.body);
      t.equal(res.headers['cache-control'], 'no-store');
      const { successor, previous } = res.json();
      t.match(successor, {
        departmentId: dept.departmentId,
        scopes: ['check'],
        label: '审批系统',
        expiresAt: null,
        successorId: null,
        secret: /^yc_/,
      });
      t.not(successor.keyId, k.keyId);
      t.match(previous, { keyId: k.keyId, successorId: successor.keyId });
      const overlapEnds = Date.parse(previous.expiresAt);
      t.ok(overlapEnds > Date.now() && overlapEnds <= Date.now() + 4_500, `overlap ends at ${previous.expiresAt}`);
      // The old key authenticates now, which puts it in this instance's key cache with its expiry.
      const filled = Date.now();
      t.equal((await catalog(k.secret)).statusCode, 200, 'old key valid during the overlap');
      t.equal((await catalog(successor.secret)).statusCode, 200, 'successor valid');
      const refused = await until(async () => {
        const r = await authenticate(database.db, k.secret);
        return r.ok ? undefined : r;
      }, 'the end of the overlap');
      t.same(refused, { ok: false, reason: 'expired' });
      if (Date.now() - filled < KEY_CACHE_MS)
        t.pass('refused while the key was still cached: the cache checks the expiry');
      t.equal((await catalog(k.secret)).json().code, 'EXPIRED_KEY');
      t.equal((await catalog(successor.secret)).statusCode, 200, 'the successor goes on');
      t.equal((await rotate(k.keyId, {})).json().code, 'CONFLICT', 'an expired (and rotated) key is not rotated again');
    },
  );

  t.test('refusals: unknown, revoked, twice, bad overlap, not admin', async (t) => {
    const k = (
      await app.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: bearer(adminKey),
        payload: { departmentId: dept.departmentId, scopes: ['check'] },
      })
    ).json();
    const count = async () => (await keys()).length;
    const before = await count();
    t.equal((await rotate('00000000-0000-4000-8000-000000000000', {})).json().code, 'NOT_FOUND');
    t.equal((await rotate(k.keyId, { overlapSeconds: 31 * 86_400 })).json().code, 'VALIDATION_FAILED');
    t.equal((await rotate(k.keyId, { overlapSeconds: -1 })).json().code, 'VALIDATION_FAILED');
    t.equal((await rotate(k.keyId, { overlapSeconds: 60, extra: true })).json().code, 'VALIDATION_FAILED');
    t.equal((await rotate(k.keyId, {}, dept.key)).json().code, 'FORBIDDEN_SCOPE');
    t.equal(await count(), before, 'no refused rotation wrote a key');
    // No body at all reads as {} (the defaults), as from `curl -X POST`.
    const first = await app.inject({
      method: 'POST',
      url: `/v1/admin/keys/${k.keyId}/rotate`,
      headers: bearer(adminKey),
    });
    t.equal(first.statusCode, 200);
    t.ok(Date.parse(first.json().previous.expiresAt) - Date.now() > 23 * 3600_000, 'the default overlap is 24 h');
    const again = await rotate(k.keyId, {});
    t.equal(again.statusCode, 409);
    t.equal(again.json().code, 'CONFLICT');
    t.equal(await count(), before + 1, 'one successor, not two');
    const revoked = (
      await app.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: bearer(adminKey),
        payload: { departmentId: dept.departmentId, scopes: ['check'] },
      })
    ).json();
    await app.inject({ method: 'DELETE', url: `/v1/admin/keys/${revoked.keyId}`, headers: bearer(adminKey) });
    t.equal((await rotate(revoked.keyId, {})).json().code, 'CONFLICT');
    t.equal((await catalog(revoked.secret)).json().code, 'REVOKED_KEY');
  });

  t.test('lastUsedAt: set on use, and not rewritten within the minute', async (t) => {
    const k = (
      await app.inject({
        method: 'POST',
        url: '/v1/admin/keys',
        headers: bearer(adminKey),
        payload: { departmentId: dept.departmentId, scopes: ['check'] },
      })
    ).json();
    t.equal(k.lastUsedAt, null);
    await catalog(k.secret);
    const used = await until(
      async () =>
        (await keys()).find((x: { keyId: string; lastUsedAt: string | null }) => x.keyId === k.keyId && x.lastUsedAt)
          ?.lastUsedAt as string | undefined,
      'lastUsedAt',
    );
    t.ok(Math.abs(Date.parse(used) - Date.now()) < 60_000);
    for (let i = 0; i < 20; i++) t.equal((await catalog(k.secret)).statusCode, 200);
    t.equal(
      (await keys()).find((x: { keyId: string }) => x.keyId === k.keyId).lastUsedAt,
      used,
      'twenty more requests within the minute leave it as it was',
    );
  });
});

t.test('the last admin key cannot be revoked', async (t) => {
  const { app, adminKey } = await build(t);
  const keys = (await app.inject({ url: '/v1/admin/keys', headers: bearer(adminKey) })).json().keys;
  t.equal(keys.length, 1);
  const res = await app.inject({ method: 'DELETE', url: `/v1/admin/keys/${keys[0].keyId}`, headers: bearer(adminKey) });
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'LAST_ADMIN_KEY');
  t.equal((await app.inject({ url: '/v1/admin/keys', headers: bearer(adminKey) })).statusCode, 200, 'still works');
});

t.test('reads that reveal whether a subject is listed are recorded; admins page through them', async (t) => {
  const { app, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230400', ['publish']);
  const finance = await department(app, adminKey, 'finance', '230400', ['check']);
  const tax = await department(app, adminKey, 'taxation', '230400', ['check']);
  const firm = uscc();
  const person = idNumber('19650412');
  const e1 = (
    await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: firm, name: '鹤岗市查询记录有限公司' },
    })
  ).json();
  const e2 = (
    await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'person', idNumber: person, name: '张三' },
    })
  ).json();
  const entry1 = (await app.inject({ url: `/v1/entries/${e1.entryId}`, headers: bearer(finance.key) })).json();
  const subject1 = entry1.subjectId as string;

  t.equal((await app.inject({ url: `/v1/entries?subject=${firm}`, headers: bearer(finance.key) })).statusCode, 200);
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/entries/search',
        headers: bearer(tax.key),
        payload: { idNumber: person },
      })
    ).statusCode,
    200,
  );
  t.equal(
    (await app.inject({ url: `/v1/entries?subject=${uscc()}`, headers: bearer(tax.key) })).json().entries.length,
    0,
    'a miss is a read too',
  );
  t.equal((await app.inject({ url: `/v1/entries?subject=${subject1}`, headers: bearer(tax.key) })).statusCode, 200);

  const reads = (q: string, key = adminKey) => app.inject({ url: `/v1/admin/reads${q}`, headers: bearer(key) });
  const all = (await reads('?limit=1000')).json();
  t.equal(all.nextCursor, null);
  const mine = all.reads.filter(
    (r: { departmentId: string }) => r.departmentId === finance.departmentId || r.departmentId === tax.departmentId,
  );
  t.same(
    mine.map((r: { operation: string; askedBy: string; departmentId: string; entryCount: number }) => [
      r.operation,
      r.askedBy,
      r.departmentId === finance.departmentId ? 'finance' : 'tax',
      r.entryCount,
    ]),
    [
      ['getEntry', 'entry_id', 'finance', 1],
      ['listEntries', 'uscc', 'finance', 1],
      ['searchEntries', 'id_number', 'tax', 1],
      ['listEntries', 'uscc', 'tax', 0],
      ['listEntries', 'subject_id', 'tax', 1],
    ],
  );
  t.same(mine[0].subjectIds, [subject1]);
  t.equal(mine[1].askedUscc, firm);
  t.match(mine[2], { askedUscc: null, askedByIdNumber: true, subjectIds: [/^[0-9a-f-]{36}$/] });
  t.same(mine[3].subjectIds, [], 'a miss names no subject');
  t.notOk(JSON.stringify(all).includes(person), 'the ID number appears nowhere in the record');
  t.notOk(JSON.stringify(all).includes(person.slice(6, 14)), 'not even its birth date');

  t.test('paging: after/limit → nextCursor and a Link header, every read once', async (t) => {
    const seen: string[] = [];
    let after = '';
    for (let i = 0; i < 100; i++) {
      const page = await reads(`?limit=2${after ? `&after=${after}` : ''}`);
      t.equal(page.statusCode, 200);
      seen.push(...page.json().reads.map((r: { readId: string }) => r.readId));
      if (!page.json().nextCursor) {
        t.notOk(page.headers.link);
        break;
      }
      t.match(page.headers.link, new RegExp(`after=${page.json().nextCursor}.*rel="next"`));
      after = page.json().nextCursor;
    }
    t.same(
      seen,
      all.reads.map((r: { readId: string }) => r.readId),
    );
  });

  t.test('filters by department and by subject', async (t) => {
    const byDept = (await reads(`?departmentId=${tax.departmentId}`)).json().reads;
    t.equal(byDept.length, 3);
    const bySubject = (await reads(`?subjectId=${subject1}`)).json().reads;
    t.same(
      bySubject.map((r: { operation: string }) => r.operation),
      ['getEntry', 'listEntries', 'listEntries'],
    );
    t.ok(e2.entryId);
  });

  t.test('refusals', async (t) => {
    t.equal((await reads('', finance.key)).json().code, 'FORBIDDEN_SCOPE');
    t.equal((await reads('?after=abc')).json().code, 'VALIDATION_FAILED');
    t.equal((await reads('?limit=0')).json().code, 'VALIDATION_FAILED');
    t.equal((await reads('?subjectId=nope')).json().code, 'VALIDATION_FAILED');
    t.equal((await reads('')).statusCode, 200);
  });
});
