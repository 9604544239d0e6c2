import type { RequestOptions } from '../transport.js';
import type { ApiKey, CreatedKey, Department, DepartmentParams, KeyParams, KeysQuery, ReceiptChainReport, ResponseBody } from '../types.js';
import { APIResource, seg } from './resource.js';

class Departments extends APIResource {
  create(params: DepartmentParams, options?: RequestOptions): Promise<Department> {
    return this.transport.request({ method: 'POST', path: '/v1/admin/departments', body: params }, options);
  }
  list(options?: RequestOptions): Promise<ResponseBody<'listDepartments'>> {
    return this.transport.request({ method: 'GET', path: '/v1/admin/departments' }, options);
  }
}

class Keys extends APIResource {
  /** The answer's `secret` is shown this once; only its hash is kept. */
  create(params: KeyParams, options?: RequestOptions): Promise<CreatedKey> {
    return this.transport.request({ method: 'POST', path: '/v1/admin/keys', body: params }, options);
  }
  list(query: KeysQuery = {}, options?: RequestOptions): Promise<ResponseBody<'listKeys'>> {
    return this.transport.request({ method: 'GET', path: '/v1/admin/keys', query }, options);
  }
  /** Revoking twice returns the first revocation; the last active admin key answers LAST_ADMIN_KEY. */
  revoke(keyId: string, options?: RequestOptions): Promise<ApiKey> {
    return this.transport.request({ method: 'DELETE', path: `/v1/admin/keys/${seg(keyId)}` }, options);
  }
}

class Receipts extends APIResource {
  /** Walk every receipt chain; `firstBroken` names the first altered, removed or reordered receipt. */
  verify(options?: RequestOptions): Promise<ReceiptChainReport> {
    return this.transport.request({ method: 'GET', path: '/v1/admin/receipts/verify' }, options);
  }
}

/** Everything under /v1/admin (scope `admin`). */
export class Admin extends APIResource {
  readonly departments = new Departments(this.transport);
  readonly keys = new Keys(this.transport);
  readonly receipts = new Receipts(this.transport);
}
