// Lists (名单), keyed by scheme.code, the code clients publish to and read back. Each names the memoranda (national
// docNos) it triggers; local adoptions are found from those by domain/measures.ts.
//
// restartTermOnObjectionRejected is false everywhere: 003:L71 ("异议投诉被驳回的,其联合惩戒时限从异议投诉被驳回之日起
// 继续计算") belongs to 篇二, a generic municipal implementation plan with X placeholders (003:L39-107), and none of the
// schemes below (work safety, Nanning, MOHURD, the national memoranda) says so. A deployment that adopts that plan
// would set it on its own lists.
//
// objectionWorkingDays is 15 (003:L477, L727, L1407) unless the scheme states another figure (Nanning 20, 003:L203).
// Lists with no catalogued memorandum (memoranda: []) still matter: a punitive hit on them has no catalogue measure
// and must be answered with review (domain/verdict.ts), not clear.
import type { CatalogList } from '../types.js';
import { DOC, S000, S001, S003, ref } from './refs.js';

const YEAR = 365;

const safety: CatalogList[] = [
  {
    code: 'safety.joint_punishment',
    name: '安全生产领域失信联合惩戒对象',
    polarity: 'punitive',
    memoranda: [DOC.safety],
    // 003:L1205 第六条: 联合惩戒和“黑名单”管理的期限为1年,自公布之日起计算 (also 003:L871).
    validityDays: YEAR,
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['emergency_management'],
    source: ref(S003, 1205, 1207),
  },
  {
    code: 'safety.blacklist',
    name: '安全生产不良记录“黑名单”',
    polarity: 'punitive',
    memoranda: [DOC.safety],
    validityDays: YEAR, // 003:L721
    objectionWorkingDays: 15, // 003:L727
    restartTermOnObjectionRejected: false,
    removesFromRedLists: true, // 003:L729
    publisherCategories: ['emergency_management'],
    source: ref(S003, 695, 731),
  },
  {
    code: 'safety.watch',
    name: '安全生产重点关注名单',
    polarity: 'punitive',
    // The seeds attach no memorandum measures to the watch list; those not (yet) blacklisted get a warning talk from the
    // collecting department (约谈、警示教育, 003:L719). Its term (有效期) is mentioned but not given (003:L731).
    memoranda: [],
    objectionWorkingDays: 15, // 003:L727
    restartTermOnObjectionRejected: false,
    escalatesTo: 'safety.blacklist', // 003:L731
    publisherCategories: ['emergency_management'],
    source: ref(S003, 719, 731),
  },
];

const sectoral: CatalogList[] = [
  {
    code: 'quality.serious_violation',
    name: '严重质量违法失信行为当事人名单',
    polarity: 'punitive',
    memoranda: [DOC.quality],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['market_regulation'],
    source: ref(S000, 23, 29),
  },
  {
    code: 'market.serious_illegal',
    name: '严重违法失信企业名单',
    polarity: 'punitive',
    memoranda: [DOC.enterprise],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['market_regulation'],
    source: ref(S001, 28),
  },
  {
    code: 'market.abnormal_operation',
    name: '经营异常名录',
    polarity: 'punitive',
    memoranda: [DOC.enterprise],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['market_regulation'],
    source: ref(S001, 28),
  },
  {
    code: 'court.dishonest_debtor',
    name: '失信被执行人名单',
    polarity: 'punitive',
    memoranda: [DOC.debtor],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['court'],
    source: ref(S001, 31),
  },
  {
    code: 'tax.major_violation',
    name: '重大税收违法案件当事人名单',
    polarity: 'punitive',
    // Its memorandum, 《关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录》, is named at 003:L79 and its measures
    // are restated at 003:L387, but no seed prints its 文号, so it is not in the catalogue.
    memoranda: [],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['taxation'],
    source: ref(S003, 387),
  },
  {
    code: 'procurement.bad_record',
    name: '政府采购供应商不良行为记录名单',
    polarity: 'punitive',
    // 003:L1087 (the 规划纲要 quoted in 1001号's appendix): listed suppliers are barred from procurement "在一定期限内";
    // no memorandum and no term are given.
    memoranda: [],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['finance'],
    source: ref(S003, 1087),
  },
  {
    code: 'customs.dishonest',
    name: '海关失信企业',
    polarity: 'punitive',
    memoranda: [DOC.customsDishonest],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['customs'],
    source: ref(S001, 37),
  },
];

const red: CatalogList[] = [
  {
    code: 'tax.a_grade',
    name: '纳税信用A级纳税人',
    polarity: 'incentive',
    memoranda: [DOC.taxA],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['taxation'],
    source: ref(S001, 24),
  },
  {
    code: 'customs.aeo_advanced',
    name: '海关高级认证企业',
    polarity: 'incentive',
    memoranda: [DOC.customsAeo],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    publisherCategories: ['customs'],
    source: ref(S001, 27),
  },
  {
    code: 'youth.volunteer_5a',
    name: '优秀青年志愿者(5A级,连续三年无不良信用记录)',
    polarity: 'incentive',
    memoranda: [DOC.youth],
    objectionWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    // 团委 has no category code; see the 2012号 entry in national.ts.
    publisherCategories: ['civilization_office'],
    source: ref(S001, 25),
  },
];

