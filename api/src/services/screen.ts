// 投标人名单筛查: a procurement platform hands over its bidder roll (.xlsx or .csv, as exported) and gets a spreadsheet
// back with one row per bidder: verdict, lists, measures with their 文号, the check id and the receipt hash. Every row
// is checked through the batch check service (runBatch, the semantics of POST /v1/checks/batch), so each bidder gets
// its own receipt. A row with a bad code is reported in the result, never fatal to the roll.
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.js';
import { departments } from '../db/schema.js';
import { MATTER_TYPES } from '../domain/codes.js';
import { ApiError } from '../errors.js';
import type { CheckBody } from '../routes/checks/schemas.js';
import { type BatchItemResult, runBatch } from './checks.js';
import iconv from 'iconv-lite';
import { type ImportEncoding, csvRecords, decode } from './import-parse.js';
import type { AuthContext } from './keys.js';
import { VERDICT_TEXT, beijing } from './notice.js';
import { writeWorkbook } from './xlsx-write.js';

export const ROLL_FORMATS = ['csv', 'xlsx'] as const;
export type RollFormat = (typeof ROLL_FORMATS)[number];
export const SCREEN_OUTPUTS = ['xlsx', 'csv'] as const;
export type ScreenOutput = (typeof SCREEN_OUTPUTS)[number];
/** A roll is a tender's bidders, not a register: a few thousand at most. */
export const MAX_ROLL_ROWS = 5000;
/** runBatch's (and POST /v1/checks/batch's) largest batch */
const BATCH = 1000;

type RollField = 'uscc' | 'name' | 'idNumber' | 'reference';
/** Column names in bidder rolls; every other column (报价, 联系人 …) is left alone. */
export const ROLL_COLUMNS: Record<RollField, readonly string[]> = {
  uscc: ['uscc', '统一社会信用代码', '社会信用代码', '投标人统一社会信用代码'],
  name: ['name', '投标人名称', '投标人', '投标单位', '单位名称', '企业名称', '主体名称', '名称', '姓名'],
  idNumber: ['idNumber', '身份证号码', '身份证号', '居民身份证号码'],
  reference: ['reference', '办件号', '投标编号', '报名编号'],
};
const ROLL_BY_HEADER = new Map<string, RollField>(
  (Object.entries(ROLL_COLUMNS) as Array<[RollField, readonly string[]]>).flatMap(([f, names]) =>
    names.map((n) => [n, f] as [string, RollField]),
  ),
);
const rollColumnOf = (h: string) => ROLL_BY_HEADER.get(h.replace(/^\uFEFF/, '').replace(/[*＊\s]/g, ''));

export interface RollRow {
  /** the row number in the file (header = its own row), as a spreadsheet shows it */
  row: number;
  uscc?: string;
  name?: string;
  idNumber?: string;
  reference?: string;
}

function rollHeader(cells: string[], where: string): Array<RollField | undefined> | null {
  const cols = cells.map(rollColumnOf);
  if (!cols.some((c) => c === 'uscc' || c === 'name' || c === 'idNumber')) return null;
  const repeated = cols.filter((c, i) => c !== undefined && cols.indexOf(c) !== i);
  if (repeated.length)
    throw new ApiError('INVALID_CSV_HEADER', `${where}: more than one column means ${repeated.join(', ')}`);
  return cols;
}

const noHeader = () =>
  new ApiError(
    'INVALID_CSV_HEADER',
    `the roll has no header row naming the bidder; columns read: ${(Object.entries(ROLL_COLUMNS) as Array<[RollField, readonly string[]]>).map(([f, n]) => `${f} (${n.slice(1).join('/')})`).join(', ')}`,
  );

function toRollRow(row: number, cols: Array<RollField | undefined>, cells: string[]): RollRow | null {
  const r: RollRow = { row };
  cols.forEach((c, i) => {
    const v = (cells[i] ?? '').trim();
    if (c && v) r[c] = v;
  });
  return r.uscc || r.name || r.idNumber ? r : null;
}

