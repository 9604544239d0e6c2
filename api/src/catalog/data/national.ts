// The eleven national memoranda of DOMAIN.md's table. Each was checked by hand against the seed lines in `source`.
//
// Rules used throughout the catalogue (also followed in hegang.ts, jiamusi.ts and wuhan.ts):
// - effect follows the verb: 禁止/不得/取消/不予 → prohibit; 限制 → restrict; 从严审核/审慎/严格审查/作为(重要)参考 →
//   prudent; 加强监管/加大检查频次/列为重点监管对象 → supervise; 公示/公开/通报 → disclose. Two verbs the brief's table
//   does not name: 暂停/撤销/吊销/停止 (suspend, revoke, stop) → prohibit, because nothing is granted while the subject
//   is listed; 从重处罚 (heavier penalties on a new violation) → supervise, because it acts in enforcement, not in an
//   approval. "限制或禁止" → restrict (the first verb; the department decides how far to go).
// - mandatory: no seed labels a measure 强制性 or 推荐性. 003:L27 says 强制性措施 are those with a basis in 法律法规,
//   推荐性措施 those with only a policy basis, so a measure is mandatory when its cited basis includes a 法律 (e.g.
//   《安全生产法》) or a 行政法规 (a State Council 条例/规定/办法, e.g. 《企业信息公示暂行条例》,
//   《无照经营查处取缔办法》); departmental rules (部委令, 认证规则) and policy documents (国发 意见/通知, 规划纲要) alone make
//   it recommended. A measure with no basis in the seed is recommended (false).
// - appliesTo: 'unit' is the listed subject itself (an enterprise, or a person on a person list); 主要负责人 and 直接责任人
//   map to 'responsible_person' because AppliesTo has no 'principal'.
// - National memoranda carry measures only where a seed prints them: 1001号 in full (003 篇十一); the others from the
//   passages that restate them (003:L135-137, L327, L385, L391) or from the wording the Wuhan list quotes (001).
//   Ordinals of measures taken from such restatements are assigned here in reading order (the seeds do not print the
//   memorandum's own numbering) and are marked as such.
import type { CatalogMemorandum } from '../types.js';
import { B, DOC, S000, S001, S002, S003, ref } from './refs.js';

const NATIONAL = '000000';
const safetyOne = `${B.aqf}第六十二条、第七十五条;${B.gf2010_23}第12条、第30条;《国务院办公厅关于加强安全生产监管执法的通知》(国办发〔2015〕20号)(七)(九)(十)(十五);${B.gf2014_20};《国务院安委会关于加强企业安全生产诚信体系建设的指导意见》(安委〔2014〕8号)四(二)`;
const safetyTen = `${B.aqf}第九十一条;《生产安全事故报告和调查处理条例》第四十条;${B.gf2010_23}第29条;《国务院关于预防煤矿生产安全事故的特别规定》第十条`;

