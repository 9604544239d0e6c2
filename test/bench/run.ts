// `pnpm bench`: the speed targets of the inline check, measured, not asserted. It loads generated subjects and list
// records, starts the real server as a child process, drives it from this process over loopback with a bounded
// undici load loop, and prints throughput and latency. Server and load generator share this machine.
//
//   BENCH_ENGINE=postgres|pglite  (default postgres: 1,000,000 entries over 2,000,000 subjects; pglite: 100,000 / 200,000)
//   BENCH_ENTRIES, BENCH_SUBJECTS, BENCH_SECONDS (per scenario, default 20), BENCH_CONNECTIONS (default 32)
//   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; a yingcha_bench_* database is created
//   and dropped), BENCH_KEEP=1 keeps it, BENCH_REUSE=name measures a kept one again.
//   BENCH_ONLY=bare,exact,fuzzy,batch,names,pgbench (default all): which scenarios to run.
//   BENCH_NODE_ARGS: extra node flags for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
//   BENCH_RECEIPTS=N (PostgreSQL): N filler receipts stored before the scenarios (test/bench/receipts.ts), to compare
//   the check with a full receipt table against the same run on an empty one.
// Every scenario line carries the machine's load average (1 min) at its start and end: the machine is shared.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { Pool } from 'undici';
import { openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { loadDemoData } from '../../api/src/demo/load.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { createDepartment, createKey } from '../../api/src/services/keys.js';
import { SYSTEM_ACTOR } from '../../api/src/services/audit.js';
import { usccCheckChar } from '../../api/src/domain/uscc.js';
import { createBenchDatabase } from './database.js';
import { runPgbench } from './pgbench.js';
import { prefillReceipts } from './receipts.js';
import { runDeliveryBench } from './delivery.js';
import { backendCpuSeconds, cpuSeconds, runImportBench } from './import.js';
import { runFairnessBench } from './fairness.js';
import { serverEnv, startServer } from './server.js';

const engine = process.env.BENCH_ENGINE === 'pglite' ? 'pglite' : 'postgres';
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? (engine === 'postgres' ? 1_000_000 : 100_000));
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? ENTRIES * 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MAX_REQUESTS = 5_000_000;
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const ADMIN_KEY = 'bench-admin-key-0123456789abcdefghij';

const log = (s: string) => process.stdout.write(s + '\n');

