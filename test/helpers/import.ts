// Rows for import tests: valid list records by default, any field overridable, written as CSV or NDJSON.
import { uscc } from './world.js';

export const IMPORT_COLUMNS = [
  'list',
  'kind',
  'uscc',
  'idNumber',
  'name',
  'decisionDocNo',
  'reason',
  'decidedAt',
  'validFrom',
  'points',
  'source',
  'sourceRecordId',
  'formerNames',
] as const;
export type Row = Partial<Record<(typeof IMPORT_COLUMNS)[number], string>>;

let serial = 0;
/** A valid safety.blacklist record of a new enterprise; the bootstrap department (信用办) may publish it. */
export function row(over: Row = {}): Row {
  serial++;
  return {
    list: 'safety.blacklist',
    kind: 'enterprise',
    uscc: uscc(),
    name: `鹤岗市第${serial}建筑工程有限公司`,
    decisionDocNo: `鹤应急罚〔2026〕${serial}号`,
    reason: '发生较大生产安全责任事故',
    decidedAt: '2026-10-01T00:00:00Z',
    validFrom: '2026-10-02T00:00:00Z',
    source: 'test-import',
    sourceRecordId: `IMP-${process.pid}-${serial}`,
    ...over,
  };
}

const cell = (v: string | undefined) =>
  v === undefined ? '' : /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;

export const csvHeader = (columns: readonly string[] = IMPORT_COLUMNS) => columns.join(',') + '\r\n';
export const csvLines = (rows: Row[], columns: readonly string[] = IMPORT_COLUMNS) =>
  rows.map((r) => columns.map((c) => cell(r[c as keyof Row])).join(',') + '\r\n').join('');
export const csv = (rows: Row[], columns: readonly string[] = IMPORT_COLUMNS) =>
  csvHeader(columns) + csvLines(rows, columns);

export function ndjson(rows: Row[]): string {
  return rows.map((r) => JSON.stringify({ ...r, ...(r.points ? { points: Number(r.points) } : {}) })).join('\n') + '\n';
}
