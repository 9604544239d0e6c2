import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Compile } from 'typebox/compile';
import { DEFAULTS, PAGE_SIZES } from '../../defaults.js';
import { ApiError, ERRORS, problemType } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import { type ImportEncoding, type ImportFormat, IMPORT_ENCODINGS } from '../../services/import-parse.js';
import { getImport, listImports, runImport } from '../../services/imports.js';
import { answerList } from '../paging.js';
import { PublishBody } from '../entries/schemas.js';
import { Ref } from '../schemas.js';
import {
  ImportFile,
  ImportList,
  ImportListQuery,
  ImportParams,
  ImportQuery,
  ImportRejected,
  ImportResult,
} from './schemas.js';

export interface ImportRoutesOptions {
  /** bytes an import body may have (YINGCHA_IMPORT_LIMIT) */
  limit?: number;
  /** rows per batch (YINGCHA_IMPORT_BATCH) */
  batchSize?: number;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FORMAT_BY_TYPE: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  [XLSX_TYPE]: 'xlsx',
};
// Bodies these routes take as a raw stream. The app-wide parsers buffer up to the 1 MiB body limit; a file is read
// as it arrives instead, under its own limit.
const STREAMED_TYPES = [...Object.keys(FORMAT_BY_TYPE), 'application/octet-stream', 'text/plain'];

