import type { Call, CursorPage, PagePromise, RequestOptions, Transport } from '../transport.js';

export abstract class APIResource {
  constructor(protected readonly transport: Transport) {}

  /** A paged list (GET `path`): awaited, its first page; `for await`: the `rows` of every page, page after page. */
  protected pages<P extends CursorPage, Item>(
    path: string,
    query: Call['query'],
    options: RequestOptions,
    rows: (page: P) => Item[],
  ): PagePromise<P, Item> {
    return this.transport.list<P, Item>({ method: 'GET', path, query }, options, rows);
  }
}

/** One path segment, escaped, so an id with a slash cannot reach another route. */
export const seg = (value: string): string => encodeURIComponent(value);
