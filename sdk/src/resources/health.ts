import type { APIPromise, RequestOptions } from '../transport.js';
import type { ResponseBody } from '../types.js';
import { APIResource } from './resource.js';

export class Health extends APIResource {
  /** Liveness: the process is up. */
  live(options?: RequestOptions): APIPromise<ResponseBody<'getHealth'>> {
    return this.transport.request({ method: 'GET', path: '/healthz' }, options);
  }
  /** Readiness: the database answers (503 UNAVAILABLE otherwise). */
  ready(options?: RequestOptions): APIPromise<ResponseBody<'getReadiness'>> {
    return this.transport.request({ method: 'GET', path: '/readyz' }, options);
  }
}
