// 工作日 (Chinese working days) for 异议/信用修复 deadlines: Monday to Friday, minus the statutory holidays, plus the
// 调休 weekend days that the State Council's yearly notice (国务院办公厅关于某年部分节假日安排的通知) turns into
// working days.
//
// The calendar data comes from chinese-days, but only its prebuilt JSON is used, not its functions. Those
// functions build their holiday table and read dates through local-time Date methods, so in a time zone west of
// UTC every answer shifts by a day (with TZ=America/New_York, chinese-days 1.5.7 reports Saturday 2025-09-27 as the
// 调休 working day instead of Sunday 2025-09-28). Here every date is a plain calendar date, computed without the
// machine's time zone.
//
// chinese-days 1.5.7 covers 2004–2026 (see COVERED_YEARS). Outside that range there is no holiday data, so days fall
// back to Monday–Friday; callers should check calendarCovers() and flag such a deadline as provisional.

import calendar from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

const data = calendar as { holidays: Record<string, string>; workdays: Record<string, string> };
/** Statutory holidays, including the weekdays taken off in lieu (调休放假). */
const HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(data.holidays));
/** Weekend days that are working days (调休上班). */
const MAKEUP_WORKDAYS: ReadonlySet<string> = new Set(Object.keys(data.workdays));

/** Years for which the holiday arrangement is known. Every year has 元旦, so a year with data has a holiday. */
export const COVERED_YEARS: readonly number[] = [...new Set([...HOLIDAYS].map((d) => Number(d.slice(0, 4))))].sort(
  (a, b) => a - b,
);
const COVERED = new Set(COVERED_YEARS);

/** Whether the holiday data knows the given year. If not, working days there are plain Monday–Friday. */
export function calendarCovers(year: number): boolean {
  return COVERED.has(year);
}

const DAY_MS = 86_400_000;
// China has kept UTC+8 all year since 1991, so a fixed offset gives the Asia/Shanghai calendar date exactly.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
// A timestamp must carry its offset: a bare 2025-09-30T10:00 would be read in the machine's time zone.
const TIMESTAMP_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i;

/** Days since 1970-01-01 of the Asia/Shanghai calendar date of the input. */
function toDayNumber(input: Date | string): number {
  if (typeof input === 'string') {
    const m = DATE_ONLY.exec(input);
    if (m) {
      const y = Number(m[1]);
      const mo = Number(m[2]);
      const d = Number(m[3]);
      const ms = Date.UTC(y, mo - 1, d);
      const check = new Date(ms);
      if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
        throw new RangeError(`not a calendar date: ${input}`);
      }
      return ms / DAY_MS;
    }
    if (!TIMESTAMP_WITH_OFFSET.test(input)) {
      throw new RangeError(`expected YYYY-MM-DD or an ISO timestamp with Z or an offset, got ${JSON.stringify(input)}`);
    }
    input = new Date(input);
  }
  const t = input.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  return Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS);
}

function isoOf(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function isWorkingDayNumber(dayNumber: number): boolean {
  const iso = isoOf(dayNumber);
  if (COVERED.has(Number(iso.slice(0, 4)))) {
    if (MAKEUP_WORKDAYS.has(iso)) return true;
    if (HOLIDAYS.has(iso)) return false;
  }
  const weekday = (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday >= 1 && weekday <= 5;
}

/**
 * The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. A YYYY-MM-DD string is taken as that calendar date;
 * any other string must be an ISO timestamp with Z or an explicit offset.
 */
export function toShanghaiDate(input: Date | string): string {
  return isoOf(toDayNumber(input));
}

/** Whether the date (a YYYY-MM-DD calendar date, or an instant taken in Asia/Shanghai) is a working day. */
export function isWorkingDay(date: Date | string): boolean {
  return isWorkingDayNumber(toDayNumber(date));
}

/**
 * The calendar date of the n-th working day after `start` (its Asia/Shanghai calendar date). The start day does
 * not count even if it is a working day, so an objection filed on a Saturday has its first working day on Monday,
 * and n = 0 returns the start date itself.
 */
export function addWorkingDays(start: Date | string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  let day = toDayNumber(start);
  for (let left = n; left > 0;) {
    day++;
    if (isWorkingDayNumber(day)) left--;
  }
  return isoOf(day);
}

/**
 * Working days d with a < d ≤ b, counted like addWorkingDays, so workingDaysBetween(a, addWorkingDays(a, n)) = n.
 * Negative when b is before a.
 */
export function workingDaysBetween(a: Date | string, b: Date | string): number {
  const from = toDayNumber(a);
  const to = toDayNumber(b);
  if (to < from) return -workingDaysBetween(b, a);
  let count = 0;
  for (let d = from + 1; d <= to; d++) if (isWorkingDayNumber(d)) count++;
  return count;
}
