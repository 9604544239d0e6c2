// Paging through long lists with the SDK: `./node_modules/.bin/tsx scripts/paging-demo.ts [N]` (default 2,500).
//
// Starts the real server in this process (`serve`, as `yingcha serve` does) on embedded PGlite in a temporary
// directory, listening on 127.0.0.1 with its webhook workers on, and a local receiver on 127.0.0.1. It then writes N
// list records of one subject (one import), N objections (one per record, through the SDK) and N webhook deliveries
// (the records' entry.created events, delivered by the worker), and walks each list three ways: `withResponse()` on
// the first page (status, Link header, request id), the async iterator over every row, and `.pages()`. It prints
// counts, pages and timings, and exits 1 if a walk misses or repeats a row. Not part of the test suite: it takes
// minutes on a busy machine. Every wait and every loop is bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../api/src/config.js';
import { usccCheckChar } from '../api/src/domain/uscc.js';
import { serve } from '../api/src/server.js';
import { type PagePromise, Yingcha } from '../sdk/src/index.js';

const N = Number(process.argv[2] ?? 2_500);
if (!Number.isInteger(N) || N < 1 || N > 20_000) throw new Error('N must be an integer from 1 to 20,000');
const SUBJECT = '91230400MA1PG2500' + usccCheckChar('91230400MA1PG2500');
const DEADLINE_MS = 15 * 60_000;

// The whole run is bounded: past the deadline the process says so and exits 1, whatever it was waiting for.
setTimeout(() => {
  console.error(`paging-demo: not done after ${DEADLINE_MS / 60_000} minutes; giving up`);
  process.exit(1);
}, DEADLINE_MS).unref();

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
let failed = false;

/** A local webhook receiver: answers 204 and counts. */
async function receiver(): Promise<{ url: string; received: () => number; server: Server }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received: () => received, server };
}

/** Polls `done` every 250 ms until it answers true, for at most `ms`. */
async function until(what: string, done: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs `fn` for 0..n-1, `width` at a time. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** The three walks of one list; returns the ids the iterator saw. */
async function walk<P extends object, T>(
  name: string,
  list: () => PagePromise<P, T>,
  id: (row: T) => string,
  pageSize: number,
): Promise<string[]> {
  const maxPages = Math.ceil(N / pageSize) + 2;
  let t0 = performance.now();
  const first = await list().withResponse();
  const r = first.response;
  console.log(
    `${name}: first page ${r.status} in ${seconds(t0)}; link: ${r.headers.link ? r.headers.link.slice(0, 60) + '…' : '(none)'}; request id ${r.requestId}`,
  );

  t0 = performance.now();
  const ids: string[] = [];
  for await (const row of list()) {
    ids.push(id(row));
    if (ids.length > N * 2) break; // a server that never ends its list cannot keep this loop going
  }
  const unique = new Set(ids).size;
  console.log(`${name}: iterator ${ids.length} rows (${unique} distinct) in ${seconds(t0)}`);

  t0 = performance.now();
  const sizes: number[] = [];
  let rows = 0;
  for await (const page of list().pages(maxPages)) {
    const n = (Object.values(page).find(Array.isArray) as unknown[]).length;
    sizes.push(n);
    rows += n;
  }
  console.log(
    `${name}: .pages() ${sizes.length} pages of ${[...new Set(sizes)].join('/')} rows, ${rows} rows in ${seconds(t0)}`,
  );

  const ok = ids.length === N && unique === N && rows === N && sizes.length === Math.ceil(N / pageSize);
  if (!ok) {
    failed = true;
    console.log(`${name}: WRONG: expected ${N} rows once each in ${Math.ceil(N / pageSize)} pages`);
  }
  return ids;
}

const dir = mkdtempSync(join(tmpdir(), 'yc-paging-demo-'));
const hook = await receiver();
const banner: string[] = [];
let t0 = performance.now();
const config = loadConfig({
  YINGCHA_DATA_DIR: dir,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  YINGCHA_DEMO: 'false',
  YINGCHA_WEBHOOK_ALLOW: '127.0.0.1',
  YINGCHA_WORKER_POLL_MS: '200',
  YINGCHA_METRICS: 'false',
});
const app = await serve(config, (line) => banner.push(line));
try {
  const baseUrl = /listening on (\S+)/.exec(banner.join('\n'))![1]!;
  const apiKey = /Admin API key \(shown once, keep it\): (\S+)/.exec(banner.join('\n'))![1]!;
  console.log(
    `server ${baseUrl} (${config.databaseUrl ? 'postgres' : 'pglite'}) up in ${seconds(t0)}; receiver ${hook.url}; node ${process.version}`,
  );
  const client = new Yingcha({ baseUrl, apiKey, timeout: 300_000 });

  const sub = await client.subscriptions.create({ url: hook.url, events: ['entry.created'] });

  // N records of one subject, one import: the import answers once every row (and its event) is committed.
  t0 = performance.now();
  const header = 'list,kind,uscc,name,decisionDocNo,reason,decidedAt,validFrom,source,sourceRecordId\r\n';
  const rows = Array.from(
    { length: N },
    (_, i) =>
      `safety.blacklist,enterprise,${SUBJECT},鹤岗市分页演示矿业有限公司,鹤应急罚〔2026〕${i + 1}号,分页演示记录,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,paging-demo,PD-${i + 1}\r\n`,
  );
  const imported = await client.imports.create({ file: header + rows.join(''), format: 'csv', mode: 'all-or-nothing' });
  console.log(`\nwrote ${imported.accepted} entries (one import) in ${seconds(t0)}`);
  const entryIds = await walk(
    'entries',
    () => client.entries.list({ subject: SUBJECT, view: 'internal', limit: 1000 }),
    (e) => e.entryId,
    1000,
  );

  t0 = performance.now();
  await pool(entryIds.length, 4, async (i) => {
    await client.objections.create({
      entryId: entryIds[i]!,
      applicant: { name: '分页演示', relation: 'subject' },
      reason: '分页演示异议',
    });
  });
  console.log(`\nwrote ${entryIds.length} objections (SDK, 4 at a time) in ${seconds(t0)}`);
  await walk(
    'objections',
    () => client.objections.list({ limit: 500 }),
    (o) => o.objectionId,
    500,
  );

  t0 = performance.now();
  await until(
    `${N} deliveries`,
    async () => (await client.subscriptions.get(sub.subscriptionId)).delivery.delivered >= N,
    10 * 60_000,
  );
  console.log(
    `\n${N} webhook deliveries recorded (the receiver got ${hook.received()}) ${seconds(t0)} after the objections`,
  );
  await walk(
    'deliveries',
    () => client.subscriptions.deliveries(sub.subscriptionId, { limit: 1000 }),
    (a) => `${a.eventId}:${a.attempt}`,
    1000,
  );
} finally {
  await app.close();
  hook.server.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed ? '\npaging-demo: FAILED' : '\npaging-demo: every list paged completely, each row once');
process.exit(failed ? 1 : 0);
