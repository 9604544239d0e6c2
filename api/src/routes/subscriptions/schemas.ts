// The subscriptions area's schemas, and the static types services/subscriptions.ts takes and answers with (import type only).
import { type Static, Type } from 'typebox';
import { EventType } from '../changes/schemas.js';
import { SECRET_OVERLAP_DEFAULT_S, SECRET_OVERLAP_MAX_S } from '../../services/subscriptions.js';
import { FAILURE_CATEGORIES } from '../../services/delivery.js';
import { NextCursor, pageParams } from '../paging.js';
import { Nullable, Ref, Region, Timestamp, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';

const Filters = Type.Object(
  {
    lists: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        minItems: 1,
        maxItems: 100,
        description: 'List codes',
      }),
    ),
    regions: Type.Optional(
      Type.Array(Region, {
        minItems: 1,
        maxItems: 50,
        description: 'Regions; an event scoped to a covering region passes',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateSubscriptionBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'http(s) URL that receives a signed POST per event',
    }),
    events: Type.Array(EventType, { minItems: 1, maxItems: 20 }),
    filters: Type.Optional(Filters),
  },
  {
    additionalProperties: false,
    examples: [
      {
        url: 'https://approval.example.gov.cn/hooks/yingcha',
        events: ['entry.created', 'entry.revoked', 'watch.hit'],
        filters: { regions: ['230400'] },
      },
    ],
  },
);
export type CreateSubscriptionBody = Static<typeof CreateSubscriptionBody>;

const subscriptionFields = {
  subscriptionId: Uuid,
  departmentId: Uuid,
  url: Type.String(),
  events: Type.Array(Type.String()),
  filters: Filters,
  createdAt: Timestamp,
  delivery: Type.Object({
    delivered: Type.Integer(),
    lastDeliveredAt: Nullable(Timestamp),
    failures: Type.Integer({ description: 'Consecutive failed attempts on the event at the head of the queue' }),
    failingSince: Nullable(Timestamp),
    nextAttemptAt: Timestamp,
    deadLetters: Type.Integer({ description: 'Events given up after the horizon and not replayed' }),
  }),
};

const example = {
  subscriptionId: '6a1f0c7e-2b9d-4c3e-8f1a-0d2c3b4a5e6f',
  departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
  url: 'https://approval.example.gov.cn/hooks/yingcha',
  events: ['entry.created', 'entry.revoked', 'watch.hit'],
  filters: { regions: ['230400'] },
  createdAt: '2026-11-22T08:30:00.000Z',
  delivery: {
    delivered: 0,
    lastDeliveredAt: null,
    failures: 0,
    failingSince: null,
    nextAttemptAt: '2026-11-22T08:30:00.000Z',
    deadLetters: 0,
  },
};

export const Subscription = Type.Object(subscriptionFields, { $id: 'Subscription', examples: [example] });
export type Subscription = Static<typeof Subscription>;

export const CreatedSubscription = Type.Object(
  {
    ...subscriptionFields,
    secret: Type.String({ description: 'Signing secret, shown only here. Verify x-yingcha-signature with it.' }),
  },
  { examples: [{ ...example, secret: 'whsec_Q2hhbmdlIG1lIGJlZm9yZSB1c2UhIDMyIGJ5dGVzIQ' }] },
);
export type CreatedSubscription = Static<typeof CreatedSubscription>;

export const SubscriptionList = Type.Object(
  { subscriptions: Type.Array(Ref(Subscription)), nextCursor: NextCursor },
  { examples: [{ subscriptions: [example], nextCursor: null }] },
);
export const SubscriptionListQuery = Type.Object(pageParams(PAGE_SIZES.lists), { additionalProperties: false });

export const SubscriptionParams = Type.Object({ id: Uuid });
export const ReplayParams = Type.Object({ id: Uuid, eventId: Type.String({ pattern: '^\\d{1,18}$' }) });

export const DeletedSubscription = Type.Object(
  { subscriptionId: Uuid, deleted: Type.Boolean() },
  { examples: [{ subscriptionId: example.subscriptionId, deleted: true }] },
);

