import type { RequestOptions } from '../transport.js';
import type { QueryParams, RequestBody, ResponseBody } from '../types.js';
import { APIResource, seg } from './resource.js';

/** 告知书: issue a check's notice, open it by its signed link, verify a paper by its receipt hash. */
export class Notices extends APIResource {
  /**
   * Issue the notice of a check: a document number (gapless per department and year) and a signed link that opens
   * the HTML without a key until `expiresAt`. Issuing again returns the same number with a fresh link, so the call is
   * retried like a GET.
   */
  issue(
    checkId: string,
    params: RequestBody<'issueCheckNotice'> = {},
    options?: RequestOptions,
  ): Promise<ResponseBody<'issueCheckNotice'>> {
    return this.transport.request(
      { method: 'POST', path: `/v1/checks/${seg(checkId)}/notice`, body: params, idempotent: true },
      options,
    );
  }

  /** The HTML behind a signed `url` from issue() (no key needed; an altered link is 403, an expired one 410). */
  open(url: string, options?: RequestOptions): Promise<string> {
    const u = new URL(url, 'http://x');
    const noticeId = u.pathname.split('/').pop() ?? '';
    return this.transport.request(
      {
        method: 'GET',
        path: `/v1/notices/${seg(decodeURIComponent(noticeId))}`,
        query: {
          expires: u.searchParams.get('expires') ?? undefined,
          signature: u.searchParams.get('signature') ?? undefined,
        },
        accept: 'text',
      },
      options,
    );
  }

  /** The public verification page of a receipt hash (the QR code on the paper), as HTML. */
  verify(receiptHash: string, options?: RequestOptions): Promise<string> {
    return this.transport.request({ method: 'GET', path: `/verify/${seg(receiptHash)}`, accept: 'text' }, options);
  }

  /** Set a department's 文号 prefix (scope admin); null returns to the default, the department's name + 告. */
  setPrefix(
    departmentId: string,
    noticePrefix: string | null,
    options?: RequestOptions,
  ): Promise<ResponseBody<'setDepartmentNoticePrefix'>> {
    return this.transport.request(
      { method: 'PUT', path: `/v1/admin/departments/${seg(departmentId)}/notice-prefix`, body: { noticePrefix } },
      options,
    );
  }
}

export interface ScreeningParams extends Omit<QueryParams<'createScreening'>, 'output' | 'format'> {
  /** The roll: CSV text (UTF-8) or bytes, with a header naming 投标人名称 / 统一社会信用代码 … */
  file: string | Uint8Array;
  format: 'csv' | 'xlsx';
}

const ROLL_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** 投标人名单筛查 */
export class Screenings extends APIResource {
  /**
   * Screen a bidder roll; answers the result as CSV text (one row per bidder: verdict, lists, measures with 文号,
   * check id, receipt hash), with the UTF-8 BOM Excel needs. Each call records a receipt per bidder, so it is not
   * retried. (The .xlsx result with its summary sheet is the route's default for other clients and `yingcha screen`.)
   */
  create(params: ScreeningParams, options?: RequestOptions): Promise<string> {
    const { file, format, ...query } = params;
    return this.transport.request(
      {
        method: 'POST',
        path: '/v1/screenings',
        query: { ...query, format, output: 'csv' },
        raw: { body: file, contentType: ROLL_TYPES[format] },
        accept: 'text',
      },
      options,
    );
  }
}
