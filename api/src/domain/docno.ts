// 文号 (document numbers) in one canonical spelling. Pure, no I/O.

/**
 * The seeds print the year brackets of a 文号 in at least five ways: 〔〕, 【】 (000:L21), （）and () (001), [] (004:L30)
 * and „‟ (003:L907). The catalogue keys memoranda by 文号, so every 文号 that enters it (admin input, lookups, list
 * references) is first brought to the 〔〕 form the catalogue data uses; otherwise one memorandum could be entered twice.
 */
export function normalizeDocNo(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[〔【[(（［„"“〖]\s*(\d{4})\s*[〕】\])）］‟"”〗]/u, '〔$1〕');
}

/** 发文机关代字〔年份〕序号号, e.g. 发改财金〔2016〕2202号. */
export const DOC_NO_PATTERN = /^[^\s〔〕]+〔\d{4}〕\d+号$/u;

export function isDocNo(value: string): boolean {
  return DOC_NO_PATTERN.test(value);
}
