import type { APIPromise, PagePromise, RequestOptions } from '../transport.js';
import type {
  ApiKey,
  CreatedKey,
  Department,
  DepartmentList,
  DepartmentListQuery,
  DepartmentParams,
  KeyList,
  KeyParams,
  KeysQuery,
  QueryParams,
  ReceiptChainReport,
  RequestBody,
  ResponseBody,
} from '../types.js';
import { APIResource, seg } from './resource.js';

class Departments extends APIResource {
  create(params: DepartmentParams, options?: RequestOptions): APIPromise<Department> {
    return this.transport.request({ method: 'POST', path: '/v1/admin/departments', body: params }, options);
  }
  /** Awaited: the first page (oldest first); `for await`: every department, page after page. */
  list(query: DepartmentListQuery = {}, options: RequestOptions = {}): PagePromise<DepartmentList, Department> {
    return this.pages('/v1/admin/departments', query, options, (page: DepartmentList) => page.departments);
  }
}

class Keys extends APIResource {
  /** The answer's `secret` is shown this once; only its hash is kept. */
  create(params: KeyParams, options?: RequestOptions): APIPromise<CreatedKey> {
    return this.transport.request({ method: 'POST', path: '/v1/admin/keys', body: params }, options);
  }
  /** Awaited: the first page (oldest first); `for await`: every key, page after page. */
  list(query: KeysQuery = {}, options: RequestOptions = {}): PagePromise<KeyList, ApiKey> {
    return this.pages('/v1/admin/keys', query, options, (page: KeyList) => page.keys);
  }
  /** Revoking twice returns the first revocation; the last active admin key answers LAST_ADMIN_KEY. */
  revoke(keyId: string, options?: RequestOptions): APIPromise<ApiKey> {
    return this.transport.request({ method: 'DELETE', path: `/v1/admin/keys/${seg(keyId)}` }, options);
  }
  /**
   * Issue a successor to a key (same department, scopes and label; `successor.secret` is shown this once). The old key
   * keeps working until `previous.expiresAt` (`overlapSeconds`, default 24 h) and then answers EXPIRED_KEY. Not
   * retried without an idempotency key: a repeat would find the key already rotated (CONFLICT).
   */
  rotate(
    keyId: string,
    params: RequestBody<'rotateKey'> = {},
    options?: RequestOptions,
  ): APIPromise<ResponseBody<'rotateKey'>> {
    return this.transport.request(
      { method: 'POST', path: `/v1/admin/keys/${seg(keyId)}/rotate`, body: params },
      options,
    );
  }
}

type ReadList = ResponseBody<'listReads'>;

class Reads extends APIResource {
  /**
   * Who looked up whom: reads that reveal whether a subject is listed, oldest first; filter with `departmentId` or
   * `subjectId`. Awaited: the first page; `for await`: every read, page after page.
   */
  list(
    query: Partial<QueryParams<'listReads'>> = {},
    options: RequestOptions = {},
  ): PagePromise<ReadList, ReadList['reads'][number]> {
    return this.pages('/v1/admin/reads', query, options, (page: ReadList) => page.reads);
  }
}

class Receipts extends APIResource {
  /** Walk every receipt chain; `firstBroken` names the first altered, removed or reordered receipt. */
  verify(options?: RequestOptions): APIPromise<ReceiptChainReport> {
    return this.transport.request({ method: 'GET', path: '/v1/admin/receipts/verify' }, options);
  }
}

/** Everything under /v1/admin (scope `admin`). */
export class Admin extends APIResource {
  readonly departments = new Departments(this.transport);
  readonly keys = new Keys(this.transport);
  readonly receipts = new Receipts(this.transport);
  readonly reads = new Reads(this.transport);
}
