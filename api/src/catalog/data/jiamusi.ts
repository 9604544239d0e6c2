// 佳应急联发〔2020〕5号 (seed 004): Jiamusi's adoption of 发改财金〔2016〕1001号. 15 measures (004:L93-132), each with
// its legal basis and implementing units from the appendix table (004:L146-183). Each cites the appendix row, which
// repeats the measure text; (一) also cites the body for its six sub-items. Effect, mandatory and appliesTo follow the
// rules at the top of national.ts. The national ordinal each one copies is noted beside it.
import type { CatalogMemorandum } from '../types.js';
import { B, DOC, REGION, S004, ref } from './refs.js';

const PLAN_RESTRAIN = `${B.plan}加强对失信主体的约束和惩戒`;

export const jiamusi: CatalogMemorandum = {
  docNo: DOC.jiamusi,
  title: '关于对佳木斯市安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录',
  polarity: 'punitive',
  initiatingCategory: 'emergency_management',
  // 004:L83. 城乡建设局 and 住房保障局 both map to housing_construction.
  signatoryCategories: [
    'emergency_management',
    'development_reform',
    'central_bank',
    'civilization_office',
    'science_technology',
    'finance',
    'human_resources',
    'natural_resources',
    'ecology_environment',
    'housing_construction',
    'taxation',
    'market_regulation',
    'banking_insurance_regulation',
  ],
  region: REGION.jiamusi,
  adopts: DOC.safety,
  source: ref(S004, 20, 183),
  measures: [
    {
      ordinal: '(一)', // national (一)
      text: '加强安全监管。各级负有安全监管职责的部门针对存在失信行为的生产经营单位及其有关人员制定并落实以下措施:1.加大执法检查频次;2.作为重点监管对象,建立常态化暗查暗访机制,不定期开展抽查;3.约谈其主要负责人,对其主要负责人及相关责任人进行安全培训;4.暂停对其安全生产标准化评审,对已取得安全生产标准化证书的,撤销其证书;5.依法依规对存在失信行为的生产经营单位及其主要责任人实施市场禁入;6.发现有新的安全生产违法违规行为的,依法依规从重处罚。',
      effect: 'prohibit',
      mandatory: true,
      matterTypes: ['supervision', 'administrative_licensing', 'market_entry_and_office'],
      categories: ['emergency_management', 'housing_construction', 'natural_resources', 'market_regulation'],
      legalBasis: `${B.aqf}第六十二条、第七十五条;${B.gf2010_23}第12条、第30条;《国务院办公厅关于加强安全生产监管执法的通知》(国办发〔2015〕20号)(七)(九)(十)(十五);${B.gf2014_20};《国务院安委会关于加强企业安全生产诚信体系建设的指导意见》(安委〔2014〕8号)四(二)`,
      appliesTo: ['unit', 'legal_representative', 'responsible_person'],
      implementingUnits: [
        '市应急管理局',
        '市城乡建设局',
        '市住房保障局',
        '市自然资源局',
        '市自然资源和规划局',
        '市市场监督管理局等',
      ],
      parts: [
        { ordinal: '1', text: '加大执法检查频次', effect: 'supervise', matterTypes: ['supervision'] },
        {
          ordinal: '2',
          text: '作为重点监管对象,建立常态化暗查暗访机制,不定期开展抽查',
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
      source: ref(S004, 93, 155),
    },
    {
      ordinal: '(二)', // national (四)
      text: '依法限制取得政府性资金支持。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['fiscal_funds'],
      categories: ['development_reform', 'finance'],
      legalBasis: PLAN_RESTRAIN,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市发展和改革委员会', '佳木斯市财政局'],
      source: ref(S004, 156),
    },
    {
      ordinal: '(三)', // national (七)
      text: '暂停审批存在失信行为的生产经营单位科技项目。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['science_tech_projects'],
      categories: ['science_technology'],
      legalBasis: `《国家科技计划项目管理暂行办法》第八条;${PLAN_RESTRAIN}`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市科技局'],
      source: ref(S004, 157),
    },
    {
      ordinal: '(四)', // national (八)
      text: '在全国企业信用信息公示系统上公示存在失信行为的生产经营单位行政处罚信息。',
      effect: 'disclose',
      mandatory: true,
      matterTypes: ['publication'],
      categories: ['market_regulation'],
      legalBasis: '《企业信息公示暂行条例》第七条',
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市市场监督管理局'],
      source: ref(S004, 158),
    },
    {
      ordinal: '(五)', // national (十)
      text: '存在失信行为的生产经营单位的相关责任人,在法定期限内不得担任相关生产经营单位的法定代表人、负责人,已经担任的依法责令办理变更登记。',
      effect: 'prohibit',
      mandatory: true,
      matterTypes: ['market_entry_and_office'],
      categories: ['market_regulation'],
      legalBasis: `${B.aqf}第九十一条;《生产安全事故报告和调查处理条例》第四十条;《国务院进一步加强企业安全生产工作的通知》第29条;《国务院关于预防煤矿生产安全事故的特别规定》第十条`,
      appliesTo: ['legal_representative', 'responsible_person'],
      implementingUnits: ['佳木斯市市场监督管理局'],
      source: ref(S004, 159, 162),
    },
    {
      ordinal: '(六)', // national (十一)
      text: '存在失信行为的生产经营单位变更名称的,将变更前后的名称在全国企业信用信息公示系统上公示。',
      effect: 'disclose',
      mandatory: true,
      matterTypes: ['publication'],
      categories: ['market_regulation'],
      legalBasis: '《企业信息公示暂行条例》第十二条',
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市市场监督管理局'],
      source: ref(S004, 163, 166),
    },
    {
      ordinal: '(七)', // national (十二)
      text: '限制存在失信行为的生产经营单位发布广告。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['advertising'],
      categories: ['market_regulation'],
      legalBasis: `《广告法》第五条;${PLAN_RESTRAIN}`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市市场监督管理局'],
      source: ref(S004, 167),
    },
    {
      ordinal: '(八)', // national (十三)
      text: '将存在失信行为的生产经营单位信息通报金融机构,作为其评级授信、信贷融资、管理和退出的重要参考依据。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['financing_and_securities'],
      categories: ['central_bank', 'banking_insurance_regulation'],
      legalBasis: `${B.gf2014_20};${B.plan}金融领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['中国人民银行佳木斯市中心支行', '中国银行保险监督管理委员会佳木斯监管分局'],
      source: ref(S004, 168),
    },
    {
      ordinal: '(九)', // national (十八)
      text: '依法限制存在失信行为的生产经营单位参与政府采购活动。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['government_procurement'],
      categories: ['finance'],
      legalBasis: `《政府采购法》第二十二条;${B.plan}政府采购领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市财政局'],
      source: ref(S004, 169, 172),
    },
    {
      ordinal: '(十)', // national (十九)
      text: '在土地使用、采矿权取得等环节对存在失信行为的生产经营单位依法采取严格限制或禁止等措施。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['land_and_mining'],
      categories: ['natural_resources'],
      legalBasis: `《中华人民共和国矿产资源法》第十五条;${B.gf2014_20};${PLAN_RESTRAIN}`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市自然资源和规划局'],
      source: ref(S004, 173),
    },
    {
      ordinal: '(十一)', // national (二十四)
      text: '依法限制取得生产许可。',
      effect: 'restrict',
      mandatory: true,
      matterTypes: ['administrative_licensing'],
      categories: ['market_regulation'],
      legalBasis: `《工业产品生产许可证管理条例》第九条;${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市市场监督管理局'],
      source: ref(S004, 176),
    },
    {
      ordinal: '(十二)', // national (二十六)
      text: '严格审慎审查存在失信行为的生产经营单位新改扩建项目的环评申报事项。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['project_approval'],
      categories: ['ecology_environment'],
      legalBasis: `${B.plan}构建守信激励和失信惩戒机制`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市生态环境局'],
      source: ref(S004, 177),
    },
    {
      ordinal: '(十三)', // national (二十七)
      text: '在实施税收优惠政策时,将生产经营单位的失信状况作为审慎性参考依据。',
      effect: 'prudent',
      mandatory: false,
      matterTypes: ['tax'],
      categories: ['taxation'],
      legalBasis: `${B.plan}税务领域信用建设`,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市税务局'],
      source: ref(S004, 178, 181),
    },
    {
      ordinal: '(十四)', // national (二十八)
      text: '在向生产经营单位和个人颁发荣誉证书、嘉奖和表彰等荣誉性称号时,应当参考其安全生产信用状况,对存在失信行为的生产经营单位,不予颁发政府荣誉。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['civilization_office', 'all'],
      legalBasis: B.gf2014_20,
      appliesTo: ['unit'],
      implementingUnits: ['佳木斯市委精神文明建设办公室牵头', '各部门共同采取措施'],
      source: ref(S004, 182),
    },
    {
      ordinal: '(十五)', // national (二十九)
      text: '在各部门主管领域内取消对存在失信行为的生产经营单位的政策性资金支持。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['fiscal_funds'],
      categories: ['all'],
      legalBasis: `${PLAN_RESTRAIN};${B.gf2014_20}`,
      appliesTo: ['unit'],
      implementingUnits: ['各部门共同采取措施'],
      source: ref(S004, 183),
    },
  ],
};
