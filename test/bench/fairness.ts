// BENCH_SCENARIO=fairness: one department cannot starve another. On PostgreSQL, department B's single fuzzy-name
// check is timed alone (idle p99), then again while department A runs back-to-back batches of 1,000 fuzzy names;
// the figure is the ratio of the two p99s (target: within 2×). Measured and printed, not asserted.
//
//   BENCH_FAIRNESS_SECONDS (per phase, default 20), BENCH_FAIRNESS_SUBJECTS (default 200,000; entries are half),
//   BENCH_FAIRNESS_BATCHERS (concurrent batch loops of department A, default 2: with YINGCHA_DEPARTMENT_JOBS=2 both run)
//   The server's own settings pass through (YINGCHA_*): e.g. YINGCHA_BATCH_SLOTS, YINGCHA_DEPARTMENT_JOBS.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { loadDemoData } from '../../api/src/demo/load.js';
import { SYSTEM_ACTOR } from '../../api/src/services/audit.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { createDepartment, createKey } from '../../api/src/services/keys.js';
import { usccCheckChar } from '../../api/src/domain/uscc.js';
import { createBenchDatabase } from './database.js';
import { serverEnv, startServer } from './server.js';

const SECONDS = Number(process.env.BENCH_FAIRNESS_SECONDS ?? 20);
const SUBJECTS = Number(process.env.BENCH_FAIRNESS_SUBJECTS ?? 200_000);
const BATCHERS = Number(process.env.BENCH_FAIRNESS_BATCHERS ?? 2);
const BATCH = 1_000;
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const MAX_SAMPLES = 1_000_000;

const log = (s: string) => process.stdout.write(s + '\n');
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;
const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

interface Phase {
  checks: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  batches: number;
  batchErrors: Record<string, number>;
  load: [number, number];
}

