import type { APIPromise, RequestOptions } from '../transport.js';
import type {
  BatchParams,
  BatchResult,
  CheckParams,
  CheckResult,
  FeedbackList,
  FeedbackParams,
  FeedbackResult,
} from '../types.js';
import { APIResource, seg } from './resource.js';

export class Checks extends APIResource {
  /**
   * Check one subject before handling a matter (应查必查). Every call carries an Idempotency-Key (generated unless
   * `options.idempotencyKey` is given), so a retry after a lost answer returns the same receipt instead of a second.
   * `replayed` says which: true when the server answered with an earlier receipt for this key (HTTP 200), false when
   * this call recorded the check (201).
   */
  create(params: CheckParams, options?: RequestOptions): APIPromise<CheckResult & { replayed: boolean }> {
    return this.transport
      .request<CheckResult>({ method: 'POST', path: '/v1/checks', body: params, autoIdempotencyKey: true }, options)
      .map((data, response) => ({ ...data, replayed: response.status === 200 }));
  }

  /**
   * Check up to 1000 subjects for one matter, e.g. every bidder. Results keep request order; a bad item has `error`
   * instead of `check`. The batch route does not honour Idempotency-Key, so a batch is not retried unless you pass
   * `idempotencyKey` yourself and accept that a retry may record a second set of receipts.
   */
  batch(params: BatchParams, options?: RequestOptions): APIPromise<BatchResult> {
    return this.transport.request({ method: 'POST', path: '/v1/checks/batch', body: params }, options);
  }

  /** The stored receipt of a check. */
  get(checkId: string, options?: RequestOptions): APIPromise<CheckResult> {
    return this.transport.request({ method: 'GET', path: `/v1/checks/${seg(checkId)}` }, options);
  }

  /** The printable 惩戒告知书 (punishment notice) as an HTML document. */
  notice(checkId: string, options?: RequestOptions): APIPromise<string> {
    return this.transport.request(
      { method: 'GET', path: `/v1/checks/${seg(checkId)}/notice`, accept: 'text' },
      options,
    );
  }

  /**
   * Report how one measure of a check was applied (执行反馈). The same report again writes nothing, so it is retried
   * like a GET; a different one amends the current report.
   */
  feedback(checkId: string, params: FeedbackParams, options?: RequestOptions): APIPromise<FeedbackResult> {
    return this.transport.request(
      { method: 'POST', path: `/v1/checks/${seg(checkId)}/feedback`, body: params, idempotent: true },
      options,
    );
  }

  /** The check's measures with their current report and its history. */
  getFeedback(checkId: string, options?: RequestOptions): APIPromise<FeedbackList> {
    return this.transport.request({ method: 'GET', path: `/v1/checks/${seg(checkId)}/feedback` }, options);
  }
}
