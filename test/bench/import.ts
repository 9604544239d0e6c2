// The bulk-import bench (issue #5): generates BENCH_IMPORT_ROWS list records as a CSV file, starts the real server as
// a child process, imports the file with the real command line (`yingcha import`, over HTTP) and prints rows/s, total
// seconds and the server's peak RSS (VmHWM from /proc). Measured, not asserted. Run by `pnpm bench` with
// BENCH_SCENARIO=import, or directly with tsx.
//
//   BENCH_ENGINE=postgres|pglite (default postgres), BENCH_IMPORT_ROWS (default 1,000,000 on PostgreSQL, 50,000 on
//   PGlite), BENCH_IMPORT_MODE (default all-or-nothing), BENCH_IMPORT_BATCH (server batch size, default the server's),
//   BENCH_DATABASE_URL (a yingcha_bench_import_* database is created there and dropped; BENCH_KEEP=1 keeps it).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase } from './database.js';
import { BIN, serverEnv, startServer } from './server.js';
import { openDatabase } from '../../api/src/db/index.js';
import { migrateDatabase } from '../../api/src/db/migrate.js';
import { iterateSubjects } from '../../api/src/demo/generate.js';
import { SYSTEM_ACTOR } from '../../api/src/services/audit.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { createKey } from '../../api/src/services/keys.js';
import { usccCheckChar } from '../../api/src/domain/uscc.js';

const engine = process.env.BENCH_ENGINE === 'pglite' ? 'pglite' : 'postgres';
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? (engine === 'postgres' ? 1_000_000 : 50_000));
const MODE = process.env.BENCH_IMPORT_MODE ?? 'all-or-nothing';
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const ORG_LISTS = [
  'safety.blacklist',
  'safety.joint_punishment',
  'quality.serious_violation',
  'market.serious_illegal',
  'tax.major_violation',
  'procurement.bad_record',
];

const log = (s: string) => process.stdout.write(s + '\n');
const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** One record per generated subject, written as it is generated: the file never sits in memory. */
async function writeFile(path: string, rows: number) {
  const out = createWriteStream(path);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  await write(
    'list,kind,uscc,idNumber,name,formerNames,decisionDocNo,reason,decidedAt,validFrom,source,sourceRecordId\n',
  );
  let i = 0;
  let chunk = '';
  for (const s of iterateSubjects(rows, 20261122, { personShare: 0.1 })) {
    const list = s.kind === 'person' ? 'court.dishonest_debtor' : ORG_LISTS[i % ORG_LISTS.length]!;
    const day = String(1 + (i % 28)).padStart(2, '0');
    chunk +=
      [
        list,
        s.kind,
        s.uscc ?? '',
        s.idNumber ?? '',
        s.name,
        (s.formerNames ?? []).join('|'),
        `基准〔2026〕${i}号`,
        '基准测试数据',
        `2026-09-${day}T00:00:00Z`,
        `2026-10-${day}T00:00:00Z`,
        'bench',
        `B-${i}`,
      ]
        .map(cell)
        .join(',') + '\n';
    i++;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((r) => out.end(r));
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of the PostgreSQL backends serving `database` (same machine only). */
export function backendCpuSeconds(database: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) total += cpuSeconds(Number(pid));
    } catch {
      // gone
    }
  }
  return total;
}

function peakRss(pid: number): string {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return `${(kb / 1024).toFixed(0)} MiB`;
}

