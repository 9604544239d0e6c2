// The change feed's schemas, and the static type of a page, which services/changes.ts builds (import type only).
import { type Static, Type } from 'typebox';
import { EVENT_TYPES } from '../../services/changes.js';
import { Nullable, Ref, Region, Timestamp, Uuid } from '../schemas.js';
import { PAGE_SIZES } from '../../defaults.js';
import { pageLimit } from '../paging.js';

export const EventType = Type.Enum([...EVENT_TYPES], {
  description:
    'entry.created | entry.updated | entry.revoked | entry.expired | entry.repaired | entry.objection_opened (存在异议) | ' +
    'entry.reinstated (objection rejected) | objection.opened | objection.decided | repair.opened | repair.decided | ' +
    'catalog.changed | watch.hit (addressed to the watching department only)',
});

const EXAMPLE_DATA = {
  entryId: '3f2b8c1e-7d4a-4b9e-8c2f-1a2b3c4d5e6f',
  list: 'safety.blacklist',
  subjectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  subject: { kind: 'enterprise', name: '鹤岗市恒达建筑工程有限公司', uscc: '91230400MA1B2C3D4Q', idMasked: null },
  region: '230400',
  decidingDepartment: { departmentId: '2d6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23', name: '鹤岗市应急管理局' },
  version: 1,
  status: 'active',
};

/** What every event about a record carries (services/entry-rows.ts EventAbout), documented as its own component. */
export const RecordEventData = Type.Object(
  {
    entryId: Uuid,
    list: Type.String({ description: 'the list code' }),
    subjectId: Uuid,
    subject: Type.Object({
      kind: Type.String({ description: 'enterprise | person | other_org | individual_business' }),
      name: Type.String(),
      uscc: Nullable(Type.String({ description: '统一社会信用代码' })),
      idMasked: Nullable(Type.String({ description: "a person's ID number, masked; the plain number is in no event" })),
    }),
    region: Region,
    decidingDepartment: Type.Object(
      { departmentId: Uuid, name: Type.String() },
      { description: 'the department that decided the record (认定部门), as of this event' },
    ),
  },
  {
    $id: 'RecordEventData',
    additionalProperties: true,
    description:
      'The data of every event about a record (entry.*, objection.*, repair.*), so a consumer can match it against its ' +
      'own approvals without fetching the record: the subject as of the event, the list, region and deciding department. ' +
      'Each type adds its own fields: entry.* version and status; objection.* objectionId; repair.* repairId.',
    examples: [EXAMPLE_DATA],
  },
);

export const ChangeEvent = Type.Object(
  {
    eventId: Type.String({ pattern: '^\\d+$', description: 'Unique; also sent as x-yingcha-event-id on webhooks' }),
    type: Type.String({ description: 'One of the event types; new types may be added, so ignore unknown ones' }),
    occurredAt: Timestamp,
    data: Type.Union([Ref(RecordEventData), Type.Object({}, { additionalProperties: true })], {
      description:
        'Depends on the type. Events about a record (entry.*, objection.*, repair.*) carry RecordEventData: entryId, list, ' +
        "the subject's public identifiers (kind, name, USCC or masked ID number), region and deciding department; entry " +
        'events add version and status',
    }),
  },
  {
    $id: 'ChangeEvent',
    examples: [
      {
        eventId: '1042',
        type: 'entry.created',
        occurredAt: '2026-11-22T08:30:00.000Z',
        data: EXAMPLE_DATA,
      },
    ],
  },
);

const csv = (item: ReturnType<typeof Type.String>, description: string) =>
  Type.Optional(Type.Array(item, { maxItems: 50, description }));

export const ChangesQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'The nextCursor of the previous page; omit to start from the beginning',
      }),
    ),
    limit: pageLimit(PAGE_SIZES.lists),
    type: csv(
      Type.String({ minLength: 1, maxLength: 64 }),
      'Only these event types (repeat the parameter for several)',
    ),
    list: csv(
      Type.String({ minLength: 1, maxLength: 100 }),
      'Only events of these list codes; events without a list (catalog.changed) pass',
    ),
    region: Type.Optional(
      Type.Array(Region, {
        maxItems: 20,
        description:
          'Only events scoped to these regions or to a region covering them (000000 covers all); events without a region pass',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ChangesPage = Type.Object(
  {
    events: Type.Array(Ref(ChangeEvent)),
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
            data: EXAMPLE_DATA,
          },
        ],
        nextCursor: 'NzQxOjEwNDI',
      },
    ],
  },
);
export type ChangesPage = Static<typeof ChangesPage>;
