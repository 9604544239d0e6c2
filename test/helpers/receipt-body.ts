// A receipt as the check service would append it (services/receipts.ts NewReceipt), for tests that write receipts
// directly: checked at `checkedAt`, with a v7 id made from that instant.
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../api/src/domain/uuid7.js';
import type { NewReceipt } from '../../api/src/services/receipts.js';

export function receiptBody(departmentId: string, checkedAt: Date, extra: Partial<NewReceipt> = {}): NewReceipt {
  return {
    id: uuidv7(checkedAt.getTime()),
    departmentId,
    keyId: randomUUID(),
    operator: null,
    matterType: 'tax',
    matterReference: `M-${checkedAt.toISOString()}`,
    matterTitle: null,
    subjectAsked: { uscc: '91230400MA1ABCDE0X' },
    subjectResolved: [],
    hits: [],
    measures: [],
    reasons: [],
    verdict: 'clear',
    dataVersion: 'c1.e0',
    asOf: null,
    checkedAt,
    idempotencyKey: null,
    requestHash: null,
    batchId: null,
    ...extra,
  };
}
