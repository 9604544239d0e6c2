// Screening a bidder roll: the fixture roll of 200 bidders (test/fixtures/bidder-roll-200.csv, two with bad codes) and
// an .xlsx roll written here, through POST /v1/screenings and through the `yingcha screen` command against a listening
// server. One result row per bidder with verdict, Chinese list names, measures with 文号, check id and receipt hash;
// a summary sheet; every good row wrote its receipt; bad codes are rows of the result; refusals have stable codes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { screenCommand } from '../../api/src/cli-screen.js';
import { importCommand } from '../../api/src/cli-import.js';
import { XLSX_MEDIA_TYPE } from '../../api/src/routes/screenings/index.js';
import { readWorkbook, writeWorkbook } from '../../api/src/services/xlsx-write.js';
import { bearer } from '../helpers/app.js';
import { rows as rowsOf } from '../helpers/rows.js';
import { department, publish, world } from '../helpers/world.js';

const ROLL = readFileSync(new URL('../fixtures/bidder-roll-200.csv', import.meta.url));
const rollRows = ROLL.toString('utf8')
  .replace(/^\uFEFF/, '')
  .trim()
  .split(/\r\n/)
  .slice(1)
  .map((l) => l.split(','));
const BAD_ROWS = [58, 144]; // spreadsheet rows (header = row 1) of the two bad codes: bidders 57 and 143

