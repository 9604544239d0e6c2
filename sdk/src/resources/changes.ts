import type { APIPromise, RequestOptions } from '../transport.js';
import type { ChangeEvent, ChangesPage, ChangesQuery } from '../types.js';
import { APIResource } from './resource.js';

export interface ChangesListParams {
  /** Resume after this cursor (a `nextCursor` you stored); omit to start at the beginning of the feed. */
  after?: string;
  /** Events per page (server default 100). */
  limit?: number;
  /** Only these event types. */
  type?: string[];
  /** Only events of these list codes (events without a list, like catalog.changed, pass). */
  list?: string[];
  /** Only events scoped to these regions or a region covering them. */
  region?: string[];
  /** Stop after this many pages even if the feed has more; bounds a loop over a busy feed. Default: no bound. */
  maxPages?: number;
}

/**
 * The change feed read to its current end. `for await (const event of stream)` yields events in feed order; after
 * (or during) the loop, `stream.cursor` is where to resume next time, so a consumer can store it and poll again.
 */
export class ChangeStream implements AsyncIterable<ChangeEvent> {
  /** The cursor after the last page read; `undefined` until a page has been read. */
  cursor: string | undefined;

  constructor(
    private readonly fetchPage: (query: ChangesQuery) => Promise<ChangesPage>,
    private readonly params: ChangesListParams,
  ) {
    this.cursor = params.after;
  }

  /** Whole pages, for consumers that commit their cursor per page. */
  async *pages(): AsyncGenerator<ChangesPage> {
    const maxPages = this.params.maxPages ?? Number.POSITIVE_INFINITY;
    for (let n = 0; n < maxPages; n++) {
      const { maxPages: _bound, after: _start, ...filters } = this.params;
      const page = await this.fetchPage({ ...filters, ...(this.cursor !== undefined ? { after: this.cursor } : {}) });
      const next = page.nextCursor ?? undefined;
      // An empty page, or a cursor that did not move, is the end of the feed for now.
      const end = page.events.length === 0 || next === undefined || next === this.cursor;
      if (next !== undefined) this.cursor = next;
      if (page.events.length > 0) yield page;
      if (end) return;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ChangeEvent> {
    for await (const page of this.pages()) yield* page.events;
  }
}

export class Changes extends APIResource {
  /** One page of the feed. */
  page(query: ChangesQuery = {}, options?: RequestOptions): APIPromise<ChangesPage> {
    return this.transport.request({ method: 'GET', path: '/v1/changes', query }, options);
  }

  /** The feed from `after` to its current end, as an async iterator of events (pages fetched as you go). */
  list(params: ChangesListParams = {}, options?: RequestOptions): ChangeStream {
    return new ChangeStream((q) => this.page(q, options), params);
  }
}
