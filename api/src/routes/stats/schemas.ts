// The answer of GET /v1/stats, and its static type, which services/stats.ts builds (import type only).
import { type Static, Type } from 'typebox';
import { Timestamp, Uuid } from '../schemas.js';

const Count = Type.Integer({ minimum: 0 });
const CaseStats = Type.Object({
  open: Count,
  overdue: Type.Integer({ minimum: 0, description: 'open past the due day' }),
  decided: Type.Integer({ minimum: 0, description: 'decided within the period' }),
  decidedLate: Type.Integer({ minimum: 0, description: 'of those, decided after the due day' }),
});

export const Stats = Type.Object(
  {
    from: Timestamp,
    to: Timestamp,
    departments: Type.Array(
      Type.Object({
        departmentId: Uuid,
        name: Type.String(),
        category: Type.String(),
        region: Type.String(),
        checks: Type.Object({
          total: Count,
          withHits: Type.Integer({ minimum: 0, description: 'checks that found the subject on some list' }),
          byVerdict: Type.Record(Type.String(), Count),
        }),
        measures: Type.Object({
          required: Type.Integer({ minimum: 0, description: "measures the period's checks required" }),
          reported: Type.Integer({ minimum: 0, description: 'of those, with a current feedback report (执行反馈)' }),
          applied: Count,
          notApplied: Count,
          partiallyApplied: Count,
          completion: Type.Union([Type.Number(), Type.Null()], {
            description: 'reported / required; null when nothing was required',
          }),
        }),
        objections: CaseStats,
        repairs: CaseStats,
      }),
    ),
  },
  {
    examples: [
      {
        from: '2026-11-01T00:00:00.000+08:00',
        to: '2026-11-22T08:30:00.000Z',
        departments: [
          {
            departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
            name: '佳木斯市财政局',
            category: 'finance',
            region: '230800',
            checks: {
              total: 120,
              withHits: 7,
              byVerdict: { prohibited: 0, restricted: 5, review: 2, incentive: 0, clear: 113 },
            },
            measures: { required: 6, reported: 5, applied: 4, notApplied: 1, partiallyApplied: 0, completion: 0.833 },
            objections: { open: 0, overdue: 0, decided: 0, decidedLate: 0 },
            repairs: { open: 0, overdue: 0, decided: 0, decidedLate: 0 },
          },
        ],
      },
    ],
  },
);
export type Stats = Static<typeof Stats>;