export async function runImportBench(): Promise<void> {
  log(
    `# yingcha import bench — ${new Date().toISOString()} — ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  log(`engine ${engine}: ${ROWS.toLocaleString()} rows, mode ${MODE}`);
  const dir = mkdtempSync(join(tmpdir(), 'yc-bench-import-'));
  const env = serverEnv({
    YINGCHA_SECRET: SECRET,
    YINGCHA_DEMO: 'false',
  });
  if (process.env.BENCH_IMPORT_BATCH) env.YINGCHA_IMPORT_BATCH = process.env.BENCH_IMPORT_BATCH;
  let dropDatabase = async () => {};
  let database;
  if (engine === 'postgres') {
    const created = await createBenchDatabase('yingcha_bench_import', log);
    env.DATABASE_URL = created.url;
    dropDatabase = created.drop;
    database = await openDatabase({ url: env.DATABASE_URL });
  } else {
    env.YINGCHA_DATA_DIR = dir;
    database = await openDatabase({ dataDir: join(dir, 'pgdata') });
  }
  try {
    await migrateDatabase(database);
    const boot = await bootstrap(database.db, { demo: false });
    if (!boot.created) throw new Error('expected an empty database');
    await syncSeedCatalog(database.db);
    // 信用办 may publish to every list.
    const key = await createKey(database.db, SYSTEM_ACTOR, {
      departmentId: boot.department.departmentId,
      scopes: ['publish', 'check'],
    });
    await database.close();

    const file = join(dir, 'bench.csv');
    const g0 = performance.now();
    await writeFile(file, ROWS);
    log(
      `file: ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB generated in ${((performance.now() - g0) / 1000).toFixed(1)}s`,
    );

    const { url, server } = await startServer(env);
    try {
      const dbName = env.DATABASE_URL ? new URL(env.DATABASE_URL).pathname.slice(1) : '';
      const load0 = loadavg()[0]!;
      const db0 = dbName ? backendCpuSeconds(dbName) : 0;
      const t0 = performance.now();
      const cli = spawn(process.execPath, [BIN, 'import', file, '--mode', MODE, '--url', url], {
        env: { ...env, YINGCHA_API_KEY: key.secret },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let result = '';
      cli.stdout.on('data', (d) => (result += d));
      const exited = new Promise<number | null>((r) => cli.once('exit', r));
      // BENCH_IMPORT_CHECKS=1: one exact-USCC check after another while the import runs (issue #13: how checks
      // interleave with an import, above all on PGlite's single connection)
      const checks = process.env.BENCH_IMPORT_CHECKS
        ? checksDuring(url, key.secret, exited)
        : Promise.resolve(undefined);
      const code = await exited;
      const during = await checks;
      const seconds = (performance.now() - t0) / 1000;
      // The machine is shared: CPU seconds say what the import cost, whatever else was running.
      const serverCpu = cpuSeconds(server.pid!);
      const dbCpu = dbName ? backendCpuSeconds(dbName) - db0 : NaN;
      const summary = JSON.parse(result) as { accepted: number; rejected: number; rowsRead: number };
      log('');
      log(
        '| rows | mode | accepted | rejected | seconds | rows/s | server peak RSS | server CPU s | database CPU s | load avg (start → end) | exit |',
      );
      log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
      log(
        `| ${summary.rowsRead} | ${MODE} | ${summary.accepted} | ${summary.rejected} | ${seconds.toFixed(1)} | ${Math.round(summary.rowsRead / seconds)} | ` +
          `${peakRss(server.pid!)} | ${serverCpu.toFixed(0)} | ${dbName ? dbCpu.toFixed(0) : 'in the server (PGlite)'} | ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} | ${code} |`,
      );
      if (during) {
        log('');
        log(
          `checks during the import (one at a time): ${during.n} in ${seconds.toFixed(1)}s, ${during.errors} errors, p50 ${during.p50.toFixed(1)} ms, p99 ${during.p99.toFixed(1)} ms, max ${during.max.toFixed(1)} ms`,
        );
        if (during.slow.length > 0)
          log(
            `checks over 1 s (sent at s → took ms): ${during.slow.map((x) => `${x.at.toFixed(1)} → ${x.ms.toFixed(0)}`).join(', ')}`,
          );
      }
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runImportBench().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}

/** Sequential exact-USCC checks against `url` until `done` settles: their latencies. */
async function checksDuring(url: string, key: string, done: Promise<unknown>) {
  let finished = false;
  void done.then(() => (finished = true));
  const latencies: number[] = [];
  /** checks that waited over a second: when they were sent (s after the first) and how long they took (ms) */
  const slow: Array<{ at: number; ms: number }> = [];
  const start = performance.now();
  let errors = 0;
  const body = JSON.stringify({
    subject: { uscc: '91230400MA1B2C3D4' + usccCheckChar('91230400MA1B2C3D4') },
    matter: { type: 'tax', reference: 'during-import' },
  });
  for (let i = 0; !finished && i < 1_000_000; i++) {
    const t0 = performance.now();
    try {
      const res = await fetch(`${url}/v1/checks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
      await res.text();
      if (res.status >= 400) errors++;
    } catch {
      errors++;
    }
    const ms = performance.now() - t0;
    latencies.push(ms);
    if (ms > 1000) slow.push({ at: (t0 - start) / 1000, ms });
    await new Promise((r) => setTimeout(r, 50));
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { n: latencies.length, errors, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN, slow };
}
