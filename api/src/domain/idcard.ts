// 公民身份号码 (citizen identity number, as printed on the 居民身份证), GB 11643-1999.
//
// Layout: 6-digit 地址码 (address, GB/T 2260) + 8-digit 出生日期码 (YYYYMMDD) + 3-digit 顺序码 (odd = male,
// even = female) + 1 校验码 (ISO 7064 MOD 11-2, 'X' stands for 10).

import { createHmac } from 'node:crypto';

export type IdNumberProblem = 'length' | 'character' | 'region' | 'birth_date' | 'checksum';

export type IdNumberResult =
  | { ok: true; value: string; birthDate: string; sex: 'male' | 'female' }
  | { ok: false; problem: IdNumberProblem; detail: string };

/**
 * First two digits of the address code: the GB/T 2260 province-level divisions.
 * 71 台湾, 81 香港, 82 澳门 are in GB/T 2260 but the mainland issues no ID cards there. They are accepted because
 * the 港澳台居民居住证 (residence permit, 2018) uses the same 18-character format with address codes 810000, 820000
 * and 830000, so 83 is accepted too. The 2023 外国人永久居留身份证 (leading 9) is a different scheme and is rejected.
 */
export const PROVINCE_CODES: ReadonlyMap<string, string> = new Map([
  ['11', '北京'],
  ['12', '天津'],
  ['13', '河北'],
  ['14', '山西'],
  ['15', '内蒙古'],
  ['21', '辽宁'],
  ['22', '吉林'],
  ['23', '黑龙江'],
  ['31', '上海'],
  ['32', '江苏'],
  ['33', '浙江'],
  ['34', '安徽'],
  ['35', '福建'],
  ['36', '江西'],
  ['37', '山东'],
  ['41', '河南'],
  ['42', '湖北'],
  ['43', '湖南'],
  ['44', '广东'],
  ['45', '广西'],
  ['46', '海南'],
  ['50', '重庆'],
  ['51', '四川'],
  ['52', '贵州'],
  ['53', '云南'],
  ['54', '西藏'],
  ['61', '陕西'],
  ['62', '甘肃'],
  ['63', '青海'],
  ['64', '宁夏'],
  ['65', '新疆'],
  ['71', '台湾'],
  ['81', '香港'],
  ['82', '澳门'],
  ['83', '台湾居民居住证'],
]);

// W_i = 2^(17-i) mod 11 for positions 1..17.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432'; // indexed by (sum mod 11)

// China has kept UTC+8 all year since 1991, so a fixed offset gives the Asia/Shanghai calendar date exactly
// without depending on the machine's TZ.
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Check character for the first 17 digits (which must already be digits). */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

function fail(problem: IdNumberProblem, detail: string): IdNumberResult {
  return { ok: false, problem, detail };
}

/**
 * Validates an 18-character 公民身份号码. Surrounding white space and a lowercase x are accepted; the returned
 * `value` is the canonical uppercase form. `now` only decides what counts as a birth date in the future.
 */
export function parseIdNumber(input: string, now: Date = new Date()): IdNumberResult {
  const value = input.trim().toUpperCase();

  if (value.length !== 18) {
    if (value.length === 15 && /^\d{15}$/.test(value)) {
      return fail(
        'length',
        '15-digit ID numbers (issued before 1999) must be upgraded to the 18-digit form / 15位旧身份证号码须升级为18位',
      );
    }
    return fail(
      'length',
      `an ID number has 18 characters, got ${value.length} / 身份证号码应为18位，实际为${value.length}位`,
    );
  }

  for (let i = 0; i < 18; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (i === 17 && c === 88) /* X */)) {
      return fail(
        'character',
        `character ${i + 1} is not allowed: the first 17 must be digits, the last a digit or X / ` +
          `第${i + 1}位字符无效：前17位应为数字，末位为数字或X`,
      );
    }
  }

  if (!PROVINCE_CODES.has(value.slice(0, 2))) {
    return fail(
      'region',
      `address code ${value.slice(0, 6)} does not start with a province code / 地址码${value.slice(0, 6)}不属于任何省级行政区划`,
    );
  }

  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isRealDate(y, m, d)) {
    return fail('birth_date', `birth date ${birthDate} does not exist / 出生日期${birthDate}不存在`);
  }
  if (y < 1900) {
    return fail('birth_date', `birth date ${birthDate} is before 1900 / 出生日期${birthDate}早于1900年`);
  }
  const today = new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  if (birthDate > today) {
    return fail('birth_date', `birth date ${birthDate} is in the future / 出生日期${birthDate}晚于今天`);
  }

  if (value[17] !== idCheckChar(value)) {
    return fail(
      'checksum',
      'the check digit (position 18) does not match the first 17 digits / 校验码（第18位）与前17位不符',
    );
  }

  return { ok: true, value, birthDate, sex: (value.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female' };
}

/**
 * Display form that keeps the first 6 (address) and last 4 characters: 110101********123X. Anything that is not
 * 18 characters long is masked completely rather than risk showing a number in full.
 */
export function maskIdNumber(valid: string): string {
  const v = valid.trim().toUpperCase();
  if (v.length !== 18) return '*'.repeat(v.length);
  return `${v.slice(0, 6)}********${v.slice(14)}`;
}

/**
 * Keyed hash used to store and look up an ID number without keeping it: hex HMAC-SHA256 of the canonical
 * (trimmed, uppercase) number. A plain hash would be reversible by enumerating the ~10^11 plausible numbers.
 */
export function hashIdNumber(valid: string, secret: string): string {
  return createHmac('sha256', secret).update(valid.trim().toUpperCase()).digest('hex');
}
