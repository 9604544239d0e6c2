// Streaming decode and parse of an import file: bytes → text → records, one chunk at a time, so memory stays bounded
// by the largest record, never by the file. Pure: no database, no HTTP.
import type { PublishInput } from './entries.js';
import { ApiError } from '../errors.js';
import type { RowError } from '../routes/imports/schemas.js';

export const IMPORT_FORMATS = ['csv', 'ndjson', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const IMPORT_ENCODINGS = ['utf-8', 'gb18030', 'gbk'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

/** A record longer than this is almost always an unclosed quote swallowing the rest of the file. */
export const MAX_RECORD_CHARS = 64 * 1024;

/** The fields a row may carry: the entry's field names, flat (the subject's fields sit beside the record's). */
export const IMPORT_COLUMNS = [
  'list',
  'kind',
  'uscc',
  'idNumber',
  'name',
  'formerNames',
  'decisionDocNo',
  'reason',
  'decidedAt',
  'validFrom',
  'validUntil',
  'points',
  'scopeRegion',
  'source',
  'sourceRecordId',
] as const;
const KNOWN = new Set<string>(IMPORT_COLUMNS);
type Column = (typeof IMPORT_COLUMNS)[number];

/** The Chinese names departments' exports use for each column (README, Bulk import). */
export const COLUMN_ALIASES: Record<Column, readonly string[]> = {
  list: ['名单', '名单类型', '名单代码'],
  kind: ['主体类型'],
  uscc: ['统一社会信用代码', '社会信用代码'],
  idNumber: ['身份证号码', '身份证号', '居民身份证号码', '居民身份证号'],
  name: ['主体名称', '企业名称', '姓名', '名称'],
  formerNames: ['曾用名'],
  decisionDocNo: ['认定文书号', '决定文书号', '文书号'],
  reason: ['失信行为', '认定事由', '守信行为'],
  decidedAt: ['认定日期', '决定日期'],
  validFrom: ['有效期起', '有效期自'],
  validUntil: ['有效期至', '有效期止'],
  points: ['分值', '记分'],
  scopeRegion: ['适用地区', '适用地区代码'],
  source: ['来源', '数据来源'],
  sourceRecordId: ['来源记录号', '来源记录编号'],
};
const BY_HEADER = new Map<string, Column>(
  (Object.entries(COLUMN_ALIASES) as Array<[Column, readonly string[]]>).flatMap(([c, names]) => [
    [c, c] as [string, Column],
    ...names.map((n) => [n, c] as [string, Column]),
  ]),
);
/** "list (名单), kind (主体类型), …": the names a header may use, in both languages. */
export const ACCEPTED_HEADERS = IMPORT_COLUMNS.map((c) => `${c} (${COLUMN_ALIASES[c].join('/')})`).join(', ');

/** The column a header names: the field name or a Chinese alias; a required-marker star and spaces are ignored. */
export function columnOf(header: string): Column | undefined {
  return BY_HEADER.get(header.replace(/^\uFEFF/, '').replace(/[*＊\s]/g, ''));
}

/** Subject kinds as exports write them. */
const KIND_ALIASES: Record<string, string> = {
  企业: 'enterprise',
  法人: 'enterprise',
  个人: 'person',
  自然人: 'person',
  个体工商户: 'individual_business',
  其他组织: 'other_org',
};

const DATE_COLUMNS = ['decidedAt', 'validFrom', 'validUntil'] as const;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/**
 * A date-only value as departments write it (2026-06-01, 2026/6/1, 2026年6月1日, 2026.6.1) → that day's start in
 * Asia/Shanghai as an ISO instant; null when the text is not date-only (a full date-time passes through unchanged);
 * 'invalid' for an impossible day such as 2026-02-30.
 */
export function dateOnly(text: string): string | null | 'invalid' {
  const m = /^(\d{4})(?:-|\/|\.|年)(\d{1,2})(?:-|\/|\.|月)(\d{1,2})日?$/.exec(text.trim());
  if (!m) return null;
  return shanghaiDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function shanghaiDay(y: number, mo: number, d: number): string | 'invalid' {
  const utc = Date.UTC(y, mo - 1, d);
  const back = new Date(utc);
  if (mo < 1 || mo > 12 || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return 'invalid';
  return new Date(utc - SHANGHAI_OFFSET_MS).toISOString();
}

const DAY_MS = 86_400_000;
const nextDay = (iso: string) => new Date(Date.parse(iso) + DAY_MS).toISOString();

/** Rewrites date-only values and Chinese kinds in place; the first impossible date is returned as a message. */
function normalizeValues(o: Record<string, unknown>): string | null {
  for (const k of DATE_COLUMNS) {
    const v = o[k];
    if (typeof v !== 'string' || v === '') continue;
    const day = dateOnly(v);
    if (day === 'invalid') return `${k} ${v} is not a date (no such day)`;
    // 有效期至 2027-06-01 means in force through that day; validUntil is exclusive, so it ends at the next day's start.
    if (day !== null) o[k] = k === 'validUntil' ? nextDay(day) : day;
  }
  if (typeof o.kind === 'string' && KIND_ALIASES[o.kind.trim()]) o.kind = KIND_ALIASES[o.kind.trim()];
  return null;
}
const REQUIRED = ['list', 'kind', 'name', 'decisionDocNo', 'reason', 'decidedAt', 'source', 'sourceRecordId'];

/** A rejected row as an import answers it (routes/imports/schemas.ts). */
export type { RowError };

export type ParsedRow = { row: number; input: PublishInput } | { row: number; error: RowError };

/**
 * Text out of bytes. `fatal` so a GB18030 file sent as UTF-8 (or a corrupt one) stops the import with
 * INVALID_ENCODING instead of importing names full of U+FFFD. The UTF-8 BOM is dropped by the decoder itself.
 */
export async function* decode(body: AsyncIterable<Uint8Array>, encoding: ImportEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const fail = () =>
    new ApiError(
      'INVALID_ENCODING',
      `the body is not valid ${encoding}; declare the encoding with ?encoding= or a charset`,
    );
  try {
    for await (const chunk of body) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch (err) {
    if (err instanceof TypeError) throw fail();
    throw err;
  }
}

/** RFC 4180 records (quoted fields, "" escapes, CRLF or LF, line breaks inside quotes), across chunk boundaries. */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<string[]> {
  let fields: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let afterQuote = false; // a quote was seen inside a quoted field: either an escape or the closing quote
  let any = false; // the current record has content
  for await (const chunk of chunks) {
    let start = 0; // plain run of the current field not yet copied into `field`
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (afterQuote) {
        afterQuote = false;
        if (c === 34) {
          field += '"';
          start = i + 1;
          continue;
        }
        quoted = false;
      }
      if (quoted) {
        if (c !== 34) continue;
        field += chunk.slice(start, i);
        start = i + 1;
        // Only a lookahead tells "" from a closing quote; at the chunk's end it is decided on the next chunk.
        if (i + 1 < chunk.length) {
          if (chunk.charCodeAt(i + 1) === 34) {
            field += '"';
            i++;
            start = i + 1;
          } else quoted = false;
        } else afterQuote = true;
        continue;
      }
      if (c === 34 && i === start && field === '') {
        quoted = true;
        any = true;
        start = i + 1;
      } else if (c === 44) {
        fields.push(field + chunk.slice(start, i));
        field = '';
        start = i + 1;
        any = true;
      } else if (c === 10 || c === 13) {
        const value = field + chunk.slice(start, i);
        if (any || value !== '') {
          fields.push(value);
          yield fields;
        }
        fields = [];
        field = '';
        any = false;
        start = i + 1;
      }
    }
    field += chunk.slice(start);
    if (field.length > MAX_RECORD_CHARS || fields.length > IMPORT_COLUMNS.length * 4) {
      throw new ApiError(
        'MALFORMED_ROW',
        `a record is longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`,
      );
    }
    if (field !== '') any = true;
  }
  if (quoted && !afterQuote) throw new ApiError('MALFORMED_ROW', 'the file ends inside a quoted field');
  if (any || field !== '') {
    fields.push(field);
    yield fields;
  }
}

/** Lines of NDJSON, with their 1-based line numbers; blank lines are skipped but keep their numbers. */
export async function* ndjsonLines(chunks: AsyncIterable<string>): AsyncGenerator<[number, string]> {
  let carry = '';
  let line = 0;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let nl: number;
    let from = 0;
    while ((nl = text.indexOf('\n', from)) !== -1) {
      line++;
      const l = text.slice(from, nl).trim();
      if (l) yield [line, l];
      from = nl + 1;
    }
    carry = text.slice(from);
    if (carry.length > MAX_RECORD_CHARS)
      throw new ApiError('MALFORMED_ROW', `line ${line + 1} is longer than ${MAX_RECORD_CHARS} characters`);
  }
  if (carry.trim()) yield [line + 1, carry.trim()];
}

const rowError = (row: number, code: string, message: string): ParsedRow => ({ row, error: { row, code, message } });

/**
 * The flat row shape turned into the body of POST /v1/entries. Empty cells are absent fields; `points` becomes a
 * number only when it is a whole number, so anything else fails the schema with the same message a publish gets.
 */
export function toPublishInput(o: Record<string, unknown>): PublishInput {
  const get = (k: string) => {
    const v = o[k];
    return v === '' || v === null ? undefined : v;
  };
  let former = get('formerNames');
  if (typeof former === 'string')
    former = former
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
  let points = get('points');
  if (typeof points === 'string' && /^\s*\d+\s*$/.test(points)) points = Number(points);
  const subject: Record<string, unknown> = { kind: get('kind'), name: get('name') };
  if (get('uscc') !== undefined) subject.uscc = get('uscc');
  if (get('idNumber') !== undefined) subject.idNumber = get('idNumber');
  if (former !== undefined) subject.formerNames = former;
  const input: Record<string, unknown> = { subject };
  for (const k of [
    'list',
    'decisionDocNo',
    'reason',
    'decidedAt',
    'validFrom',
    'validUntil',
    'scopeRegion',
    'source',
    'sourceRecordId',
  ]) {
    const v = get(k);
    if (v !== undefined) input[k] = v;
  }
  if (points !== undefined) input.points = points;
  return input as unknown as PublishInput;
}

/**
 * The columns a header row names, in order (Chinese names read as their field). An unknown, repeated or missing
 * required column stops the import: no row of such a file could be read as meant. `where` names the sheet for XLSX.
 */
export function readHeader(cells: string[], where = 'the header'): Column[] {
  const header = cells.map((h) => h.trim());
  const cols = header.map(columnOf);
  const unknown = header.filter((_, i) => cols[i] === undefined);
  const repeated = header.filter((_, i) => cols[i] !== undefined && cols.indexOf(cols[i]) !== i);
  const missing = REQUIRED.filter((c) => !cols.includes(c as Column));
  if (unknown.length || repeated.length || missing.length) {
    const parts = [
      unknown.length ? `unknown column(s) ${unknown.map((h) => JSON.stringify(h)).join(', ')}` : '',
      repeated.length ? `repeated column(s) ${repeated.join(', ')}` : '',
      missing.length ? `missing column(s) ${missing.join(', ')}` : '',
    ].filter(Boolean);
    throw new ApiError('INVALID_CSV_HEADER', `${where}: ${parts.join('; ')}; accepted columns: ${ACCEPTED_HEADERS}`);
  }
  return cols as Column[];
}

/** A row's fields → the publish body, or a row error for a value no record could carry (an impossible date). */
export function rowOf(row: number, o: Record<string, unknown>): ParsedRow {
  const bad = normalizeValues(o);
  if (bad) return rowError(row, 'VALIDATION_FAILED', bad);
  return { row, input: toPublishInput(o) };
}

/**
 * Rows of a CSV file. `row` is the record's 1-based position in the file with the header as row 1, so the first data
 * row is 2, as a spreadsheet numbers it. A header naming an unknown or repeated column, or missing a required one,
 * stops the import (INVALID_CSV_HEADER): no row of such a file could be read as meant.
 */
export async function* csvRows(text: AsyncIterable<string>, layout: ImportLayout = {}): AsyncGenerator<ParsedRow> {
  let header: Column[] | undefined;
  let row = 0;
  for await (const rec of csvRecords(text)) {
    row++;
    if (!header) {
      header = readHeader(rec);
      layout.columns = columnsOf(header, rec);
      continue;
    }
    if (rec.length !== header.length) {
      yield rowError(row, 'MALFORMED_ROW', `has ${rec.length} fields; the header has ${header.length}`);
      continue;
    }
    const o: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) o[header[i]!] = rec[i]!.trim();
    yield rowOf(row, o);
  }
}

/**
 * Rows of an NDJSON file, one JSON object per line, `row` being the line number. The flat shape of the CSV columns is
 * read, and so is the body of POST /v1/entries with its nested `subject` (except relatedPersons, which need the
 * single-record route).
 */
export async function* ndjsonRows(text: AsyncIterable<string>): AsyncGenerator<ParsedRow> {
  for await (const [row, line] of ndjsonLines(text)) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield rowError(row, 'MALFORMED_ROW', 'is not valid JSON');
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield rowError(row, 'MALFORMED_ROW', 'is not a JSON object');
      continue;
    }
    let o = value as Record<string, unknown>;
    if (o.subject && typeof o.subject === 'object' && !Array.isArray(o.subject)) {
      const { subject, ...rest } = o;
      const s = subject as Record<string, unknown>;
      if (s.relatedPersons !== undefined) {
        yield rowError(
          row,
          'VALIDATION_FAILED',
          'subject/relatedPersons is not imported in bulk; publish such a record with POST /v1/entries',
        );
        continue;
      }
      o = { ...rest, ...s };
    }
    const unknown = Object.keys(o).filter((k) => !KNOWN.has(k));
    if (unknown.length) {
      yield rowError(
        row,
        'VALIDATION_FAILED',
        `${unknown.join(', ')} is not a known field; fields: ${IMPORT_COLUMNS.join(', ')}`,
      );
      continue;
    }
    yield rowOf(row, o);
  }
}

