import { Type } from 'typebox';
import { EVENT_TYPES } from '../../services/changes.js';
import { Region, Timestamp } from '../schemas.js';

export const EventType = Type.Enum([...EVENT_TYPES], {
  description:
    'entry.created | entry.updated | entry.revoked | entry.expired | entry.repaired | entry.objection_opened (存在异议) | ' +
    'entry.reinstated (objection rejected) | objection.opened | objection.decided | repair.opened | repair.decided | ' +
    'catalog.changed | watch.hit (addressed to the watching department only)',
});

export const ChangeEvent = Type.Object(
  {
    eventId: Type.String({ pattern: '^\\d+$', description: 'Unique; also sent as x-yingcha-event-id on webhooks' }),
    type: Type.String({ description: 'One of the event types; new types may be added, so ignore unknown ones' }),
    occurredAt: Timestamp,
    data: Type.Unknown({ description: 'Depends on the type; entry events carry entryId, list, version and status' }),
  },
  {
    $id: 'ChangeEvent',
    examples: [
      {
        eventId: '1042',
        type: 'entry.created',
        occurredAt: '2026-11-22T08:30:00.000Z',
        data: { entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f', list: 'safety.blacklist', version: 1, status: 'active' },
      },
    ],
  },
);

const csv = (item: ReturnType<typeof Type.String>, description: string) => Type.Optional(Type.Array(item, { maxItems: 50, description }));

export const ChangesQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The nextCursor of the previous page; omit to start from the beginning' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    type: csv(Type.String({ minLength: 1, maxLength: 64 }), 'Only these event types (repeat the parameter for several)'),
    list: csv(Type.String({ minLength: 1, maxLength: 100 }), 'Only events of these list codes; events without a list (catalog.changed) pass'),
    region: Type.Optional(
      Type.Array(Region, {
        maxItems: 20,
        description: 'Only events scoped to these regions or to a region covering them (000000 covers all); events without a region pass',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ChangesPage = Type.Object(
  {
    events: Type.Array(Type.Ref('ChangeEvent')),
    nextCursor: Type.String({
      description:
        'Pass as `after` for the next page. It never skips an event: only events of transactions that have ended are ' +
        'shown, in commit order. An empty page means nothing new yet; poll again with the same or the new cursor.',
    }),
  },
  {
    examples: [
      {
        events: [
          {
            eventId: '1042',
            type: 'entry.created',
            occurredAt: '2026-11-22T08:30:00.000Z',
            data: { entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f', list: 'safety.blacklist', version: 1, status: 'active' },
          },
        ],
        nextCursor: 'NzQxOjEwNDI',
      },
    ],
  },
);
