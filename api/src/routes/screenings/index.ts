// POST /v1/screenings: a bidder roll in, the screened roll out (.xlsx with a summary sheet, or CSV in UTF-8 with BOM).
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError } from '../../errors.js';
import { caller } from '../../plugins/auth.js';
import {
  type RollFormat,
  readRoll,
  screenRoll,
  screeningCounts,
  screeningCsv,
  screeningXlsx,
} from '../../services/screen.js';
import { ScreeningQuery } from './schemas.js';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A roll of a few thousand bidders is well under this; the body is read whole before checking. */
export const ROLL_BYTE_LIMIT = 16 * 1024 * 1024;
const ROLL_TYPES: Record<string, RollFormat | undefined> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  [XLSX_MEDIA_TYPE]: 'xlsx',
  'application/octet-stream': undefined,
};

async function* limited(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) throw new ApiError('PAYLOAD_TOO_LARGE', `a roll may be at most ${limit} bytes`);
    yield chunk;
  }
}

const screeningRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(Object.keys(ROLL_TYPES), (_request, payload, done) => done(null, payload));

  app.post(
    '',
    {
      config: { scope: 'check' },
      bodyLimit: ROLL_BYTE_LIMIT,
      schema: {
        operationId: 'createScreening',
        tags: ['checks'],
        summary: 'Screen a bidder roll (.xlsx or .csv) and get the result file',
        description:
          'Every bidder is checked as by POST /v1/checks/batch, each with its own receipt. The answer is the roll ' +
          'screened: one row per bidder with the verdict, the lists (Chinese names), the measures with their 文号, the ' +
          'check id and the receipt hash, and (.xlsx) a summary sheet. A bidder with a bad code is a row of the result ' +
          `saying why, not a failure. Columns read: 统一社会信用代码, 投标人名称 (or 单位名称, 企业名称 …), 身份证号码, 办件号; others are ignored. At most 5000 bidders.`,
        querystring: ScreeningQuery,
        body: Type.Unknown({ description: 'The roll file itself (text/csv or the .xlsx media type)' }),
        consumes: Object.keys(ROLL_TYPES),
        response: {
          200: {
            description: 'The screened roll',
            content: {
              [XLSX_MEDIA_TYPE]: { schema: Type.String({ format: 'binary' }) },
              'text/csv': {
                schema: Type.String({
                  examples: [
                    '\uFEFF行号,投标人名称,统一社会信用代码,身份证号码（脱敏）,查询结果,名单,措施及文号,查询编号,回执哈希,说明\r\n',
                  ],
                }),
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const body = request.body as Readable | undefined;
      if (!body || typeof body[Symbol.asyncIterator] !== 'function' || !(type in ROLL_TYPES)) {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `send the roll as text/csv or ${XLSX_MEDIA_TYPE}`);
      }
      const format = request.query.format ?? ROLL_TYPES[type];
      if (!format) {
        throw new ApiError('VALIDATION_FAILED', 'say ?format=csv or ?format=xlsx for application/octet-stream', {
          errors: [{ path: '/querystring/format', message: 'is required for this content type' }],
        });
      }
      if (request.query.outputEncoding && request.query.output !== 'csv') {
        throw new ApiError('VALIDATION_FAILED', 'outputEncoding is for a CSV result: add output=csv', {
          errors: [{ path: '/querystring/outputEncoding', message: 'applies to output=csv only' }],
        });
      }
      const rows = await readRoll(limited(body, ROLL_BYTE_LIMIT), format, request.query.encoding ?? 'utf-8');
      const { matter, reference, title } = request.query;
      const screening = await screenRoll(
        app.yc.database.db,
        app.yc.secret,
        caller(request),
        { type: matter, reference, ...(title ? { title } : {}) },
        rows,
      );
      const output = request.query.output ?? 'xlsx';
      const name = `screening-${reference.replace(/[^A-Za-z0-9._-]/g, '_')}.${output}`;
      reply
        .header(
          'content-disposition',
          `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`筛查结果-${reference}.${output}`)}`,
        )
        .header('x-yingcha-batch-id', screening.batchId)
        .header('x-yingcha-screening', screeningCounts(screening))
        .header('cache-control', 'no-store');
      if (output === 'csv') {
        const encoding = request.query.outputEncoding ?? 'utf-8';
        return reply.type(`text/csv; charset=${encoding}`).send(screeningCsv(screening, encoding) as unknown as string);
      }
      return reply.type(XLSX_MEDIA_TYPE).send((await screeningXlsx(screening)) as unknown as string);
    },
  );
};

export default screeningRoutes;