t.test('screening a bidder roll', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const bidding = await department(app, adminKey, 'development_reform', '230800');
  // Three bidders of the roll are on the work-safety blacklist.
  const listed = [rollRows[4]!, rollRows[99]!, rollRows[180]!];
  for (const [, name, uscc] of listed) {
    const res = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc, name },
    });
    t.equal(res.statusCode, 201, res.body);
  }
  const screen = (body: Buffer, query: string, type = 'text/csv', key = bidding.key) =>
    app.inject({
      method: 'POST',
      url: `/v1/screenings?${query}`,
      headers: { ...bearer(key), 'content-type': type },
      payload: body,
    });
  const receipts = async () => {
    const r = await database.db.execute(
      sql`select count(*)::int as n from check_receipt where department_id = ${bidding.departmentId}`,
    );
    return Number(rowsOf<{ n: number }>(r)[0]!.n);
  };

  t.test('the fixture roll → an .xlsx with a row per bidder and a summary sheet', async (t) => {
    const before = await receipts();
    const res = await screen(
      ROLL,
      'matter=public_bidding&reference=ZB-2026-01&title=' + encodeURIComponent('第一中学教学楼维修工程'),
    );
    t.equal(res.statusCode, 200, res.body.slice(0, 300));
    t.equal(res.headers['content-type'], XLSX_MEDIA_TYPE);
    t.match(res.headers['content-disposition'], /attachment; .*filename\*=UTF-8''/);
    const book = await readWorkbook(res.rawPayload);
    t.same(
      book.map((s) => s.name),
      ['筛查结果', '汇总'],
    );
    const [header, ...rows] = book[0]!.rows as string[][];
    t.same(header, [
      '行号',
      '投标人名称',
      '统一社会信用代码',
      '身份证号码（脱敏）',
      '查询结果',
      '名单',
      '措施及文号',
      '查询编号',
      '回执哈希',
      '说明',
    ]);
    t.equal(rows.length, 200, 'one row per bidder');
    for (const [, name, uscc] of listed) {
      const r = rows.find((x) => x[2] === uscc)!;
      t.ok(r, `${name} is in the result`);
      t.not(r[4], '未发现须实施的联合奖惩措施', `${name} is not clear`);
      t.match(r[5], /安全生产/, 'the list by its Chinese name');
      t.notMatch(r[5], /safety\./, 'no list code');
      t.match(r[8], /^[0-9a-f]{64}$/, 'the receipt hash');
    }
    const bad = rows.filter((r) => r[4] === '无法查询');
    t.same(
      bad.map((r) => Number(r[0])).sort((a, b) => a - b),
      BAD_ROWS,
      'the two bad codes, by their row',
    );
    t.ok(
      bad.every((r) => /^INVALID_USCC：/.test(r[9]!)),
      'with the code that refused them',
    );
    const clear = rows.filter((r) => r[4] === '未发现须实施的联合奖惩措施');
    t.equal(clear.length, 200 - listed.length - BAD_ROWS.length);
    t.ok(
      clear.every((r) => /^[0-9a-f-]{36}$/.test(r[7]!) && /^[0-9a-f]{64}$/.test(r[8]!)),
      'every checked bidder has a check id and receipt hash',
    );
    t.equal((await receipts()) - before, 198, 'every good row wrote its receipt');
    const summary = Object.fromEntries((book[1]!.rows as string[][]).map(([k, v]) => [k, v]));
    t.match(summary, {
      办理事项: '招标投标',
      '办件号（项目编号）': 'ZB-2026-01',
      项目名称: '第一中学教学楼维修工程',
      投标人数: '200',
      '无法查询（代码有误等）': '2',
    });
    t.equal(
      res.headers['x-yingcha-screening'],
      `bidders=200,prohibited=${summary['禁止办理']},restricted=${summary['限制办理']},review=${summary['需人工审查']},incentive=0,clear=${clear.length},errors=2`,
    );

    // The hash in the result is the stored receipt's.
    const one = rows.find((r) => r[2] === listed[0]![2])!;
    const stored = await app.inject({ url: `/v1/checks/${one[7]}`, headers: bearer(bidding.key) });
    t.equal(stored.json().receipt.hash, one[8]);
    t.equal(stored.json().matter.reference, 'ZB-2026-01');
  });

  t.test('CSV output is UTF-8 with a BOM', async (t) => {
    const res = await screen(ROLL, 'matter=public_bidding&reference=ZB-2026-02&output=csv');
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/csv/);
    t.same([...res.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = res.rawPayload.toString('utf8').slice(1).trim().split('\r\n');
    t.equal(lines.length, 201);
    t.match(lines[0], /^行号,投标人名称,统一社会信用代码/);

    // GB18030 on request: no BOM, and the same rows once decoded (check ids and receipt hashes are new per screening).
    const gb = await screen(ROLL, 'matter=public_bidding&reference=ZB-2026-02&output=csv&outputEncoding=gb18030');
    t.equal(gb.statusCode, 200);
    t.match(gb.headers['content-type'], /^text\/csv; charset=gb18030/);
    t.notSame([...gb.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no UTF-8 BOM');
    t.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(gb.rawPayload), 'not UTF-8');
    const decoded = new TextDecoder('gb18030', { fatal: true }).decode(gb.rawPayload);
    const ids = (l: string) => l.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, 'ID').replace(/[0-9a-f]{64}/g, 'HASH');
    t.same(decoded.trim().split('\r\n').map(ids), lines.map(ids), 'decoded, the GB18030 file is the UTF-8 one');
    t.match(decoded, /禁止|限制|未发现须实施的联合奖惩措施/);
    t.equal(
      (await screen(ROLL, 'matter=public_bidding&reference=x&outputEncoding=gb18030')).json().code,
      'VALIDATION_FAILED',
      'only for a CSV result',
    );
    t.equal(
      (await screen(ROLL, 'matter=public_bidding&reference=x&output=csv&outputEncoding=big5')).json().code,
      'VALIDATION_FAILED',
    );
  });

  t.test('an .xlsx roll with a cover sheet and other columns', async (t) => {
    const book = await writeWorkbook([
      { name: '填报说明', rows: [['请勿修改表头']] },
      {
        name: '投标人',
        rows: [
          ['序号', '单位名称', '统一社会信用代码', '投标报价'],
          ...rollRows.slice(0, 5).map((r) => [Number(r[0]), r[1], r[2], Number(r[5])]),
        ],
      },
    ]);
    const res = await screen(book, 'matter=public_bidding&reference=ZB-2026-03', XLSX_MEDIA_TYPE);
    t.equal(res.statusCode, 200, res.body.slice(0, 300));
    const rows = (await readWorkbook(res.rawPayload))[0]!.rows.slice(1) as string[][];
    t.same(
      rows.map((r) => r[0]),
      ['2', '3', '4', '5', '6'],
      'sheet row numbers',
    );
    t.equal(rows.find((r) => r[2] === listed[0]![2])?.[5] !== '', true);
  });

  t.test('refusals', async (t) => {
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/screenings?matter=public_bidding&reference=x',
          headers: { 'content-type': 'text/csv' },
          payload: ROLL,
        })
      ).json().code,
      'UNAUTHENTICATED',
    );
    const noHeader = await screen(Buffer.from('序号,报价\n1,100\n'), 'matter=public_bidding&reference=x');
    t.equal(noHeader.statusCode, 400);
    t.equal(noHeader.json().code, 'INVALID_CSV_HEADER');
    t.equal(
      (await screen(Buffer.from('投标人名称\n'), 'matter=public_bidding&reference=x')).json().code,
      'EMPTY_IMPORT',
    );
    t.equal((await screen(ROLL, 'matter=nonsense&reference=x')).json().code, 'VALIDATION_FAILED');
    t.equal((await screen(ROLL, 'reference=x')).json().code, 'VALIDATION_FAILED');
    t.equal(
      (await screen(ROLL, 'matter=public_bidding&reference=x', 'text/plain')).json().code,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    t.equal(
      (await screen(ROLL, 'matter=public_bidding&reference=x', 'application/octet-stream')).json().code,
      'VALIDATION_FAILED',
    );
    t.equal(
      (await screen(Buffer.from('not a zip'), 'matter=public_bidding&reference=x', XLSX_MEDIA_TYPE)).json().code,
      'INVALID_XLSX',
    );
  });

  t.test('the commands against a listening server: yingcha screen and yingcha import FILE.xlsx', async (t) => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const dir = mkdtempSync(join(tmpdir(), 'yc-screen-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const roll = join(dir, 'roll.csv');
    writeFileSync(roll, ROLL);
    const out = join(dir, 'result.xlsx');
    const code = await screenCommand(
      [roll, '--matter', 'public_bidding', '--reference', 'ZB-2026-04', '-o', out, '--url', url, '--key', bidding.key],
      {},
    );
    t.equal(code, 0);
    const book = await readWorkbook(readFileSync(out));
    t.equal(book[0]!.rows.length, 201);
    const gbOut = join(dir, 'result.csv');
    t.equal(
      await screenCommand(
        [
          roll,
          '--matter',
          'public_bidding',
          '--reference',
          'ZB-2026-05',
          '-o',
          gbOut,
          '--output-encoding',
          'GB18030',
          '--url',
          url,
          '--key',
          bidding.key,
        ],
        {},
      ),
      0,
    );
    const gbLines = new TextDecoder('gb18030', { fatal: true }).decode(readFileSync(gbOut)).trim().split('\r\n');
    t.equal(gbLines.length, 201, 'yingcha screen --output-encoding gb18030 writes a GB18030 CSV');
    t.match(gbLines[0], /^行号,投标人名称,统一社会信用代码/);
    t.equal(
      await screenCommand(
        [
          roll,
          '--matter',
          'public_bidding',
          '--reference',
          'x',
          '-o',
          out,
          '--output-encoding',
          'gb18030',
          '--url',
          url,
          '--key',
          bidding.key,
        ],
        {},
      ).catch((e: Error) => e.constructor.name),
      'ScreenUsageError',
      '--output-encoding is for a .csv result',
    );

    const list = join(dir, 'list.xlsx');
    writeFileSync(
      list,
      await writeWorkbook([
        {
          name: '名单',
          rows: [
            [
              '名单',
              '主体类型',
              '统一社会信用代码',
              '主体名称',
              '认定文书号',
              '失信行为',
              '认定日期',
              '来源',
              '来源记录号',
            ],
            [
              'safety.blacklist',
              '企业',
              rollRows[10]![2],
              rollRows[10]![1],
              '佳应急罚〔2026〕7号',
              '未按规定开展安全培训',
              new Date(Date.UTC(2026, 5, 1)),
              'cli-xlsx',
              'CLI-1',
            ],
          ],
        },
      ]),
    );
    t.equal(await importCommand([list, '--url', url, '--key', safety.key], {}), 0, 'yingcha import FILE.xlsx');
    t.equal(
      await screenCommand(
        [roll, '--matter', 'public_bidding', '-o', out, '--url', url, '--key', bidding.key],
        {},
      ).catch((e: Error) => e.constructor.name),
      'ScreenUsageError',
    );
  });
});
