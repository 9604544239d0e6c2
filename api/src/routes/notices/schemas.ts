// The notices' JSON schemas (the notice pages themselves are HTML), and the static types services/notice.ts answers
// with (import type only).
import { type Static, Type } from 'typebox';
import { Uuid } from '../schemas.js';

export const NoticeIssued = Type.Object(
  {
    noticeId: Uuid,
    checkId: Uuid,
    number: Type.String({
      description: '文号, gapless per issuing department and year, e.g. 鹤市监告〔2026〕第000123号',
    }),
    issuedAt: Type.String({ format: 'date-time' }),
    issuedByKey: Uuid,
    issuedByOperator: Type.Union([Type.String(), Type.Null()]),
    url: Type.String({ description: 'Signed link that opens the notice as HTML without a key, until expiresAt' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        noticeId: '5b0f3a1e-2c4d-4e6f-8a9b-0c1d2e3f4a5b',
        checkId: '3f5790f5-8c1e-4b0a-9d2f-6e7a8b9c0d1e',
        number: '鹤市监告〔2026〕第000123号',
        issuedAt: '2026-12-01T08:30:00.000Z',
        issuedByKey: '4c3b2a19-0f8e-4d7c-8b6a-5f4e3d2c1b0a',
        issuedByOperator: '窗口 3 号 王敏',
        url: 'https://yingcha.example.gov.cn/v1/notices/5b0f3a1e-2c4d-4e6f-8a9b-0c1d2e3f4a5b?expires=1796200200&signature=9f…',
        expiresAt: '2026-12-02T08:30:00.000Z',
      },
    ],
  },
);
/** An issued notice as services/notice.ts keeps it; the route adds the signed link. */
export type IssuedNotice = Omit<Static<typeof NoticeIssued>, 'url' | 'expiresAt'>;

export const NoticePrefixBody = Type.Object(
  { noticePrefix: Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()]) },
  { additionalProperties: false, examples: [{ noticePrefix: '鹤市监告' }] },
);

export const NoticePrefix = Type.Object(
  {
    departmentId: Uuid,
    name: Type.String(),
    noticePrefix: Type.Union([Type.String(), Type.Null()]),
    effectivePrefix: Type.String(),
  },
  {
    examples: [
      {
        departmentId: '0b6c1f5e-8a0e-4a55-9c64-2b7f8e4d1a23',
        name: '鹤岗市市场监督管理局',
        noticePrefix: '鹤市监告',
        effectivePrefix: '鹤市监告',
      },
    ],
  },
);
export type NoticePrefix = Static<typeof NoticePrefix>;
