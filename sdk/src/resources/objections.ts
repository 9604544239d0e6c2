import type {
  Objection,
  ObjectionDecisionParams,
  ObjectionList,
  ObjectionListQuery,
  ObjectionParams,
} from '../types.js';
import { CaseResource } from './cases.js';

/**
 * Objections (异议). While one is open the record is `objection_pending` and its measures are suspended (核实期间暂不执行).
 * `decide`: `upheld` with a correction (revoke or amend), or `rejected`, which reinstates the record.
 */
export class Objections extends CaseResource<
  Objection,
  ObjectionParams,
  ObjectionList,
  ObjectionListQuery,
  ObjectionDecisionParams
> {
  protected readonly path = '/v1/objections';
  protected rows(page: ObjectionList): Objection[] {
    return page.objections;
  }
}
