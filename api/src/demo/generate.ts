// Deterministic demo and bench data: enterprises, individual businesses, cooperatives and persons with valid
// identifiers and plausible Chinese names. Everything follows from the seed, so a bench run can be repeated and a
// failing record found again by its index.
//
// Identifiers are unique within one run (up to 10^8 subjects): the body of each 统一社会信用代码 and the address,
// birth date and sequence of each 身份证号 come from a seeded permutation of the subject's index, not from
// independent draws, so two million subjects never collide. A few related persons are deliberately shared between
// subjects (one person as 法定代表人 of several firms, or listed in their own right), always with the same name.

import type { RelatedRole, SubjectKind } from '../domain/codes.js';
import { idCheckChar } from '../domain/idcard.js';
import { usccCheckChar } from '../domain/uscc.js';

export interface DemoRelatedPerson {
  role: RelatedRole;
  name: string;
  idNumber: string;
}

export interface DemoSubject {
  kind: SubjectKind;
  uscc?: string;
  idNumber?: string;
  name: string;
  formerNames?: string[];
  relatedPersons?: DemoRelatedPerson[];
}

export interface GenerateOptions {
  /** Share of subjects that are persons (kind 'person'); the rest have a USCC. Default 0.2. */
  personShare?: number;
}

/** xorshift128 seeded through a 32-bit avalanche mix, so nearby seeds give unrelated streams. */
class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const s = seed >>> 0;
    this.a = mix32(s ^ 0x1234567);
    this.b = mix32(s + 0x9e3779b9);
    this.c = mix32(s + 0x3c6ef372);
    this.d = mix32(s + 0xdaa66d2b) | 1; // never all zero
    for (let i = 0; i < 8; i++) this.next();
  }

  next(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }

  /** [0, 1) */
  float(): number {
    return this.next() / 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor((this.next() / 4294967296) * items.length)]!;
  }

  /** Biased towards the start of the list: common surnames and characters come first. */
  pickSkewed<T>(items: readonly T[]): T {
    const u = this.float();
    return items[Math.floor(u * u * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p * 4294967296;
  }
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A permutation of [0, 2^bits) (bits ≤ 30): three rounds of xor with a key, multiplication by an odd constant
 * modulo 2^bits and folding the high half into the low half. Each step is invertible, so the whole is a bijection.
 */
function permute(x: number, bits: number, keys: Keys): number {
  const mask = (1 << bits) - 1;
  const shift = bits >>> 1;
  x = Math.imul((x ^ keys[0]) & mask, 0x2c1b3c6d) & mask;
  x ^= x >>> shift;
  x = Math.imul((x ^ keys[1]) & mask, 0x2c1b3c6d) & mask;
  x ^= x >>> shift;
  x = Math.imul((x ^ keys[2]) & mask, 0x2c1b3c6d) & mask;
  return x ^ (x >>> shift);
}

type Keys = readonly [number, number, number];

/**
 * A permutation of [0, m) by cycle walking: apply the power-of-two permutation until the value falls below m.
 * Because it walks the cycle that x < m lies on, it always comes back under m, and distinct inputs stay distinct.
 */
function permuteBelow(x: number, m: number, bits: number, keys: Keys): number {
  do x = permute(x, bits, keys);
  while (x >= m);
  return x;
}

// --- Regions -------------------------------------------------------------------------------------------------

/** Where enterprises are registered (USCC characters 3–8) and the prefixes their names use. Listed with weight. */
const ORG_REGIONS: ReadonlyArray<{ code: string; prefixes: readonly string[]; county: string; weight: number }> = [
  { code: '230400', prefixes: ['鹤岗市', '鹤岗'], county: '鹤岗市向阳区', weight: 6 },
  { code: '230402', prefixes: ['鹤岗市'], county: '鹤岗市向阳区', weight: 2 },
  { code: '230800', prefixes: ['佳木斯市', '佳木斯'], county: '佳木斯市前进区', weight: 3 },
  { code: '230100', prefixes: ['哈尔滨市', '哈尔滨', '黑龙江'], county: '哈尔滨市南岗区', weight: 3 },
  { code: '450100', prefixes: ['南宁市', '广西'], county: '南宁市青秀区', weight: 5 },
  { code: '450103', prefixes: ['南宁市'], county: '南宁市青秀区', weight: 1 },
  { code: '420100', prefixes: ['武汉市', '武汉', '湖北'], county: '武汉市洪山区', weight: 4 },
  { code: '110105', prefixes: ['北京', '北京市'], county: '北京市朝阳区', weight: 4 },
  { code: '310115', prefixes: ['上海', '上海市'], county: '上海市浦东新区', weight: 4 },
  { code: '440305', prefixes: ['深圳市', '深圳'], county: '深圳市南山区', weight: 3 },
  { code: '330100', prefixes: ['杭州', '浙江'], county: '杭州市西湖区', weight: 2 },
  { code: '510100', prefixes: ['成都', '四川'], county: '成都市武侯区', weight: 2 },
];
const ORG_REGION_TABLE = ORG_REGIONS.flatMap((r) => Array<(typeof ORG_REGIONS)[number]>(r.weight).fill(r));

/** County-level GB/T 2260 codes used as the 地址码 of ID numbers. */
const ID_REGIONS = [
  '230402',
  '230403',
  '230404',
  '230405',
  '230406',
  '230407',
  '230421',
  '230422', // 鹤岗
  '230803',
  '230804',
  '230811',
  '230881', // 佳木斯
  '230102',
  '230103', // 哈尔滨
  '450102',
  '450103',
  '450107', // 南宁
  '420102',
  '420103',
  '420106',
  '420111', // 武汉
  '110101',
  '110105',
  '110108', // 北京
  '310104',
  '310115', // 上海
  '440304',
  '440305', // 深圳
  '330106',
  '510107',
  '370102',
  '320106',
  '130102',
  '410105',
  '430104',
  '350102',
  '500103',
  '610113',
  '220102',
  '210102',
];

// Birth dates 1950-01-01 … 2004-12-31 as YYYYMMDD, built once.
const BIRTH_DATES: readonly string[] = (() => {
  const out: string[] = [];
  const end = Date.UTC(2004, 11, 31);
  for (let t = Date.UTC(1950, 0, 1); t <= end; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10).replaceAll('-', ''));
  }
  return out;
})();
const ID_SPACE = ID_REGIONS.length * BIRTH_DATES.length * 999;
const ID_BITS = Math.ceil(Math.log2(ID_SPACE));
const SEQUENCES: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

