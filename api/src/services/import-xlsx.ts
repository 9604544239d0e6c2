// Rows of an .xlsx import, read with exceljs's streaming reader: the zip is read entry by entry and the sheet row by
// row, and the shared-string table is kept in a temporary file (spilled-strings.ts), so memory does not grow with the
// row count.
// The first sheet with a header row is the list; other sheets are read past and ignored. Row numbers are the sheet's
// own, as Excel shows them; the layout records the sheet and its columns, so the import's row errors name the sheet,
// row and column (import-parse.ts locateError).
import { Readable } from 'node:stream';
import type { CellValue } from 'exceljs';
import { exceljs } from './exceljs.js';
import { ApiError } from '../errors.js';
import { SpilledStrings } from './spilled-strings.js';
import {
  ACCEPTED_HEADERS,
  type ImportLayout,
  type ParsedRow,
  columnOf,
  columnsOf,
  readHeader,
  rowOf,
  shanghaiDay,
} from './import-parse.js';

const DATE_FIELDS = new Set(['decidedAt', 'validFrom', 'validUntil']);
/** Excel's day 0 (1899-12-30, which absorbs the 1900 leap-year bug for every date after February 1900). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/**
 * A cell as text. exceljs gives an Excel date as a Date whose UTC fields are the wall-clock value shown in the cell,
 * so a date-only cell is that day in Asia/Shanghai and a date-time cell that moment there.
 */
export function cellText(value: CellValue, dateField: boolean): string | { error: string } {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { error: 'is not a valid date' };
    const day = shanghaiDay(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
    if (day === 'invalid') return { error: 'is not a valid date' };
    return new Date(Date.parse(day) + (value.getTime() % DAY_MS)).toISOString();
  }
  if (typeof value === 'number') {
    // A date column formatted as a number still holds Excel's day serial.
    if (dateField && value > 0 && value < 2_958_466)
      return cellText(new Date(EXCEL_EPOCH_MS + Math.round(value * DAY_MS)), true);
    return String(value);
  }
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value)
      return value.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('error' in value) return { error: `holds the Excel error ${value.error}` };
    if ('result' in value) return cellText(value.result ?? null, dateField);
    if ('text' in value) return String(value.text).trim();
    // A formula the workbook was saved without a computed value for: there is no text to read.
    return { error: 'holds a formula with no saved value' };
  }
  return String(value);
}

/** A table entry as the text the import reads: rich text is its runs' text (formatting is not imported). */
function plainText(text: unknown): string {
  if (typeof text === 'string') return text;
  if (text && typeof text === 'object' && 'richText' in text)
    return (text as { richText: Array<{ text?: string | null }> }).richText.map((r) => r.text ?? '').join('');
  return '';
}

/**
 * Puts a SpilledStrings file where exceljs keeps its shared-string table. In 'cache' mode exceljs assigns
 * `reader.sharedStrings = []` when it meets xl/sharedStrings.xml, `push`es each entry, and from then on a cell is
 * `reader.sharedStrings[i]`; it also reads the field to decide whether a sheet met before the table must wait in a
 * temporary file (it must: its cells could not be looked up yet). So the field is answered by an accessor: undefined
 * until the table begins, then a stand-in whose `push` appends to the file and whose numeric keys read from it.
 * (exceljs's 'emit' mode would hand the strings over without this, but it drops sheets stored after the table.)
 */
function spillSharedStrings(reader: object): { close(): void } {
  let table: SpilledStrings | undefined;
  const standIn = new Proxy(
    {},
    {
      get(_t, key) {
        if (key === 'push') return (v: unknown) => table!.add(plainText(v));
        return typeof key === 'string' ? table!.get(Number(key)) : undefined;
      },
    },
  );
  Object.defineProperty(reader, 'sharedStrings', {
    configurable: true,
    get: () => (table ? standIn : undefined),
    set: () => {
      table ??= SpilledStrings.create();
    },
  });
  return { close: () => table?.close() };
}

/** Every row of every sheet, in file order, as exceljs reads them (values are 1-based: values[1] is column A). */
export async function* sheetRows(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ sheet: string; row: number; values: CellValue[] }> {
  const reader = new (await exceljs()).stream.xlsx.WorkbookReader(Readable.from(body), {
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const table = spillSharedStrings(reader);
  try {
    // Every row is iterated, even of a sheet the caller ignores: leaving a loop early would abort the one zip stream.
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name: string }).name;
      for await (const row of sheet) yield { sheet: name, row: row.number, values: (row.values ?? []) as CellValue[] };
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(
      'INVALID_XLSX',
      `the file cannot be read as an .xlsx workbook (${(err as Error).message ?? 'unreadable'})`,
    );
  } finally {
    table.close();
  }
}

/** A row's cells as text, trailing empty cells dropped; an Excel error cell reads as empty. */
export function rowTexts(values: CellValue[]): string[] {
  const cells: string[] = [];
  for (let c = 1; c < values.length; c++) {
    const t = cellText(values[c] ?? null, false);
    cells[c - 1] = typeof t === 'string' ? t : '';
  }
  for (let i = 0; i < cells.length; i++) cells[i] ??= '';
  while (cells.length && !cells.at(-1)) cells.pop();
  return cells;
}

export async function* xlsxRows(body: AsyncIterable<Uint8Array>, layout: ImportLayout = {}): AsyncGenerator<ParsedRow> {
  let done = false;
  let current: string | undefined;
  let fields: string[] | undefined;
  let skip = false;
  for await (const { sheet: name, row, values } of sheetRows(body)) {
    if (name !== current) {
      if (fields) done = true;
      current = name;
      fields = undefined;
      skip = false;
    }
    if (done || skip) continue;
    if (!fields) {
      const cells = rowTexts(values);
      if (cells.length === 0) continue;
      // A cover sheet (说明, 填表说明 …) names no column at all: skip it. A sheet that names some is the list, and
      // its header must then be right.
      if (!cells.some((c) => columnOf(c) !== undefined)) {
        skip = true;
        continue;
      }
      fields = readHeader(cells, `sheet "${name}", row ${row}`);
      layout.sheet = name;
      layout.columns = columnsOf(fields, cells);
      continue;
    }
    const o: Record<string, string> = {};
    let error: string | undefined;
    for (let i = 0; i < fields.length; i++) {
      const t = cellText(values[i + 1] ?? null, DATE_FIELDS.has(fields[i]!));
      if (typeof t !== 'string') {
        error ??= `${fields[i]} ${t.error}`; // located by the import (locateError), like every row error
        continue;
      }
      o[fields[i]!] = t;
    }
    if (!error && Object.values(o).every((v) => v === '')) continue; // a blank row
    if (error) {
      yield { row, error: { row, code: 'VALIDATION_FAILED', message: error } };
      continue;
    }
    yield rowOf(row, o);
  }
  if (fields) done = true;
  if (!done)
    throw new ApiError(
      'INVALID_CSV_HEADER',
      `no sheet of the workbook has a header row naming the import columns; accepted columns: ${ACCEPTED_HEADERS}`,
    );
}
