// The schemas of objections, and what they share with repairs (routes/repairs/schemas.ts). Their static types are
// what services/cases.ts, objections.ts and repairs.ts build and take (import type only).
import { type Static, type TObject, Type } from 'typebox';
import { pageParams } from '../paging.js';
import { Nullable, Timestamp, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

export const Applicant = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Who applies: the subject, or its agent' }),
    relation: Type.Optional(Type.Enum(['subject', 'agent'], { description: 'subject 主体本人 | agent 代理人' })),
    contact: Type.Optional(
      Type.String({ maxLength: 200, description: 'How to reach the applicant (phone, address); not an ID number' }),
    ),
  },
  { additionalProperties: false },
);
export type Applicant = Static<typeof Applicant>;

export const Evidence = Type.Array(
  Type.Object(
    {
      title: Type.String({ minLength: 1, maxLength: 200 }),
      url: Type.Optional(Type.String({ maxLength: 2000 })),
      sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    },
    { additionalProperties: false },
  ),
  { maxItems: 50, description: '证据材料' },
);
/** One piece of evidence. */
export type Evidence = Static<typeof Evidence>[number];

export const Party = Type.Object({ keyId: Uuid, departmentId: Nullable(Type.String({ format: 'uuid' })) });

/** The deadline fields objections and repairs share. */
export const DeadlineFields = {
  dueAt: Type.String({ format: 'date', description: 'Last day (Asia/Shanghai) for the decision' }),
  deadlineRule: Type.String({
    description: 'How the deadline was counted, e.g. "15 working days" (工作日, with 调休)',
  }),
  dueAtProvisional: Type.Boolean({
    description:
      'true when the holiday calendar does not yet cover a year the count runs into; only Monday–Friday were counted',
  }),
  overdue: Type.Boolean({ description: 'still open after the due day' }),
};

export const CaseFields = {
  entryId: Uuid,
  applicant: Applicant,
  reason: Type.String(),
  evidence: Evidence,
  filedAs: Type.Enum(['deciding_department', 'check_hit', 'credit_office', 'on_behalf'], {
    description:
      'deciding_department | check_hit (a department whose own check hit the record) | credit_office (信用办 of the record’s region) | on_behalf (cases filed before these paths)',
  }),
  checkId: Nullable(Type.String({ format: 'uuid', description: 'the check a check_hit filing named' })),
  filedAt: Timestamp,
  filedBy: Party,
  ...DeadlineFields,
  decidedAt: Nullable(Type.String({ format: 'date-time' })),
  decidedBy: Type.Union([Party, Type.Null()]),
  note: Nullable(Type.String()),
  entryStatus: Nullable(Type.String({ description: "the record's status after this case's last step" })),
  decidingDepartmentId: Uuid,
};
/** What every case view has, objection or repair (services/cases.ts caseView). */
export type CaseFields = Static<TObject<typeof CaseFields>>;

/** The `checkId` of an objection or repair request a department files because its own check hit the record. */
export const FilingCheckId = Type.Optional(
  Type.String({
    format: 'uuid',
    description:
      'For a department that is neither the deciding department nor the credit office of the record’s region: its own check whose hits include this record',
  }),
);

export const Objection = Type.Object(
  {
    objectionId: Uuid,
    status: Type.Enum(['received', 'verifying', 'upheld', 'rejected'], {
      description: 'received 已受理 → verifying 核实中 → upheld 异议成立 | rejected 异议不成立',
    }),
    ...CaseFields,
    outcome: Type.Union([Type.Enum(['upheld', 'rejected']), Type.Null()]),
    correction: Type.Union([Type.Enum(['revoke', 'amend']), Type.Null()]),
  },
  {
    $id: 'Objection',
    examples: [
      {
        objectionId: '6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
        status: 'received',
        applicant: { name: '鹤岗市恒达建筑工程有限公司', relation: 'subject', contact: '0468-1234567' },
        reason: '事故责任认定已被行政复议撤销',
        evidence: [{ title: '行政复议决定书' }],
        filedAs: 'credit_office',
        checkId: null,
        filedAt: '2026-09-30T02:00:00.000Z',
        filedBy: {
          keyId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
          departmentId: '1c6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
        },
        dueAt: '2026-10-28',
        deadlineRule: '15 working days',
        dueAtProvisional: false,
        overdue: false,
        decidedAt: null,
        decidedBy: null,
        outcome: null,
        correction: null,
        note: null,
        entryStatus: 'objection_pending',
        decidingDepartmentId: '2d6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
      },
    ],
  },
);
export type Objection = Static<typeof Objection>;

export const OpenObjectionBody = Type.Object(
  {
    entryId: Uuid,
    applicant: Applicant,
    reason: Type.String({ minLength: 1, maxLength: 4000, description: '异议理由' }),
    evidence: Type.Optional(Evidence),
    checkId: FilingCheckId,
  },
  {
    additionalProperties: false,
    examples: [
      {
        entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
        applicant: { name: '鹤岗市恒达建筑工程有限公司', relation: 'subject', contact: '0468-1234567' },
        reason: '事故责任认定已被行政复议撤销',
        evidence: [{ title: '行政复议决定书' }],
      },
    ],
  },
);
export type OpenObjectionBody = Static<typeof OpenObjectionBody>;

export const DecideObjectionBody = Type.Object(
  {
    outcome: Type.Enum(['upheld', 'rejected']),
    correction: Type.Optional(
      Type.Enum(['revoke', 'amend'], { description: 'required when upheld: revoke 撤销 or amend 更正' }),
    ),
    amendment: Type.Optional(
      Type.Object(
        {
          reason: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
          decisionDocNo: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          validFrom: Type.Optional(Timestamp),
          validUntil: Type.Optional(Timestamp),
          points: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        },
        { additionalProperties: false, description: 'the corrected fields, with correction amend' },
      ),
    ),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  {
    additionalProperties: false,
    examples: [{ outcome: 'upheld', correction: 'revoke', note: '经核实，认定依据已被撤销' }],
  },
);
export type DecideObjectionBody = Static<typeof DecideObjectionBody>;

export const ObjectionParams = Type.Object({ objectionId: Uuid });
export const RepairParams = Type.Object({ repairId: Uuid });

export const CaseListQuery = {
  entryId: Type.Optional(Uuid),
  ...pageParams(PAGE_SIZES.cases),
};

export const ObjectionListQuery = Type.Object(
  {
    ...CaseListQuery,
    status: Type.Optional(Type.Enum(['received', 'verifying', 'upheld', 'rejected'])),
    overdue: Type.Optional(
      Type.Boolean({ description: 'only open objections past their deadline (true), or the others (false)' }),
    ),
  },
  { additionalProperties: false },
);
