// The admin area's schemas, and the static types services/keys.ts and reads.ts take and answer with (import type only).
import { type Static, Type } from 'typebox';
import { SCOPES } from '../../domain/codes.js';
import { KEY_OVERLAP_DEFAULT_S, KEY_OVERLAP_MAX_S } from '../../services/keys.js';
import { NextCursor, pageParams, pageLimit } from '../paging.js';
import { Category, Nullable, Ref, Region, Timestamp, UsccString, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

export { Category };

const EXAMPLE_DEPARTMENT = {
  departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
  uscc: '11230400MB12345677',
  name: '鹤岗市财政局',
  category: 'finance',
  region: '230400',
  createdAt: '2026-11-22T08:30:00.000Z',
};

export const Scope = Type.Enum(SCOPES, {
  description: 'check 查询, publish 发布名单, review 异议与修复审核, admin 管理',
});

export const Department = Type.Object(
  {
    departmentId: Uuid,
    uscc: Type.String({ description: 'The department’s own 统一社会信用代码 (organs begin with 11)' }),
    name: Type.String(),
    category: Category,
    region: Region,
    createdAt: Timestamp,
  },
  { $id: 'Department', examples: [EXAMPLE_DEPARTMENT] },
);
export type Department = Static<typeof Department>;

export const CreateDepartmentBody = Type.Object(
  {
    uscc: UsccString,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: Category,
    region: Region,
  },
  {
    additionalProperties: false,
    examples: [{ uscc: '11230400MB12345677', name: '鹤岗市财政局', category: 'finance', region: '230400' }],
  },
);
export type CreateDepartmentBody = Static<typeof CreateDepartmentBody>;

export const DepartmentList = Type.Object(
  { departments: Type.Array(Ref(Department)), nextCursor: NextCursor },
  { examples: [{ departments: [EXAMPLE_DEPARTMENT], nextCursor: null }] },
);
export const DepartmentListQuery = Type.Object(pageParams(PAGE_SIZES.lists), { additionalProperties: false });

const keyFields = {
  keyId: Uuid,
  departmentId: Uuid,
  scopes: Type.Array(Scope),
  label: Type.Union([Type.String(), Type.Null()]),
  hint: Type.String({ description: 'The first characters of the secret, to tell keys apart' }),
  createdAt: Timestamp,
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable({ ...Timestamp, description: 'When the key last authenticated a request, to within a minute' }),
  successorId: Nullable({ ...Uuid, description: 'The key a rotation issued to replace this one' }),
};
const EXAMPLE_KEY = {
  keyId: '6a3e2f9c-1b7d-4c8e-9f0a-5d4c3b2a1e0f',
  departmentId: EXAMPLE_DEPARTMENT.departmentId,
  scopes: ['check'],
  label: '行政审批系统',
  hint: 'yc_Qm9…',
  createdAt: '2026-11-22T08:31:00.000Z',
  revokedAt: null,
  expiresAt: null,
  lastUsedAt: '2026-11-23T02:10:00.000Z',
  successorId: null,
};

export const ApiKey = Type.Object(keyFields, { $id: 'ApiKey', examples: [EXAMPLE_KEY] });
export type ApiKey = Static<typeof ApiKey>;

export const CreatedKey = Type.Object(
  { ...keyFields, secret: Type.String({ description: 'Shown once, now. Only its hash is stored.' }) },
  { examples: [{ ...EXAMPLE_KEY, secret: 'yc_Qm9vZ3JhcGgtZXhhbXBsZS1zZWNyZXQtZm9yLWRvY3M' }] },
);
export type CreatedKey = Static<typeof CreatedKey>;

export const CreateKeyBody = Type.Object(
  {
    departmentId: Uuid,
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 4, uniqueItems: true }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    expiresAt: Type.Optional({
      ...Timestamp,
      description: 'The key is refused (EXPIRED_KEY) from this instant; must be in the future. Default: no expiry',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ departmentId: EXAMPLE_DEPARTMENT.departmentId, scopes: ['check'], label: '行政审批系统' }],
  },
);
export type CreateKeyBody = Static<typeof CreateKeyBody>;

