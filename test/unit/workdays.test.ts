import t from 'tap';
import {
  COVERED_YEARS,
  addWorkingDays,
  calendarCovers,
  isWorkingDay,
  toShanghaiDate,
  workingDaysBetween,
} from '../../api/src/domain/workdays.js';

t.test('covered years', async (t) => {
  t.comment(`chinese-days covers ${COVERED_YEARS[0]}–${COVERED_YEARS.at(-1)}; 2027 covered: ${calendarCovers(2027)}`);
  for (const y of [2024, 2025, 2026]) t.ok(calendarCovers(y), `${y}`);
  t.notOk(calendarCovers(2099));
  t.notOk(calendarCovers(1999));
});

// 2025, 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号): 国庆节、中秋节 10月1日（周三）至8日（周三）
// 放假调休，共8天；9月28日（周日）、10月11日（周六）上班. chinese-days agrees: holidays 2025-10-01…08 (10-06 as 中秋),
// workdays 2025-09-28 and 2025-10-11.
// Counting from Tuesday 2025-09-30: 10-09 Thu (1), 10-10 Fri (2), 10-11 Sat 调休上班 (3), 10-13…17 (4–8),
// 10-20…24 (9–13), 10-27 (14), 10-28 (15).
t.test('国庆 2025: objection filed on 2025-09-30, 15 working days', async (t) => {
  t.equal(addWorkingDays('2025-09-30', 15), '2025-10-28');
  t.equal(workingDaysBetween('2025-09-30', '2025-10-28'), 15);
  t.equal(isWorkingDay('2025-09-28'), true, 'Sunday 9-28 is a 调休 working day');
  t.equal(isWorkingDay('2025-10-11'), true, 'Saturday 10-11 is a 调休 working day');
  t.equal(isWorkingDay('2025-10-06'), false, '中秋');
  t.equal(isWorkingDay('2025-10-08'), false, 'Wednesday 10-8 is off in lieu');
  t.equal(isWorkingDay('2025-10-12'), false, 'an ordinary Sunday');
});

// 2026, 国务院办公厅关于2026年部分节假日安排的通知 (gov.cn content_7047091): 国庆节 10月1日（周四）至7日（周三）放假调休，
// 共7天；9月20日（周日）、10月10日（周六）上班. 中秋节 9月25日（周五）至27日（周日）放假. chinese-days agrees.
// Counting from Wednesday 2026-09-30: 10-08 Thu (1), 10-09 Fri (2), 10-10 Sat 调休上班 (3), 10-12…16 (4–8),
// 10-19…23 (9–13), 10-26 (14), 10-27 (15).
t.test('国庆 2026: objection filed on 2026-09-30, 15 working days', async (t) => {
  t.equal(addWorkingDays('2026-09-30', 15), '2026-10-27');
  t.equal(workingDaysBetween('2026-09-30', '2026-10-27'), 15);
  t.equal(isWorkingDay('2026-09-20'), true, 'Sunday 9-20 is a 调休 working day');
  t.equal(isWorkingDay('2026-10-10'), true, 'Saturday 10-10 is a 调休 working day');
  t.equal(isWorkingDay('2026-09-25'), false, '中秋 on a Friday');
  t.equal(isWorkingDay('2026-10-07'), false);
});

// 春节 2026 (same notice): 2月15日（周日）至23日（周一）放假调休，共9天；2月14日（周六）、2月28日（周六）上班.
// Counting from Friday 2026-02-13: 02-14 Sat 调休上班 (1), 02-15…23 off, 02-24…27 (2–5), 02-28 Sat 调休上班 (6),
// 03-02…06 (7–11), 03-09…12 (12–15).
t.test('春节 2026: filed on 2026-02-13, 15 working days', async (t) => {
  t.equal(addWorkingDays('2026-02-13', 15), '2026-03-12');
  t.equal(addWorkingDays('2026-02-13', 1), '2026-02-14', 'the 调休 Saturday is the first working day');
  t.equal(isWorkingDay('2026-02-23'), false, 'Monday 2-23 is off in lieu');
  t.equal(isWorkingDay('2026-02-28'), true);
});

