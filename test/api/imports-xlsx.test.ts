// Imports as departments export them: .xlsx (written here with exceljs) and GB18030 CSV with Chinese headers,
// date-only values (2026-06-01, 2026/6/1, 2026年6月1日, Excel date cells) read as that day in Asia/Shanghai, impossible
// dates and bad codes as row errors naming sheet, row and column, unknown headers refused with the accepted names.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { XLSX_TYPE } from '../../api/src/routes/imports/index.js';
import { columnOf, dateOnly } from '../../api/src/services/import-parse.js';
import { writeWorkbook } from '../../api/src/services/xlsx-write.js';
import { bearer, build } from '../helpers/app.js';
import { gb18030 } from '../helpers/gb18030.js';
import { rows as rowsOf } from '../helpers/rows.js';
import { uscc } from '../helpers/world.js';

const HEADERS = [
  '名单',
  '主体类型',
  '统一社会信用代码',
  '企业名称',
  '认定文书号',
  '失信行为',
  '认定日期',
  '有效期起',
  '有效期至',
  '来源',
  '来源记录号',
];
let serial = 0;

function workbook(rows: unknown[][], headers = HEADERS, sheet = '失信名单'): Promise<Buffer> {
  return writeWorkbook([
    { name: '说明', rows: [['本表由鹤岗市应急管理局导出']] },
    { name: sheet, rows: [headers, ...rows], formats: { 7: 'yyyy"年"m"月"d"日"' } },
  ]);
}

const record = (over: Partial<Record<string, unknown>> = {}) => {
  serial++;
  const r: Record<string, unknown> = {
    名单: 'safety.blacklist',
    主体类型: '企业',
    统一社会信用代码: uscc(),
    企业名称: `鹤岗市第${serial}煤矿有限公司`,
    认定文书号: `鹤应急罚〔2026〕${serial}号`,
    失信行为: '发生较大生产安全责任事故',
    认定日期: new Date(Date.UTC(2026, 5, 1)), // an Excel date cell: 2026年6月1日
    有效期起: '2026/6/2',
    有效期至: '2027年6月1日',
    来源: 'xlsx-test',
    来源记录号: `XL-${process.pid}-${serial}`,
    ...over,
  };
  return HEADERS.map((h) => r[h]);
};

t.test('date-only values are that day in Asia/Shanghai; impossible dates are not dates', async (t) => {
  t.equal(dateOnly('2026-06-01'), '2026-05-31T16:00:00.000Z');
  t.equal(dateOnly('2026/6/1'), '2026-05-31T16:00:00.000Z');
  t.equal(dateOnly('2026年6月1日'), '2026-05-31T16:00:00.000Z');
  t.equal(dateOnly('2024-02-29'), '2024-02-28T16:00:00.000Z', 'a leap day');
  t.equal(dateOnly('2026-02-30'), 'invalid');
  t.equal(dateOnly('2026-13-01'), 'invalid');
  t.equal(dateOnly('2026-06-01T08:00:00Z'), null, 'a date-time is left to the schema');
  t.equal(columnOf('统一社会信用代码'), 'uscc');
  t.equal(columnOf(' 认定日期* '), 'decidedAt', 'a required-marker star and spaces');
  t.equal(columnOf('决定文书号'), 'decisionDocNo');
  t.equal(columnOf('注册资本'), undefined);
});

