import type { RequestOptions } from '../transport.js';
import type { Repair, RepairDecision, RepairDecisionParams, RepairParams, RepairRecord } from '../types.js';
import { APIResource, seg } from './resource.js';

export class Repairs extends APIResource {
  /** Apply for credit repair (信用修复) of a record, with a pledge (信用承诺). */
  create(params: RepairParams, options?: RequestOptions): Promise<Repair> {
    return this.transport.request({ method: 'POST', path: '/v1/repairs', body: params }, options);
  }

  get(repairId: string, options?: RequestOptions): Promise<RepairRecord> {
    return this.transport.request({ method: 'GET', path: `/v1/repairs/${seg(repairId)}` }, options);
  }

  /** Decide a repair (scope `review`): `approved` takes the record off the list from `effectiveFrom`. */
  decide(repairId: string, params: RepairDecisionParams, options?: RequestOptions): Promise<RepairDecision> {
    return this.transport.request({ method: 'POST', path: `/v1/repairs/${seg(repairId)}/decision`, body: params }, options);
  }
}
