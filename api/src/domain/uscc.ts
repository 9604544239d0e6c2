// 统一社会信用代码 (unified social credit code), GB 32100-2015.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'; // 31 characters: no I, O, Z, S, V
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type IdentifierProblem = 'length' | 'character' | 'checksum' | 'region' | 'birth_date';

export type UsccResult = { ok: true; value: string } | { ok: false; problem: IdentifierProblem; detail: string };

/** Check character for the first 17 characters (which must already be in the charset). */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Accepts surrounding white space and lowercase letters; returns the canonical uppercase form. */
export function parseUscc(input: string): UsccResult {
  const value = input.trim().toUpperCase();
  if (value.length !== 18) {
    return { ok: false, problem: 'length', detail: `统一社会信用代码 must be 18 characters, got ${value.length}` };
  }
  for (let i = 0; i < 18; i++) {
    if (!CHARSET.includes(value[i]!)) {
      return {
        ok: false,
        problem: 'character',
        detail: `character ${i + 1} ('${value[i]}') is not allowed; the code uses digits and capital letters except I, O, Z, S, V`,
      };
    }
  }
  const expected = usccCheckChar(value);
  if (value[17] !== expected) {
    return {
      ok: false,
      problem: 'checksum',
      detail: 'the check character (position 18) does not match the first 17 characters',
    };
  }
  return { ok: true, value };
}
