// The entries area's schemas, and the static types services/entries.ts takes and answers with (import type only).
import { type Static, Type } from 'typebox';
import { NextCursor, pageParams } from '../paging.js';
import { ENTRY_STATUSES, RELATED_ROLES, SUBJECT_KINDS } from '../../domain/codes.js';
import { Ref, Region, Timestamp, UsccString, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

export const EntryStatus = Type.Enum(ENTRY_STATUSES, {
  description:
    'active 有效 | objection_pending 存在异议（核实期间暂不执行） | repaired 已信用修复 | revoked 已撤销 | expired 已到期移出',
});

const IdNumber = Type.String({
  minLength: 1,
  maxLength: 32,
  description: '居民身份证号 (GB 11643-1999). Stored only as a keyed hash; responses show a masked form.',
  examples: ['11010519491231002X'],
});

export const PublishBody = Type.Object(
  {
    list: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'List code (scheme.code), see GET /v1/catalog/lists',
      examples: ['safety.blacklist'],
    }),
    subject: Type.Object(
      {
        kind: Type.Enum(SUBJECT_KINDS),
        uscc: Type.Optional(UsccString),
        idNumber: Type.Optional(IdNumber),
        name: Type.String({ minLength: 1, maxLength: 200 }),
        formerNames: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 20, description: '曾用名' }),
        ),
        relatedPersons: Type.Optional(
          Type.Array(
            Type.Object(
              {
                role: Type.Enum(RELATED_ROLES, {
                  description: 'legal_representative 法定代表人 | principal 主要负责人 | responsible_person 直接责任人',
                }),
                name: Type.String({ minLength: 1, maxLength: 100 }),
                idNumber: Type.Optional(IdNumber),
              },
              { additionalProperties: false },
            ),
            { maxItems: 20 },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    decisionDocNo: Type.String({ minLength: 1, maxLength: 200, description: '认定文书号' }),
    reason: Type.String({ minLength: 1, maxLength: 4000, description: '失信/守信行为' }),
    decidedAt: Timestamp,
    validFrom: Type.Optional(Timestamp),
    validUntil: Type.Optional(Timestamp),
    points: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'Points of this act, on a points list' }),
    ),
    scopeRegion: Type.Optional(Region),
    source: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Publishing system; with sourceRecordId, the idempotency key',
    }),
    sourceRecordId: Type.String({ minLength: 1, maxLength: 200 }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        list: 'safety.blacklist',
        subject: {
          kind: 'enterprise',
          uscc: '91230400MA1B2C3D4Q',
          name: '鹤岗市恒达建筑工程有限公司',
          relatedPersons: [{ role: 'legal_representative', name: '王建国', idNumber: '11010519491231002X' }],
        },
        decisionDocNo: '鹤应急罚〔2026〕12号',
        reason: '发生较大生产安全责任事故',
        decidedAt: '2026-11-01T00:00:00.000Z',
        source: '鹤岗市应急管理局执法系统',
        sourceRecordId: 'HG-2026-000123',
      },
    ],
  },
);
export type PublishBody = Static<typeof PublishBody>;

