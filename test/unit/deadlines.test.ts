// Objection and repair deadlines (services/cases.ts) over the holiday calendar: the filing instant is taken in
// Asia/Shanghai, the filing day does not count, 调休 Saturdays and Sundays do.
import t from 'tap';
import { deadline, isOverdue, objectionDeadline, repairDeadline } from '../../api/src/services/cases.js';

const lists = {
  default: { objectionWorkingDays: 15 },
  nanning: { objectionWorkingDays: 20, repairCalendarDays: 20 },
  mohurd: { objectionWorkingDays: 15, repairWorkingDays: 15 },
};

t.test('filed the day before 国庆 2025', async (t) => {
  // 2025-09-30 16:00 in Beijing is 08:00 UTC; 10-1..10-8 are off, Sunday 9-28 and Saturday 10-11 are working days.
  const d = objectionDeadline(lists.default, new Date('2025-09-30T08:00:00Z'));
  t.same(d, { dueAt: '2025-10-28', rule: '15 working days', provisional: false });
});

t.test('filed late in the evening, Beijing time, counts from the Beijing date', async (t) => {
  // 2025-09-30T17:30Z is already 10-01 01:30 in Beijing, a holiday: the count starts after it.
  t.equal(objectionDeadline(lists.default, new Date('2025-09-30T17:30:00Z')).dueAt, '2025-10-28');
  // 2025-09-29T17:30Z is 9-30 in Beijing.
  t.equal(objectionDeadline(lists.default, new Date('2025-09-29T17:30:00Z')).dueAt, '2025-10-28');
  t.equal(
    objectionDeadline(lists.default, new Date('2025-09-29T15:00:00Z')).dueAt,
    '2025-10-27',
    '9-29 23:00 in Beijing',
  );
});

t.test('across 春节 2026 (2-15..2-23 off, Saturdays 2-14 and 2-28 worked)', async (t) => {
  t.equal(objectionDeadline(lists.default, new Date('2026-02-13T02:00:00Z')).dueAt, '2026-03-12');
  t.same(objectionDeadline(lists.nanning, new Date('2026-02-13T02:00:00Z')), {
    dueAt: '2026-03-19',
    rule: '20 working days',
    provisional: false,
  });
});

t.test('repair deadlines: calendar days in Nanning, working days in urban management', async (t) => {
  t.same(repairDeadline(lists.nanning, new Date('2026-02-13T02:00:00Z')), {
    dueAt: '2026-03-05',
    rule: '20 calendar days',
    provisional: false,
  });
  t.equal(repairDeadline(lists.mohurd, new Date('2026-02-13T02:00:00Z')).dueAt, '2026-03-12');
  t.equal(
    repairDeadline(lists.default, new Date('2026-02-13T02:00:00Z')).rule,
    '15 working days',
    'default 15 working days',
  );
});

t.test('a count running into a year the calendar does not know is provisional', async (t) => {
  const d = deadline(new Date('2026-12-20T02:00:00Z'), { workingDays: 15 });
  t.equal(d.provisional, true);
  t.equal(d.dueAt, '2027-01-08', 'Monday to Friday only after 2026 (元旦 2027 not yet published)');
  t.equal(deadline(new Date('2026-11-22T02:00:00Z'), { workingDays: 15 }).provisional, false);
});

t.test('overdue only when open and past the due day in Beijing', async (t) => {
  t.equal(isOverdue('received', '2026-03-12', new Date('2026-03-12T15:59:00Z')), false, '23:59 on the due day');
  t.equal(isOverdue('verifying', '2026-03-12', new Date('2026-03-12T16:00:00Z')), true, '00:00 the day after');
  t.equal(
    isOverdue('upheld', '2026-03-12', new Date('2026-06-01T00:00:00Z')),
    false,
    'a decided case is never overdue',
  );
});
