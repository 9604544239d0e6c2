import { type Static, Type } from 'typebox';
import { IMPORT_COLUMNS, IMPORT_ENCODINGS, IMPORT_FORMATS } from '../../services/import-parse.js';
import { IMPORT_MODES } from '../../services/imports.js';
import { NextCursor, pageParams } from '../paging.js';
import { Ref, Timestamp, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

export const ImportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(IMPORT_FORMATS, {
        description: 'csv or ndjson; default from the Content-Type (text/csv, application/x-ndjson)',
      }),
    ),
    mode: Type.Optional(
      Type.Enum(IMPORT_MODES, {
        default: 'all-or-nothing',
        description:
          'all-or-nothing: one transaction, committed only if no row is rejected. accept-valid: valid rows are ' +
          'committed batch by batch and rejected rows are reported.',
      }),
    ),
    encoding: Type.Optional(
      Type.Enum(IMPORT_ENCODINGS, {
        description: 'Text encoding; default the charset of the Content-Type, else utf-8 (a BOM is accepted)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ImportFile = Type.Unknown({
  description:
    `The file itself, streamed. CSV (RFC 4180, header row) with the columns ${IMPORT_COLUMNS.join(', ')} (formerNames ` +
    'separated by |; only list, kind, name, decisionDocNo, reason, decidedAt, source and sourceRecordId are required ' +
    'columns), or NDJSON with one object per line using the same field names (the body of POST /v1/entries with a ' +
    'nested subject is read too). UTF-8 with or without BOM, or GB18030/GBK with ?encoding= or ;charset=.',
  examples: [
    'list,kind,uscc,name,decisionDocNo,reason,decidedAt,source,sourceRecordId\n' +
      'safety.blacklist,enterprise,91230400MA1B2C3D4Q,鹤岗市恒达建筑工程有限公司,鹤应急罚〔2026〕12号,发生较大生产安全责任事故,2026-11-01T00:00:00Z,鹤岗市应急管理局执法系统,HG-2026-000123\n',
  ],
});

export const RowError = Type.Object({
  row: Type.Integer({
    description:
      "CSV: the record number with the header as row 1 (a spreadsheet row number); XLSX: the sheet's row number; NDJSON: the line number",
  }),
  code: Type.String({
    description: 'The code a single POST /v1/entries would answer (INVALID_USCC, FORBIDDEN_LIST, …), or MALFORMED_ROW',
  }),
  message: Type.String({
    description:
      'CSV and XLSX messages start with where the cell is: `sheet "失信名单", row 5, column C (统一社会信用代码): …` (XLSX), `row 5, column C (uscc): …` (CSV)',
  }),
  sheet: Type.Optional(Type.String({ description: 'XLSX: the sheet the row is on' })),
  column: Type.Optional(
    Type.String({
      description:
        'CSV and XLSX: the column at fault as a spreadsheet letters it (A, B, … AA); absent when the error is about the whole row',
    }),
  ),
  header: Type.Optional(
    Type.String({ description: "that column's header as the file writes it (统一社会信用代码, uscc …)" }),
  ),
});
export type RowError = Static<typeof RowError>;

const IMPORT_FIELDS = {
  importId: Uuid,
  status: Type.Enum(['running', 'completed', 'rejected', 'failed', 'interrupted'], {
    description:
      'running | completed | rejected (all-or-nothing with rejected rows: nothing written) | failed (stopped by a ' +
      'request-level error, see failure) | interrupted (the process running it died; accept-valid keeps whole batches)',
  }),
  format: Type.String(),
  mode: Type.String(),
  departmentId: Uuid,
  keyId: Uuid,
  rowsRead: Type.Integer({ description: 'data rows read' }),
  accepted: Type.Integer({ description: 'rows written or replayed (created + updated + replayed)' }),
  rejected: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer({ description: 'rows that wrote a new version of an existing record' }),
  replayed: Type.Integer({ description: 'rows identical to the current version: nothing written' }),
  errors: Type.Array(RowError, { description: 'the first 1000 rejected rows' }),
  errorsOmitted: Type.Integer({ description: 'rejected rows beyond the first 1000' }),
  failure: Type.Union([Type.Object({ code: Type.String(), detail: Type.String() }), Type.Null()]),
  startedAt: Timestamp,
  finishedAt: Type.Union([Timestamp, Type.Null()]),
};

const EXAMPLE = {
  importId: '6a1f0c2e-1b7d-4a8e-9f3c-2d4e5f6a7b8c',
  status: 'completed',
  format: 'csv',
  mode: 'accept-valid',
  departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
  keyId: '4c3b2a19-0f8e-4d7c-8b6a-5f4e3d2c1b0a',
  rowsRead: 3,
  accepted: 2,
  rejected: 1,
  created: 2,
  updated: 0,
  replayed: 0,
  errors: [
    {
      row: 3,
      code: 'INVALID_USCC',
      message: 'row 3, column C (uscc): uscc the check character (position 18) does not match the first 17 characters',
      column: 'C',
      header: 'uscc',
    },
  ],
  errorsOmitted: 0,
  failure: null,
  startedAt: '2026-11-22T08:30:00.000Z',
  finishedAt: '2026-11-22T08:30:01.000Z',
};

export const ImportResult = Type.Object(IMPORT_FIELDS, { $id: 'ImportResult', examples: [EXAMPLE] });
export type ImportResult = Static<typeof ImportResult>;

export const ImportRejected = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.Literal('IMPORT_REJECTED'),
    requestId: Type.String(),
    importId: IMPORT_FIELDS.importId,
    rowsRead: IMPORT_FIELDS.rowsRead,
    accepted: IMPORT_FIELDS.accepted,
    rejected: IMPORT_FIELDS.rejected,
    errors: IMPORT_FIELDS.errors,
    errorsOmitted: IMPORT_FIELDS.errorsOmitted,
  },
  {
    description:
      'all-or-nothing with rejected rows: nothing was written, and the errors name the rows (GET the import for the rest)',
    examples: [
      {
        type: 'urn:yingcha:problem:import-rejected',
        title: 'Rows of the import were rejected; nothing was written',
        status: 422,
        detail: '1 of 3 rows rejected; nothing was written',
        code: 'IMPORT_REJECTED',
        requestId: '5f0c6a0e-3c1f-4f5e-9a39-1f2d7b1f9a10',
        importId: EXAMPLE.importId,
        rowsRead: 3,
        accepted: 0,
        rejected: 1,
        errors: EXAMPLE.errors,
        errorsOmitted: 0,
      },
    ],
  },
);

export const ImportParams = Type.Object({ importId: Uuid });

export const ImportList = Type.Object(
  { imports: Type.Array(Ref(ImportResult)), nextCursor: NextCursor },
  { examples: [{ imports: [EXAMPLE], nextCursor: null }] },
);

export const ImportListQuery = Type.Object(pageParams(PAGE_SIZES.imports), { additionalProperties: false });