function pushRow(rows: RollRow[], r: RollRow | null) {
  if (!r) return;
  if (rows.length >= MAX_ROLL_ROWS)
    throw new ApiError('PAYLOAD_TOO_LARGE', `a roll may have at most ${MAX_ROLL_ROWS} bidders`);
  rows.push(r);
}

/** The bidders of a roll file. CSV: the first record is the header. XLSX: the first sheet whose header names a bidder. */
export async function readRoll(
  body: AsyncIterable<Uint8Array>,
  format: RollFormat,
  encoding: ImportEncoding,
): Promise<RollRow[]> {
  const rows: RollRow[] = [];
  if (format === 'csv') {
    let cols: Array<RollField | undefined> | null | undefined;
    let n = 0;
    for await (const rec of csvRecords(decode(body, encoding))) {
      n++;
      if (cols === undefined) {
        cols = rollHeader(rec, 'the header');
        if (!cols) throw noHeader();
        continue;
      }
      pushRow(rows, toRollRow(n, cols!, rec));
    }
    if (!cols) throw noHeader();
    return rows;
  }
  const { sheetRows, rowTexts } = await import('./import-xlsx.js');
  let sheet: string | undefined;
  let cols: Array<RollField | undefined> | null | undefined;
  let chosen: string | undefined;
  for await (const r of sheetRows(body)) {
    if (r.sheet !== sheet) {
      sheet = r.sheet;
      cols = undefined;
    }
    if (chosen !== undefined && chosen !== r.sheet) continue;
    const cells = rowTexts(r.values);
    if (cols === undefined) {
      if (cells.length === 0) continue;
      cols = rollHeader(cells, `sheet "${r.sheet}", row ${r.row}`);
      if (cols) chosen = r.sheet;
      continue;
    }
    if (cols) pushRow(rows, toRollRow(r.row, cols, cells));
  }
  if (chosen === undefined) throw noHeader();
  return rows;
}

export interface ScreenItem {
  roll: RollRow;
  result: BatchItemResult;
}

export interface Screening {
  batchId: string;
  department: string;
  /** the matter each bidder is checked for, as a check's (its reference is the roll's unless a row gives its own) */
  matter: CheckBody['matter'];
  screenedAt: string;
  items: ScreenItem[];
}

/** Each bidder checked through runBatch, BATCH at a time; results keep roll order. */
export async function screenRoll(
  db: Db,
  secret: string,
  caller: AuthContext,
  matter: Screening['matter'],
  rows: RollRow[],
  operator?: { id?: string; name?: string },
): Promise<Screening> {
  if (rows.length === 0) throw new ApiError('EMPTY_IMPORT', 'the roll has no bidders under its header');
  const batchId = randomUUID();
  const items: ScreenItem[] = [];
  for (let from = 0; from < rows.length; from += BATCH) {
    const chunk = rows.slice(from, from + BATCH);
    const inputs = chunk.map((r) => ({
      subject: {
        ...(r.uscc ? { uscc: r.uscc } : {}),
        ...(r.name ? { name: r.name.slice(0, 200) } : {}),
        ...(r.idNumber ? { idNumber: r.idNumber } : {}),
      },
      matter: { ...matter, reference: r.reference ?? matter.reference },
      ...(operator ? { operator } : {}),
    }));
    const results = await runBatch(db, secret, caller, inputs, { batchId });
    chunk.forEach((roll, i) => items.push({ roll, result: results[i]! }));
  }
  const [dept] = await db
    .select({ name: departments.name })
    .from(departments)
    .where(eq(departments.id, caller.department.departmentId));
  return { batchId, department: dept?.name ?? '', matter, screenedAt: new Date().toISOString(), items };
}

/** What a clerk reads for the codes a bidder row can be refused with; the code and the API's detail follow. */
const ERROR_TEXT: Record<string, string> = {
  INVALID_USCC: '统一社会信用代码有误',
  INVALID_ID_NUMBER: '身份证号码有误',
  VALIDATION_FAILED: '投标人信息不完整或格式有误',
};

