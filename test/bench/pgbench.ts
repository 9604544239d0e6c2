// The database's own ceiling for the work of one check, measured in the same run: pgbench (it ships with PostgreSQL)
// runs the naive three-statement transaction of a check against the bench database: the subject by 统一社会信用代码,
// its current entry versions, a ~2 KB JSON receipt inserted, commit (synchronous_commit as the server has it, on by
// default). The check's throughput divided by this is the ratio issue #13 asks for.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { backendCpuSeconds, cpuSeconds } from './import.js';

export interface PgbenchFigures {
  tps: number;
  /** mean latency per transaction, as pgbench reports it */
  latencyMs: number;
  clients: number;
  seconds: number;
  load: [number, number];
  /** CPU ms per transaction of the PostgreSQL backends (and of pgbench itself, the client) */
  cpuDbMs: number;
  cpuClientMs: number;
}

/** ~2 KB of JSON shaped like a receipt (subject, a hit, two measures). */
function receiptJson(): string {
  const measure = (n: number) => ({
    measureId: `00000000-0000-7000-8000-00000000000${n}`,
    docNo: '发改财金〔2016〕1453号',
    ordinal: `(${n})`,
    text: '限制参与政府采购活动，依法限制参与工程建设项目招标投标。'.repeat(2),
    effect: 'restrict',
    mandatory: true,
    legalBasis: '《政府采购法》第二十二条',
    forEntries: ['00000000-0000-7000-8000-0000000000aa'],
  });
  const body = {
    subjectAsked: { uscc: '91230400MA1B2C3D4Q' },
    subjectResolved: [
      {
        subjectId: '00000000-0000-7000-8000-0000000000bb',
        kind: 'enterprise',
        name: '鹤岗市恒达建筑工程有限公司',
        matchedBy: 'uscc',
      },
    ],
    hits: [
      {
        entryId: '00000000-0000-7000-8000-0000000000aa',
        list: { code: 'safety.blacklist', name: '安全生产严重失信主体名单', polarity: 'punitive' },
        reason: '演示数据',
      },
    ],
    measures: [measure(1), measure(2), measure(3)],
    verdict: 'restricted',
    dataVersion: 'c1.e0',
  };
  // pgbench reads ":name" as a variable anywhere in a line, so no colon is followed by a letter or digit
  return JSON.stringify(body).replace(/:(?=[\w"{[])/g, ': ');
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Runs pgbench for `seconds` at `clients` connections with the naive check transaction, on `url` (the bench
 * database, already loaded). `usccs` are the identifiers to draw from (they must exist).
 */
export async function runPgbench(
  url: string,
  usccs: string[],
  clients: number,
  seconds: number,
): Promise<PgbenchFigures> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`drop table if exists bench_naive_receipt, bench_uscc`;
    await sql`create table bench_uscc (n int primary key, uscc char(18) not null)`;
    await sql`insert into bench_uscc ${sql(usccs.map((uscc, i) => ({ n: i + 1, uscc })))}`;
    await sql`create table bench_naive_receipt (id uuid primary key default gen_random_uuid(), subject_id uuid, body jsonb not null, created_at timestamptz not null default now())`;
    await sql`analyze bench_uscc`;
  } finally {
    await sql.end({ timeout: 5 });
  }
  const dir = mkdtempSync(join(tmpdir(), 'yc-pgbench-'));
  const script = join(dir, 'check.sql');
  writeFileSync(
    script,
    [
      `\\set n random(1, ${usccs.length})`,
      'BEGIN;',
      // the join with bench_uscc only turns pgbench's random number into an identifier; it is extra work for pgbench
      'SELECT s.id AS sid FROM bench_uscc b JOIN subject s ON s.uscc = b.uscc WHERE b.n = :n \\gset',
      'SELECT * FROM entry_version WHERE subject_id = :sid AND superseded_at IS NULL;',
      `INSERT INTO bench_naive_receipt (subject_id, body) VALUES (:sid, ${lit(receiptJson())});`,
      'COMMIT;',
      '',
    ].join('\n'),
  );
  const start = Math.round(loadavg()[0]! * 100) / 100;
  const database = new URL(url).pathname.slice(1);
  let dbCpu = 0;
  let clientCpu = 0;
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'pgbench',
        ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script, url],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.once('error', reject);
      // the backends exist only while pgbench runs: sample their CPU just before it ends
      const before = backendCpuSeconds(database);
      const sampler = setTimeout(
        () => {
          dbCpu = backendCpuSeconds(database) - before;
          clientCpu = cpuSeconds(child.pid!);
        },
        Math.max(0, seconds * 1000 - 500),
      );
      child.once('exit', (code) => {
        clearTimeout(sampler);
        if (code === 0) resolve(text);
        else reject(new Error(`pgbench exited ${code}: ${text.slice(-2000)}`));
      });
    });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
    const lat = /latency average = ([\d.]+) ms/.exec(out);
    if (!tps) throw new Error(`pgbench: no tps in its output:\n${out}`);
    const done = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? NaN);
    return {
      tps: Number(tps[1]),
      latencyMs: Number(lat?.[1] ?? NaN),
      clients,
      seconds,
      load: [start, Math.round(loadavg()[0]! * 100) / 100],
      cpuDbMs: (dbCpu * 1000) / done,
      cpuClientMs: (clientCpu * 1000) / done,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const again = postgres(url, { max: 1, onnotice: () => {} });
    await again`drop table if exists bench_naive_receipt, bench_uscc`.catch(() => {});
    await again.end({ timeout: 5 });
  }
}
