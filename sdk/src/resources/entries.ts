import type { APIPromise, PagePromise, RequestOptions } from '../transport.js';
import type {
  Entry,
  EntryList,
  EntryQuery,
  EntryListQuery,
  PublishParams,
  PublishResult,
  RevokeParams,
  SearchEntriesParams,
  TransferParams,
  TransferResult,
} from '../types.js';
import { APIResource, seg } from './resource.js';

export class Entries extends APIResource {
  /**
   * Publish a list record. Publishing is idempotent on (source, sourceRecordId), so it is retried like a GET: a
   * repeat after a lost answer comes back as `replayed` instead of writing twice.
   */
  publish(params: PublishParams, options?: RequestOptions): APIPromise<PublishResult> {
    return this.transport.request({ method: 'POST', path: '/v1/entries', body: params, idempotent: true }, options);
  }

  /**
   * A record. The public view answers NOT_FOUND for a record no longer on display; `view: 'internal'` (scope
   * publish, review or admin) shows every record with its version history.
   */
  get(entryId: string, query: EntryQuery = {}, options?: RequestOptions): APIPromise<Entry> {
    return this.transport.request({ method: 'GET', path: `/v1/entries/${seg(entryId)}`, query }, options);
  }

  /**
   * The records of one subject (`subject`: a 统一社会信用代码 or a subject id), newest first. An ID number is refused
   * (ID_NUMBER_IN_URL): use `search`. Awaited: the first page; `for await (const entry of client.entries.list(q))`: every
   * record, page after page.
   */
  list(query: EntryListQuery, options: RequestOptions = {}): PagePromise<EntryList, Entry> {
    return this.pages('/v1/entries', query, options, (page: EntryList) => page.entries);
  }

  /** The records of a person by ID number, sent in the body so the number never appears in a URL. A read: retried. */
  search(params: SearchEntriesParams, options?: RequestOptions): APIPromise<EntryList> {
    return this.transport.request(
      { method: 'POST', path: '/v1/entries/search', body: params, idempotent: true },
      options,
    );
  }

  /** Transfer a record to another department (admin only, audited). Not retried: a repeat answers CONFLICT. */
  transfer(entryId: string, params: TransferParams, options?: RequestOptions): APIPromise<TransferResult> {
    return this.transport.request(
      { method: 'POST', path: `/v1/entries/${seg(entryId)}/transfer`, body: params },
      options,
    );
  }

  /**
   * Revoke a record (撤销). Not retried without an idempotency key: a second revoke answers INVALID_TRANSITION,
   * which would hide that the first one succeeded.
   */
  revoke(entryId: string, params: RevokeParams, options?: RequestOptions): APIPromise<PublishResult> {
    return this.transport.request(
      { method: 'POST', path: `/v1/entries/${seg(entryId)}/revoke`, body: params },
      options,
    );
  }
}
