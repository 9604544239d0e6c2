// 告知书 routes: issue and render a check's notice (keyed), open it by a signed link and verify it by its QR code
// (public, HTML). The public pages answer Chinese HTML, errors included: a browser, not a program, reads them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ERRORS, type ErrorCode, inBody } from '../../errors.js';
import { DEFAULTS } from '../../defaults.js';
import { actorOf, caller } from '../../plugins/auth.js';
import {
  checkNoticeLink,
  errorPage,
  issueNotice,
  noticeForLink,
  renderNotice,
  renderNoticeFor,
  setNoticePrefix,
  signNoticeLink,
  verifyPage,
  verifyReceipt,
} from '../../services/notice.js';
import { CheckParams } from '../checks/schemas.js';
import { Uuid } from '../schemas.js';
import { NoticeIssued, NoticePrefix, NoticePrefixBody } from './schemas.js';

export interface NoticeRoutesOptions {
  /** how long a signed notice link opens (YINGCHA_NOTICE_LINK_TTL, seconds) */
  linkTtlSeconds?: number;
  /** the public base URL links and QR codes point to (YINGCHA_PUBLIC_URL); default: the request's own origin */
  publicUrl?: string;
  /** requests per client address per minute to the public pages (signed links, /verify); YINGCHA_RATE_PUBLIC_PAGES */
  publicPagesPerMinute?: number;
}

const Html = (example: string, description = 'HTML page') => ({
  description,
  content: { 'text/html': { schema: Type.String({ examples: [example] }) } },
});

const sendHtml = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .send(html);

function sendErrorPage(reply: FastifyReply, code: ErrorCode, heading: string, text: string) {
  return sendHtml(reply, ERRORS[code].status, errorPage(code, heading, text));
}

