import type { APIPromise, PagePromise, RequestOptions } from '../transport.js';
import type { DeletedWatch, Watch, WatchList, WatchListQuery, WatchParams } from '../types.js';
import { APIResource, seg } from './resource.js';

/**
 * Watches (事后监管): a subject this department approved, to be told (a `watch.hit` event, on the feed and by
 * webhook) when it is newly listed, with the measures for the recorded matter type.
 */
export class Watches extends APIResource {
  create(params: WatchParams, options?: RequestOptions): APIPromise<Watch> {
    return this.transport.request({ method: 'POST', path: '/v1/watches', body: params }, options);
  }

  /** Awaited: the first page (newest first); `for await`: every watch, page after page. */
  list(query: WatchListQuery = {}, options: RequestOptions = {}): PagePromise<WatchList, Watch> {
    return this.pages('/v1/watches', query, options, (page: WatchList) => page.watches);
  }

  delete(watchId: string, options?: RequestOptions): APIPromise<DeletedWatch> {
    return this.transport.request({ method: 'DELETE', path: `/v1/watches/${seg(watchId)}` }, options);
  }
}
