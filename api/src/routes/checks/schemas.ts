// The checks area's schemas, and the static types of what they describe: services/checks.ts, feedback.ts and
// receipt-verify.ts build their answers as these types (import type only), so a field the schema lacks does not compile.
import { type Static, Type } from 'typebox';
import {
  APPLIES_TO,
  EFFECTS,
  ENTRY_STATUSES,
  MATCHED_BY,
  MATTER_TYPE_CODES,
  MATTER_TYPES,
  POLARITIES,
  VERDICTS,
} from '../../domain/codes.js';
import { Ref, Timestamp, UsccString, Uuid } from '../schemas.js';

export const MatterType = Type.Enum(MATTER_TYPE_CODES, {
  description: `事项类型: ${MATTER_TYPE_CODES.map((c) => `${c} ${MATTER_TYPES[c]}`).join(', ')}`,
});

const CheckSubject = Type.Object(
  {
    uscc: Type.Optional(UsccString),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    idNumber: Type.Optional(
      Type.String({ minLength: 1, maxLength: 32, description: '居民身份证号; never stored or echoed in the clear' }),
    ),
    kind: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false, description: 'At least one of uscc, idNumber, name' },
);

const Matter = Type.Object(
  {
    type: MatterType,
    reference: Type.String({ minLength: 1, maxLength: 200, description: '办件号 in the calling system' }),
    title: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const Operator = Type.Object(
  { id: Type.Optional(Type.String({ maxLength: 100 })), name: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false, description: 'The clerk who ran the check, for the audit trail' },
);

const EXAMPLE_BODY = {
  subject: { uscc: '91230400MA1B2C3D4Q', name: '鹤岗市恒达建筑工程有限公司' },
  matter: { type: 'government_procurement', reference: 'HGCG-2026-0451', title: '鹤岗市第一中学教学楼维修工程' },
  operator: { id: 'clerk-017', name: '李娜' },
};

export const CheckBody = Type.Object(
  {
    subject: CheckSubject,
    matter: Matter,
    operator: Type.Optional(Operator),
    asOf: Type.Optional(Type.String({ format: 'date-time', description: 'Re-run the check as of a past moment' })),
  },
  { additionalProperties: false, examples: [EXAMPLE_BODY] },
);
export type CheckBody = Static<typeof CheckBody>;

const Reason = Type.Object({ code: Type.String(), listCode: Type.String(), message: Type.String() });

export const Hit = Type.Object({
  entryId: Uuid,
  list: Type.Object({ code: Type.String(), name: Type.String(), polarity: Type.Enum(POLARITIES) }),
  memoranda: Type.Array(Type.Object({ docNo: Type.String(), title: Type.String() })),
  decidedBy: Uuid,
  decidedAt: Timestamp,
  decisionDocNo: Type.String({ description: '认定文书号' }),
  reason: Type.String({ description: '失信/守信行为' }),
  validUntil: Type.Union([Timestamp, Type.Null()]),
  status: Type.Enum(ENTRY_STATUSES),
  suspended: Type.Boolean({ description: 'under objection: 核实期间暂不执行, no measures' }),
  matchedBy: Type.Enum(MATCHED_BY),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  subject: Type.Object({
    subjectId: Uuid,
    kind: Type.String(),
    name: Type.String(),
    uscc: Type.Union([Type.String(), Type.Null()]),
    idMasked: Type.Union([Type.String(), Type.Null()]),
  }),
  matchReason: Type.String(),
  points: Type.Optional(
    Type.Object({ total: Type.Integer(), windowFrom: Timestamp, windowTo: Timestamp, acts: Type.Integer() }),
  ),
  measureIds: Type.Array(Uuid),
});
export type Hit = Static<typeof Hit>;

/** A catalogue measure as a check (and a watch.hit) reports it. */
export const CheckMeasure = Type.Object({
  measureId: Uuid,
  docNo: Type.String(),
  ordinal: Type.String(),
  text: Type.String(),
  effect: Type.Enum(EFFECTS),
  mandatory: Type.Boolean({ description: '强制性 (true) or 推荐性 (false)' }),
  legalBasis: Type.Union([Type.String(), Type.Null()]),
  appliesTo: Type.Array(Type.Enum(APPLIES_TO)),
  implementingUnits: Type.Array(Type.String()),
  forEntries: Type.Array(Uuid),
});
export type CheckMeasure = Static<typeof CheckMeasure>;

export const CheckResult = Type.Object(
  {
    checkId: Uuid,
    departmentId: Uuid,
    checkedAt: Timestamp,
    asOf: Type.Union([Timestamp, Type.Null()]),
    verdict: Type.Enum(VERDICTS, { description: 'prohibited > restricted > review > incentive > clear' }),
    reasons: Type.Array(Reason),
    matter: Type.Object({
      type: MatterType,
      reference: Type.String(),
      title: Type.Union([Type.String(), Type.Null()]),
    }),
    subject: Type.Object({
      asked: Type.Object({
        kind: Type.Optional(Type.String()),
        uscc: Type.Optional(Type.String()),
        name: Type.Optional(Type.String()),
        idNumber: Type.Optional(Type.String({ description: 'masked' })),
      }),
      resolved: Type.Array(
        Type.Object({
          subjectId: Uuid,
          kind: Type.String(),
          name: Type.String(),
          uscc: Type.Union([Type.String(), Type.Null()]),
          idMasked: Type.Union([Type.String(), Type.Null()]),
          matchedBy: Type.Enum(MATCHED_BY),
        }),
      ),
    }),
    hits: Type.Array(Hit),
    measures: Type.Array(CheckMeasure),
    dataVersion: Type.String({ description: 'c<catalogue version>.e<last list event> seen by this check' }),
    catalogVersion: Type.Integer(),
    receipt: Type.Object({
      hash: Type.String(),
      prevHash: Type.String(),
      chain: Type.Integer(),
      chainSeq: Type.Integer(),
    }),
  },
  {
    $id: 'CheckResult',
    examples: [
      {
        checkId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
        departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
        checkedAt: '2026-11-22T08:30:00.000Z',
        asOf: null,
        verdict: 'clear',
        reasons: [],
        matter: { type: 'government_procurement', reference: 'HGCG-2026-0451', title: '鹤岗市第一中学教学楼维修工程' },
        subject: { asked: { uscc: '91230400MA1B2C3D4Q' }, resolved: [] },
        hits: [],
        measures: [],
        dataVersion: 'c1.e0',
        catalogVersion: 1,
        receipt: { hash: 'a3f1…', prevHash: '0000…', chain: 3, chainSeq: 1 },
      },
    ],
  },
);
export type CheckResult = Static<typeof CheckResult>;

export const BatchBody = Type.Object(
  {
    matter: Matter,
    operator: Type.Optional(Operator),
    items: Type.Array(
      Type.Object(
        { subject: CheckSubject, reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        matter: EXAMPLE_BODY.matter,
        items: [
          { subject: { uscc: '91230400MA1B2C3D4Q' }, reference: 'bidder-1' },
          { subject: { name: '鹤岗市宏远建筑工程有限公司' } },
        ],
      },
    ],
  },
);

export const BatchResult = Type.Object(
  {
    batchId: Uuid,
    results: Type.Array(
      Type.Object({
        index: Type.Integer(),
        check: Type.Optional(Ref(CheckResult)),
        error: Type.Optional(
          Type.Object({
            code: Type.String(),
            detail: Type.String(),
            errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
          }),
        ),
      }),
    ),
  },
  {
    examples: [
      {
        batchId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
        results: [
          {
            index: 0,
            error: {
              code: 'INVALID_USCC',
              detail: 'the check character (position 18) does not match the first 17 characters',
            },
          },
        ],
      },
    ],
  },
);
export type BatchResult = Static<typeof BatchResult>;

export const CheckParams = Type.Object({ checkId: Uuid });

export const BrokenLink = Type.Object({
  checkId: Type.Union([Uuid, Type.Null()], {
    description: 'null for a chain head that does not match its last receipt',
  }),
  chain: Type.Integer(),
  chainSeq: Type.Integer(),
  problem: Type.Enum(['hash_mismatch', 'prev_hash_mismatch', 'sequence_gap', 'head_mismatch', 'month_order']),
});
export type BrokenLink = Static<typeof BrokenLink>;

export const ChainReport = Type.Object(
  {
    ok: Type.Boolean(),
    receipts: Type.Integer(),
    chains: Type.Array(
      Type.Object({
        chain: Type.Integer(),
        length: Type.Integer(),
        head: Type.String(),
        brokenLinks: Type.Integer({ description: 'how many broken links this chain has (all of them, listed or not)' }),
      }),
    ),
    firstBroken: Type.Union([Type.Null(), BrokenLink], {
      description: 'the first broken link (lowest chain, then sequence)',
    }),
    broken: Type.Array(BrokenLink, { description: 'every broken link, at most 100 per chain' }),
    archived: Type.Array(
      Type.Object({
        month: Type.String({ examples: ['2026-01'] }),
        file: Type.String(),
        fileSha256: Type.String(),
        receipts: Type.Integer(),
      }),
      {
        description:
          'months archived to NDJSON files and dropped; the chains above verify from where they end, the files with `yingcha receipts verify --archive`',
      },
    ),
  },
  {
    examples: [
      {
        ok: true,
        receipts: 2,
        chains: [{ chain: 0, length: 2, head: '9f86d0…', brokenLinks: 0 }],
        firstBroken: null,
        broken: [],
        archived: [],
      },
    ],
  },
);
export type ChainReport = Static<typeof ChainReport>;

const FeedbackAction = Type.Enum(['applied', 'not_applied', 'partially_applied'], {
  description: 'applied 已执行 | not_applied 未执行 (note required) | partially_applied 部分执行',
});

export const FeedbackBody = Type.Object(
  {
    measureId: Uuid,
    action: FeedbackAction,
    note: Type.Optional(Type.String({ maxLength: 4000, description: 'How, or why not; required for not_applied' })),
  },
  {
    additionalProperties: false,
    examples: [
      { measureId: '5d3f1a2b-6c7d-4e8f-9a0b-1c2d3e4f5a6b', action: 'applied', note: '已在评标中依法限制其投标资格' },
    ],
  },
);
export type FeedbackBody = Static<typeof FeedbackBody>;

const FeedbackFields = {
  feedbackId: Uuid,
  checkId: Uuid,
  measureId: Uuid,
  action: FeedbackAction,
  note: Type.Union([Type.String(), Type.Null()]),
  reportedAt: Timestamp,
  reportedBy: Type.Object({ departmentId: Uuid, keyId: Uuid }),
  supersededAt: Type.Union([Timestamp, Type.Null()], { description: 'set when a later report amended this one' }),
};

/** One report, as the check's feedback lists it. */
const Feedback = Type.Object(FeedbackFields);
export type Feedback = Static<typeof Feedback>;

const feedbackExample = {
  feedbackId: '8e1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  checkId: '4c1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
  measureId: '5d3f1a2b-6c7d-4e8f-9a0b-1c2d3e4f5a6b',
  action: 'applied',
  note: '已在评标中依法限制其投标资格',
  reportedAt: '2026-11-22T09:00:00.000Z',
  reportedBy: { departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23', keyId: '1b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23' },
  supersededAt: null,
};

export const FeedbackResult = Type.Object(
  {
    ...FeedbackFields,
    amends: Type.Union([Uuid, Type.Null()], { description: 'the report this one replaced, if any' }),
  },
  { examples: [{ ...feedbackExample, amends: null }] },
);
export type FeedbackResult = Static<typeof FeedbackResult>;

export const CheckFeedback = Type.Object(
  {
    checkId: Uuid,
    complete: Type.Boolean({ description: 'every measure of the check has a current report' }),
    measures: Type.Array(
      Type.Object({
        measureId: Uuid,
        docNo: Type.String(),
        ordinal: Type.String(),
        text: Type.String(),
        mandatory: Type.Boolean(),
        current: Type.Union([Feedback, Type.Null()]),
        history: Type.Array(Feedback, { description: 'earlier reports, amended since' }),
      }),
    ),
  },
  { examples: [{ checkId: feedbackExample.checkId, complete: true, measures: [] }] },
);
export type CheckFeedback = Static<typeof CheckFeedback>;