t.test('2024 data is present too', async (t) => {
  // 2024 notice: 春节 2月10日至17日放假调休；2月4日（星期日）、2月18日（星期日）上班.
  t.equal(isWorkingDay('2024-02-04'), true);
  t.equal(isWorkingDay('2024-02-18'), true);
  t.equal(isWorkingDay('2024-02-16'), false);
});

t.test('the start day does not count', async (t) => {
  t.equal(addWorkingDays('2025-11-15', 1), '2025-11-17', 'filed on a Saturday: Monday is day 1');
  t.equal(addWorkingDays('2025-11-17', 1), '2025-11-18', 'filed on a Monday: Tuesday is day 1');
  t.equal(addWorkingDays('2025-11-15', 0), '2025-11-15');
  t.equal(workingDaysBetween('2025-11-15', '2025-11-15'), 0);
  t.equal(workingDaysBetween('2025-10-28', '2025-09-30'), -15);
  t.throws(() => addWorkingDays('2025-11-15', -1), RangeError);
  t.throws(() => addWorkingDays('2025-11-15', 1.5), RangeError);
});

t.test('instants are taken as their Asia/Shanghai calendar date', async (t) => {
  t.equal(toShanghaiDate(new Date('2025-09-29T16:00:00Z')), '2025-09-30', 'midnight in Beijing');
  t.equal(toShanghaiDate(new Date('2025-09-29T15:59:59Z')), '2025-09-29');
  t.equal(addWorkingDays(new Date('2025-09-29T16:00:00Z'), 15), '2025-10-28');
  t.equal(addWorkingDays(new Date('2025-09-29T15:59:59Z'), 15), '2025-10-27', 'filed on Monday 9-29 in Beijing');
  t.equal(addWorkingDays('2025-09-30T00:30:00+08:00', 15), '2025-10-28');
  t.equal(addWorkingDays('2025-09-29T16:30:00Z', 15), '2025-10-28');
  t.equal(isWorkingDay(new Date('2025-09-27T16:00:00Z')), true, 'Sunday 9-28 in Beijing');
  t.equal(toShanghaiDate('2025-09-30'), '2025-09-30');
});

t.test('bad input is refused, not guessed', async (t) => {
  t.throws(() => isWorkingDay('2025-02-29'), RangeError);
  t.throws(() => isWorkingDay('2025-13-01'), RangeError);
  t.throws(() => isWorkingDay('2025-09-30T10:00'), RangeError, 'a timestamp without offset depends on the machine');
  t.throws(() => isWorkingDay('30/09/2025'), RangeError);
  t.throws(() => isWorkingDay(new Date(Number.NaN)), RangeError);
});

t.test('beyond the data, Monday–Friday', async (t) => {
  t.equal(isWorkingDay('2099-01-01'), true, 'a Thursday; 元旦 is unknown without data');
  t.equal(isWorkingDay('2099-01-03'), false, 'a Saturday');
  t.equal(addWorkingDays('2099-01-02', 1), '2099-01-05');
});

t.test('the result does not depend on the machine time zone', async (t) => {
  // chinese-days' own functions shift by a day west of UTC; this module must not. Node applies a change of
  // process.env.TZ at once.
  const saved = process.env.TZ;
  t.teardown(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  for (const tz of ['America/New_York', 'Pacific/Kiritimati', 'Asia/Shanghai']) {
    process.env.TZ = tz;
    t.equal(new Date(Date.UTC(2025, 8, 28)).getDate(), tz === 'America/New_York' ? 27 : 28, `TZ ${tz} in effect`);
    t.equal(addWorkingDays('2025-09-30', 15), '2025-10-28', tz);
    t.equal(isWorkingDay('2025-09-28'), true, tz);
    t.equal(isWorkingDay('2025-09-27'), false, tz);
    t.equal(addWorkingDays(new Date('2025-09-29T16:00:00Z'), 1), '2025-10-09', tz);
  }
});