t.test('xlsx and Chinese-header imports', async (t) => {
  const { app, database, adminKey } = await build(t, { imports: { batchSize: 50 } });
  const post = (body: Buffer | string, query: string, type: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/imports${query}`,
      headers: { ...bearer(adminKey), 'content-type': type },
      payload: body,
    });
  const decided = async (sourceRecordId: string) => {
    const r = await database.db.execute(
      sql`select decided_at, valid_from, valid_until from entry_version v join entry e on e.id = v.entry_id where e.source_record_id = ${sourceRecordId}`,
    );
    const row = rowsOf<Record<string, Date>>(r)[0]!;
    return [row.decided_at, row.valid_from, row.valid_until].map((d) => new Date(d!).toISOString());
  };

  t.test('an .xlsx with Chinese headers and date cells; bad rows name sheet, row and column', async (t) => {
    const good = [record(), record(), record({ 认定日期: '2026-06-01', 有效期至: null })];
    const rows = [
      ...good,
      record({ 有效期至: '2026-02-30' }),
      record({ 统一社会信用代码: '91230400MA1B2C3D4X' }),
      [],
      record({ 认定日期: 46174 }),
    ];
    const res = await post(await workbook(rows), '?format=xlsx&mode=accept-valid', 'application/octet-stream');
    t.equal(res.statusCode, 201, res.body);
    const body = res.json();
    t.match(body, { format: 'xlsx', accepted: 4, rejected: 2 });
    t.equal(body.errors.length, 2);
    t.match(body.errors[0], { row: 5, code: 'VALIDATION_FAILED' });
    t.match(
      body.errors[0].message,
      /^sheet "失信名单", row 5, column I \(有效期至\): validUntil 2026-02-30 is not a date/,
    );
    t.match(body.errors[1], { row: 6, code: 'INVALID_USCC' });
    t.match(body.errors[1].message, /^sheet "失信名单", row 6, column C \(统一社会信用代码\): uscc/);
    const day = '2026-05-31T16:00:00.000Z';
    t.same(
      await decided(String(good[0]![10])),
      [day, '2026-06-01T16:00:00.000Z', '2027-06-01T16:00:00.000Z'],
      'cell date, 2026/6/2 and 有效期至 2027年6月1日 (through that day) in Asia/Shanghai',
    );
    t.equal((await decided(String(good[2]![10])))[0], day, 'a text cell 2026-06-01');
    t.equal((await decided(String(rows[6]![10])))[0], day, 'a date column holding the Excel serial 46174');

    const stored = await app.inject({ method: 'GET', url: `/v1/imports/${body.importId}`, headers: bearer(adminKey) });
    t.equal(stored.statusCode, 200);
    t.same(stored.json().errors, body.errors, 'GET /v1/imports/{id} names sheet, row and column as the answer did');
    t.match(stored.json().errors, [
      { row: 5, sheet: '失信名单', column: 'I', header: '有效期至' },
      { row: 6, sheet: '失信名单', column: 'C', header: '统一社会信用代码' },
    ]);

    const typed = await post(await workbook([record()]), '', XLSX_TYPE);
    t.equal(typed.statusCode, 201, 'the .xlsx media type needs no ?format');
  });

  t.test("名单 takes the list's Chinese name as well as its code", async (t) => {
    const named = [
      record({ 名单: '安全生产不良记录“黑名单”' }),
      record({ 名单: ' 安全生产不良记录"黑名单" ' }),
      record({ 名单: '安全生产重点关注名单' }),
    ];
    const rows = [...named, record({ 名单: '安全生产黑名单' })];
    const res = await post(await workbook(rows), '?format=xlsx&mode=accept-valid', 'application/octet-stream');
    t.equal(res.statusCode, 201, res.body);
    t.match(res.json(), { accepted: 3, rejected: 1 });
    const [err] = res.json().errors;
    t.match(err, { row: 5, code: 'VALIDATION_FAILED', sheet: '失信名单', column: 'A', header: '名单' });
    t.match(
      err.message,
      /^sheet "失信名单", row 5, column A \(名单\): list "安全生产黑名单" is neither a list code nor a list name/,
    );
    t.match(
      err.message,
      /safety\.blacklist \(安全生产不良记录“黑名单”\)/,
      'the accepted values are listed, code and name',
    );
    t.notMatch(err.message, /nanning\.(yellow|red|black)\b/, 'a points tier is computed, never published: not offered');
    const lists = await database.db.execute(
      sql`select e.list_code from entry e where e.source_record_id in (${sql.join(
        named.map((r) => sql`${String(r[10])}`),
        sql`, `,
      )}) order by e.source_record_id`,
    );
    t.same(
      rowsOf<{ list_code: string }>(lists)
        .map((r) => r.list_code)
        .sort(),
      ['safety.blacklist', 'safety.blacklist', 'safety.watch'],
    );
  });

  t.test('an unknown header is refused with the accepted names in both languages', async (t) => {
    const res = await post(
      await workbook([record()], [...HEADERS.slice(0, -1), '注册资本']),
      '?format=xlsx',
      'application/octet-stream',
    );
    t.equal(res.statusCode, 400);
    t.equal(res.json().code, 'INVALID_CSV_HEADER');
    t.match(res.json().detail, /"注册资本"/);
    t.match(res.json().detail, /uscc \(统一社会信用代码\/社会信用代码\)/);
    t.match(res.json().detail, /sourceRecordId \(来源记录号/);
    const csvRes = await post('名单,统一社会信用代码,营业执照号\n', '', 'text/csv');
    t.equal(csvRes.json().code, 'INVALID_CSV_HEADER');
  });

  t.test('a file that is not a workbook is INVALID_XLSX and writes nothing', async (t) => {
    const res = await post(
      Buffer.from('名单,主体名称\nthis is not a zip\n'),
      '?format=xlsx',
      'application/octet-stream',
    );
    t.equal(res.statusCode, 400);
    t.equal(res.json().code, 'INVALID_XLSX');
  });

  t.test('a GB18030 CSV with Chinese headers and date-only values', async (t) => {
    const ids = [`GB-${process.pid}-1`, `GB-${process.pid}-2`];
    const text =
      '名单,主体类型,统一社会信用代码,主体名称,认定文书号,认定事由,决定日期,有效期至,来源,来源记录号\r\n' +
      `safety.blacklist,企业,${uscc()},鹤岗市兴安煤业有限公司,鹤应急罚〔2026〕88号,瞒报生产安全事故,2026年6月1日,2027/6/1,gb-test,${ids[0]}\r\n` +
      `safety.blacklist,企业,${uscc()},鹤岗市峻德矿业有限公司,鹤应急罚〔2026〕89号,超层越界开采,2026/2/30,,gb-test,${ids[1]}\r\n`;
    const res = await post(gb18030(text), '?encoding=gb18030&mode=accept-valid', 'text/csv');
    t.equal(res.statusCode, 201, res.body);
    t.match(res.json(), {
      accepted: 1,
      rejected: 1,
      errors: [
        {
          row: 3,
          code: 'VALIDATION_FAILED',
          column: 'G',
          header: '决定日期',
          message: /^row 3, column G \(决定日期\): decidedAt 2026\/2\/30 is not a date/,
        },
      ],
    });
    t.notOk('sheet' in res.json().errors[0], 'a CSV has no sheet');
    const stored = await app.inject({
      method: 'GET',
      url: `/v1/imports/${res.json().importId}`,
      headers: bearer(adminKey),
    });
    t.same(stored.json().errors, res.json().errors, 'GET /v1/imports/{id} names the column of a CSV row error');
    const [decidedAt, , validUntil] = await decided(ids[0]!);
    t.equal(decidedAt, '2026-05-31T16:00:00.000Z');
    t.equal(
      validUntil,
      '2027-06-01T16:00:00.000Z',
      '有效期至 2027/6/1 keeps the record in force through that day in Asia/Shanghai',
    );
  });
});
