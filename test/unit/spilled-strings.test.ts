// The .xlsx shared-string table on disk (services/spilled-strings.ts) and the sheet reader that uses it: every string
// comes back as written (across write chunks, cache blocks and block boundaries, in any order), the temporary files
// are gone afterwards, and a workbook reads the same whether its table is stored after the sheets (as Excel and
// exceljs write it) or before them.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import t from 'tap';
import { rowTexts, sheetRows } from '../../api/src/services/import-xlsx.js';
import { SpilledStrings } from '../../api/src/services/spilled-strings.js';
import { writeWorkbook } from '../../api/src/services/xlsx-write.js';

const nth = (i: number) =>
  i % 1000 === 7
    ? ''
    : i % 5000 === 3
      ? '长'.repeat(20_000 + (i % 7))
      : `鹤岗市第${i}建筑工程有限公司-${'x'.repeat(i % 37)}`;

t.test('every string comes back, in order and out of order; the files are removed', async (t) => {
  const n = 150_000; // past one 1 MiB write chunk of offsets (131,072) and several of text
  const table = SpilledStrings.create();
  for (let i = 0; i < n; i++) table.add(nth(i));
  t.equal(table.size, n);
  let wrong = 0;
  for (let i = 0; i < n; i++) if (table.get(i) !== nth(i)) wrong++;
  t.equal(wrong, 0, 'in order');
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let k = 0; k < 5000; k++) {
    const i = random();
    if (table.get(i) !== nth(i)) wrong++;
  }
  t.equal(wrong, 0, 'in random order');
  t.equal(table.get(n), undefined, 'past the end');
  t.equal(table.get(-1), undefined);
  t.equal(table.get(1.5), undefined);
  t.ok(existsSync(table.path));
  table.close();
  t.notOk(existsSync(table.path), 'the temporary directory is removed');
  t.equal(table.get(0), undefined, 'nothing is read once closed');
  table.close();
});

t.test('an empty table, and no string added once reading began', async (t) => {
  const table = SpilledStrings.create();
  t.equal(table.get(0), undefined);
  table.add('');
  table.add('鹤岗');
  t.equal(table.get(0), '');
  t.equal(table.get(1), '鹤岗');
  t.throws(() => table.add('late'));
  table.close();
});

/** exceljs's own dependency, to store the same workbook with its entries in another order. */
const JSZip = createRequire(createRequire(import.meta.url).resolve('../../api/node_modules/exceljs/package.json'))(
  'jszip',
) as {
  loadAsync(b: Buffer): Promise<{ files: Record<string, { dir: boolean; async(t: 'nodebuffer'): Promise<Buffer> }> }>;
  new (): {
    file(name: string, data: Buffer): void;
    generateAsync(o: { type: 'nodebuffer'; compression: 'DEFLATE' }): Promise<Buffer>;
  };
};

async function tableFirst(file: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(file);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  const order = [
    ...names.filter((n) => !n.startsWith('xl/worksheets/')),
    ...names.filter((n) => n.startsWith('xl/worksheets/')),
  ];
  const out = new JSZip();
  for (const n of order) out.file(n, await zip.files[n]!.async('nodebuffer'));
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** The directory's entries once it is empty, or after 5 s: exceljs removes a sheet's temporary copy asynchronously. */
async function emptied(dir: string): Promise<string[]> {
  const deadline = Date.now() + 5000;
  while (readdirSync(dir).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return readdirSync(dir);
}

async function read(file: Buffer) {
  const rows: Array<[string, number, string[]]> = [];
  for await (const r of sheetRows(
    (async function* () {
      yield file;
    })(),
  ))
    rows.push([r.sheet, r.row, rowTexts(r.values)]);
  return rows;
}

t.test('a workbook with a shared-string table reads the same with the table after or before the sheets', async (t) => {
  const rich = { richText: [{ text: '鹤岗市' }, { font: { bold: true }, text: '兴安煤业' }] };
  const file = await writeWorkbook([
    { name: '说明', rows: [['本表由鹤岗市应急管理局导出']] },
    {
      name: '名单',
      rows: [
        ['名单', '主体名称'],
        ['safety.blacklist', rich],
        ['safety.blacklist', '鹤岗市峻德矿业有限公司'],
        ['本表由鹤岗市应急管理局导出', 12],
      ],
    },
  ]);
  const expected = [
    ['说明', 1, ['本表由鹤岗市应急管理局导出']],
    ['名单', 1, ['名单', '主体名称']],
    ['名单', 2, ['safety.blacklist', '鹤岗市兴安煤业']],
    ['名单', 3, ['safety.blacklist', '鹤岗市峻德矿业有限公司']],
    ['名单', 4, ['本表由鹤岗市应急管理局导出', '12']],
  ];
  // A temporary directory of this test's own shows that nothing is left behind.
  const tmp = mkdtempSync(join(tmpdir(), 'yc-spill-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  t.teardown(() => {
    process.env.TMPDIR = saved;
    rmSync(tmp, { recursive: true, force: true });
  });
  t.same(await read(file), expected, 'table after the sheets (the sheets wait in a temporary file)');
  t.same(await emptied(tmp), [], 'no temporary file is left');
  const reordered = await tableFirst(file);
  t.same(await read(reordered), expected, 'table before the sheets (the sheets stream from the zip)');
  t.same(await emptied(tmp), [], 'no temporary file is left');
});
