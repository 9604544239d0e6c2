// Streaming decode and parse of an import file: bytes → text → records, one chunk at a time, so memory stays bounded
// by the largest record, never by the file. Pure: no database, no HTTP.
import type { PublishInput } from './entries.js';
import { ApiError } from '../errors.js';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
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
const REQUIRED = ['list', 'kind', 'name', 'decisionDocNo', 'reason', 'decidedAt', 'source', 'sourceRecordId'];

export interface RowError {
  row: number;
  code: string;
  message: string;
}

export type ParsedRow = { row: number; input: PublishInput } | { row: number; error: RowError };

/**
 * Text out of bytes. `fatal` so a GB18030 file sent as UTF-8 (or a corrupt one) stops the import with
 * INVALID_ENCODING instead of importing names full of U+FFFD. The UTF-8 BOM is dropped by the decoder itself.
 */
export async function* decode(body: AsyncIterable<Uint8Array>, encoding: ImportEncoding): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  const fail = () => new ApiError('INVALID_ENCODING', `the body is not valid ${encoding}; declare the encoding with ?encoding= or a charset`);
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
      throw new ApiError('MALFORMED_ROW', `a record is longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?)`);
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
    let text = carry + chunk;
    let nl: number;
    let from = 0;
    while ((nl = text.indexOf('\n', from)) !== -1) {
      line++;
      const l = text.slice(from, nl).trim();
      if (l) yield [line, l];
      from = nl + 1;
    }
    carry = text.slice(from);
    text = '';
    if (carry.length > MAX_RECORD_CHARS) throw new ApiError('MALFORMED_ROW', `line ${line + 1} is longer than ${MAX_RECORD_CHARS} characters`);
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
  if (typeof former === 'string') former = former.split('|').map((s) => s.trim()).filter(Boolean);
  let points = get('points');
  if (typeof points === 'string' && /^\s*\d+\s*$/.test(points)) points = Number(points);
  const subject: Record<string, unknown> = { kind: get('kind'), name: get('name') };
  if (get('uscc') !== undefined) subject.uscc = get('uscc');
  if (get('idNumber') !== undefined) subject.idNumber = get('idNumber');
  if (former !== undefined) subject.formerNames = former;
  const input: Record<string, unknown> = { subject };
  for (const k of ['list', 'decisionDocNo', 'reason', 'decidedAt', 'validFrom', 'validUntil', 'scopeRegion', 'source', 'sourceRecordId']) {
    const v = get(k);
    if (v !== undefined) input[k] = v;
  }
  if (points !== undefined) input.points = points;
  return input as unknown as PublishInput;
}

/**
 * Rows of a CSV file. `row` is the record's 1-based position in the file with the header as row 1, so the first data
 * row is 2, as a spreadsheet numbers it. A header naming an unknown or repeated column, or missing a required one,
 * stops the import (INVALID_CSV_HEADER): no row of such a file could be read as meant.
 */
export async function* csvRows(text: AsyncIterable<string>): AsyncGenerator<ParsedRow> {
  let header: string[] | undefined;
  let row = 0;
  for await (const rec of csvRecords(text)) {
    row++;
    if (!header) {
      header = rec.map((h) => h.trim());
      const unknown = header.filter((h) => !KNOWN.has(h));
      const repeated = header.filter((h, i) => header!.indexOf(h) !== i);
      const missing = REQUIRED.filter((h) => !header!.includes(h));
      if (unknown.length || repeated.length || missing.length) {
        const parts = [
          unknown.length ? `unknown column(s) ${unknown.join(', ')}` : '',
          repeated.length ? `repeated column(s) ${repeated.join(', ')}` : '',
          missing.length ? `missing column(s) ${missing.join(', ')}` : '',
        ].filter(Boolean);
        throw new ApiError('INVALID_CSV_HEADER', `${parts.join('; ')}; the columns are ${IMPORT_COLUMNS.join(', ')}`);
      }
      continue;
    }
    if (rec.length !== header.length) {
      yield rowError(row, 'MALFORMED_ROW', `has ${rec.length} fields; the header has ${header.length}`);
      continue;
    }
    const o: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) o[header[i]!] = rec[i]!.trim();
    yield { row, input: toPublishInput(o) };
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
        yield rowError(row, 'VALIDATION_FAILED', 'subject/relatedPersons is not imported in bulk; publish such a record with POST /v1/entries');
        continue;
      }
      o = { ...rest, ...s };
    }
    const unknown = Object.keys(o).filter((k) => !KNOWN.has(k));
    if (unknown.length) {
      yield rowError(row, 'VALIDATION_FAILED', `${unknown.join(', ')} is not a known field; fields: ${IMPORT_COLUMNS.join(', ')}`);
      continue;
    }
    yield { row, input: toPublishInput(o) };
  }
}
