import type { APIPromise, Call, CursorPage, PagePromise, RequestOptions } from '../transport.js';
import { APIResource, seg } from './resource.js';

/**
 * Objections (异议) and credit repairs (信用修复) are the same kind of case on a record: opened by or for the
 * applicant with a deadline in working days, moved to 核实中 (verify), then decided (scope `review`).
 */
export abstract class CaseResource<
  Case,
  OpenParams,
  List extends CursorPage,
  ListQuery extends Call['query'],
  DecisionParams,
> extends APIResource {
  protected abstract readonly path: string;
  /** the list's rows: `objections` or `repairs` */
  protected abstract rows(page: List): Case[];

  /** Open a case on a record; the answer carries its deadline (`dueAt`). Not retried without an idempotency key. */
  create(params: OpenParams, options?: RequestOptions): APIPromise<Case> {
    return this.transport.request({ method: 'POST', path: this.path, body: params }, options);
  }

  /** Awaited: the first page (newest first); `for await`: every case, page after page. */
  list(query: ListQuery = {} as ListQuery, options: RequestOptions = {}): PagePromise<List, Case> {
    return this.pages(this.path, query, options, (page: List) => this.rows(page));
  }

  get(id: string, options?: RequestOptions): APIPromise<Case> {
    return this.transport.request({ method: 'GET', path: `${this.path}/${seg(id)}` }, options);
  }

  /** Move a received case to 核实中 (verifying); scope `review`. */
  verify(id: string, options?: RequestOptions): APIPromise<Case> {
    return this.transport.request({ method: 'POST', path: `${this.path}/${seg(id)}/verify` }, options);
  }

  /** Decide the case; scope `review`. */
  decide(id: string, params: DecisionParams, options?: RequestOptions): APIPromise<Case> {
    return this.transport.request({ method: 'POST', path: `${this.path}/${seg(id)}/decision`, body: params }, options);
  }
}
