// The watches area's schemas, and the static types services/watches.ts takes and answers with (import type only).
import { type Static, Type } from 'typebox';
import { MatterType } from '../checks/schemas.js';
import { NextCursor, pageParams } from '../paging.js';
import { Nullable, Ref, Timestamp, UsccString, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

export const CreateWatchBody = Type.Object(
  {
    subject: Type.Object(
      {
        uscc: Type.Optional(UsccString),
        idNumber: Type.Optional(
          Type.String({ minLength: 1, maxLength: 32, description: '居民身份证号; kept only as a keyed hash' }),
        ),
        name: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: 200,
            description: 'Matched (exactly, normalised) only when no uscc or idNumber is given',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    matter: Type.Object(
      {
        type: MatterType,
        reference: Type.String({
          minLength: 1,
          maxLength: 200,
          description: '办件号 or contract number of the approval',
        }),
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        subject: { uscc: '91230400MA1B2C3D4Q', name: '鹤岗市恒达建筑工程有限公司' },
        matter: { type: 'public_bidding', reference: 'HG-ZB-2026-0088' },
      },
    ],
  },
);
export type CreateWatchBody = Static<typeof CreateWatchBody>;

const example = {
  watchId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
  subject: { uscc: '91230400MA1B2C3D4Q', idMasked: null, name: '鹤岗市恒达建筑工程有限公司' },
  matter: { type: 'public_bidding', reference: 'HG-ZB-2026-0088' },
  createdAt: '2026-11-22T08:30:00.000Z',
};

export const Watch = Type.Object(
  {
    watchId: Uuid,
    departmentId: Uuid,
    subject: Type.Object({
      uscc: Nullable(Type.String()),
      idMasked: Nullable(Type.String()),
      name: Nullable(Type.String()),
    }),
    matter: Type.Object({ type: Type.String(), reference: Type.String() }),
    createdAt: Timestamp,
  },
  { $id: 'Watch', examples: [example] },
);
export type Watch = Static<typeof Watch>;

export const WatchList = Type.Object(
  { watches: Type.Array(Ref(Watch)), nextCursor: NextCursor },
  { examples: [{ watches: [example], nextCursor: null }] },
);
export const WatchListQuery = Type.Object(
  {
    ...pageParams(PAGE_SIZES.lists),
    offset: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        default: 0,
        deprecated: true,
        description:
          'Deprecated: page with `after` (the nextCursor of the previous page) instead; an offset skips or repeats watches added or deleted while paging. Still honoured, counted after the cursor.',
      }),
    ),
  },
  { additionalProperties: false },
);
export const WatchParams = Type.Object({ watchId: Uuid });
export const DeletedWatch = Type.Object(
  { watchId: Uuid, deleted: Type.Boolean() },
  { examples: [{ watchId: example.watchId, deleted: true }] },
);
