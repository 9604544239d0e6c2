// Seed file names and document numbers shared by the catalogue data modules. Seed files live in ../seeds;
// "003:L907" in comments means line 907 of S003.
import type { SeedRef } from '../types.js';

export const S000 = '000_d41736de8c1eb63a.txt'; // 鹤信用发〔2018〕5号 (Hegang, quality)
export const S001 = '001_e37da23406e7c17a.txt'; // 武质技监管〔2018〕22号 (Wuhan responsibility list)
export const S002 = '002_928024bacd84a644.txt'; // 鹤政规〔2017〕8号 (Hegang implementing opinion)
export const S003 = '003_337ab2181bc2b47a.txt'; // "失信联合惩戒工作开展情况14篇" (compilation)
export const S004 = '004_bceffd5bbac65417.txt'; // 佳应急联发〔2020〕5号 (Jiamusi, work safety)

export function ref(file: string, first: number, last: number = first): SeedRef {
  return { file, lines: [first, last] };
}

// 文号 normalised to 〔〕: the seeds also print 【】 (000:L21), （ ） and ( ) (001), [ ] (004:L30) and „‟ (003:L907).
export const DOC = {
  safety: '发改财金〔2016〕1001号',
  quality: '发改财金〔2016〕2202号',
  taxA: '发改财金〔2016〕1467号',
  youth: '发改财金〔2016〕2012号',
  customsAeo: '发改财金〔2016〕2190号',
  enterprise: '发改财金〔2015〕2045号',
  debtor: '发改财金〔2016〕141号',
  environment: '发改财金〔2016〕1580号',
  agriInputs: '发改财金〔2017〕346号',
  customsDishonest: '发改财金〔2017〕427号',
  overseas: '发改外资〔2017〕1894号',
  hegang: '鹤信用发〔2018〕5号',
  jiamusi: '佳应急联发〔2020〕5号',
  wuhan: '武质技监管〔2018〕22号',
} as const;

export const REGION = {
  hegang: '230400',
  jiamusi: '230800',
  wuhan: '420100',
} as const;

// Policy instruments cited again and again in the 1001号 appendix (003:L927-1187) and its Jiamusi copy (004:L148-183).
export const B = {
  aqf: '《安全生产法》',
  plan: '《社会信用体系建设规划纲要(2014-2020年)》',
  gf2014_20: '《国务院关于促进市场公平竞争维护市场正常秩序的若干意见》(国发〔2014〕20号)(十五)',
  gf2010_23: '《国务院关于进一步加强企业安全生产工作的通知》(国发〔2010〕23号)',
} as const;