// The same schema check POST /v1/entries gets from Fastify, compiled once, for each row.
const publishShape = Compile(PublishBody);
function checkShape(input: unknown): string | null {
  if (publishShape.Check(input)) return null;
  const first = publishShape.Errors(input)[0];
  if (!first) return 'does not match the record schema';
  const field = first.instancePath.replace(/^\/subject\//, '/').replace(/^\//, '') || 'row';
  return `${field} ${first.message}`;
}

function mediaType(header: string | undefined): { type: string; charset: string | undefined } {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  return { type: type.trim().toLowerCase(), charset };
}

const LINGER_MS = 2000;

const importRoutes: FastifyPluginAsyncTypebox<ImportRoutesOptions> = async (app, opts) => {
  const limit = opts.limit ?? DEFAULTS.importLimit;
  const batchSize = opts.batchSize ?? DEFAULTS.importBatch;
  app.addSchema(ImportResult);
  app.addContentTypeParser(STREAMED_TYPES, (_request, payload, done) => done(null, payload));
  // An answer before the whole file was read (a refusal, a 413). Closing at once would reset the connection while the
  // client is still sending, and a reset can throw away the answer before the client reads it: the client would see
  // a broken pipe instead of the 413. So Node discards what still arrives (it dumps an unread body), the client stops
  // once it has the answer, and the connection is cut only if the client keeps sending: a lingering close, bounded
  // in time rather than in the bytes discarded.
  app.addHook('onResponse', async (request) => {
    const raw = request.raw;
    if (raw.complete) return;
    // Under inject() the socket is a stand-in without destroy(); a TypeError thrown from this timer would be uncaught.
    const cut = setTimeout(() => {
      const socket = raw.socket as { destroy?: () => void } | null | undefined;
      if (typeof socket?.destroy === 'function') socket.destroy();
    }, LINGER_MS);
    cut.unref();
    raw.once('end', () => clearTimeout(cut));
    raw.once('close', () => clearTimeout(cut));
  });

  app.post(
    '',
    {
      config: { scope: 'publish' },
      schema: {
        operationId: 'createImport',
        tags: ['imports'],
        summary: 'Bulk-publish list records from a CSV, NDJSON or XLSX file',
        description:
          'Each row passes the same rules as POST /v1/entries and is idempotent on (source, sourceRecordId): importing ' +
          'the same file again writes nothing new (replayed), changed rows write new versions. Rows apply in file ' +
          'order, so a key repeated later in the file versions the record. all-or-nothing (default) answers 422 ' +
          'IMPORT_REJECTED with the row errors and writes nothing if any row is rejected; accept-valid answers 201 ' +
          'with the rejected rows listed. The answer comes when the import ends; GET /v1/imports shows progress.',
        querystring: ImportQuery,
        body: ImportFile,
        consumes: STREAMED_TYPES,
        response: { 201: Ref(ImportResult), 422: ImportRejected },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { type, charset } = mediaType(request.headers['content-type']);
      if (!body || typeof (body as Readable)[Symbol.asyncIterator] !== 'function' || !STREAMED_TYPES.includes(type)) {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `send the file as ${STREAMED_TYPES.join(', ')}`);
      }
      const format = request.query.format ?? FORMAT_BY_TYPE[type];
      if (!format) {
        throw new ApiError(
          'VALIDATION_FAILED',
          'say ?format=csv, ndjson or xlsx, or send text/csv, application/x-ndjson or the .xlsx media type',
          {
            errors: [{ path: '/querystring/format', message: 'is required for this content type' }],
          },
        );
      }
      const encoding = request.query.encoding ?? (charset === 'utf8' ? 'utf-8' : charset) ?? 'utf-8';
      if (!IMPORT_ENCODINGS.includes(encoding as ImportEncoding)) {
        throw new ApiError(
          'VALIDATION_FAILED',
          `charset ${encoding} is not supported; use ${IMPORT_ENCODINGS.join(', ')}`,
          {
            errors: [
              { path: '/headers/content-type', message: `charset must be one of ${IMPORT_ENCODINGS.join(', ')}` },
            ],
          },
        );
      }
      const declared = Number(request.headers['content-length']);
      if (declared > limit)
        throw new ApiError('PAYLOAD_TOO_LARGE', `an import may be at most ${limit} bytes (YINGCHA_IMPORT_LIMIT)`);

      const mode = request.query.mode ?? 'all-or-nothing';
      // At most YINGCHA_DEPARTMENT_JOBS batch/import jobs per department at once (429 DEPARTMENT_BUSY).
      const leave = app.jobs.enter(caller(request).department.departmentId);
      const result = await runImport(
        app.yc.database,
        caller(request),
        app.yc.secret,
        { format, mode, encoding: encoding as ImportEncoding, batchSize, limit, checkShape },
        body as Readable,
      ).finally(leave);
      if (result.status === 'rejected') {
        const { status, title } = ERRORS.IMPORT_REJECTED;
        return reply
          .code(status)
          .type('application/problem+json')
          .send({
            type: problemType('IMPORT_REJECTED'),
            title,
            status,
            detail: `${result.rejected} of ${result.rowsRead} rows rejected; nothing was written`,
            code: 'IMPORT_REJECTED' as const,
            requestId: String(request.id),
            importId: result.importId,
            rowsRead: result.rowsRead,
            accepted: 0,
            rejected: result.rejected,
            errors: result.errors,
            errorsOmitted: result.errorsOmitted,
          });
      }
      return reply.code(201).send(result);
    },
  );

  app.get(
    '',
    {
      config: { scope: 'publish' },
      schema: {
        operationId: 'listImports',
        tags: ['imports'],
        summary: "The calling department's latest imports, newest first",
        querystring: ImportListQuery,
        response: { 200: ImportList },
      },
    },
    async (request, reply) =>
      answerList(request, reply, 'imports', PAGE_SIZES.imports, (q) =>
        listImports(app.yc.database, caller(request), q),
      ),
  );

  app.get(
    '/:importId',
    {
      config: { scope: 'publish' },
      schema: {
        operationId: 'getImport',
        tags: ['imports'],
        summary: 'An import: status, counts, the rejected rows, who and when',
        description:
          'A running import shows its progress (accept-valid counts whole committed batches). An import whose process died reads as interrupted.',
        params: ImportParams,
        response: { 200: Ref(ImportResult) },
      },
    },
    async (request) => getImport(app.yc.database, caller(request), request.params.importId),
  );
};

export default importRoutes;
