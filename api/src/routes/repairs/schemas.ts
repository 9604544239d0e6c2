import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../schemas.js';
import { Applicant, CaseFields, CaseListQuery, Evidence, FilingCheckId } from '../objections/schemas.js';

export const Repair = Type.Object(
  {
    repairId: Uuid,
    status: Type.Enum(['received', 'verifying', 'approved', 'denied'], {
      description: 'received 已受理 → verifying 核实中 → approved 准予修复 | denied 不予修复',
    }),
    ...CaseFields,
    pledge: Type.String({ description: '信用承诺' }),
    listingCount: Type.Integer({
      description: 'how many times the subject has been put on this list, this record included',
    }),
    effectiveFrom: Nullable(Type.String({ format: 'date-time', description: 'when the record leaves the list' })),
  },
  {
    $id: 'Repair',
    examples: [
      {
        repairId: '7b1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
        status: 'approved',
        applicant: { name: '鹤岗市恒达建筑工程有限公司', relation: 'subject' },
        reason: '已完成整改并缴清罚款',
        pledge: '本单位承诺今后严格遵守安全生产法律法规',
        evidence: [{ title: '整改验收报告' }],
        filedAs: 'credit_office',
        checkId: null,
        filedAt: '2026-11-02T02:00:00.000Z',
        filedBy: {
          keyId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
          departmentId: '1c6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
        },
        dueAt: '2026-11-23',
        deadlineRule: '15 working days',
        dueAtProvisional: false,
        overdue: false,
        listingCount: 1,
        decidedAt: '2026-11-10T02:00:00.000Z',
        decidedBy: {
          keyId: '9b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
          departmentId: '2d6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
        },
        effectiveFrom: '2026-11-10T02:00:00.000Z',
        note: null,
        entryStatus: 'repaired',
        decidingDepartmentId: '2d6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
      },
    ],
  },
);
export type Repair = Static<typeof Repair>;

export const OpenRepairBody = Type.Object(
  {
    entryId: Uuid,
    applicant: Applicant,
    reason: Type.String({ minLength: 1, maxLength: 4000, description: '修复理由' }),
    pledge: Type.String({ minLength: 1, maxLength: 4000, description: '信用承诺 (credit pledge)' }),
    evidence: Type.Optional(Evidence),
    checkId: FilingCheckId,
  },
  {
    additionalProperties: false,
    examples: [
      {
        entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
        applicant: { name: '鹤岗市恒达建筑工程有限公司', relation: 'subject' },
        reason: '已完成整改并缴清罚款',
        pledge: '本单位承诺今后严格遵守安全生产法律法规',
        evidence: [{ title: '整改验收报告' }],
      },
    ],
  },
);
export type OpenRepairBody = Static<typeof OpenRepairBody>;

export const DecideRepairBody = Type.Object(
  {
    outcome: Type.Enum(['approved', 'denied']),
    effectiveFrom: Type.Optional({ ...Timestamp, description: 'when the record leaves the list; default now' }),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false, examples: [{ outcome: 'approved', note: '整改到位，准予修复' }] },
);
export type DecideRepairBody = Static<typeof DecideRepairBody>;

export const RepairListQuery = Type.Object(
  { ...CaseListQuery, status: Type.Optional(Type.Enum(['received', 'verifying', 'approved', 'denied'])) },
  { additionalProperties: false },
);
