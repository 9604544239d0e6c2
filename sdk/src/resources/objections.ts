import type { RequestOptions } from '../transport.js';
import type { Objection, ObjectionDecisionParams, ObjectionList, ObjectionListQuery, ObjectionParams } from '../types.js';
import { APIResource, seg } from './resource.js';

export class Objections extends APIResource {
  /**
   * Open an objection (异议) to a record. While it is open the record is `objection_pending` and its measures are
   * suspended (核实期间暂不执行). The answer carries the decision deadline in working days (`dueAt`).
   */
  create(params: ObjectionParams, options?: RequestOptions): Promise<Objection> {
    return this.transport.request({ method: 'POST', path: '/v1/objections', body: params }, options);
  }

  list(query: ObjectionListQuery = {}, options?: RequestOptions): Promise<ObjectionList> {
    return this.transport.request({ method: 'GET', path: '/v1/objections', query }, options);
  }

  get(objectionId: string, options?: RequestOptions): Promise<Objection> {
    return this.transport.request({ method: 'GET', path: `/v1/objections/${seg(objectionId)}` }, options);
  }

  /** Move a received objection to 核实中 (verifying); scope `review`. */
  verify(objectionId: string, options?: RequestOptions): Promise<Objection> {
    return this.transport.request({ method: 'POST', path: `/v1/objections/${seg(objectionId)}/verify` }, options);
  }

  /** Decide (scope `review`): `upheld` with a correction (revoke or amend), or `rejected`, which reinstates the record. */
  decide(objectionId: string, params: ObjectionDecisionParams, options?: RequestOptions): Promise<Objection> {
    return this.transport.request({ method: 'POST', path: `/v1/objections/${seg(objectionId)}/decision`, body: params }, options);
  }
}
