// Issue 15 benches, measured and printed, not asserted:
//
//   SHEETS=xlsx   BENCH_XLSX_ROWS=1000000 [BENCH_XLSX_SHARED=0]  writes an .xlsx of list records with exceljs's streaming writer, then
//                 parses it in a child process with the import's reader (services/import-xlsx.ts, every row through
//                 the same header/date/row code as an import) and prints rows/s, that process's peak RSS (VmHWM) and
//                 the peak size of its temporary files (the spilled shared-string table and exceljs's sheet copies,
//                 sampled every 250 ms in a TMPDIR of its own) and how many were left behind.
//   SHEETS=screen BENCH_SCREEN_ROWS=1000      screens a roll of that many bidders (some listed) through
//                 POST /v1/screenings on a listening app over real HTTP, on BENCH_DATABASE_URL (PostgreSQL; a
//                 yingcha_bench_screen_* database is created and dropped), and prints the wall time.
//
//   npx tsx test/bench/sheets.ts
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { usccCheckChar } from '../../api/src/domain/uscc.js';

const log = (s: string) => process.stdout.write(s + '\n');
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
let serial = 0;
function uscc(): string {
  const body = `91230400MA${String(++serial).padStart(7, '0')}`;
  return body + usccCheckChar(body);
}

async function writeXlsx(path: string, rows: number) {
  // exceljs is the API's dependency; the bench borrows it from there.
  interface Row {
    commit(): void;
  }
  interface Sheet {
    addRow(values: unknown[]): Row;
    getColumn(n: number): { numFmt: string };
    commit(): Promise<void>;
  }
  const ExcelJS = createRequire(new URL('../../api/package.json', import.meta.url))('exceljs') as {
    stream: {
      xlsx: { WorkbookWriter: new (o: object) => { addWorksheet(name: string): Sheet; commit(): Promise<void> } };
    };
  };
  // Excel itself writes a shared-string table; BENCH_XLSX_SHARED=0 writes inline strings instead, to tell the table's
  // share of the reader's memory from the rest.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: process.env.BENCH_XLSX_SHARED !== '0',
    useStyles: true,
  });
  const ws = wb.addWorksheet('失信名单');
  ws.addRow([
    '名单',
    '主体类型',
    '统一社会信用代码',
    '主体名称',
    '认定文书号',
    '失信行为',
    '认定日期',
    '有效期至',
    '来源',
    '来源记录号',
  ]).commit();
  ws.getColumn(7).numFmt = 'yyyy-mm-dd';
  for (let i = 1; i <= rows; i++) {
    ws.addRow([
      'safety.blacklist',
      '企业',
      uscc(),
      `鹤岗市第${i}建筑工程有限公司`,
      `鹤应急罚〔2026〕${i}号`,
      '发生较大生产安全责任事故',
      new Date(Date.UTC(2026, i % 12, 1 + (i % 28))),
      '2027年6月1日',
      'bench-xlsx',
      `XB-${i}`,
    ]).commit();
  }
  await ws.commit();
  await wb.commit();
}

/** tsx keeps its compile cache in TMPDIR too (tsx-<uid>); it is not the reader's. */
const ours = (name: string) => !name.startsWith('tsx-');

/** Bytes of the files under `dir` (the child's own TMPDIR: the spilled string table and exceljs's sheet copies). */
function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !ours(e.parentPath.slice(dir.length + 1) || e.name)) continue;
    try {
      total += statSync(join(e.parentPath, e.name)).size;
    } catch {
      // removed meanwhile
    }
  }
  return total;
}

async function parseChild(path: string) {
  const { xlsxRows } = await import('../../api/src/services/import-xlsx.js');
  const started = performance.now();
  let rows = 0;
  let errors = 0;
  let peakTmp = 0;
  // Sampled between rows (at most every 250 ms), so the files are seen while the sheet is read.
  let sampled = 0;
  for await (const r of xlsxRows(createReadStream(path, { highWaterMark: 256 * 1024 }))) {
    rows++;
    if ('error' in r) errors++;
    if ((rows & 1023) === 0 && performance.now() - sampled > 250) {
      sampled = performance.now();
      peakTmp = Math.max(peakTmp, du(tmpdir()));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ rows, errors, seconds, peakRss: peakRss(), peakTmp }) + '\n');
}

