import { Type } from 'typebox';
import { SCOPES } from '../../domain/codes.js';
import { Category, Region, Timestamp, UsccString, Uuid } from '../schemas.js';

export { Category };

const EXAMPLE_DEPARTMENT = {
  departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
  uscc: '11230400MB12345677',
  name: '鹤岗市财政局',
  category: 'finance',
  region: '230400',
  createdAt: '2026-11-22T08:30:00.000Z',
};

export const Scope = Type.Enum(SCOPES, { description: 'check 查询, publish 发布名单, review 异议与修复审核, admin 管理' });

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

export const DepartmentList = Type.Object(
  { departments: Type.Array(Type.Ref('Department')) },
  { examples: [{ departments: [EXAMPLE_DEPARTMENT] }] },
);

const keyFields = {
  keyId: Uuid,
  departmentId: Uuid,
  scopes: Type.Array(Scope),
  label: Type.Union([Type.String(), Type.Null()]),
  hint: Type.String({ description: 'The first characters of the secret, to tell keys apart' }),
  createdAt: Timestamp,
  revokedAt: Type.Union([Timestamp, Type.Null()]),
};
const EXAMPLE_KEY = {
  keyId: '6a3e2f9c-1b7d-4c8e-9f0a-5d4c3b2a1e0f',
  departmentId: EXAMPLE_DEPARTMENT.departmentId,
  scopes: ['check'],
  label: '行政审批系统',
  hint: 'yc_Qm9…',
  createdAt: '2026-11-22T08:31:00.000Z',
  revokedAt: null,
};

export const ApiKey = Type.Object(keyFields, { $id: 'ApiKey', examples: [EXAMPLE_KEY] });

export const CreatedKey = Type.Object(
  { ...keyFields, secret: Type.String({ description: 'Shown once, now. Only its hash is stored.' }) },
  { examples: [{ ...EXAMPLE_KEY, secret: 'yc_Qm9vZ3JhcGgtZXhhbXBsZS1zZWNyZXQtZm9yLWRvY3M' }] },
);

export const CreateKeyBody = Type.Object(
  {
    departmentId: Uuid,
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 4, uniqueItems: true }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  {
    additionalProperties: false,
    examples: [{ departmentId: EXAMPLE_DEPARTMENT.departmentId, scopes: ['check'], label: '行政审批系统' }],
  },
);

export const KeyList = Type.Object({ keys: Type.Array(Type.Ref('ApiKey')) }, { examples: [{ keys: [EXAMPLE_KEY] }] });
export const KeyListQuery = Type.Object({ departmentId: Type.Optional(Uuid) }, { additionalProperties: false });
export const KeyParams = Type.Object({ keyId: Uuid });

export const ADMIN_SCHEMAS = [Department, ApiKey];