export const PublishResult = Type.Object(
  {
    entryId: Uuid,
    version: Type.Integer({ minimum: 1 }),
    status: EntryStatus,
    replayed: Type.Boolean({ description: 'true when this exact content had already been published' }),
  },
  { examples: [{ entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f', version: 1, status: 'active', replayed: false }] },
);
export type PublishResult = Static<typeof PublishResult>;

export const Entry = Type.Object(
  {
    entryId: Uuid,
    list: Type.String(),
    subjectId: Uuid,
    subject: Type.Object({
      kind: Type.String(),
      name: Type.String(),
      uscc: Type.Union([Type.String(), Type.Null()]),
      idMasked: Type.Union([Type.String(), Type.Null()], {
        description: 'masked ID number; the plain number is never stored',
      }),
    }),
    source: Type.String(),
    sourceRecordId: Type.String(),
    version: Type.Integer(),
    status: EntryStatus,
    listed: Type.Boolean({ description: 'on the list right now (in force by status and validity)' }),
    decisionDocNo: Type.String(),
    reason: Type.String(),
    decidedAt: Timestamp,
    validFrom: Timestamp,
    validUntil: Type.Union([Timestamp, Type.Null()]),
    points: Type.Union([Type.Integer(), Type.Null()]),
    scopeRegion: Region,
    publishedAt: Timestamp,
    decidedBy: Uuid,
    versions: Type.Optional(
      Type.Array(
        Type.Object({
          version: Type.Integer(),
          status: EntryStatus,
          change: Type.String(),
          recordedAt: Timestamp,
          supersededAt: Type.Union([Timestamp, Type.Null()]),
        }),
        { description: 'The version history (valid time and record time); internal reads only' },
      ),
    ),
  },
  {
    $id: 'Entry',
    examples: [
      {
        entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
        list: 'safety.blacklist',
        subjectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        subject: { kind: 'enterprise', name: '鹤岗市恒达建筑工程有限公司', uscc: '91230400MA1B2C3D4Q', idMasked: null },
        source: '鹤岗市应急管理局执法系统',
        sourceRecordId: 'HG-2026-000123',
        version: 1,
        status: 'active',
        listed: true,
        decisionDocNo: '鹤应急罚〔2026〕12号',
        reason: '发生较大生产安全责任事故',
        decidedAt: '2026-11-01T00:00:00.000Z',
        validFrom: '2026-11-22T08:30:00.000Z',
        validUntil: '2027-11-22T08:30:00.000Z',
        points: null,
        scopeRegion: '000000',
        publishedAt: '2026-11-22T08:30:00.000Z',
        decidedBy: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
        versions: [
          {
            version: 1,
            status: 'active',
            change: 'created',
            recordedAt: '2026-11-22T08:30:00.000Z',
            supersededAt: null,
          },
        ],
      },
    ],
  },
);
export type Entry = Static<typeof Entry>;

export const EntryParams = Type.Object({ entryId: Uuid });

export const RevokeBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000, description: '撤销理由' }) },
  { additionalProperties: false, examples: [{ reason: '经复核，认定依据不足，予以撤销' }] },
);

export const View = Type.Enum(['public', 'internal'], {
  default: 'public',
  description:
    'public: only records on the list right now (公示), without history. internal (scope publish, review or admin): ' +
    'every record, including expired, repaired and revoked ones, with its version history.',
});

export const EntryQuery = Type.Object(
  {
    view: Type.Optional(View),
  },
  { additionalProperties: false },
);

export const EntryListQuery = Type.Object(
  {
    subject: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        '统一社会信用代码 or subject id. An ID number is refused (ID_NUMBER_IN_URL): look it up with POST /v1/entries/search',
      examples: ['91230400MA1B2C3D4Q'],
    }),
    list: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'only this list code' })),
    view: Type.Optional(View),
    ...pageParams(PAGE_SIZES.lists),
  },
  { additionalProperties: false },
);

export const EntryList = Type.Object(
  { entries: Type.Array(Ref(Entry)), nextCursor: NextCursor },
  { examples: [{ entries: [], nextCursor: null }] },
);

export const SearchBody = Type.Object(
  {
    idNumber: Type.String({
      minLength: 1,
      maxLength: 32,
      description: '居民身份证号: hashed at once, never stored, echoed or logged',
    }),
    list: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'only this list code' })),
    view: Type.Optional(View),
    ...pageParams(PAGE_SIZES.lists),
  },
  { additionalProperties: false, examples: [{ idNumber: '11010519800101123X' }] },
);

export const TransferBody = Type.Object(
  {
    departmentId: Uuid,
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: '移交理由, e.g. the department was merged or renamed',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ departmentId: '2d6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23', reason: '机构改革，职责划入市场监督管理局' }],
  },
);

export const TransferResult = Type.Object(
  { entryId: Uuid, version: Type.Integer(), status: Type.Enum(ENTRY_STATUSES), decidedBy: Uuid },
  {
    examples: [
      {
        entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
        version: 3,
        status: 'active',
        decidedBy: '2d6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
      },
    ],
  },
);
export type TransferResult = Static<typeof TransferResult>;
