import type { RequestOptions } from '../transport.js';
import type { Objection, ObjectionDecision, ObjectionDecisionParams, ObjectionParams, ObjectionRecord } from '../types.js';
import { APIResource, seg } from './resource.js';

export class Objections extends APIResource {
  /** Open an objection (异议) to a record. While it is open the record's measures are suspended (核实期间暂不执行). */
  create(params: ObjectionParams, options?: RequestOptions): Promise<Objection> {
    return this.transport.request({ method: 'POST', path: '/v1/objections', body: params }, options);
  }

  get(objectionId: string, options?: RequestOptions): Promise<ObjectionRecord> {
    return this.transport.request({ method: 'GET', path: `/v1/objections/${seg(objectionId)}` }, options);
  }

  /** Decide an objection (scope `review`): `upheld` corrects the record, `rejected` reinstates it. */
  decide(objectionId: string, params: ObjectionDecisionParams, options?: RequestOptions): Promise<ObjectionDecision> {
    return this.transport.request({ method: 'POST', path: `/v1/objections/${seg(objectionId)}/decision`, body: params }, options);
  }
}