/** 发改财金〔2016〕1001号, printed in full in 003 篇十一 (L901-1189): 29 measures, appendix with basis and units. */
const safety: CatalogMemorandum = {
  docNo: DOC.safety,
  title: '关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'emergency_management',
  // 003:L907. 国资委 signed too but has no category code.
  signatoryCategories: [
    'development_reform',
    'central_bank',
    'emergency_management',
    'civilization_office',
    'science_technology',
    'finance',
    'human_resources',
    'natural_resources',
    'ecology_environment',
    'housing_construction',
    'customs',
    'taxation',
    'market_regulation',
    'banking_insurance_regulation',
    'securities_regulation',
  ],
  region: NATIONAL,
  source: ref(S003, 901, 1189),
  measures: [
    {
      ordinal: '(一)',
      text: '加强安全监管监察。各级负有安全监管监察职责的部门针对存在失信行为的生产经营单位及其有关人员制定并落实以下措施:1.加大执法检查频次;2.作为重点监管监察对象,建立常态化暗查暗访机制,不定期开展抽查;3.约谈其主要负责人,对其主要负责人及相关责任人进行安全培训;4.暂停对其安全生产标准化评审,对已取得安全生产标准化证书的,撤销其证书;5.依法依规对存在失信行为的生产经营单位及其主要责任人实施市场禁入;6.发现有新的安全生产违法违规行为的,依法依规从重处罚。',
      effect: 'prohibit',
      mandatory: true,
      matterTypes: ['supervision', 'administrative_licensing', 'market_entry_and_office'],
      categories: ['emergency_management'],
      legalBasis: safetyOne,
      appliesTo: ['unit', 'legal_representative', 'responsible_person'],
      implementingUnits: ['负有安全监管监察职责的部门'],
      parts: [
        { ordinal: '1', text: '加大执法检查频次', effect: 'supervise', matterTypes: ['supervision'] },
        {
          ordinal: '2',
          text: '作为重点监管监察对象,建立常态化暗查暗访机制,不定期开展抽查',
          effect: 'supervise',
          matterTypes: ['supervision'],
        },
        {
          ordinal: '3',
          text: '约谈其主要负责人,对其主要负责人及相关责任人进行安全培训',
          effect: 'supervise',
          matterTypes: ['supervision'],
          appliesTo: ['responsible_person'],
        },
        {
          ordinal: '4',
          text: '暂停对其安全生产标准化评审,对已取得安全生产标准化证书的,撤销其证书',
          effect: 'prohibit',
          matterTypes: ['administrative_licensing'],
        },
        {
          ordinal: '5',
          text: '依法依规对存在失信行为的生产经营单位及其主要责任人实施市场禁入',
          effect: 'prohibit',
          matterTypes: ['market_entry_and_office'],
          appliesTo: ['unit', 'responsible_person'],
        },
        {
          ordinal: '6',
          text: '发现有新的安全生产违法违规行为的,依法依规从重处罚',
          effect: 'supervise',
          matterTypes: ['supervision'],
        },
      ],
      source: ref(S003, 907, 949),
    },
    {
      ordinal: '(二)',
      text: '依法暂停审批其新的重大项目申报,核减、停止拨付或收回政府补贴资金。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['project_approval', 'fiscal_funds'],
      categories: ['development_reform'],
      legalBasis: '《国家高技术产业发展项目管理暂行办法》(国家发展改革委令第43号)第十条、第三十九条',
      appliesTo: ['unit'],
      // The unit column is interleaved into the basis text at 003:L953 ("国家发展改…革委").
      implementingUnits: ['国家发展改革委'],
      source: ref(S003, 951, 953),
    },
    {
      ordinal: '(三)',
      text: '依法限制参与建设工程招投标。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['public_bidding'],
      categories: ['development_reform'],
      legalBasis: `《工程建设项目施工招标投标办法》(国家发展改革委等7部门令第30号)第二十条;${B.gf2014_20};${B.plan}招标投标领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['国家发展改革委等有关单位'],
      source: ref(S003, 953, 965),
    },
    {
      ordinal: '(四)',
      text: '依法限制取得政府性资金支持。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['fiscal_funds'],
      categories: ['development_reform', 'finance'],
      legalBasis: `${B.plan}加强对失信主体的约束和惩戒`,
      appliesTo: ['unit'],
      implementingUnits: ['国家发展改革委', '财政部'],
      source: ref(S003, 967, 971),
    },
    {
      ordinal: '(五)',
      text: '依法限制生产经营单位取得或者终止其基础设施和公用事业特许经营。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['concession'],
      categories: ['development_reform'],
      legalBasis: '《基础设施和公用事业特许经营管理办法》(发改委、财政部等6部委令第25号)第五十三条、第五十六条',
      appliesTo: ['unit'],
      implementingUnits: ['国家发展改革委'],
      source: ref(S003, 967, 973),
    },
    {
      ordinal: '(六)',
      text: '依法限制、暂停企业债券、公司债券和股票发行。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['financing_and_securities'],
      categories: ['development_reform', 'central_bank', 'securities_regulation'],
      // 003:L983 prints "最近二十六个月" twice; the rules it quotes say 三十六个月 (a known defect, DOMAIN.md).
      legalBasis:
        '《证券法》第十三条;《首次公开发行股票并上市管理办法》第二十五条;《首次公开发行股票并在创业板上市管理办法》第二十一条;《上市公司证券发行管理办法》第九条;《公司债券发行与交易管理办法》第十七条;《非上市公众公司监督管理办法》第三条;《国家发展改革委关于推进企业债券市场发展简化发行核准程序有关事项的通知》(发改财金〔2008〕7号);《国家发展改革委办公厅关于进一步改进企业债券发行审核工作的通知》(发改办财金〔2013〕957号);《关于在行政管理事项中使用信用记录和信用报告的若干意见》(发改财金〔2013〕920号);' +
        B.gf2014_20,
      appliesTo: ['unit'],
      implementingUnits: ['国家发展改革委', '人民银行', '证监会'],
      source: ref(S003, 969, 991),
    },
    {
      ordinal: '(七)',
      text: '暂停审批存在失信行为的生产经营单位科技项目。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['science_tech_projects'],
      categories: ['science_technology'],
      legalBasis: `《国家科技计划项目管理暂行办法》第八条;${B.plan}加强对失信主体的约束和惩戒`,
      appliesTo: ['unit'],
      implementingUnits: ['科技部'],
      source: ref(S003, 991, 997),
    },
    {
      ordinal: '(八)',
      text: '在全国企业信用信息公示系统上公示存在失信行为的生产经营单位行政处罚信息。',
      effect: 'disclose',
      mandatory: true,
      matterTypes: ['publication'],
      categories: ['market_regulation'],
      legalBasis: '《企业信息公示暂行条例》第七条',
      appliesTo: ['unit'],
      implementingUnits: ['工商总局'],
      source: ref(S003, 991, 1001),
    },
    {
      ordinal: '(九)',
      text: '对吊销或者撤销安全生产许可证的存在失信行为生产经营单位,依法撤销注册登记或者吊销营业执照,或者责令当事人依法办理变更登记。',
      effect: 'prohibit',
      mandatory: true,
      matterTypes: ['market_entry_and_office'],
      categories: ['market_regulation'],
      legalBasis: '《无照经营查处取缔办法》第七条',
      appliesTo: ['unit'],
      implementingUnits: ['工商总局'],
      source: ref(S003, 991, 1009),
    },
    {
      ordinal: '(十)',
      text: '存在失信行为的生产经营单位的相关责任人,在法定期限内不得担任相关生产经营单位的法定代表人、负责人,已经担任的依法责令办理变更登记。',
      effect: 'prohibit',
      mandatory: true,
      matterTypes: ['market_entry_and_office'],
      categories: ['market_regulation'],
      legalBasis: safetyTen,
      appliesTo: ['legal_representative', 'responsible_person'],
      implementingUnits: ['工商总局'],
      source: ref(S003, 1015, 1025),
    },
    {
      ordinal: '(十一)',
      text: '存在失信行为的生产经营单位变更名称的,将变更前后的名称在全国企业信用信息公示系统上公示。',
      effect: 'disclose',
      mandatory: true,
      matterTypes: ['publication'],
      categories: ['market_regulation'],
      legalBasis: '《企业信息公示暂行条例》第十二条',
      appliesTo: ['unit'],
      implementingUnits: ['工商总局'],
      source: ref(S003, 1029, 1033),
    },
    {
      ordinal: '(十二)',
      text: '限制存在失信行为的生产经营单位发布广告。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['advertising'],
      categories: ['market_regulation'],
      legalBasis: `《广告法》第五条;${B.plan}加强对失信主体的约束和惩戒;${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['工商总局'],
      source: ref(S003, 1031, 1037),
    },
    {
      ordinal: '(十三)',
      text: '将存在失信行为的生产经营单位信息通报金融机构,作为其评级授信、信贷融资、管理和退出的重要参考依据。',
      // The verb 通报 is addressed to the regulator; what a lender does with it is 作为重要参考 → prudent.
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['central_bank', 'banking_insurance_regulation'],
      legalBasis: `${B.plan}金融领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['人民银行', '银监会'],
      source: ref(S003, 1031, 1047),
    },
    {
      ordinal: '(十四)',
      text: '在审批证券、证券投资基金及期货公司设立、变更时,依法将生产经营单位失信行为作为重要参考,从严掌握或者不予批准。',
      effect: 'prudent',
      mandatory: true,
      matterTypes: ['financing_and_securities'],
      categories: ['securities_regulation'],
      legalBasis: `《证券法》第一百二十四条;《证券投资基金法》第十三条;《期货交易管理条例》第十六条;${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['证监会'],
      source: ref(S003, 1047, 1053),
    },
    {
      ordinal: '(十五)',
      text: '证券交易所在审核证券上市交易、全国中小企业股份转让系统在审核企业挂牌时,将生产经营单位的失信行为作为重要参考。',
      effect: 'prudent',
      mandatory: true,
      matterTypes: ['financing_and_securities'],
      categories: ['securities_regulation'],
      legalBasis: '《证券法》第五十条、第六十条;《国务院关于全国中小企业股份转让系统有关问题的决定》',
      appliesTo: ['unit'],
      implementingUnits: ['证监会'],
      source: ref(S003, 1047, 1063),
    },
    {
      ordinal: '(十六)',
      text: '要求上市企业将本企业纳入黑名单情况作为必须披露事项。',
      effect: 'disclose',
      mandatory: true,
      matterTypes: ['financing_and_securities', 'supervision'],
      categories: ['securities_regulation'],
      legalBasis: '《证券法》第六十七条',
      appliesTo: ['unit'],
      implementingUnits: ['证监会'],
      source: ref(S003, 1063, 1069),
    },
    {
      ordinal: '(十七)',
      text: '根据安全生产风险水平,上调存在失信行为的生产经营单位安全生产责任保险的保险费率。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['financing_and_securities'],
      categories: ['human_resources', 'finance', 'banking_insurance_regulation'],
      legalBasis: `《工伤保险条例》第八条、第十二条;《人身保险公司保险条款和保险费率管理办法》第三条、第四条;《财产保险公司保险条款和保险费率管理办法》第四条、第五条;${B.plan};《国务院关于促进市场公平竞争维护市场正常秩序的若干意见》(国发〔2014〕20号)(九)`,
      appliesTo: ['unit'],
      implementingUnits: ['人力资源社会保障部', '财政部', '保监会'],
      source: ref(S003, 1063, 1081),
    },
    {
      ordinal: '(十八)',
      text: '依法限制存在失信行为的生产经营单位参与政府采购活动。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['government_procurement'],
      categories: ['finance'],
      legalBasis: `《政府采购法》第二十二条;${B.plan}政府采购领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['财政部'],
      source: ref(S003, 1075, 1093),
    },
    {
      ordinal: '(十九)',
      text: '在土地使用、采矿权取得等环节对存在失信行为的生产经营单位依法采取严格限制或禁止等措施。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['land_and_mining'],
      categories: ['natural_resources'],
      legalBasis: `《矿产资源法》第十五条;${B.gf2014_20};${B.plan}加强对失信主体的约束和惩戒`,
      appliesTo: ['unit'],
      implementingUnits: ['国土资源部'],
      source: ref(S003, 1087, 1103),
    },
    {
      ordinal: '(二十)',
      text: '将生产经营单位失信行为作为相关责任人考核、干部选任的重要参考,作为评先评优的限制条件。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['honours'],
      // The seed's implementer is 国资委, which has no category code; the 评先评优 restriction is carried for every
      // department that grants honours (as (二十八) does). The cadre-selection part has no matter type here.
      categories: ['all'],
      legalBasis: `《中央企业负责人经营业绩考核暂行办法》第三十八条;《中央企业资产损失责任追究暂行办法》第三十二条、第三十四条;${B.gf2010_23}第29条`,
      appliesTo: ['unit', 'responsible_person'],
      implementingUnits: ['国资委'],
      source: ref(S003, 1103, 1109),
    },
    {
      ordinal: '(二十一)',
      text: '对存在失信行为的生产经营单位进出口货物实施严密监管,在办理通关业务时,加强单证审核或布控查验。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['customs'],
      categories: ['customs'],
      legalBasis: `${B.gf2014_20};${B.plan}加强对失信主体的约束和惩戒`,
      appliesTo: ['unit'],
      implementingUnits: ['海关总署'],
      source: ref(S003, 1113, 1119),
    },
    {
      ordinal: '(二十二)',
      text: '限制成为海关认证企业。存在失信行为的生产经营单位申请适用海关认证企业管理的,海关不予通过认证;已经成为认证企业的,按照规定下调企业信用等级。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['customs'],
      categories: ['customs'],
      legalBasis: '《海关认证企业标准》(九)未有不良外部信用 20.外部信用',
      appliesTo: ['unit'],
      implementingUnits: ['海关总署'],
      source: ref(S003, 1121, 1125),
    },
    {
      ordinal: '(二十三)',
      text: '将企业违法失信行为纳入检验检疫进出口企业信用管理系统,依据《出入境检验检疫企业信用管理办法》对其进行信用评级和监督。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['customs'],
      // 质检总局 in the seed; entry-exit inspection moved to customs in 2018, so both categories can hold the duty.
      categories: ['market_regulation', 'customs'],
      legalBasis: `《出入境检验检疫企业信用管理办法》第三条;${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['质检总局'],
      source: ref(S003, 1121, 1135),
    },
    {
      ordinal: '(二十四)',
      text: '依法限制取得生产许可。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['administrative_licensing'],
      categories: ['market_regulation'],
      legalBasis: `《工业产品生产许可证管理条例》第九条;${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['质检总局'],
      source: ref(S003, 1135, 1141),
    },
    {
      ordinal: '(二十五)',
      text: '要求认证机构暂停或者撤销存在失信行为的生产经营单位的相关认证证书。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['administrative_licensing'],
      categories: ['market_regulation'],
      legalBasis: `${B.gf2014_20};${B.plan}加强对失信主体的约束和惩戒;《质量管理体系认证规则》(国家认监委2014年第5号公告)7.2暂停证书、7.3撤销证书`,
      appliesTo: ['unit'],
      implementingUnits: ['质检总局(国家认证委)'],
      source: ref(S003, 1147, 1159),
    },
    {
      ordinal: '(二十六)',
      text: '严格、审慎审查存在失信行为的生产经营单位新改扩建项目的环评申报事项。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['project_approval'],
      categories: ['ecology_environment'],
      legalBasis: `${B.plan}构建守信激励和失信惩戒机制`,
      appliesTo: ['unit'],
      implementingUnits: ['环境保护部'],
      source: ref(S003, 1159, 1165),
    },
    {
      ordinal: '(二十七)',
      text: '在实施税收优惠政策时,将生产经营单位的失信状况作为审慎性参考依据。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['tax'],
      categories: ['taxation'],
      legalBasis: `${B.plan}税务领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['税务总局'],
      source: ref(S003, 1159, 1169),
    },
    {
      ordinal: '(二十八)',
      text: '在向生产经营单位和个人颁发荣誉证书、嘉奖和表彰等荣誉性称号时,应当参考其安全生产信用状况,对存在失信行为的生产经营单位,不予颁发政府荣誉。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['civilization_office', 'all'],
      legalBasis: B.gf2014_20,
      appliesTo: ['unit'],
      // "中央文明办" is interleaved into the basis text at 003:L1181, followed by "各部门共同采取措施".
      implementingUnits: ['中央文明办', '各部门共同采取措施'],
      source: ref(S003, 1171, 1181),
    },
    {
      ordinal: '(二十九)',
      text: '在各部门主管领域内取消对存在失信行为的生产经营单位的政策性资金支持。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['fiscal_funds'],
      categories: ['all'],
      legalBasis: `${B.plan}加强对失信主体的约束和惩戒;${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['各部门共同采取措施'],
      source: ref(S003, 1183, 1187),
    },
  ],
};

/**
 * 发改财金〔2016〕2202号. The seeds give only its title and number (000:L21, L94; 001 row 7); the measures that exist in
 * the seeds are local: Hegang's 19 (hegang.ts) and Wuhan's row 7 (wuhan.ts). Elsewhere a hit is uncovered.
 */
const quality: CatalogMemorandum = {
  docNo: DOC.quality,
  title: '关于对严重质量违法失信行为当事人实施联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'market_regulation',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S000, 94),
  measures: [],
};

/** 发改财金〔2016〕1467号 (A级纳税人). Measures: 003:L327 names 融资便利化 and 绿色通道; 001:L24 quotes the honours one. */
const taxA: CatalogMemorandum = {
  docNo: DOC.taxA,
  title: '关于对纳税信用A级纳税人实施联合激励措施的合作备忘录',
  polarity: 'incentive',
  initiatingCategory: 'taxation',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 24),
  measures: [
    {
      ordinal: '1', // assigned; 003:L327 lists the national incentives without numbers
      text: '对纳税信用A级纳税人实施“绿色通道”激励措施。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['administrative_licensing'],
      categories: ['all'],
      appliesTo: ['unit'],
      source: ref(S003, 327),
    },
    {
      ordinal: '2', // assigned
      text: '融资便利化:税务和金融单位合作开发“税源贷”“税易贷”“税贷通”等银税互动守信激励产品,引导金融机构参考使用市场主体信用信息,对诚信市场主体给予优惠和便利。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['taxation', 'central_bank', 'banking_insurance_regulation'],
      appliesTo: ['unit'],
      source: ref(S003, 327),
    },
    {
      ordinal: '3', // assigned; wording as quoted in the Wuhan list, which addresses "各部门"
      text: '作为各部门在本行业、本领域内向企业、个人和其他组织颁发荣誉证书、嘉奖和表彰等荣誉性称号的重要参考,优先给予奖励和表彰。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['all'],
      appliesTo: ['unit'],
      source: ref(S001, 24),
    },
  ],
};

/**
 * 发改财金〔2016〕2012号 (优秀青年志愿者). Initiated by 共青团 (团委), which has no category code: civilization_office stands
 * in (002:L48 names 市文明办 and 团市委 together for promoting 优秀青年志愿者).
 */
const youth: CatalogMemorandum = {
  docNo: DOC.youth,
  title: '关于实施优秀青年志愿者守信联合激励 加快推进青年信用体系建设的行动计划',
  polarity: 'incentive',
  initiatingCategory: 'civilization_office',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 25),
  measures: [
    {
      ordinal: '1', // assigned; wording as quoted in the Wuhan list
      text: '在评优评先、公派出国等遴选中,鼓励相关单位同等条件对优秀青年志愿者予以优先考虑。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['all'],
      appliesTo: ['unit'],
      source: ref(S001, 25),
    },
    {
      ordinal: '2', // assigned
      // A 优秀青年志愿者 is by definition 连续三年无不良信用记录 (001:L25), which is exactly who 002:L27 gives the green
      // channel. The same text recurs in 003:L119, L307, L527, L799 (provincial and local plans under 国发〔2016〕33号).
      text: '在办理行政许可过程中,对诚信典型和连续三年无不良信用记录的行政相对人,可根据实际情况实施“绿色通道”和“容缺受理”等便利服务措施;除法律法规要求提供的材料外,部分申报材料不齐全的,如其书面承诺在规定期限内提供,应先行受理,加快办理进度。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['administrative_licensing'],
      categories: ['all'],
      appliesTo: ['unit'],
      source: ref(S002, 27),
    },
  ],
};

/** 发改财金〔2016〕2190号 (海关高级认证企业). The only measure text in the seeds is the one the Wuhan list quotes. */
const customsAeo: CatalogMemorandum = {
  docNo: DOC.customsAeo,
  title: '关于对海关高级认证企业实施联合激励的合作备忘录',
  polarity: 'incentive',
  initiatingCategory: 'customs',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 27),
  measures: [
    {
      ordinal: '1', // assigned; wording as quoted in the Wuhan list
      text: '作为各部门在本行业、本领域内向企业和个人颁发荣誉证书、嘉奖和表彰等荣誉性称号的重要参考,优先给予奖励和表彰。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['all'],
      appliesTo: ['unit'],
      source: ref(S001, 27),
    },
  ],
};

// 003:L135-137 (a provincial plan under 国发〔2016〕33号, 002:L60-66 is Hegang's copy) lists the administrative
// constraints on subjects of 经营异常名录 and 严重违法失信企业名单, the two lists of 2045号 (001 row 4). It gives one
// 责任单位 list for the whole paragraph (L137), so each item's categories are read from its subject matter. Left out:
// 限制从事互联网信息服务 (its implementer, 工信/网信, has no category code) and the instruction to note the record when
// reporting upwards (a procedure, not a measure on the subject).
const enterpriseBasis =
  '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》(国发〔2016〕33号)(七),省级实施方案';
const enterprise: CatalogMemorandum = {
  docNo: DOC.enterprise,
  title: '失信企业协同监管和联合惩戒合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'market_regulation',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 28, 30),
  measures: [
    {
      ordinal: '(七)1', // assigned in reading order within 003 篇三 (七)
      text: '列为重点监管对象,依法依规采取行政性约束和惩戒措施。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['supervision'],
      categories: ['all'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      source: ref(S003, 135),
    },
    {
      ordinal: '(七)2',
      text: '从严审核行政许可审批项目。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['administrative_licensing'],
      categories: ['all'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      source: ref(S003, 135),
    },
    {
      ordinal: '(七)3',
      text: '从严控制生产许可证发放。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['administrative_licensing'],
      categories: ['market_regulation'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      implementingUnits: ['质监局'],
      source: ref(S003, 135, 137),
    },
    {
      ordinal: '(七)4',
      text: '限制新增项目审批、核准。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['project_approval'],
      categories: ['development_reform'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      implementingUnits: ['发改委'],
      source: ref(S003, 135, 137),
    },
    {
      ordinal: '(七)5',
      text: '限制股票发行上市融资或发行债券。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['securities_regulation', 'development_reform'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      implementingUnits: ['证监局', '发改委'],
      source: ref(S003, 135, 137),
    },
    {
      ordinal: '(七)6',
      text: '限制发起设立或参股金融机构以及小额贷款公司、融资担保公司、创业投资公司、互联网融资平台等机构。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      // L137 names 金融办 and 证监局; 金融办 has no code, the banking regulator is the nearest.
      categories: ['banking_insurance_regulation', 'securities_regulation'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      implementingUnits: ['金融办', '证监局'],
      source: ref(S003, 135, 137),
    },
    {
      ordinal: '(七)7',
      text: '严格限制申请财政性资金项目。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['fiscal_funds'],
      categories: ['finance', 'development_reform'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      implementingUnits: ['财政厅', '发改委'],
      source: ref(S003, 135, 137),
    },
    {
      ordinal: '(七)8',
      text: '限制参与有关公共资源交易活动。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['public_bidding', 'government_procurement'],
      categories: ['development_reform', 'finance'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      source: ref(S003, 135),
    },
    {
      ordinal: '(七)9',
      text: '限制参与基础设施和公用事业特许经营。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['concession'],
      categories: ['development_reform'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit'],
      source: ref(S003, 135),
    },
    {
      ordinal: '(七)10',
      text: '对严重失信企业及其法定代表人、主要负责人和对失信行为负有直接责任的注册执业人员等实施市场和行业禁入措施。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['market_entry_and_office'],
      categories: ['all'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit', 'legal_representative', 'responsible_person'],
      source: ref(S003, 137),
    },
    {
      ordinal: '(七)11',
      text: '被列入严重违法失信企业名单的企业的法定代表人、负责人,3年内不得担任其他企业的法定代表人、负责人。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['market_entry_and_office'],
      categories: ['market_regulation'],
      legalBasis: enterpriseBasis,
      appliesTo: ['legal_representative', 'responsible_person'],
      implementingUnits: ['工商局'],
      listCodes: ['market.serious_illegal'],
      source: ref(S003, 137),
    },
    {
      ordinal: '(七)12',
      text: '及时撤销严重失信企业及其法定代表人、负责人、高级管理人员和对失信行为负有直接责任的董事、股东等人员的荣誉称号,取消参加评先评优资格。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['all'],
      legalBasis: enterpriseBasis,
      appliesTo: ['unit', 'legal_representative', 'responsible_person'],
      source: ref(S003, 137),
    },
  ],
};

// 003:L385 (a county plan) restates what 各有关部门 must do to 失信被执行人 and names 县法院、县人民银行等单位; the other
// categories are read from the subject matter. The seed lists several objects under one verb; a verb carried over to
// a later object is shown in parentheses. Left out: 限制乘坐飞机高铁软卧和其他高消费 (enforced by the court through
// carriers and hotels; no department matter type).
const debtor: CatalogMemorandum = {
  docNo: DOC.debtor,
  title: '对失信被执行人实施联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'court',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 31),
  // 001:L31: "我市质监部门无相关职能".
  noDuty: [
    {
      category: 'market_regulation',
      region: '420100',
      reason: '无相关职能',
      statedBy: DOC.wuhan,
      source: ref(S001, 31),
    },
  ],
  measures: [
    {
      ordinal: '1', // assigned in reading order within 003:L385
      text: '限制设立金融机构。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['central_bank', 'banking_insurance_regulation'],
      appliesTo: ['unit', 'legal_representative'],
      source: ref(S003, 385),
    },
    {
      ordinal: '2',
      text: '(限制)发行债券。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['development_reform', 'central_bank', 'securities_regulation'],
      appliesTo: ['unit'],
      source: ref(S003, 385),
    },
    {
      ordinal: '3',
      text: '(限制)申请补贴性资金和社会保障资金支持。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['fiscal_funds'],
      categories: ['finance', 'human_resources'],
      appliesTo: ['unit'],
      source: ref(S003, 385),
    },
    {
      ordinal: '4',
      text: '(限制)担任国企高管。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['market_entry_and_office'],
      // The appointing authority (国资委) has no category code.
      categories: ['all'],
      appliesTo: ['unit', 'legal_representative'],
      source: ref(S003, 385),
    },
    {
      ordinal: '5',
      text: '加强日常监管检查。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['supervision'],
      categories: ['all'],
      appliesTo: ['unit'],
      source: ref(S003, 385),
    },
    {
      ordinal: '6',
      text: '(加强日常监管检查和)公示。',
      effect: 'disclose',
      mandatory: false,
      matterTypes: ['publication'],
      categories: ['court'],
      appliesTo: ['unit'],
      source: ref(S003, 385),
    },
  ],
};

// 003:L391 (the same county plan) for 环境保护领域严重失信行为单位; names 县生态环境局、县市场监管局等单位.
const environment: CatalogMemorandum = {
  docNo: DOC.environment,
  title: '关于对环境保护领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'ecology_environment',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 32),
  measures: [
    {
      ordinal: '1', // assigned in reading order within 003:L391
      text: '限制或禁止市场准入。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['market_entry_and_office'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      source: ref(S003, 391),
    },
    {
      ordinal: '2',
      text: '(限制或禁止)行政许可。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['administrative_licensing'],
      categories: ['ecology_environment', 'market_regulation'],
      appliesTo: ['unit'],
      source: ref(S003, 391),
    },
    {
      ordinal: '3',
      text: '(限制或禁止)融资行为。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['central_bank', 'banking_insurance_regulation'],
      appliesTo: ['unit'],
      source: ref(S003, 391),
    },
    {
      ordinal: '4',
      text: '停止执行已享受的优惠政策。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['fiscal_funds', 'tax'],
      categories: ['finance', 'taxation', 'development_reform'],
      appliesTo: ['unit'],
      source: ref(S003, 391),
    },
  ],
};

/** 发改财金〔2017〕346号. No national measure text in the seeds; Wuhan row 8 is the only measure (wuhan.ts). */
const agriInputs: CatalogMemorandum = {
  docNo: DOC.agriInputs,
  title: '关于对农资领域严重失信生产经营单位及其有关人员开展联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'agriculture',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 36),
  measures: [],
};

/** 发改财金〔2017〕427号. No measure text in the seeds; Wuhan's 质监 says it has no duty (001:L37). */
const customsDishonest: CatalogMemorandum = {
  docNo: DOC.customsDishonest,
  title: '关于对海关失信企业实施联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'customs',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 37),
  // 001:L37: "我市质监无相关职能".
  noDuty: [
    {
      category: 'market_regulation',
      region: '420100',
      reason: '无相关职能',
      statedBy: DOC.wuhan,
      source: ref(S001, 37),
    },
  ],
  measures: [],
};

/** 发改外资〔2017〕1894号. No national measure text in the seeds; Wuhan row 10 is the only measure (wuhan.ts). */
const overseas: CatalogMemorandum = {
  docNo: DOC.overseas,
  title: '关于对对外经济合作领域严重失信主体开展联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'commerce',
  signatoryCategories: [],
  region: NATIONAL,
  source: ref(S001, 39),
  measures: [],
};

export const nationalMemoranda: CatalogMemorandum[] = [
  safety,
  quality,
  taxA,
  youth,
  customsAeo,
  enterprise,
  debtor,
  environment,
  agriInputs,
  customsDishonest,
  overseas,
];
