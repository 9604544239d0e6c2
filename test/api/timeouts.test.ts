// statement_timeout and idle_in_transaction_session_timeout per pool (db/index.ts): a statement that runs too long
// is cancelled by PostgreSQL (57014) and answered 503 UNAVAILABLE with Retry-After, which the SDK retries.
// PGlite runs inside this process with no timer to cancel a statement, so these are PostgreSQL tests.
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import t from 'tap';
import { buildApp } from '../../api/src/app.js';
import { openDatabase } from '../../api/src/db/index.js';
import { ServiceUnavailableError, Yingcha } from '../../sdk/src/index.js';
import { bearer, build, TEST_SECRET } from '../helpers/app.js';
import { ENGINE } from '../helpers/db.js';
import { rows } from '../helpers/rows.js';

t.test(
  'statement and idle-in-transaction timeouts',
  { skip: ENGINE === 'pglite' ? 'PGlite cannot cancel a running statement' : false },
  async (t) => {
    const { database, adminKey } = await build(t);
    const url = database.url!;
    const short = await openDatabase({ url, max: 2, statementTimeoutMs: 400, idleInTransactionTimeoutMs: 1_500 });
    t.teardown(() => short.close());

    const settings = rows<Record<string, unknown>>(
      await short.db.execute(
        sql`select current_setting('statement_timeout') as s, current_setting('idle_in_transaction_session_timeout') as i`,
      ),
    )[0]!;
    t.same(settings, { s: '400ms', i: '1500ms' }, 'every pool connection starts with the configured timeouts');

    const app = await buildApp({ database: short, secret: TEST_SECRET });
    t.teardown(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // Another session holds a lock the route's statement must wait for, longer than statement_timeout.
    const locker = postgres(url, { max: 1, onnotice: () => {} });
    t.teardown(() => locker.end({ timeout: 1 }));
    const reserved = await locker.reserve();
    await reserved`begin`;
    await reserved`lock table department in access exclusive mode`;

    const res = await app.inject({ url: '/v1/admin/departments', headers: bearer(adminKey) });
    t.equal(res.statusCode, 503, 'a statement cancelled by statement_timeout → 503');
    t.equal(res.json().code, 'UNAVAILABLE');
    t.equal(res.headers['retry-after'], '1');
    t.notMatch(res.body, /lock|department|cancel/i, 'no SQL or database message in the answer');

    const noRetry = new Yingcha({ baseUrl, apiKey: adminKey, maxRetries: 0 });
    await t.rejects(
      noRetry.admin.departments.list(),
      ServiceUnavailableError,
      'the SDK surfaces the 503 when it may not retry',
    );

    // The SDK waits Retry-After (1 s) and tries again; the lock is gone by then.
    const client = new Yingcha({ baseUrl, apiKey: adminKey, maxRetries: 2 });
    const listing = client.admin.departments.list();
    setTimeout(() => {
      void reserved`rollback`.then(() => reserved.release());
    }, 600).unref();
    const list = await listing;
    t.ok(list.departments.length >= 1, 'the retried call succeeds once the statement can run');

    // A transaction of the pool left idle longer than idle_in_transaction_session_timeout is ended by the server. The
    // wait is the thing under test (idle time), not a guess at when something else is done.
    const idleFor = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await t.rejects(
      short.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await idleFor(3_000);
        await tx.execute(sql`select 1`);
      }),
      'the idle transaction was terminated',
    );
    t.ok(await short.ping().then(() => true), 'the pool opens a fresh connection afterwards');
  },
);
