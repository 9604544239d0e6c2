import type { APIPromise, RequestOptions } from '../transport.js';
import type { Stats as StatsResult, StatsQuery } from '../types.js';
import { APIResource } from './resource.js';

export class Stats extends APIResource {
  /**
   * 跟踪问效: checks, verdicts, feedback completion, objection and repair deadlines for a period (default: this
   * month). A department sees its own row; an admin key sees every department's, or one with `departmentId`.
   */
  get(query: StatsQuery = {}, options?: RequestOptions): APIPromise<StatsResult> {
    return this.transport.request({ method: 'GET', path: '/v1/stats', query }, options);
  }
}