/** The rows of an import body in any format; XLSX is binary, so it is not decoded as text. */
export async function* parseRows(
  body: AsyncIterable<Uint8Array>,
  format: ImportFormat,
  encoding: ImportEncoding,
  layout?: ImportLayout,
): AsyncGenerator<ParsedRow> {
  if (format === 'xlsx') {
    const { xlsxRows } = await import('./import-xlsx.js');
    yield* xlsxRows(body, layout);
    return;
  }
  const text = decode(body, encoding);
  yield* format === 'csv' ? csvRows(text, layout) : ndjsonRows(text);
}

/** Where a CSV or XLSX import's rows came from, filled in as the header is read, so row errors can name the column. */
export interface ImportLayout {
  /** XLSX: the sheet holding the list */
  sheet?: string;
  /** field → [column letter, header text] */
  columns?: Record<string, [string, string]>;
}

export const columnLetter = (n: number): string =>
  n <= 0 ? '' : columnLetter(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26));

/** The layout's columns for a header row: each field at its spreadsheet letter, with the header text as written. */
export function columnsOf(fields: readonly string[], cells: readonly string[]): Record<string, [string, string]> {
  return Object.fromEntries(fields.map((f, i) => [f, [columnLetter(i + 1), (cells[i] ?? f).trim()]]));
}

