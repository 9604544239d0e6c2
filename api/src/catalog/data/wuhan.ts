// 武质技监管〔2018〕22号 (seed 001): the Wuhan 质监 (quality supervision, now market_regulation) department's
// responsibility list, ten rows, one per national memorandum. Rows 5 (141号) and 9 (427号) say the department has no
// duty (无相关职能); they are noDuty rows on those national memoranda in national.ts. The other eight rows are the
// measures below, so the document accounts for exactly ten rows.
//
// Modelling: one memorandum object for the document (its docNo is the key) with region 420100. It has no `adopts`
// because it concerns ten memoranda, not one; instead each measure names the memorandum its row is about in
// `implements`. Its signatoryCategories is only market_regulation: the list binds the 质监 department alone, so for
// every other Wuhan department the national memoranda still apply (see domain/measures.ts).
//
// Ordinals are the printed 序号. No row cites a legal basis, so by the rule in national.ts none is mandatory. The
// implementing units are the printed 实施部门 and 责任处室.
import type { CatalogMemorandum } from '../types.js';
import { DOC, REGION, S001, ref } from './refs.js';

const ALL_QS = '全市质监部门';
const OFFICES = '有关业务处室和直属机构';

export const wuhan: CatalogMemorandum = {
  docNo: DOC.wuhan,
  title: '武汉市质监部门参与的联合奖惩备忘录责任清单',
  // The list mixes incentive rows (1-3) and punitive rows; each measure's effect carries its own polarity.
  polarity: 'punitive',
  initiatingCategory: 'market_regulation',
  signatoryCategories: ['market_regulation'],
  region: REGION.wuhan,
  effectiveFrom: '2018-08-26',
  source: ref(S001, 3, 40),
  measures: [
    {
      ordinal: '1',
      implements: DOC.taxA,
      text: '作为各部门在本行业、本领域内向企业、个人和其他组织颁发荣誉证书、嘉奖和表彰等荣誉性称号的重要参考,优先给予奖励和表彰。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      implementingUnits: [ALL_QS, OFFICES],
      source: ref(S001, 24),
    },
    {
      ordinal: '2',
      implements: DOC.youth,
      text: '在评优评先、公派出国等遴选中,鼓励相关单位同等条件对优秀青年志愿者予以优先考虑。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      implementingUnits: [ALL_QS, '人事处'],
      source: ref(S001, 25),
    },
    {
      ordinal: '3',
      implements: DOC.customsAeo,
      text: '作为各部门在本行业、本领域内向企业和个人颁发荣誉证书、嘉奖和表彰等荣誉性称号的重要参考,优先给予奖励和表彰。',
      effect: 'incentive',
      mandatory: false,
      matterTypes: ['honours'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      implementingUnits: [ALL_QS, OFFICES],
      source: ref(S001, 27),
    },
    {
      ordinal: '4',
      implements: DOC.enterprise,
      // Verbatim, including the seed's missing verb in item 1 ("10年内不得该类产品的生产") and item 2's run-on.
      text: '1、未取得生产许可证生产相关产品导致相关许可证明文件被吊销、撤销的企业,其主要负责人和直接负责的主管人员10年内不得该类产品的生产、经营活动;2、未取得生产、经营许可证生产该产品或生产、经营许可证被吊销的;提供虚假材料骗取生产许可证其主要负责人和直接负责的主管人员终身不得从事该类产品的生产、经营活动。',
      effect: 'prohibit',
      mandatory: false,
      matterTypes: ['administrative_licensing', 'market_entry_and_office'],
      categories: ['market_regulation'],
      appliesTo: ['responsible_person'],
      implementingUnits: [ALL_QS, '行政审批处'],
      source: ref(S001, 28, 30),
    },
    {
      ordinal: '6',
      implements: DOC.environment,
      text: '各市场监管、行业主管部门将失信生产经营单位作为重点监管对象,加大日常监管力度,提高抽查的比例和频次。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['supervision'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      implementingUnits: [ALL_QS, OFFICES],
      source: ref(S001, 32),
    },
    {
      ordinal: '7',
      implements: DOC.quality,
      text: '1、将失信企业纳入重点监管对象,加大对失信企业日常监督检查频次和提高随机抽查概率;2、限制失信相关人获得或撤销其相关的从业资格;3、失信企业产生新的违法违规行为时,依法依规从严从重处罚。',
      effect: 'restrict',
      mandatory: false,
      matterTypes: ['supervision', 'administrative_licensing', 'market_entry_and_office'],
      categories: ['market_regulation'],
      appliesTo: ['unit', 'legal_representative'],
      implementingUnits: [ALL_QS, OFFICES],
      parts: [
        {
          ordinal: '1',
          text: '将失信企业纳入重点监管对象,加大对失信企业日常监督检查频次和提高随机抽查概率',
          effect: 'supervise',
          matterTypes: ['supervision'],
          appliesTo: ['unit'],
        },
        // 2202号's subjects are the enterprise and its 法定代表人 (001 row 7), so 失信相关人 is the legal representative.
        {
          ordinal: '2',
          text: '限制失信相关人获得或撤销其相关的从业资格',
          effect: 'restrict',
          matterTypes: ['administrative_licensing', 'market_entry_and_office'],
          appliesTo: ['legal_representative'],
        },
        {
          ordinal: '3',
          text: '失信企业产生新的违法违规行为时,依法依规从严从重处罚',
          effect: 'supervise',
          matterTypes: ['supervision'],
          appliesTo: ['unit'],
        },
      ],
      source: ref(S001, 33, 35),
    },
    {
      ordinal: '8',
      implements: DOC.agriInputs,
      text: '加大对失信企业日常监督检查频次和提高随机抽查概率。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['supervision'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      implementingUnits: [ALL_QS, OFFICES],
      source: ref(S001, 36),
    },
    {
      ordinal: '10',
      implements: DOC.overseas,
      text: '依法依规加大对失信主体日常监督检查频次和提高随机抽查概率。',
      effect: 'supervise',
      mandatory: false,
      matterTypes: ['supervision'],
      categories: ['market_regulation'],
      appliesTo: ['unit'],
      implementingUnits: [ALL_QS, OFFICES],
      source: ref(S001, 39),
    },
  ],
};