const RESULT_HEADER = [
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
];

/** One row per bidder. An error row names the code that refused it; an ID number appears only masked. */
function resultRows(s: Screening): string[][] {
  return s.items.map(({ roll, result }) => {
    const c = result.check;
    if (!c) {
      const code = result.error?.code ?? 'VALIDATION_FAILED';
      return [
        String(roll.row),
        roll.name ?? '',
        roll.uscc ?? '',
        '',
        '无法查询',
        '',
        '',
        '',
        '',
        `${code}：${ERROR_TEXT[code] ?? '无法查询'}（${result.error?.detail ?? ''}）`,
      ];
    }
    const lists = [...new Set(c.hits.map((h) => h.list.name))].join('；');
    const measures = c.measures.map((m) => `${m.text}（${m.docNo}）`).join('；');
    const notes = [...new Set(c.reasons.map((r) => r.message.replace(/\s*\([^()]*\)\s*$/, '')))].join('；');
    const subject = c.hits[0]?.subject ?? c.subject.resolved[0];
    return [
      String(roll.row),
      roll.name ?? subject?.name ?? '',
      roll.uscc ?? subject?.uscc ?? '',
      c.subject.asked.idNumber ?? '',
      VERDICT_TEXT[c.verdict],
      lists,
      measures,
      c.checkId,
      c.receipt.hash,
      notes,
    ];
  });
}

export function summaryRows(s: Screening): string[][] {
  const count = (v: string) => s.items.filter((i) => i.result.check?.verdict === v).length;
  return [
    ['项目', '内容'],
    ['查询部门', s.department],
    ['办理事项', MATTER_TYPES[s.matter.type] ?? s.matter.type],
    ['办件号（项目编号）', s.matter.reference],
    ...(s.matter.title ? [['项目名称', s.matter.title]] : []),
    ['查询时间', beijing(s.screenedAt)],
    ['投标人数', String(s.items.length)],
    ...(['prohibited', 'restricted', 'review', 'incentive', 'clear'] as const).map((v) => [
      VERDICT_TEXT[v],
      String(count(v)),
    ]),
    ['无法查询（代码有误等）', String(s.items.filter((i) => !i.result.check).length)],
    ['批次号', s.batchId],
  ];
}

export async function screeningXlsx(s: Screening): Promise<Buffer> {
  return writeWorkbook([
    { name: '筛查结果', rows: [RESULT_HEADER, ...resultRows(s)], widths: [6, 32, 22, 20, 14, 30, 60, 38, 66, 40] },
    { name: '汇总', rows: summaryRows(s), widths: [24, 60] },
  ]);
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export const SCREEN_CSV_ENCODINGS = ['utf-8', 'gb18030'] as const;
export type ScreenCsvEncoding = (typeof SCREEN_CSV_ENCODINGS)[number];

/**
 * The result as CSV, CRLF. UTF-8 with a BOM (the default) is what Excel opens as Chinese without an import dialog.
 * GB18030, without a BOM, is for the systems and older Excel set up for the Chinese ANSI code page (GBK, which GB18030
 * extends: every GBK character has the same two bytes). Node's TextEncoder writes only UTF-8, so iconv-lite encodes it.
 */
export function screeningCsv(s: Screening, encoding: ScreenCsvEncoding = 'utf-8'): Buffer {
  const text = [RESULT_HEADER, ...resultRows(s)].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  if (encoding === 'gb18030') return iconv.encode(text, 'gb18030');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** "bidders=200,prohibited=0,restricted=3,review=1,incentive=0,clear=195,errors=1": the counts, for a header or a log line. */
export function screeningCounts(s: Screening): string {
  const count = (v: string) => s.items.filter((i) => i.result.check?.verdict === v).length;
  const parts = [
    `bidders=${s.items.length}`,
    ...(['prohibited', 'restricted', 'review', 'incentive', 'clear'] as const).map((v) => `${v}=${count(v)}`),
  ];
  return [...parts, `errors=${s.items.filter((i) => !i.result.check).length}`].join(',');
}
