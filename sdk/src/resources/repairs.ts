import type { RequestOptions } from '../transport.js';
import type { Repair, RepairDecisionParams, RepairList, RepairListQuery, RepairParams } from '../types.js';
import { APIResource, seg } from './resource.js';

export class Repairs extends APIResource {
  /** Apply for credit repair (信用修复) of a record, with a pledge (信用承诺); the answer carries `dueAt`. */
  create(params: RepairParams, options?: RequestOptions): Promise<Repair> {
    return this.transport.request({ method: 'POST', path: '/v1/repairs', body: params }, options);
  }

  list(query: RepairListQuery = {}, options?: RequestOptions): Promise<RepairList> {
    return this.transport.request({ method: 'GET', path: '/v1/repairs', query }, options);
  }

  get(repairId: string, options?: RequestOptions): Promise<Repair> {
    return this.transport.request({ method: 'GET', path: `/v1/repairs/${seg(repairId)}` }, options);
  }

  /** Move a received request to 核实中 (verifying); scope `review`. */
  verify(repairId: string, options?: RequestOptions): Promise<Repair> {
    return this.transport.request({ method: 'POST', path: `/v1/repairs/${seg(repairId)}/verify` }, options);
  }

  /** Decide (scope `review`): `approved` takes the record off the list (from `effectiveFrom`), `denied` keeps it. */
  decide(repairId: string, params: RepairDecisionParams, options?: RequestOptions): Promise<Repair> {
    return this.transport.request({ method: 'POST', path: `/v1/repairs/${seg(repairId)}/decision`, body: params }, options);
  }
}