// --- Names ---------------------------------------------------------------------------------------------------

const chars = (s: string): readonly string[] => Array.from(s);

// Roughly in order of frequency, so pickSkewed favours 王, 李, 张.
const SURNAMES = chars(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '慕容'];
const MALE_GIVEN = chars('伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林成建国志海峰东晨阳文博');
const FEMALE_GIVEN = chars('芳娜敏静丽艳娟霞秀英玲桂兰萍婷雪琳颖倩洁慧莉红梅燕玉晶欣怡佳璐瑶月婉琪');
const TRADE_CHARS = chars(
  '恒达宏远鑫源盛隆泰华瑞丰祥和兴旺顺通嘉信诚德润金鼎昌荣佳利海天宇新光明正大中龙腾飞星辉鸿博创安康富永久江山林森峰景誉汇联众力乾坤东方晨阳耀卓越精英智慧铭浩睿',
);
const INDUSTRIES = [
  '建筑工程',
  '建筑劳务',
  '装饰工程',
  '房地产开发',
  '物业服务',
  '商贸',
  '贸易',
  '科技',
  '信息技术',
  '网络科技',
  '电子商务',
  '物流',
  '运输',
  '餐饮管理',
  '农业发展',
  '农业科技',
  '矿业',
  '煤业',
  '煤炭经销',
  '食品',
  '医药',
  '环保科技',
  '机械制造',
  '建材',
  '化工',
  '新能源',
  '文化传媒',
  '广告',
  '投资管理',
  '企业管理咨询',
  '旅游开发',
  '汽车销售',
  '劳务派遣',
  '市政工程',
  '水利工程',
];
// 有限公司 and 有限责任公司 dominate real registrations.
const LEGAL_FORMS = [
  '有限公司',
  '有限公司',
  '有限公司',
  '有限公司',
  '有限公司',
  '有限公司',
  '有限责任公司',
  '有限责任公司',
  '有限责任公司',
  '股份有限公司',
  '集团有限公司',
];
const SHOP_TYPES = [
  '五金店',
  '便利店',
  '饭店',
  '理发店',
  '汽车修理部',
  '建材经营部',
  '服装店',
  '药店',
  '水果店',
  '烧烤店',
  '家电维修部',
  '粮油店',
  '日杂商店',
];
const COOP_TYPES = ['种植', '养殖', '农机', '蔬菜种植', '水稻种植', '生猪养殖', '食用菌种植'];

