import type { RequestOptions } from '../transport.js';
import type { Stats as StatsResult, StatsQuery } from '../types.js';
import { APIResource } from './resource.js';

export class Stats extends APIResource {
  /** 跟踪问效: checks, hits, feedback completion and objection deadlines, per department and period. */
  get(query: StatsQuery = {} as StatsQuery, options?: RequestOptions): Promise<StatsResult> {
    return this.transport.request({ method: 'GET', path: '/v1/stats', query: query as Record<string, string> }, options);
  }
}