function pct(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

interface Figures {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** 1-minute load average at the start and the end of the scenario */
  load: [number, number];
  /** CPU milliseconds per request of the server process and of the PostgreSQL backends (robust to a shared machine) */
  cpuServerMs: number;
  cpuDbMs: number;
}

/** Where the CPU time of a scenario is read from: the server's pid and, on PostgreSQL, the bench database's name. */
const cpuOf: { serverPid?: number; database?: string } = {};
const cpuNow = () => ({
  server: cpuOf.serverPid ? cpuSeconds(cpuOf.serverPid) : NaN,
  db: cpuOf.database ? backendCpuSeconds(cpuOf.database) : NaN,
});

const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const wanted = (name: string) => !ONLY || ONLY.has(name);

/** `connections` loops, each sending its next request as soon as the last answered, until the deadline. */
async function drive(
  name: string,
  pool: Pool,
  seconds: number,
  connections: number,
  make: (i: number) => { method: 'GET' | 'POST'; path: string; body?: string },
  answered?: (i: number, text: string) => void,
): Promise<Figures> {
  const latencies: number[] = [];
  const loadStart = load1();
  const cpuStart = cpuNow();
  let firstError: string | undefined;
  let errors = 0;
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline && n < MAX_REQUESTS) {
        const i = n++;
        const req = make(i);
        const t0 = performance.now();
        try {
          const res = await pool.request({
            method: req.method,
            path: req.path,
            headers: { authorization: `Bearer ${currentKey}`, 'content-type': 'application/json' },
            ...(req.body ? { body: req.body } : {}),
          });
          const text = await res.body.text();
          if (res.statusCode >= 400) {
            errors++;
            firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
          } else answered?.(i, text);
        } catch (err) {
          errors++;
          firstError ??= String(err);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const cpuEnd = cpuNow();
  const count = latencies.length;
  const figures = {
    name,
    requests: count,
    errors,
    rps: count / elapsed,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    load: [loadStart, load1()] as [number, number],
    cpuServerMs: ((cpuEnd.server - cpuStart.server) * 1000) / count,
    cpuDbMs: ((cpuEnd.db - cpuStart.db) * 1000) / count,
  };
  if (firstError) log(`  ${name}: first error: ${firstError}`);
  log(
    `  ${name}: ${figures.requests} requests, ${figures.rps.toFixed(1)} req/s, p50 ${figures.p50.toFixed(1)} p95 ${figures.p95.toFixed(1)} p99 ${figures.p99.toFixed(1)} max ${figures.max.toFixed(1)} ms, ${errors} errors, CPU per request: server ${figures.cpuServerMs.toFixed(2)} ms, PostgreSQL ${figures.cpuDbMs.toFixed(2)} ms (load ${figures.load[0]} → ${figures.load[1]})`,
  );
  return figures;
}

let currentKey = ADMIN_KEY;

async function main() {
  // BENCH_SCENARIO=import: the bulk-import bench (test/bench/import.ts) instead of the check scenarios.
  if (process.env.BENCH_SCENARIO === 'import') return runImportBench();
  // BENCH_SCENARIO=delivery: webhook latency, commit → receipt (test/bench/delivery.ts).
  if (process.env.BENCH_SCENARIO === 'delivery') return runDeliveryBench();
  // BENCH_SCENARIO=fairness: a single check's p99 while another department batches (test/bench/fairness.ts).
  if (process.env.BENCH_SCENARIO === 'fairness') return runFairnessBench();
  log(
    `# yingcha bench — ${new Date().toISOString()} — ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} free), Node ${process.version}`,
  );
  log(
    `engine ${engine}: ${ENTRIES.toLocaleString()} entries over ${SUBJECTS.toLocaleString()} subjects; ${SECONDS}s per scenario, ${CONNECTIONS} connections`,
  );

  const env = serverEnv({
    YINGCHA_SECRET: SECRET,
  });
  // Rate limits are off: the bench measures the check, not the limiter. The server's own settings pass through
  // (YINGCHA_*), so YINGCHA_RATE_LIMIT=true measures with them.
  env.YINGCHA_RATE_LIMIT = 'false';
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('YINGCHA_') && v !== undefined) env[k] = v;
  let cleanup = async () => {};
  let database;
  const reuse = process.env.BENCH_REUSE;
  if (engine === 'postgres' && reuse) {
    const url = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${reuse}`;
    env.DATABASE_URL = url.toString();
    database = await openDatabase({ url: env.DATABASE_URL });
  } else if (engine === 'postgres') {
    const created = await createBenchDatabase('yingcha_bench', log);
    env.DATABASE_URL = created.url;
    cleanup = created.drop;
    database = await openDatabase({ url: env.DATABASE_URL });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'yc-bench-'));
    env.YINGCHA_DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
    database = await openDatabase({ dataDir: join(dir, 'pgdata') });
  }

  try {
    await migrateDatabase(database);
    let loaded: Awaited<ReturnType<typeof loadDemoData>>;
    if (reuse) {
      // A database kept by an earlier run (BENCH_KEEP=1): take identifiers from it instead of loading again.
      const raw = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      const listed =
        await raw`select s.uscc from subject s join entry e on e.subject_id = s.id where s.uscc is not null limit 5000`;
      const clear =
        await raw`select s.uscc from subject s where s.uscc is not null and not exists (select 1 from entry e where e.subject_id = s.id) limit 5000`;
      // a sample from the whole table, not the first ids: the fuzzy search must find names wherever they are
      const names =
        await raw`select name from subject tablesample bernoulli (1) repeatable (20261202) where kind <> 'person' limit 2000`;
      const dept = await raw`select id from department where category = 'finance' limit 1`;
      await raw.end();
      if (!dept[0]) throw new Error('no finance department in the reused database');
      const key = await createKey(database.db, SYSTEM_ACTOR, { departmentId: dept[0].id, scopes: ['check'] });
      loaded = {
        subjects: NaN,
        entries: NaN,
        sample: {
          listedUscc: listed.map((r) => r.uscc),
          clearUscc: clear.map((r) => r.uscc),
          names: names.map((r) => r.name),
          personIds: [],
        },
      };
      currentKey = key.secret;
      log(`reusing ${reuse}`);
      await database.close();
    } else {
      const boot = await bootstrap(database.db, { bootstrapKey: ADMIN_KEY, demo: true });
      if (!boot.created) throw new Error('expected an empty database');
      await syncSeedCatalog(database.db);
      const body = '11230800MB0000001';
      const finance = await createDepartment(database.db, SYSTEM_ACTOR, {
        uscc: body + usccCheckChar(body),
        name: '佳木斯市财政局',
        category: 'finance',
        region: '230800',
      });
      const key = await createKey(database.db, SYSTEM_ACTOR, { departmentId: finance.departmentId, scopes: ['check'] });
      currentKey = key.secret;

      const t0 = performance.now();
      let lastReport = t0;
      loaded = await loadDemoData(database, {
        subjects: SUBJECTS,
        entries: ENTRIES,
        seed: 20261122,
        departmentId: boot.department.departmentId,
        secret: SECRET,
        onProgress: (done) => {
          if (performance.now() - lastReport > 15_000) {
            lastReport = performance.now();
            log(
              `  loaded ${done.toLocaleString()} subjects (${((performance.now() - t0) / 1000).toFixed(0)}s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`,
            );
          }
        },
      });
      const loadSeconds = (performance.now() - t0) / 1000;
      log(
        `load: ${loaded.subjects.toLocaleString()} subjects, ${loaded.entries.toLocaleString()} entries in ${loadSeconds.toFixed(1)}s (${Math.round(loaded.subjects / loadSeconds).toLocaleString()} subjects/s, peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`,
      );
      await database.close();
    }

    const receipts = Number(process.env.BENCH_RECEIPTS ?? 0);
    if (receipts > 0 && engine === 'postgres') await prefillReceipts(env.DATABASE_URL!, receipts, log);

    const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
    const { url, server } = await startServer(env, nodeArgs);
    cpuOf.serverPid = server.pid;
    if (engine === 'postgres') cpuOf.database = new URL(env.DATABASE_URL!).pathname.slice(1);
    const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
    const matter = { type: 'government_procurement', reference: 'BENCH-1' };
    const pick = <T>(a: T[], i: number) => a[(i * 2654435761) % a.length]!;
    const uscc = [...loaded.sample.listedUscc, ...loaded.sample.clearUscc];
    // A fuzzy query: a loaded name with its 6th character replaced, and no identifier.
    const fuzzy = loaded.sample.names.map((n) => n.slice(0, 5) + '鑫' + n.slice(6));

    try {
      await drive('warm-up', pool, Math.min(5, SECONDS), CONNECTIONS, (i) => ({
        method: 'POST',
        path: '/v1/checks',
        body: JSON.stringify({ subject: { uscc: pick(uscc, i) }, matter }),
      }));
      const results: Figures[] = [];
      if (wanted('bare'))
        results.push(
          await drive('bare Fastify route (GET /healthz)', pool, SECONDS, CONNECTIONS, () => ({
            method: 'GET',
            path: '/healthz',
          })),
        );
      let exact: Figures | undefined;
      if (wanted('exact')) {
        exact = await drive('exact-USCC check (POST /v1/checks)', pool, SECONDS, CONNECTIONS, (i) => ({
          method: 'POST',
          path: '/v1/checks',
          body: JSON.stringify({ subject: { uscc: pick(uscc, i) }, matter }),
        }));
        results.push(exact);
      }
      if (wanted('fuzzy')) {
        // Recall: how often the firm whose name was misspelt is among the check's resolved subjects.
        let asked = 0;
        let found = 0;
        const figures = await drive(
          'fuzzy-name check (POST /v1/checks)',
          pool,
          SECONDS,
          Math.min(8, CONNECTIONS),
          (i) => ({
            method: 'POST',
            path: '/v1/checks',
            body: JSON.stringify({ subject: { name: pick(fuzzy, i) }, matter }),
          }),
          (i, text) => {
            const resolved = (JSON.parse(text) as { subject: { resolved: Array<{ name: string }> } }).subject.resolved;
            asked++;
            if (resolved.some((s) => s.name === pick(loaded.sample.names, i))) found++;
          },
        );
        results.push(figures);
        log(
          `  fuzzy-name recall: the misspelt firm resolved in ${found} of ${asked} checks (${((100 * found) / asked).toFixed(1)} %)`,
        );
      }
      if (wanted('batch')) {
        const batchBody = (k: number) =>
          JSON.stringify({
            matter,
            items: Array.from({ length: 1000 }, (_, j) => ({ subject: { uscc: pick(uscc, k * 1000 + j) } })),
          });
        results.push(
          await drive('batch of 1000 USCCs (POST /v1/checks/batch)', pool, Math.max(SECONDS, 10), 1, (i) => ({
            method: 'POST',
            path: '/v1/checks/batch',
            body: batchBody(i),
          })),
        );
      }
      if (wanted('names')) {
        const namesBody = (k: number) =>
          JSON.stringify({
            matter,
            items: Array.from({ length: 1000 }, (_, j) => ({ subject: { name: pick(fuzzy, k * 1000 + j) } })),
          });
        results.push(
          await drive('batch of 1000 names, fuzzy (POST /v1/checks/batch)', pool, Math.max(SECONDS, 10), 1, (i) => ({
            method: 'POST',
            path: '/v1/checks/batch',
            body: namesBody(i),
          })),
        );
      }
      let naive: Awaited<ReturnType<typeof runPgbench>> | undefined;
      if (engine === 'postgres' && wanted('pgbench')) {
        naive = await runPgbench(env.DATABASE_URL!, uscc, CONNECTIONS, SECONDS).catch((err: unknown) => {
          log(`pgbench failed: ${err instanceof Error ? err.message.slice(0, 1000) : String(err)}`);
          return undefined;
        });
        if (naive)
          log(
            `  pgbench naive check transaction: ${naive.tps.toFixed(0)} tps, mean ${naive.latencyMs} ms, CPU per transaction: PostgreSQL ${naive.cpuDbMs.toFixed(2)} ms, pgbench ${naive.cpuClientMs.toFixed(2)} ms (load ${naive.load[0]} → ${naive.load[1]})`,
          );
      }

      log('');
      log(
        '| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/req | PostgreSQL CPU ms/req | load avg (start → end) |',
      );
      log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
      for (const r of results) {
        log(
          `| ${r.name} | ${r.requests} | ${r.errors} | ${r.rps.toFixed(r.rps < 10 ? 2 : 0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.cpuServerMs.toFixed(2)} | ${r.cpuDbMs.toFixed(2)} | ${r.load[0]} → ${r.load[1]} |`,
        );
      }
      if (naive) {
        log(
          `| pgbench, naive check transaction (${naive.clients} clients, ${naive.seconds}s) | | | ${naive.tps.toFixed(0)} | mean ${naive.latencyMs.toFixed(1)} | | | | ${naive.cpuClientMs.toFixed(2)} (pgbench) | ${naive.cpuDbMs.toFixed(2)} | ${naive.load[0]} → ${naive.load[1]} |`,
        );
      }
      log('');
      const bare = results.find((r) => r.name.startsWith('bare'));
      if (bare && exact)
        log(
          `exact-USCC check throughput is ${((exact.rps / bare.rps) * 100).toFixed(1)}% of the bare route's (${bare.rps.toFixed(0)} → ${exact.rps.toFixed(0)} req/s)`,
        );
      if (naive && exact)
        log(
          `exact-USCC check / pgbench naive check transaction: ${(exact.rps / naive.tps).toFixed(2)}× (${exact.rps.toFixed(0)} / ${naive.tps.toFixed(0)})`,
        );
    } finally {
      await pool.close();
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
