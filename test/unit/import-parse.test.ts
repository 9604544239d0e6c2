// The streaming parsers must give the same records however the bytes are cut into chunks: a quote, a "" escape, a
// CRLF or a four-byte GB18030 character may straddle any boundary.
import t from 'tap';
import { csvRecords, csvRows, decode, ndjsonLines } from '../../api/src/services/import-parse.js';

async function* chunks<T>(parts: T[]): AsyncGenerator<T> {
  for (const p of parts) yield p;
}
async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const cuts = (s: string, at: number[]) =>
  [0, ...at, s.length].slice(1).map((end, i, a) => s.slice(i === 0 ? 0 : a[i - 1], end));

const CSV = 'a,b,c\r\n"x, ""quoted""",plain,"multi\nline"\n,,\n"",end,"\r\n"\nlast,row,no-newline';
const EXPECTED = [
  ['a', 'b', 'c'],
  ['x, "quoted"', 'plain', 'multi\nline'],
  ['', '', ''],
  ['', 'end', '\r\n'],
  ['last', 'row', 'no-newline'],
];

t.test('csv records are the same for every single and double cut of the text', async (t) => {
  t.same(await all(csvRecords(chunks([CSV]))), EXPECTED);
  let checked = 0;
  for (let i = 1; i < CSV.length; i++) {
    t.same(await all(csvRecords(chunks(cuts(CSV, [i])))), EXPECTED, `cut at ${i}`);
    for (let j = i + 1; j < CSV.length; j += 3) {
      const got = await all(csvRecords(chunks(cuts(CSV, [i, j]))));
      if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) t.fail(`cuts at ${i}, ${j}`);
      checked++;
    }
  }
  t.ok(checked > 100);
});

t.test('blank lines are skipped; an unclosed quote is MALFORMED_ROW', async (t) => {
  t.same(await all(csvRecords(chunks(['a\n\n\r\nb\n']))), [['a'], ['b']]);
  await t.rejects(all(csvRecords(chunks(['a,"open\n', 'still open']))), { code: 'MALFORMED_ROW' });
  await t.rejects(
    all(csvRecords(chunks(['"', 'x'.repeat(70_000)]))),
    { code: 'MALFORMED_ROW' },
    'a runaway field is bounded',
  );
});

t.test('csv rows: header checks and spreadsheet row numbers', async (t) => {
  const rows = await all(
    csvRows(
      chunks([
        'list,kind,name,decisionDocNo,reason,decidedAt,source,sourceRecordId\n',
        'l,enterprise,n,d,r,2026-01-01T00:00:00Z,s,1\n',
        'too,few\n',
      ]),
    ),
  );
  t.match(rows, [
    { row: 2, input: { list: 'l', subject: { kind: 'enterprise', name: 'n' } } },
    { row: 3, error: { code: 'MALFORMED_ROW' } },
  ]);
  await t.rejects(all(csvRows(chunks(['list,kind\n']))), { code: 'INVALID_CSV_HEADER' });
});

t.test('ndjson lines keep their numbers across cuts', async (t) => {
  const text = '{"a":1}\r\n\n{"b":"x\\ny"}\n{"c":3}';
  const want = [
    [1, '{"a":1}'],
    [3, '{"b":"x\\ny"}'],
    [4, '{"c":3}'],
  ];
  for (let i = 1; i < text.length; i++) t.same(await all(ndjsonLines(chunks(cuts(text, [i])))), want, `cut at ${i}`);
});

t.test('decoding: BOM dropped, GB18030 four-byte characters across chunk cuts, invalid bytes refused', async (t) => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('名称')]);
  t.equal((await all(decode(chunks([bom.subarray(0, 2), bom.subarray(2)]), 'utf-8'))).join(''), '名称');
  // 𠮷 (U+20BB7) is four bytes in GB18030, as iconv encodes it; 中 is 0xD6 0xD0.
  const gb = Buffer.from([0xd6, 0xd0, ...Buffer.from('9534b235', 'hex'), 0xd6, 0xd0]);
  for (let i = 1; i < gb.length; i++) {
    t.equal(
      (await all(decode(chunks([gb.subarray(0, i), gb.subarray(i)]), 'gb18030'))).join(''),
      '中𠮷中',
      `cut at ${i}`,
    );
  }
  await t.rejects(all(decode(chunks([gb]), 'utf-8')), { code: 'INVALID_ENCODING' });
});
