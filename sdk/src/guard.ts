// mustCheck: the check as an approval gate. It never throws for a failed call and never answers "allowed" unless
// the service answered a check with a verdict that allows it, or the caller opted in to failing open (logged).
import type { Checks } from './resources/checks.js';
import { APIConnectionError, APIError, APIUserAbortError, YingchaError } from './errors.js';
import type { RequestOptions } from './transport.js';
import type { CheckParams, CheckResult, Measure, Verdict } from './types.js';

export type Decision = 'allowed' | 'blocked' | 'review';

export interface Logger {
  warn(message: string, details?: Record<string, unknown>): void;
}

export interface GuardResult {
  /**
   * What the flow does next. `allowed`: go on, applying `measures` (incentive measures may be among them).
   * `review`: hold for a person, who must apply `measures`. `blocked`: do not grant.
   */
  decision: Decision;
  /**
   * Why: `verdict` (the service answered; see `verdict`), `unavailable` (no answer: connection, timeout or 5xx),
   * `rejected` (the service refused the request: bad input, key or scope), `aborted` (your signal fired),
   * `failed_open` (unavailable, and you opted in to `failOpen`).
   */
  basis: 'verdict' | 'unavailable' | 'rejected' | 'aborted' | 'failed_open';
  /** The service's verdict; null when no check was recorded. */
  verdict: Verdict | null;
  /** The measures this department must apply; empty when no check was recorded. */
  measures: Measure[];
  /** The receipt (checkId) proving the check; null when no check was recorded. */
  receiptId: string | null;
  check: CheckResult | null;
  /** The error behind a decision that is not based on a verdict. */
  error: YingchaError | null;
}

export interface MustCheckOptions extends RequestOptions {
  /**
   * The decision for a `restricted` verdict. Default `review`: a 限制 measure limits what may be granted rather than
   * forbidding the matter, so a person applies it. Set `blocked` for flows where any restriction means no.
   */
  restricted?: 'review' | 'blocked';
  /**
   * Opt in to failing open: when the service cannot be reached (connection error, timeout, 5xx), answer `allowed`
   * with basis `failed_open` instead of `blocked`. Every such decision is logged through `logger`. A refused request
   * (4xx: a bad code, a bad key) never fails open, since no outage explains it.
   */
  failOpen?: boolean;
  /** Where fail-open decisions are reported. Default: console. */
  logger?: Logger;
}

const VERDICT_DECISIONS: Record<Verdict, Decision> = {
  prohibited: 'blocked',
  restricted: 'review',
  review: 'review',
  incentive: 'allowed',
  clear: 'allowed',
};

export async function mustCheck(
  checks: Checks,
  params: CheckParams,
  options: MustCheckOptions = {},
): Promise<GuardResult> {
  const { restricted = 'review', failOpen = false, logger = console, ...requestOptions } = options;
  let check: CheckResult;
  try {
    check = await checks.create(params, requestOptions);
  } catch (err) {
    const error =
      err instanceof YingchaError
        ? err
        : new YingchaError(`unexpected failure: ${String(err)}`, 'ERR_YINGCHA_UNEXPECTED', { cause: err });
    const none = { verdict: null, measures: [], receiptId: null, check: null, error };
    if (error instanceof APIUserAbortError) return { decision: 'blocked', basis: 'aborted', ...none };
    const unavailable = error instanceof APIConnectionError || (error instanceof APIError && error.status >= 500);
    if (!unavailable) return { decision: 'blocked', basis: 'rejected', ...none };
    if (failOpen) {
      logger.warn('yingcha: check failed open; the matter was allowed without a check', {
        matter: params.matter,
        errorCode: error.code,
        error: error.message,
      });
      return { decision: 'allowed', basis: 'failed_open', ...none };
    }
    return { decision: 'blocked', basis: 'unavailable', ...none };
  }
  // Unknown verdicts (a newer server) fall to review rather than allowed.
  let decision: Decision = VERDICT_DECISIONS[check.verdict] ?? 'review';
  if (check.verdict === 'restricted') decision = restricted;
  return {
    decision,
    basis: 'verdict',
    verdict: check.verdict,
    measures: check.measures,
    receiptId: check.checkId,
    check,
    error: null,
  };
}