export const DeliveriesQuery = Type.Object(
  {
    ...pageParams(PAGE_SIZES.lists),
    deadLettersAfter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          'a deadLettersNextCursor from the previous page: pages the dead letters (`after` pages the attempts)',
      }),
    ),
  },
  { additionalProperties: false, description: '`limit` bounds each of the two arrays' },
);

const ERROR_DESCRIPTION =
  `Why the attempt failed, as a category (${FAILURE_CATEGORIES.join(', ')}), never the raw network error. ` +
  'http_status: the receiver answered a non-2xx status (httpStatus has it; a redirect is not followed); ' +
  'forbidden_target: the URL resolved to an address webhooks may not reach.';

export const Deliveries = Type.Object(
  {
    attempts: Type.Array(
      Type.Object({
        eventId: Type.String(),
        attempt: Type.Integer({ description: '1 for the first try of this event, counting up while it fails' }),
        attemptedAt: Timestamp,
        outcome: Type.Enum(['delivered', 'failed', 'dead'], {
          description: 'dead: failed, and the event has been failing for longer than the horizon',
        }),
        httpStatus: Nullable(Type.Integer()),
        error: Nullable(Type.String({ description: ERROR_DESCRIPTION })),
        durationMs: Type.Integer(),
        replay: Type.Boolean(),
        worker: Type.String({ description: 'The instance that made the attempt (host:pid:random)' }),
      }),
      { description: 'Newest first' },
    ),
    deadLetters: Type.Array(
      Type.Object({
        eventId: Type.String(),
        status: Type.Enum(['dead', 'replay_queued', 'replayed']),
        failures: Type.Integer(),
        lastError: Nullable(Type.String({ description: ERROR_DESCRIPTION })),
        deadAt: Timestamp,
        replayRequestedAt: Nullable(Timestamp),
        replayedAt: Nullable(Timestamp),
      }),
      { description: 'By event id' },
    ),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description:
        'pass as `after` for the next page of attempts; null on the last (a Link header with rel="next" says the same)',
    }),
    deadLettersNextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'pass as `deadLettersAfter` for the next page of dead letters; null on the last',
    }),
  },
  {
    examples: [
      {
        attempts: [
          {
            eventId: '1043',
            attempt: 2,
            attemptedAt: '2026-11-22T08:30:02.100Z',
            outcome: 'delivered',
            httpStatus: 200,
            error: null,
            durationMs: 14,
            replay: false,
            worker: 'api-1:4121:a1b2c3',
          },
          {
            eventId: '1043',
            attempt: 1,
            attemptedAt: '2026-11-22T08:30:01.000Z',
            outcome: 'failed',
            httpStatus: null,
            error: 'refused',
            durationMs: 2,
            replay: false,
            worker: 'api-2:3977:d4e5f6',
          },
        ],
        deadLetters: [],
        nextCursor: 'cDE6MTc2Mzc5OTgwMTAwMDoxMDk4',
        deadLettersNextCursor: null,
      },
    ],
  },
);
export type Deliveries = Static<typeof Deliveries>;

export const Replayed = Type.Object(
  { eventId: Type.String(), status: Type.Enum(['dead', 'replay_queued', 'replayed']) },
  { examples: [{ eventId: '1040', status: 'replay_queued' }] },
);
export type Replayed = Static<typeof Replayed>;

export const RotateSecretBody = Type.Object(
  {
    overlapSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: SECRET_OVERLAP_MAX_S,
        description: `How long the previous secret keeps signing beside the new one; default ${SECRET_OVERLAP_DEFAULT_S} (24 h), at most ${SECRET_OVERLAP_MAX_S} (30 days)`,
      }),
    ),
  },
  { additionalProperties: false, examples: [{ overlapSeconds: 86_400 }] },
);

export const RotatedSecret = Type.Object(
  {
    subscriptionId: Uuid,
    secret: Type.String({ description: 'The new signing secret, shown only here' }),
    previousSecretValidUntil: Nullable(Timestamp),
  },
  {
    examples: [
      {
        subscriptionId: example.subscriptionId,
        secret: 'whsec_TmV3IHNlY3JldCBhZnRlciByb3RhdGlvbiAzMiBieXRlcw',
        previousSecretValidUntil: '2026-11-23T08:30:00.000Z',
      },
    ],
  },
);
export type RotatedSecret = Static<typeof RotatedSecret>;