// --- Identifiers ---------------------------------------------------------------------------------------------

const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const DIGIT_BODIES = 100_000_000; // 8 digits
const MA_BODIES = 31 ** 6; // 'MA' + 6 characters of the USCC charset
const DIGIT_BITS = Math.ceil(Math.log2(DIGIT_BODIES));
const MA_BITS = Math.ceil(Math.log2(MA_BODIES));

/** GB 11714 check character of an 8-character 组织机构代码 body (weights 3 7 9 10 5 8 4 2; letters A=10…Z=35). */
function orgCodeCheck(body: string): string {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body.charCodeAt(i);
    sum += (c <= 57 ? c - 48 : c - 55) * w[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

class Builder {
  private readonly rng: Rng;
  private readonly keys: Keys;
  private readonly personShare: number;
  /** The last generated legal representative, for deliberate reuse. */
  private lastRep: DemoRelatedPerson | undefined;

  constructor(seed: number, opts: GenerateOptions) {
    this.rng = new Rng(seed);
    this.keys = [this.rng.next(), this.rng.next(), this.rng.next()];
    this.personShare = opts.personShare ?? 0.2;
  }

  subject(index: number): DemoSubject {
    const rng = this.rng;
    if (rng.chance(this.personShare)) {
      // Now and then the person is someone already seen as a 法定代表人.
      const rep = this.lastRep;
      if (rep && rng.chance(0.1)) {
        this.lastRep = undefined;
        return { kind: 'person', idNumber: rep.idNumber, name: rep.name };
      }
      const p = this.person(index * 4);
      return { kind: 'person', idNumber: p.idNumber, name: p.name };
    }

    const region = rng.pick(ORG_REGION_TABLE);
    const roll = rng.float();
    const type = roll < 0.85 ? '1' : roll < 0.95 ? '2' : '3';
    const uscc = this.uscc(index, type, region.code);

    if (type === '2') {
      // 个体工商户: named after the county, run by its 经营者.
      const name = `${region.county}${this.trade()}${rng.pick(SHOP_TYPES)}`;
      const owner = this.person(index * 4 + 1);
      return {
        kind: 'individual_business',
        uscc,
        name,
        relatedPersons: [{ role: 'principal', name: owner.name, idNumber: owner.idNumber }],
      };
    }
    if (type === '3') {
      const name = `${rng.pick(region.prefixes)}${this.trade()}${rng.pick(COOP_TYPES)}专业合作社`;
      const rep = this.person(index * 4 + 1);
      return {
        kind: 'other_org',
        uscc,
        name,
        relatedPersons: [{ role: 'legal_representative', name: rep.name, idNumber: rep.idNumber }],
      };
    }

    const prefix = rng.pick(region.prefixes);
    const trade = this.trade();
    const industry = rng.pick(INDUSTRIES);
    const form = rng.pick(LEGAL_FORMS);
    const name = `${prefix}${trade}${industry}${form}`;
    const subject: DemoSubject = { kind: 'enterprise', uscc, name };

    if (rng.chance(0.12)) {
      const former = [this.formerName(prefix, trade, industry, form, name)];
      if (rng.chance(0.15)) {
        const older = `${prefix}${this.trade()}${rng.pick(INDUSTRIES)}${rng.pick(LEGAL_FORMS)}`;
        if (older !== name && older !== former[0]) former.push(older);
      }
      subject.formerNames = former;
    }

    let rep: DemoRelatedPerson;
    if (this.lastRep && rng.chance(0.05)) {
      rep = this.lastRep;
    } else {
      const p = this.person(index * 4 + 1);
      rep = { role: 'legal_representative', name: p.name, idNumber: p.idNumber };
    }
    this.lastRep = rep;
    const related: DemoRelatedPerson[] = [rep];
    if (rng.chance(0.3)) {
      const p = this.person(index * 4 + 2);
      related.push({ role: 'principal', name: p.name, idNumber: p.idNumber });
    }
    if (rng.chance(0.1)) {
      const p = this.person(index * 4 + 3);
      related.push({ role: 'responsible_person', name: p.name, idNumber: p.idNumber });
    }
    subject.relatedPersons = related;
    return subject;
  }

  private uscc(index: number, type: string, region: string): string {
    let body: string;
    // Codes issued since 2015 mostly carry a body that starts with MA; older ones keep the 组织机构代码 digits.
    if (this.rng.chance(0.4)) {
      let k = permuteBelow(index, MA_BODIES, MA_BITS, this.keys);
      body = 'MA';
      for (let i = 0; i < 6; i++) {
        body += USCC_CHARSET[k % 31];
        k = Math.floor(k / 31);
      }
    } else {
      const k = permuteBelow(index, DIGIT_BODIES, DIGIT_BITS, this.keys);
      body = String(k).padStart(8, '0');
    }
    const first17 = `9${type}${region}${body}${orgCodeCheck(body)}`;
    return first17 + usccCheckChar(first17);
  }

  /** A person whose ID number is a bijection of `serial`; the name follows the sex encoded in the number. */
  private person(serial: number): { name: string; idNumber: string } {
    const rng = this.rng;
    let k = permuteBelow(serial, ID_SPACE, ID_BITS, this.keys);
    const seq = (k % 999) + 1;
    k = Math.floor(k / 999);
    const birth = BIRTH_DATES[k % BIRTH_DATES.length]!;
    const region = ID_REGIONS[Math.floor(k / BIRTH_DATES.length)]!;
    const first17 = region + birth + SEQUENCES[seq]!;
    const male = seq % 2 === 1;

    const surname = rng.chance(0.01) ? rng.pick(COMPOUND_SURNAMES) : rng.pickSkewed(SURNAMES);
    const pool = male ? MALE_GIVEN : FEMALE_GIVEN;
    const given = rng.chance(0.3) ? rng.pick(pool) : rng.pick(pool) + rng.pick(pool);
    return { name: surname + given, idNumber: first17 + idCheckChar(first17) };
  }

  /** 字号: usually two characters, sometimes three. */
  private trade(): string {
    const rng = this.rng;
    const two = rng.pick(TRADE_CHARS) + rng.pick(TRADE_CHARS);
    return rng.chance(0.1) ? two + rng.pick(TRADE_CHARS) : two;
  }

  private formerName(prefix: string, trade: string, industry: string, form: string, current: string): string {
    const rng = this.rng;
    const roll = rng.float();
    let former: string;
    if (roll < 0.4)
      former = `${prefix}${this.trade()}${industry}${form}`; // renamed 字号
    else if (roll < 0.7)
      former = `${prefix}${trade}${rng.pick(INDUSTRIES)}${form}`; // changed line of business
    else former = current;
    // Otherwise (or if the draw gave the current name back) a conversion between 有限责任公司 and 有限公司.
    if (former === current) former = `${prefix}${trade}${industry}${form === '有限公司' ? '有限责任公司' : '有限公司'}`;
    return former;
  }
}

/** Identifiers stay unique up to this many subjects (the 8-digit USCC body space). */
export const MAX_SUBJECTS = DIGIT_BODIES;

/**
 * Lazily yields `n` subjects for `seed`. The first k subjects are the same whatever `n` is, and nothing is kept
 * between them, so millions can be streamed.
 */
export function* iterateSubjects(n: number, seed: number, opts: GenerateOptions = {}): Generator<DemoSubject> {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SUBJECTS) {
    throw new RangeError(`n must be an integer from 0 to ${MAX_SUBJECTS}, got ${n}`);
  }
  const builder = new Builder(seed, opts);
  for (let i = 0; i < n; i++) yield builder.subject(i);
}

/** `n` subjects for `seed` as an array; use iterateSubjects for large n. */
export function generateSubjects(n: number, seed: number, opts: GenerateOptions = {}): DemoSubject[] {
  return [...iterateSubjects(n, seed, opts)];
}

// --- The showcase: a first run that shows the point ---------------------------------------------------------------

/** A fixed 统一社会信用代码 in 鹤岗 (230400). 'MD' bodies never come out of the generator ('MA…' or digits). */
const showcaseUscc = (prefix: string, n: number) => {
  const body = `${prefix}230400MD${String(n).padStart(7, '0')}`;
  return body + usccCheckChar(body);
};

export interface ShowcaseRecord {
  list: string;
  subject: DemoSubject;
  decisionDocNo: string;
  reason: string;
  /** the matter type whose check shows this record's measures */
  matterType: string;
  /** which demo key sees measures for it: the demo department (信用办) or the 市场监管 department */
  shownTo: 'demo' | 'market';
}

/**
 * Hand-picked records for the first start, published like any record (so they raise their events), each chosen so
 * that a check by one of the demo keys returns measures with their memorandum and legal basis, not just a hit.
 */
export const DEMO_SHOWCASE: readonly ShowcaseRecord[] = [
  {
    list: 'safety.blacklist',
    subject: {
      kind: 'enterprise',
      uscc: showcaseUscc('91', 1),
      name: '鹤岗市演示矿业有限责任公司',
      relatedPersons: [],
    },
    decisionDocNo: '鹤应急罚〔2026〕演示1号',
    reason: '发生较大生产安全责任事故（演示数据）',
    matterType: 'fiscal_funds',
    shownTo: 'demo',
  },
  {
    list: 'quality.serious_violation',
    subject: {
      kind: 'enterprise',
      uscc: showcaseUscc('91', 2),
      name: '鹤岗市演示食品加工有限公司',
      formerNames: ['鹤岗市演示副食品厂'],
    },
    decisionDocNo: '鹤市监罚〔2026〕演示2号',
    reason: '生产销售不合格产品，情节严重（演示数据）',
    matterType: 'administrative_licensing',
    shownTo: 'demo',
  },
  {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: showcaseUscc('91', 3), name: '鹤岗市演示建筑工程有限公司' },
    decisionDocNo: '鹤应急罚〔2026〕演示3号',
    reason: '瞒报生产安全事故（演示数据）',
    matterType: 'administrative_licensing',
    shownTo: 'market',
  },
];

/** The second demo department: a 市场监管 office in the same region, with a key of scope check. */
export const DEMO_MARKET_DEPARTMENT = {
  uscc: showcaseUscc('11', 9),
  name: '鹤岗市市场监督管理局（演示）',
  category: 'market_regulation',
  region: '230400',
} as const;
