import type { Repair, RepairDecisionParams, RepairList, RepairListQuery, RepairParams } from '../types.js';
import { CaseResource } from './cases.js';

/**
 * Credit repair (信用修复), applied for with a pledge (信用承诺). `decide`: `approved` takes the record off the list
 * (from `effectiveFrom`), `denied` keeps it.
 */
export class Repairs extends CaseResource<Repair, RepairParams, RepairList, RepairListQuery, RepairDecisionParams> {
  protected readonly path = '/v1/repairs';
  protected rows(page: RepairList): Repair[] {
    return page.repairs;
  }
}