export const KeyList = Type.Object(
  { keys: Type.Array(Ref(ApiKey)), nextCursor: NextCursor },
  { examples: [{ keys: [EXAMPLE_KEY], nextCursor: null }] },
);
export const KeyListQuery = Type.Object(
  { departmentId: Type.Optional(Uuid), ...pageParams(PAGE_SIZES.lists) },
  { additionalProperties: false },
);
export const KeyParams = Type.Object({ keyId: Uuid });

export const RotateKeyBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: KEY_OVERLAP_MAX_S,
        description: `How long the old key keeps working beside its successor; default ${KEY_OVERLAP_DEFAULT_S} (24 h), at most ${KEY_OVERLAP_MAX_S} (30 days); 0 ends it now`,
      }),
    ),
  },
  { additionalProperties: false, examples: [{ overlapSeconds: 3600 }] },
);

export const RotatedKey = Type.Object(
  {
    successor: Type.Object({
      ...keyFields,
      secret: Type.String({ description: "The successor's secret, shown once, now" }),
    }),
    previous: Ref(ApiKey),
  },
  {
    examples: [
      {
        successor: {
          ...EXAMPLE_KEY,
          keyId: '7b4f3a0d-2c8e-4d9f-a01b-6e5d4c3b2a1f',
          lastUsedAt: null,
          secret: 'yc_U3VjY2Vzc29yLWV4YW1wbGUtc2VjcmV0LWZvci1kb2Nz',
        },
        previous: {
          ...EXAMPLE_KEY,
          expiresAt: '2026-11-24T08:31:00.000Z',
          successorId: '7b4f3a0d-2c8e-4d9f-a01b-6e5d4c3b2a1f',
        },
      },
    ],
  },
);
export type RotatedKey = Static<typeof RotatedKey>;

const ReadRecord = Type.Object({
  readId: Type.String({ description: 'Also the cursor: pass it as `after`' }),
  at: Timestamp,
  departmentId: Uuid,
  keyId: Uuid,
  operation: Type.String({ description: 'The operationId of the read: getEntry, listEntries, searchEntries' }),
  subjectIds: Type.Array(Uuid, { description: 'The subjects the answer was about; empty when nothing was found' }),
  askedBy: Type.Enum(['subject_id', 'uscc', 'id_number', 'entry_id']),
  askedUscc: Nullable(Type.String({ description: 'The 统一社会信用代码 asked for, when the lookup was by USCC' })),
  askedByIdNumber: Type.Boolean({
    description: 'The lookup named an ID number (kept only as its keyed hash, never shown)',
  }),
  entryCount: Type.Integer({ description: 'Records in the answer' }),
});

export const ReadList = Type.Object(
  {
    reads: Type.Array(ReadRecord, { description: 'Oldest first' }),
    nextCursor: Nullable(Type.String({ description: 'Pass as `after` for the next page; null on the last page' })),
  },
  {
    examples: [
      {
        reads: [
          {
            readId: '1042',
            at: '2026-11-22T08:40:00.000Z',
            departmentId: EXAMPLE_DEPARTMENT.departmentId,
            keyId: EXAMPLE_KEY.keyId,
            operation: 'listEntries',
            subjectIds: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
            askedBy: 'uscc',
            askedUscc: '91230400MA1B2C3D4Q',
            askedByIdNumber: false,
            entryCount: 1,
          },
        ],
        nextCursor: null,
      },
    ],
  },
);
export type ReadList = Static<typeof ReadList>;

export const ReadListQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'The nextCursor of the previous page' })),
    limit: pageLimit(PAGE_SIZES.lists),
    departmentId: Type.Optional(Uuid),
    subjectId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const ADMIN_SCHEMAS = [Department, ApiKey];