const noticeRoutes: FastifyPluginAsyncTypebox<NoticeRoutesOptions> = async (app, opts) => {
  const db = () => app.yc.database.db;
  const ttl = opts.linkTtlSeconds ?? DEFAULTS.noticeLinkTtlSeconds;
  const base = (request: FastifyRequest) =>
    (opts.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
  const verifyUrl = (request: FastifyRequest) => (hash: string) => `${base(request)}/verify/${hash}`;

  // The public pages have no key to budget, so they are budgeted per client address, through the same limiter (and
  // Redis store) as the keyed routes (plugins/rate-limit.ts); absent when limits are switched off.
  const perAddress = app.hasDecorator('createRateLimit')
    ? app.createRateLimit({
        max: opts.publicPagesPerMinute ?? DEFAULTS.publicPagesPerMinute,
        timeWindow: 60_000,
        keyGenerator: (r) => `public:${r.ip}`,
      })
    : undefined;
  const publicBudget = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!perAddress) return;
    const r = await perAddress(request);
    if (r.isAllowed) return;
    reply
      .header('ratelimit-limit', r.max)
      .header('ratelimit-remaining', Math.max(0, r.remaining))
      .header('ratelimit-reset', r.ttlInSeconds);
    if (!r.isExceeded) return;
    reply.header('retry-after', String(Math.max(1, r.ttlInSeconds)));
    return sendErrorPage(reply, 'RATE_LIMITED', '请求过于频繁', `请 ${Math.max(1, r.ttlInSeconds)} 秒后再试。`);
  };

  app.post(
    '/v1/checks/:checkId/notice',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'issueCheckNotice',
        tags: ['checks'],
        summary: 'Issue the 惩戒告知书 of a check: a document number and a signed link',
        description:
          'The first call numbers the notice (per issuing department and year, gapless) and records who issued it and ' +
          'when (201); later calls return the same number (200) with a fresh link. The link opens the HTML without a ' +
          'key until expiresAt (YINGCHA_NOTICE_LINK_TTL, default 24 h).',
        params: CheckParams,
        // No body at all is the usual call, so the body may be null (Fastify validates an absent body as null).
        body: Type.Union([
          Type.Object(
            {
              operator: Type.Optional(
                Type.String({
                  minLength: 1,
                  maxLength: 100,
                  description: 'who at the window issued it (name or staff number)',
                }),
              ),
            },
            { additionalProperties: false, examples: [{ operator: '窗口 3 号 王敏' }] },
          ),
          Type.Null(),
        ]),
        response: { 200: NoticeIssued, 201: NoticeIssued },
      },
    },
    async (request, reply) => {
      const { notice, created } = await issueNotice(
        db(),
        caller(request),
        request.params.checkId,
        request.body?.operator,
      );
      const link = signNoticeLink(app.yc.secret, notice.noticeId, ttl);
      return reply
        .code(created ? 201 : 200)
        .send({ ...notice, url: `${base(request)}${link.path}`, expiresAt: link.expiresAt });
    },
  );

  app.get(
    '/v1/checks/:checkId/notice',
    {
      config: { scope: 'check' },
      schema: {
        operationId: 'getCheckNotice',
        tags: ['checks'],
        summary: 'The printable 惩戒告知书 (punishment notice) of a check, as HTML',
        description:
          'Rendered from the stored receipt only, with its hash and a QR code to GET /verify/{receiptHash}. Carries the ' +
          'document number once issued (POST …/notice); before that it is marked as a draft. Print it from a browser (A4).',
        params: CheckParams,
        response: {
          200: Html('<!doctype html><html lang="zh-CN">…<h1>失信联合惩戒告知书</h1>…</html>', 'HTML page for printing'),
        },
      },
    },
    async (request, reply) =>
      sendHtml(reply, 200, await renderNoticeFor(db(), caller(request), request.params.checkId, verifyUrl(request))),
  );

  app.get(
    '/v1/notices/:noticeId',
    {
      onRequest: publicBudget,
      schema: {
        operationId: 'openNotice',
        tags: ['public'],
        summary: 'An issued notice by its signed link (no key), as HTML',
        description:
          'The `url` of POST /v1/checks/{checkId}/notice. An expired link answers 410 NOTICE_LINK_EXPIRED and an altered ' +
          'one 403 NOTICE_LINK_INVALID, as Chinese HTML pages.',
        params: Type.Object({ noticeId: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({
          expires: Type.Optional(Type.String({ maxLength: 20 })),
          signature: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: Html('<!doctype html><html lang="zh-CN">…鹤市监告〔2026〕第000123号…</html>'),
          403: Html('<!doctype html>…链接无效…</html>', 'the link was altered (NOTICE_LINK_INVALID)'),
          404: Html('<!doctype html>…未找到…</html>', 'no such notice (NOT_FOUND)'),
          429: Html('<!doctype html>…请求过于频繁…</html>', 'too many requests from this address (RATE_LIMITED)'),
          410: Html('<!doctype html>…链接已过期…</html>', 'the link has expired (NOTICE_LINK_EXPIRED)'),
        },
      },
    },
    async (request, reply) => {
      const { noticeId } = request.params;
      const state = checkNoticeLink(app.yc.secret, noticeId, request.query.expires, request.query.signature);
      if (state === 'invalid')
        return sendErrorPage(
          reply,
          'NOTICE_LINK_INVALID',
          '链接无效',
          '该告知书链接不完整或已被改动，无法打开。请向出具部门重新获取链接。',
        );
      if (state === 'expired')
        return sendErrorPage(
          reply,
          'NOTICE_LINK_EXPIRED',
          '链接已过期',
          '该告知书链接已超过有效期。请向出具部门重新获取链接。',
        );
      const found = await noticeForLink(db(), noticeId);
      if (!found) return sendErrorPage(reply, 'NOT_FOUND', '未找到', '未找到该告知书。');
      return sendHtml(
        reply,
        200,
        await renderNotice(db(), found.check, {
          notice: found.notice,
          verifyUrl: verifyUrl(request)(found.check.receipt.hash),
        }),
      );
    },
  );

  app.get(
    '/verify/:receiptHash',
    {
      onRequest: publicBudget,
      schema: {
        operationId: 'verifyReceiptPage',
        tags: ['public'],
        summary: 'Whether a notice’s check receipt still matches its hash (the QR code on the paper), as HTML',
        description:
          'Recomputes the receipt’s hash from the stored row and shows whether it matches, with the facts the paper ' +
          'shows (issuing department, time, matter reference, verdict, the measures’ 文号) and nothing more.',
        params: Type.Object({ receiptHash: Type.String({ maxLength: 200 }) }),
        response: {
          200: Html(
            '<!doctype html>…核验通过…</html>',
            'genuine or not: meta yingcha-verification is genuine | mismatch',
          ),
          404: Html('<!doctype html>…未找到…</html>', 'no receipt has this hash (NOT_FOUND)'),
          429: Html('<!doctype html>…请求过于频繁…</html>', 'too many requests from this address (RATE_LIMITED)'),
        },
      },
    },
    async (request, reply) => {
      const v = await verifyReceipt(db(), request.params.receiptHash.toLowerCase());
      if (!v)
        return sendErrorPage(
          reply,
          'NOT_FOUND',
          '未找到',
          '未找到与该哈希对应的查询记录，告知书可能不是本系统出具的。',
        );
      return sendHtml(reply, 200, verifyPage(v));
    },
  );

  app.put(
    '/v1/admin/departments/:departmentId/notice-prefix',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'setDepartmentNoticePrefix',
        tags: ['admin'],
        summary: 'Set the 告知书文号 prefix of a department (e.g. 鹤市监告)',
        description: 'null returns to the default, the department’s name + 告. Numbers already issued keep their text.',
        params: Type.Object({ departmentId: Uuid }),
        body: NoticePrefixBody,
        response: { 200: NoticePrefix },
      },
    },
    async (request) =>
      setNoticePrefix(db(), actorOf(request), request.params.departmentId, request.body.noticePrefix).catch(inBody),
  );
};

export default noticeRoutes;