// 南宁市城市管理领域失信联合惩戒办法(试行), 003 篇四 (L173-249). Acts score 1, 3 or 6 points (L189); the total over the
// year before the query (L199) puts the subject on the 黄 (≥10), 红 (≥20) or 黑 (≥30) list (L195). 红名单 here is
// punitive. Tier lists last 1 year (L209); objections are checked within 20 working days (L203); a repair request is
// answered within 20 days (日, not 工作日, L219). The tier measures are in the 办法's annexes 3 and 4, which the seed
// does not contain, so the tiers trigger no memorandum. Publisher: the 市信用体系建设管理机构 confirms results (L201).
const nanningTier = (code: string, name: string, first: number): CatalogList => ({
  code,
  name,
  polarity: 'punitive',
  memoranda: [],
  validityDays: YEAR,
  objectionWorkingDays: 20,
  repairCalendarDays: 20,
  restartTermOnObjectionRejected: false,
  publisherCategories: ['credit_office'],
  source: ref(S003, first, 209),
});

const nanning: CatalogList[] = [
  {
    code: 'nanning.urban_points',
    name: '南宁市城市管理领域失信行为计分',
    polarity: 'punitive',
    memoranda: [],
    objectionWorkingDays: 20,
    repairCalendarDays: 20,
    restartTermOnObjectionRejected: false,
    pointsRule: {
      window: { kind: 'rolling_days', days: YEAR },
      pointsPerAct: [1, 3, 6],
      tiers: [
        { list: 'nanning.yellow', min: 10 },
        { list: 'nanning.red', min: 20 },
        { list: 'nanning.black', min: 30 },
      ],
    },
    publisherCategories: ['credit_office'],
    source: ref(S003, 189, 219),
  },
  nanningTier('nanning.yellow', '南宁市城市管理领域失信黄名单', 195),
  nanningTier('nanning.red', '南宁市城市管理领域失信红名单', 195),
  nanningTier('nanning.black', '南宁市城市管理领域失信黑名单', 195),
];

// 城市管理领域失信行为联合惩戒实施办法(试行), MOHURD draft of 2018-10, 003 篇十三 (L1221-1737; 篇十四 repeats it).
// Calendar-year cycle of 12 points (L1307-1309); each general act deducts 2 (L1313), a serious act or the third penalty
// for the same act deducts all 12 at once (L1317-1323); 4 → 一般失信名单, 8 → 较重失信(黄名单), 12 → 严重失信(黑名单).
// Objection answered within 15 working days (L1407); repair decided within 15 working days (L1449). For 严重失信: no
// removal within 1 year of publication the first time, 3 years the second time, never when 情节特别严重 (L1425);
// without repair the record is withdrawn 5 years after publication (L1427). Measures: the 较重 tier's are printed in
// 第八条 (L1377-1397) but belong to the 办法, not to a memorandum; the 严重 tier follows 《关于对城市管理领域失信责任主体
// 实施联合惩戒的合作备忘录》 (L1399), whose 文号 and text are not in the seeds. So no tier triggers a memorandum.
// Publisher: 城市管理部门, mapped to housing_construction (住建) for want of a 城管 category.
const FIVE_YEARS = 5 * YEAR;
const mohurdLock = {
  minDaysByListingCount: [YEAR, 3 * YEAR],
  note: '首次严重失信的,失信信息自公布之日起一年内不予撤销;再次严重失信的,三年内不予撤销;情节特别严重的不予修复(003:L1425)。',
};
const mohurdTier = (
  code: string,
  name: string,
  first: number,
  last: number,
  extra: Partial<CatalogList> = {},
): CatalogList => ({
  code,
  name,
  polarity: 'punitive',
  memoranda: [],
  autoRemoveAfterDays: FIVE_YEARS,
  objectionWorkingDays: 15,
  repairWorkingDays: 15,
  restartTermOnObjectionRejected: false,
  publisherCategories: ['housing_construction'],
  source: ref(S003, first, last),
  ...extra,
});

const mohurd: CatalogList[] = [
  {
    code: 'mohurd.urban_points',
    name: '城市管理领域失信行为积分(住房城乡建设部)',
    polarity: 'punitive',
    memoranda: [],
    autoRemoveAfterDays: FIVE_YEARS,
    objectionWorkingDays: 15,
    repairWorkingDays: 15,
    restartTermOnObjectionRejected: false,
    pointsRule: {
      window: { kind: 'calendar_year' },
      pointsPerAct: [2, 12],
      tiers: [
        { list: 'mohurd.general', min: 4 },
        { list: 'mohurd.yellow', min: 8 },
        { list: 'mohurd.black', min: 12 },
      ],
    },
    repairLock: mohurdLock,
    publisherCategories: ['housing_construction'],
    source: ref(S003, 1303, 1449),
  },
  mohurdTier('mohurd.general', '城市管理领域一般失信名单', 1311, 1327),
  mohurdTier('mohurd.yellow', '城市管理领域较重失信名单(黄名单)', 1303, 1397),
  mohurdTier('mohurd.black', '城市管理领域严重失信名单(黑名单)', 1303, 1427, { repairLock: mohurdLock }),
];

export const lists: CatalogList[] = [...safety, ...sectoral, ...red, ...nanning, ...mohurd];