async function xlsxBench() {
  const rows = Number(process.env.BENCH_XLSX_ROWS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'yc-bench-xlsx-'));
  try {
    const file = join(dir, 'list.xlsx');
    let t = performance.now();
    await writeXlsx(file, rows);
    log(
      `xlsx: wrote ${rows} rows, ${mib(statSync(file).size)} in ${((performance.now() - t) / 1000).toFixed(1)} s (writer peak RSS ${mib(peakRss())})`,
    );
    t = performance.now();
    const childTmp = join(dir, 'tmp');
    mkdirSync(childTmp);
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, SHEETS: 'parse-child', BENCH_XLSX_FILE: file, TMPDIR: childTmp },
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      rows: number;
      errors: number;
      seconds: number;
      peakRss: number;
      peakTmp: number;
    };
    log(
      `xlsx: parsed ${r.rows} rows (${r.errors} row errors) in ${r.seconds.toFixed(1)} s, ${Math.round(r.rows / r.seconds)} rows/s; parser process peak RSS ${mib(r.peakRss)}; ` +
        `temporary files peak ${mib(r.peakTmp)} (left behind: ${readdirSync(childTmp).filter(ours).join(', ') || 'none'}); load ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function screenBench() {
  const rows = Number(process.env.BENCH_SCREEN_ROWS ?? 1000);
  const { createBenchDatabase } = await import('./database.js');
  const { openDatabase } = await import('../../api/src/db/index.js');
  const { migrateDatabase } = await import('../../api/src/db/migrate.js');
  const { buildApp } = await import('../../api/src/app.js');
  const { bootstrap } = await import('../../api/src/services/bootstrap.js');
  const { syncSeedCatalog } = await import('../../api/src/services/catalog-seed.js');
  const bench = await createBenchDatabase('yingcha_bench_screen', log);
  const database = await openDatabase({ url: bench.url, max: 10 });
  try {
    await migrateDatabase(database);
    await syncSeedCatalog(database.db);
    const boot = await bootstrap(database.db, { demo: false });
    if (!boot.created) throw new Error('bootstrap did not run on a fresh database');
    const app = await buildApp({
      database,
      secret: 'bench-secret-0123456789abcdefghijklmnop',
      limits: { enabled: false },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const key = boot.key.secret;
    const lines = ['序号,投标人名称,统一社会信用代码'];
    for (let i = 1; i <= rows; i++) lines.push(`${i},鹤岗市第${i}建设工程有限公司,${uscc()}`);
    // Every twentieth bidder is listed, so the result has hits and measures to write.
    for (let i = 1; i <= rows; i += 20) {
      const [, name, code] = lines[i]!.split(',');
      const res = await fetch(`${base}/v1/entries`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          list: 'safety.blacklist',
          subject: { kind: 'enterprise', uscc: code, name },
          decisionDocNo: `鹤应急罚〔2026〕${i}号`,
          reason: '事故',
          decidedAt: '2026-01-15T00:00:00Z',
          source: 'bench',
          sourceRecordId: `S-${i}`,
        }),
      });
      if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
    }
    const body = Buffer.from(lines.join('\r\n') + '\r\n');
    for (const output of ['xlsx', 'xlsx', 'csv']) {
      const t = performance.now();
      const res = await fetch(`${base}/v1/screenings?matter=public_bidding&reference=ZB-BENCH&output=${output}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
        body,
      });
      const bytes = (await res.arrayBuffer()).byteLength;
      log(
        `screen: ${rows} bidders → ${output} ${res.status} ${(bytes / 1024).toFixed(0)} KiB in ${((performance.now() - t) / 1000).toFixed(2)} s (${res.headers.get('x-yingcha-screening')}); load ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}`,
      );
    }
    await app.close();
  } finally {
    await database.close();
    await bench.drop();
  }
}

const scenario = process.env.SHEETS ?? 'xlsx';
if (scenario === 'parse-child') await parseChild(process.env.BENCH_XLSX_FILE!);
else if (scenario === 'screen') await screenBench();
else await xlsxBench();
