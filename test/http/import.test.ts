// Bulk import against the real server process (api/bin/yingcha.js serve), on PGlite or PostgreSQL: a kill -9 in the
// middle of an import leaves whole batches (accept-valid) or nothing (all-or-nothing), never a partial row, and the
// import reads as interrupted after a restart; a streamed body past the limit; the `yingcha import` command.
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import t, { type Test } from 'tap';
import { openDatabase } from '../../api/src/db/index.js';
import { csv, csvHeader, csvLines, ndjson, row } from '../helpers/import.js';
import { isolatedEnv, run, type Server, serve } from '../helpers/process.js';

const ADMIN_KEY = 'import-test-admin-key-0123456789abcdef';
const BATCH = 50;
const LIMIT = 1024 * 1024;

interface ImportView {
  importId: string;
  status: string;
  mode: string;
  accepted: number;
  rejected: number;
  rowsRead: number;
  failure: { code: string } | null;
}

async function api(server: Server, path: string, signal?: AbortSignal): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, body: await res.json() };
}

async function latestImport(server: Server): Promise<ImportView | undefined> {
  return (await api(server, '/v1/imports?limit=1')).body.imports[0];
}

/** Polls until `ok` holds, for at most `ms`; the server does the work, the test only looks. */
async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (let i = 0; ; i++) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, Math.min(20 * (i + 1), 200)));
  }
}

/** A chunked POST /v1/imports whose body the test writes piece by piece. */
function upload(server: Server, query: string) {
  const url = new URL(`/v1/imports${query}`, server.url);
  const req = request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'text/csv' },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  answer.catch(() => {});
  const write = (s: string) =>
    new Promise<void>((resolve, reject) => req.write(s, (err) => (err ? reject(err) : resolve())));
  return { write, end: () => req.end(), answer: () => answer };
}

type Query = (text: string) => Promise<number>;

/** Counts straight from the database once the server is stopped (PGlite allows one process at a time). */
async function withDatabase<T>(env: Record<string, string>, fn: (q: Query) => Promise<T>): Promise<T> {
  if (env.DATABASE_URL) {
    const sql = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
    try {
      return await fn(async (text) => Number((await sql.unsafe(text))[0]!.n));
    } finally {
      await sql.end();
    }
  }
  const database = await openDatabase({ dataDir: join(env.YINGCHA_DATA_DIR!, 'pgdata') });
  try {
    return await fn(async (text) => {
      const r = await database.db.execute(sql.raw(text));
      return Number((r as { rows: Array<{ n: number }> }).rows[0]!.n);
    });
  } finally {
    await database.close();
  }
}

/** Every entry of `source` has its version 1, its subject and exactly one entry.created event: no partial row. */
async function assertWhole(t: Test, q: Query, source: string): Promise<number> {
  const entries = await q(`select count(*)::int as n from entry where source = '${source}'`);
  t.equal(
    await q(
      `select count(*)::int as n from entry e join entry_version v on v.entry_id = e.id where e.source = '${source}'`,
    ),
    entries,
    'one version each',
  );
  t.equal(
    await q(
      `select count(*)::int as n from entry e join subject s on s.id = e.subject_id where e.source = '${source}'`,
    ),
    entries,
    'a subject each',
  );
  t.equal(
    await q(
      `select count(*)::int as n from entry e join event ev on ev.entry_id = e.id and ev.type = 'entry.created' where e.source = '${source}'`,
    ),
    entries,
    'one entry.created event each',
  );
  t.equal(
    await q(
      `select count(*)::int as n from entry e join subject_name sn on sn.subject_id = e.subject_id and not sn.former where e.source = '${source}'`,
    ),
    entries,
    'a name each',
  );
  return entries;
}