/** The column a row error's code is about when its message does not start with the field. */
const FIELD_OF_CODE: Record<string, string> = {
  INVALID_USCC: 'uscc',
  INVALID_ID_NUMBER: 'idNumber',
  FORBIDDEN_LIST: 'list',
};

/**
 * A row error located the way a clerk finds the cell: `sheet "失信名单", row 5, column C (统一社会信用代码): uscc …` for
 * XLSX, `row 5, column C (uscc): …` for CSV, with the same as fields (sheet, column, header). The column is the one the
 * message leads with (every row message starts with its field) or the one the code is about; an error about the
 * whole row (CONFLICT, MALFORMED_ROW) names no column. NDJSON names fields already and has no layout.
 */
export function locateError(e: RowError, layout: ImportLayout): RowError {
  if (!layout.columns || e.column !== undefined || e.message.startsWith('sheet ')) return e;
  const lead = /^([A-Za-z]+)\b/.exec(e.message)?.[1];
  const field = lead && KNOWN.has(lead) ? lead : FIELD_OF_CODE[e.code];
  const col = field ? layout.columns[field] : undefined;
  const text = field && field !== lead && col ? `${field} ${e.message}` : e.message;
  const where = `${layout.sheet !== undefined ? `sheet "${layout.sheet}", ` : ''}row ${e.row}${col ? `, column ${col[0]} (${col[1]})` : ''}`;
  return {
    ...e,
    message: `${where}: ${text}`,
    ...(layout.sheet !== undefined ? { sheet: layout.sheet } : {}),
    ...(col ? { column: col[0], header: col[1] } : {}),
  };
}

/** A list name as typed: quotes, spaces and the width of brackets vary between a clerk's sheet and the catalogue. */
const listKey = (s: string) =>
  s
    .normalize('NFKC')
    .replace(/[\s"'“”‘’「」『』]/g, '')
    .toLowerCase();

export interface ListRef {
  code: string;
  name: string;
}

/**
 * The 名单 cell → a list code: the code itself, or the list's Chinese name (安全生产不良记录“黑名单”, with or without
 * the quotes). undefined when it is neither; `accepted` then says what is.
 */
export function listResolver(lists: readonly ListRef[]): {
  resolve(text: string): string | undefined;
  accepted: string;
} {
  const byKey = new Map<string, string>();
  for (const l of lists) {
    byKey.set(listKey(l.code), l.code);
    byKey.set(listKey(l.name), l.code);
  }
  return {
    resolve: (text) => byKey.get(listKey(text)),
    accepted: lists.map((l) => `${l.code} (${l.name})`).join(', '),
  };
}