async function send(pool: Pool, key: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** B's single checks, one at a time, for `seconds`; meanwhile `batchers` loops of A's batches if any. */
async function phase(
  pool: Pool,
  keys: { a: string; b: string },
  names: string[],
  seconds: number,
  batchers: number,
): Promise<Phase> {
  const latencies: number[] = [];
  const result: Phase = {
    checks: 0,
    errors: 0,
    p50: NaN,
    p99: NaN,
    max: NaN,
    batches: 0,
    batchErrors: {},
    load: [load1(), NaN],
  };
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const batchLoop = async (offset: number) => {
    let i = offset;
    while (performance.now() < deadline) {
      const items = Array.from({ length: BATCH }, (_, k) => ({
        subject: { name: names[(i * BATCH + k) % names.length]! },
      }));
      i += batchers;
      const r = await send(pool, keys.a, '/v1/checks/batch', {
        matter: { type: 'government_procurement', reference: `FAIR-A-${i}` },
        items,
      });
      if (r.status === 200) result.batches++;
      else {
        const code = (() => {
          try {
            return String((JSON.parse(r.text) as { code?: string }).code ?? r.status);
          } catch {
            return String(r.status);
          }
        })();
        result.batchErrors[code] = (result.batchErrors[code] ?? 0) + 1;
        // Refused (DEPARTMENT_BUSY, RATE_LIMITED): honour Retry-After briefly instead of spinning.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const single = async () => {
    while (performance.now() < deadline && latencies.length < MAX_SAMPLES) {
      const name = names[(n++ * 7919) % names.length]!;
      const t0 = performance.now();
      const r = await send(pool, keys.b, '/v1/checks', {
        subject: { name },
        matter: { type: 'government_procurement', reference: `FAIR-B-${n}` },
      });
      latencies.push(performance.now() - t0);
      if (r.status !== 201 && r.status !== 200) result.errors++;
    }
  };
  await Promise.all([single(), ...Array.from({ length: batchers }, (_, i) => batchLoop(i))]);
  latencies.sort((x, y) => x - y);
  result.checks = latencies.length;
  result.p50 = pct(latencies, 50);
  result.p99 = pct(latencies, 99);
  result.max = latencies[latencies.length - 1] ?? NaN;
  result.load[1] = load1();
  return result;
}

export async function runFairnessBench(): Promise<void> {
  log(
    `# fairness bench — ${new Date().toISOString()} — PostgreSQL, ${SUBJECTS.toLocaleString()} subjects, ${SECONDS}s per phase, ${BATCHERS} batch loop(s) of ${BATCH} fuzzy names`,
  );
  const created = await createBenchDatabase('yingcha_fairness', log);
  const env = serverEnv({
    YINGCHA_SECRET: SECRET,
    DATABASE_URL: created.url,
    YINGCHA_WORKERS: 'false',
  });
  // Request budgets off: the bench measures the job gates and the batch slots, not the per-window budgets.
  env.YINGCHA_RATE_LIMIT = 'false';
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('YINGCHA_') && v !== undefined) env[k] = v;
  let server: Awaited<ReturnType<typeof startServer>>['server'] | undefined;
  let pool: Pool | undefined;
  try {
    const database = await openDatabase({ url: created.url });
    await migrateDatabase(database);
    const boot = await bootstrap(database.db, { demo: true });
    if (!boot.created) throw new Error('expected an empty database');
    await syncSeedCatalog(database.db);
    const dept = async (serial: string, name: string, category: 'finance' | 'taxation') => {
      const body = `11230800MB${serial}`;
      const d = await createDepartment(database.db, SYSTEM_ACTOR, {
        uscc: body + usccCheckChar(body),
        name,
        category,
        region: '230800',
      });
      return (await createKey(database.db, SYSTEM_ACTOR, { departmentId: d.departmentId, scopes: ['check'] })).secret;
    };
    const keys = {
      a: await dept('0000001', '佳木斯市财政局', 'finance'),
      b: await dept('0000002', '佳木斯市税务局', 'taxation'),
    };
    const t0 = performance.now();
    const loaded = await loadDemoData(database, {
      subjects: SUBJECTS,
      entries: Math.floor(SUBJECTS / 2),
      seed: 20261201,
      departmentId: boot.department.departmentId,
      secret: SECRET,
    });
    log(
      `load: ${loaded.subjects.toLocaleString()} subjects, ${loaded.entries.toLocaleString()} entries in ${((performance.now() - t0) / 1000).toFixed(0)}s`,
    );
    const names = loaded.sample.names.length ? loaded.sample.names : ['佳木斯市恒达建筑工程有限公司'];
    await database.close();

    ({ server } = await startServer(env).then((s) => {
      pool = new Pool(s.url, { connections: BATCHERS + 2, pipelining: 1 });
      return s;
    }));
    // Warm up: the first requests compile prepared statements and fill caches.
    await phase(pool!, keys, names, Math.min(5, SECONDS), 0);
    const idle = await phase(pool!, keys, names, SECONDS, 0);
    const busy = await phase(pool!, keys, names, SECONDS, BATCHERS);
    const line = (name: string, p: Phase) =>
      `${name.padEnd(34)} checks ${String(p.checks).padStart(6)}  p50 ${p.p50.toFixed(1).padStart(7)} ms  p99 ${p.p99.toFixed(1).padStart(7)} ms  max ${p.max.toFixed(0).padStart(6)} ms  errors ${p.errors}` +
      (p.batches || Object.keys(p.batchErrors).length
        ? `  A's batches ${p.batches} (${p.batches * BATCH} items, ${((p.batches * BATCH) / SECONDS).toFixed(0)} items/s) refused ${JSON.stringify(p.batchErrors)}`
        : '') +
      `  load ${p.load[0]}→${p.load[1]}`;
    log(line("B's single check, idle", idle));
    log(line("B's single check, A batching", busy));
    log(
      `fairness: p99 while A batches / idle p99 = ${(busy.p99 / idle.p99).toFixed(2)}× (target ≤ 2×); p50 ${(busy.p50 / idle.p50).toFixed(2)}×`,
    );
  } finally {
    await pool?.close();
    server?.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.once('exit', resolve));
    await created.drop();
  }
}