t.test('kill -9 during imports, restart, limits, and the import command', async (t) => {
  const env = {
    ...(await isolatedEnv(t, 'migrated')),
    YINGCHA_BOOTSTRAP_KEY: ADMIN_KEY,
    YINGCHA_DEMO: 'false',
    YINGCHA_IMPORT_BATCH: String(BATCH),
    YINGCHA_IMPORT_LIMIT: String(LIMIT),
  };
  let server = await serve(t, env);

  // accept-valid: stream rows slowly, kill once at least two batches are committed.
  const slow = upload(server, '?mode=accept-valid');
  await slow.write(csvHeader());
  let sent = 0;
  const progress = await until(
    'two committed batches',
    async () => {
      await slow.write(csvLines(Array.from({ length: 20 }, () => row({ source: 'kill-av' }))));
      sent += 20;
      return latestImport(server);
    },
    (i) => (i?.accepted ?? 0) >= 2 * BATCH || sent >= 4000,
  );
  t.ok(progress!.accepted >= 2 * BATCH, `committed ${progress!.accepted} of ${sent} sent`);
  t.equal(progress!.status, 'running');
  await server.stop('SIGKILL');
  const killed = progress!.importId;

  server = await serve(t, env);
  const after = (await api(server, `/v1/imports/${killed}`)).body as ImportView;
  t.equal(after.status, 'interrupted', 'a dead import does not look alive');
  t.equal(after.accepted % BATCH, 0, 'whole batches');

  // all-or-nothing: everything sent is in one open transaction when the process dies. PGlite is one connection, so
  // while that transaction is open every other query waits for it: there a probe that gets no answer is the sign.
  const aon = upload(server, '');
  await aon.write(csvHeader());
  await until(
    'the all-or-nothing import to start',
    async () => {
      await aon.write(csvLines(Array.from({ length: 20 }, () => row({ source: 'kill-aon' }))));
      return (
        (await api(server, '/v1/imports?limit=1', AbortSignal.timeout(1000)).catch(() => null))?.body.imports[0] ??
        'busy'
      );
    },
    (i) => i === 'busy' || (i.status === 'running' && i.mode === 'all-or-nothing'),
  );
  for (let i = 0; i < 10; i++)
    await aon.write(csvLines(Array.from({ length: 2 * BATCH }, () => row({ source: 'kill-aon' }))));
  await server.stop('SIGKILL');

  server = await serve(t, env);
  const aonAfter = ((await api(server, '/v1/imports?limit=5')).body.imports as ImportView[]).find(
    (i) => i.mode === 'all-or-nothing',
  );
  t.equal(aonAfter?.status, 'interrupted', 'the all-or-nothing import reads as interrupted');
  t.equal(
    (await api(server, `/v1/imports/${killed}`)).body.accepted,
    after.accepted,
    'the count stays what was committed',
  );

  // A chunked body past YINGCHA_IMPORT_LIMIT: counted as it streams, refused with 413.
  const big = upload(server, '?mode=accept-valid');
  await big.write(csvHeader());
  let bytes = 0;
  const line = csvLines(Array.from({ length: 100 }, () => row({ source: 'too-big' })));
  try {
    while (bytes <= LIMIT + line.length) {
      await big.write(line);
      bytes += Buffer.byteLength(line);
    }
    big.end();
  } catch {
    // the server may close the connection once it has answered
  }
  const refused = await big.answer();
  t.equal(refused.status, 413);
  t.equal(JSON.parse(refused.body).code, 'PAYLOAD_TOO_LARGE');
  const failed = await until(
    'the failed import',
    () => latestImport(server),
    (i) => i?.status === 'failed',
  );
  t.equal(failed!.failure?.code, 'PAYLOAD_TOO_LARGE');

  // The command line, through HTTP, with progress on stderr and exit codes 0 / 2 / 1.
  const dir = mkdtempSync(join(tmpdir(), 'yc-import-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.csv');
  writeFileSync(good, csv(Array.from({ length: 120 }, () => row({ source: 'cli' }))));
  const cliEnv = { YINGCHA_BASE_URL: server.url, YINGCHA_API_KEY: ADMIN_KEY };
  const ok = await run(['import', good], cliEnv);
  t.equal(ok.code, 0, ok.stderr);
  t.match(JSON.parse(ok.stdout), { status: 'completed', accepted: 120, created: 120 });
  t.match(ok.stderr, /import: sent 100\.0%/, 'progress lines when stderr is not a terminal');
  const mixed = join(dir, 'mixed.ndjson');
  writeFileSync(mixed, ndjson([row({ source: 'cli2' }), row({ source: 'cli2', uscc: '91230400MA1B2C3D4X' })]));
  const some = await run(['import', mixed, '--mode', 'accept-valid'], cliEnv);
  t.equal(some.code, 2);
  t.match(JSON.parse(some.stdout), { accepted: 1, rejected: 1, errors: [{ row: 2, code: 'INVALID_USCC' }] });
  const rejected = await run(['import', mixed], cliEnv);
  t.equal(rejected.code, 2, 'all-or-nothing with a bad row');
  t.equal(JSON.parse(rejected.stdout).code, 'IMPORT_REJECTED');
  const badKey = await run(['import', good, '--key', 'not-a-real-key-0123456789abcdef'], cliEnv);
  t.equal(badKey.code, 1);
  t.equal(JSON.parse(badKey.stdout).code, 'UNKNOWN_KEY');
  const huge = join(dir, 'huge.csv');
  writeFileSync(huge, csv(Array.from({ length: Math.ceil((1.2 * LIMIT) / 200) }, () => row({ source: 'cli-huge' }))));
  const tooBig = await run(['import', huge], cliEnv);
  t.equal(tooBig.code, 1, 'refused by its Content-Length while still sending');
  t.equal(JSON.parse(tooBig.stdout).code, 'PAYLOAD_TOO_LARGE');
  t.equal((await run(['import', good, '--mode', 'sometimes'], cliEnv)).code, 2, 'wrong usage');
  t.equal((await run(['import', join(dir, 'missing.csv')], cliEnv)).code, 1);
  await server.stop('SIGTERM');

  await withDatabase(env, async (q) => {
    const av = await assertWhole(t, q, 'kill-av');
    t.equal(av, after.accepted, 'the entries are exactly the committed batches');
    t.ok(av >= 2 * BATCH && av % BATCH === 0, `${av} entries, a multiple of ${BATCH}`);
    t.equal(
      await q(`select count(*)::int as n from audit_log where action = 'entry.import' and target_id = '${killed}'`),
      av / BATCH,
      'one audit row per batch',
    );
    t.equal(await assertWhole(t, q, 'kill-aon'), 0, 'all-or-nothing left nothing');
    t.equal((await assertWhole(t, q, 'too-big')) % BATCH, 0, 'accept-valid past the limit keeps whole batches');
    t.equal(await assertWhole(t, q, 'cli'), 120);
  });
});
