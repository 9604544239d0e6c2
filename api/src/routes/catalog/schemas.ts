// Schemas of the catalogue routes. Examples are real catalogue items (鹤岗's measure 6, 佳木斯's (十), 141号's 无相关职能
// row…), taken from the seed data itself so they cannot drift from it; only the ids are made up.
import { type Static, Type } from 'typebox';
import { catalog } from '../../catalog/index.js';
import type { CatalogMeasure as SeedMeasure, CatalogMemorandum as SeedMemorandum } from '../../catalog/types.js';
import { DEFAULTS } from '../../defaults.js';
import {
  APPLIES_TO,
  CATEGORY_CODES,
  EFFECTS,
  MATTER_TYPE_CODES,
  MATTER_TYPES,
  POLARITIES,
} from '../../domain/codes.js';
import { Category, Nullable, Ref, Region, Timestamp, Uuid } from '../schemas.js';

// 003:L71 异议投诉被驳回的,其联合惩戒时限从异议投诉被驳回之日起继续计算: the term resumes, so the suspended days are added.
const SUSPENDED_TERM =
  '003:L71: after a rejected objection the term continues from the rejection day (继续计算), i.e. validUntil moves ' +
  'later by the time the record was suspended';

// ---------------------------------------------------------------------------------------------------------------
// Examples from the seed data

const memo = (docNo: string): SeedMemorandum => {
  const found = catalog.memoranda.find((m) => m.docNo === docNo);
  if (!found) throw new Error(`example memorandum ${docNo} is not in the seed catalogue`);
  return found;
};
const seedMeasure = (m: SeedMemorandum, ordinal: string): SeedMeasure => {
  const found = m.measures.find((x) => x.ordinal === ordinal);
  if (!found) throw new Error(`example measure ${m.docNo} ${ordinal} is not in the seed catalogue`);
  return found;
};
const seedList = (code: string) => {
  const found = catalog.lists.find((l) => l.code === code);
  if (!found) throw new Error(`example list ${code} is not in the seed catalogue`);
  return found;
};

const QUALITY = memo('发改财金〔2016〕2202号');
const HEGANG = memo('鹤信用发〔2018〕5号');
const JIAMUSI = memo('佳应急联发〔2020〕5号');
const DEBTOR = memo('发改财金〔2016〕141号');

const ID = {
  quality: '3f6b1c2a-7d4e-4b8a-9c1d-2e5f6a7b8c90',
  hegang: '5a1e9d3c-2b7f-4e6a-8d0c-1f2e3a4b5c6d',
  jiamusi: '7c2d4e6f-8a9b-4c1d-9e2f-3a4b5c6d7e8f',
  hegang6: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  hegang18: '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a',
  jiamusi10: '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b',
} as const;

const stored = { fromSeed: true, amendedAt: null };
const exampleMeasure = (m: SeedMemorandum, ordinal: string, measureId: string, memorandumId: string) => ({
  measureId,
  memorandumId,
  docNo: m.docNo,
  ...seedMeasure(m, ordinal),
  ...stored,
});

const EXAMPLE_HEGANG_6 = exampleMeasure(HEGANG, '6', ID.hegang6, ID.hegang);
const EXAMPLE_HEGANG_18 = exampleMeasure(HEGANG, '18', ID.hegang18, ID.hegang);
const EXAMPLE_JIAMUSI_10 = exampleMeasure(JIAMUSI, '(十)', ID.jiamusi10, ID.jiamusi);

const memoFields = (m: SeedMemorandum, memorandumId: string) => {
  const { measures: _measures, noDuty: _noDuty, ...fields } = m;
  return { memorandumId, ...fields, ...stored };
};
const EXAMPLE_HEGANG = {
  ...memoFields(HEGANG, ID.hegang),
  measures: [EXAMPLE_HEGANG_6, EXAMPLE_HEGANG_18],
  noDuty: [],
};
const EXAMPLE_DEBTOR_NO_DUTY = DEBTOR.noDuty![0]!;
const EXAMPLE_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------------
// Building blocks

export const CatalogVersion = Type.Integer({
  minimum: 0,
  description:
    'Catalogue version: goes up by one with every change to the catalogue; a check reports the version it used',
  examples: [EXAMPLE_VERSION],
});
const docNo = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 100,
    description: `${description}. Other bracket spellings (【】, （）, [ ]) are accepted and stored as 〔〕.`,
    examples: [QUALITY.docNo],
  });
export const DocNo = docNo('文号, e.g. 发改财金〔2016〕2202号');
const listCode = (description: string) =>
  Type.String({
    pattern: '^[a-z0-9_]+\\.[a-z0-9_]+$',
    maxLength: 100,
    description,
    examples: ['quality.serious_violation'],
  });
export const ListCode = listCode('List code, scheme.code (never a colour)');
const region = (description: string) => Type.String({ pattern: '^\\d{6}$', description, examples: ['230400'] });
const category = (description: string) => Type.Enum(CATEGORY_CODES, { description });
const Ordinal = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'Ordinal as printed in the source ("6", "(十)"); unique within its memorandum',
  examples: ['6'],
});
const Text = (maxLength: number, extra: Record<string, unknown> = {}) =>
  Type.String({ minLength: 1, maxLength, ...extra });
const IsoDate = Type.String({ format: 'date', examples: ['2018-08-10'] });
const DayCount = (description: string) => Type.Integer({ minimum: 1, maximum: 36500, description });

export const Polarity = Type.Enum(POLARITIES, { description: 'punitive 惩戒 or incentive 激励' });
export const Effect = Type.Enum(EFFECTS, {
  description:
    'What the measure does, strongest first: prohibit 禁止, restrict 限制, prudent 审慎/从严审核, supervise 加强监管, disclose 公示, incentive 激励',
});
export const MatterType = Type.Enum(MATTER_TYPE_CODES, {
  description: `事项类型: ${MATTER_TYPE_CODES.map((c) => `${c} ${MATTER_TYPES[c]}`).join(', ')}`,
});
export const AppliesTo = Type.Enum(APPLIES_TO, {
  description: 'unit 单位本身, legal_representative 法定代表人, responsible_person 主要负责人/直接责任人',
});
const uniqueArray = <T extends Parameters<typeof Type.Array>[0]>(items: T, description: string) =>
  Type.Array(items, { minItems: 1, uniqueItems: true, maxItems: 50, description });

export const SeedRef = Type.Object(
  {
    file: Type.String({ description: 'Seed file name in the project’s shared seeds' }),
    lines: Type.Array(Type.Integer({ minimum: 1 }), {
      minItems: 2,
      maxItems: 2,
      description: 'First and last line, inclusive',
    }),
  },
  { $id: 'SeedRef', description: 'Where in the seed documents an item was read', examples: [HEGANG.source] },
);
export type SeedRef = Static<typeof SeedRef>;

const partFields = {
  ordinal: Ordinal,
  text: Text(2000),
  effect: Effect,
  matterTypes: uniqueArray(MatterType, 'Matter types this sub-item applies to'),
  appliesTo: Type.Optional(uniqueArray(AppliesTo, 'Defaults to the measure’s appliesTo')),
};
const EXAMPLE_PART = seedMeasure(memo('发改财金〔2016〕1001号'), '(一)').parts![4]!;
export const CatalogMeasurePart = Type.Object(partFields, {
  $id: 'CatalogMeasurePart',
  description: 'A printed sub-item of a measure whose effect or matter types differ from its siblings',
  examples: [EXAMPLE_PART],
});
export type CatalogMeasurePart = Static<typeof CatalogMeasurePart>;
const PartInput = Type.Object(partFields, { additionalProperties: false, examples: [EXAMPLE_PART] });

export const PointsRule = Type.Object(
  {
    window: Type.Union([
      Type.Object(
        { kind: Type.Literal('rolling_days'), days: DayCount('Rolling window length') },
        { additionalProperties: false },
      ),
      Type.Object({ kind: Type.Literal('calendar_year') }, { additionalProperties: false }),
    ]),
    pointsPerAct: Type.Array(Type.Integer({ minimum: 0 }), {
      maxItems: 20,
      description: 'Allowed points per act, if the scheme fixes them',
    }),
    tiers: Type.Array(
      Type.Object(
        { list: ListCode, min: Type.Integer({ minimum: 0, description: 'Inclusive lower bound of the total' }) },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
  },
  {
    $id: 'PointsRule',
    additionalProperties: false,
    description: 'Points scheme: the tier lists follow from the total in the window',
    examples: [seedList('nanning.urban_points').pointsRule],
  },
);
export type PointsRule = Static<typeof PointsRule>;

export const RepairLock = Type.Object(
  {
    minDaysByListingCount: Type.Array(Type.Integer({ minimum: 0 }), {
      maxItems: 20,
      description: 'No repair before this many days after listing, by the listing count (1st, 2nd…)',
    }),
    neverAfterListingCount: Type.Optional(
      Type.Integer({ minimum: 1, description: 'From this listing count on, repair is never allowed' }),
    ),
    note: Text(2000),
  },
  { $id: 'RepairLock', additionalProperties: false, examples: [seedList('mohurd.urban_points').repairLock] },
);
export type RepairLock = Static<typeof RepairLock>;

const PointsRuleRef = Ref(PointsRule);
const RepairLockRef = Ref(RepairLock);

// ---------------------------------------------------------------------------------------------------------------
// Items

const bookkeeping = {
  fromSeed: Type.Boolean({ description: 'The release’s seed catalogue carries this item' }),
  amendedAt: Type.Union([Timestamp, Type.Null()], {
    description: 'When an admin last created or changed it; seed upgrades no longer overwrite such an item',
  }),
};

const measureContent = {
  ordinal: Ordinal,
  text: Text(4000, { description: '措施内容' }),
  effect: Effect,
  mandatory: Type.Boolean({ description: 'true 强制性 (a basis in law or administrative regulation), false 推荐性' }),
  matterTypes: uniqueArray(MatterType, 'Matter types the measure applies to'),
  categories: uniqueArray(Category, 'Implementing department categories; all = every department'),
  legalBasis: Type.Optional(Text(4000, { description: '法律及政策依据' })),
  appliesTo: uniqueArray(AppliesTo, 'Whom the measure falls on'),
  implementingUnits: Type.Optional(
    Type.Array(Text(200), { maxItems: 50, description: 'Implementing offices as printed, for the notice' }),
  ),
  implements: Type.Optional(
    docNo(
      'The national memorandum this measure carries out, when its document spans several (武汉’s responsibility list)',
    ),
  ),
  parts: Type.Optional(Type.Array(Ref(CatalogMeasurePart), { maxItems: 50 })),
  listCodes: Type.Optional(
    Type.Array(ListCode, {
      maxItems: 50,
      description: 'Lists this measure is limited to; absent = every list that triggers the memorandum',
    }),
  ),
};

export const CatalogMeasure = Type.Object(
  {
    measureId: Uuid,
    memorandumId: Uuid,
    docNo: docNo('文号 of the document that carries the measure'),
    ...measureContent,
    source: Type.Optional(Ref(SeedRef)),
    ...bookkeeping,
    triggeredBy: Type.Optional(
      docNo(
        'In a resolved measures query: the 文号 that led to this measure (a local adoption answers for the national one)',
      ),
    ),
  },
  { $id: 'CatalogMeasure', description: '惩戒/激励措施', examples: [EXAMPLE_HEGANG_6] },
);
export type CatalogMeasure = Static<typeof CatalogMeasure>;

export const CatalogNoDuty = Type.Object(
  {
    category: Category,
    region: Region,
    reason: Text(500, { description: 'The seed’s wording, e.g. 无相关职能' }),
    statedBy: Text(200, { description: '文号 of the document that says so' }),
    source: Type.Optional(Ref(SeedRef)),
  },
  {
    $id: 'CatalogNoDuty',
    description: 'A category that has no duty under the memorandum (无相关职能) in a region and the regions below it',
    examples: [EXAMPLE_DEBTOR_NO_DUTY],
  },
);
export type CatalogNoDuty = Static<typeof CatalogNoDuty>;

const memorandumFields = {
  memorandumId: Uuid,
  docNo: DocNo,
  title: Text(500),
  polarity: Polarity,
  initiatingCategory: Category,
  signatoryCategories: Type.Array(Category, {
    description: 'Categories bound by the document; for a local one, those whose measures it replaces',
  }),
  region: Region,
  effectiveFrom: Type.Optional(IsoDate),
  effectiveTo: Type.Optional(IsoDate),
  adopts: Type.Optional(docNo('The national memorandum this local one adopts')),
  source: Type.Optional(Ref(SeedRef)),
  ...bookkeeping,
};

export const CatalogMemorandum = Type.Object(
  {
    ...memorandumFields,
    measures: Type.Array(Ref(CatalogMeasure)),
    noDuty: Type.Array(Ref(CatalogNoDuty)),
  },
  { $id: 'CatalogMemorandum', description: '合作备忘录 with its measures', examples: [EXAMPLE_HEGANG] },
);
export type CatalogMemorandum = Static<typeof CatalogMemorandum>;

const EXAMPLE_SUMMARIES = [
  { ...memoFields(QUALITY, ID.quality), measureCount: QUALITY.measures.length },
  { ...memoFields(HEGANG, ID.hegang), measureCount: HEGANG.measures.length },
];
export const CatalogMemorandumSummary = Type.Object(
  { ...memorandumFields, measureCount: Type.Integer({ minimum: 0 }) },
  { $id: 'CatalogMemorandumSummary', description: '合作备忘录 without its measures', examples: [EXAMPLE_SUMMARIES[1]] },
);
export type CatalogMemorandumSummary = Static<typeof CatalogMemorandumSummary>;

const listContent = {
  code: ListCode,
  name: Text(200),
  polarity: Polarity,
  memoranda: Type.Array(DocNo, {
    maxItems: 100,
    uniqueItems: true,
    description: '文号 of the memoranda a hit on this list triggers',
  }),
  validityDays: Type.Optional(DayCount('Default validity of an entry; absent = until removed')),
  autoRemoveAfterDays: Type.Optional(DayCount('Automatic removal horizon')),
  objectionWorkingDays: DayCount('Objection (异议) deadline in working days'),
  repairWorkingDays: Type.Optional(DayCount('Credit repair (信用修复) decision deadline in working days')),
  repairCalendarDays: Type.Optional(DayCount('Repair decision deadline in calendar days, where the scheme says 日')),
  restartTermOnObjectionRejected: Type.Boolean({ description: SUSPENDED_TERM }),
  pointsRule: Type.Optional(PointsRuleRef),
  repairLock: Type.Optional(RepairLockRef),
  escalatesTo: Type.Optional(listCode('List a subject moves to on a serious act during its term')),
  removesFromRedLists: Type.Optional(
    Type.Boolean({ description: 'A confirmed entry removes the subject from every incentive list' }),
  ),
  publisherCategories: uniqueArray(Category, 'Categories allowed to publish to the list'),
};

const EXAMPLE_LISTS = [
  { ...seedList('quality.serious_violation'), ...stored },
  { ...seedList('safety.blacklist'), ...stored },
];
export const CatalogList = Type.Object(
  { ...listContent, source: Type.Optional(Ref(SeedRef)), ...bookkeeping },
  { $id: 'CatalogList', description: '名单, keyed by scheme.code', examples: [EXAMPLE_LISTS[0]] },
);
export type CatalogList = Static<typeof CatalogList>;

export const CATALOG_SCHEMAS = [
  SeedRef,
  CatalogMeasurePart,
  PointsRule,
  RepairLock,
  CatalogMeasure,
  CatalogNoDuty,
  CatalogMemorandum,
  CatalogMemorandumSummary,
  CatalogList,
];

// ---------------------------------------------------------------------------------------------------------------
// Responses

export const MemorandumListResponse = Type.Object(
  { version: CatalogVersion, memoranda: Type.Array(Ref(CatalogMemorandumSummary)) },
  { examples: [{ version: EXAMPLE_VERSION, memoranda: EXAMPLE_SUMMARIES }] },
);
export const MemorandumResponse = Type.Object(
  { version: CatalogVersion, memorandum: Ref(CatalogMemorandum) },
  { examples: [{ version: EXAMPLE_VERSION, memorandum: EXAMPLE_HEGANG }] },
);
export const MeasureResponse = Type.Object(
  { version: CatalogVersion, measure: Ref(CatalogMeasure) },
  { examples: [{ version: EXAMPLE_VERSION, measure: EXAMPLE_HEGANG_6 }] },
);
export const MeasureQueryResponse = Type.Object(
  {
    version: CatalogVersion,
    resolved: Type.Boolean({
      description:
        'true when matterType, category and region were all given: the measures are those this department applies ' +
        '(a local adoption replacing the national memorandum for its signatories), with noDuty and uncovered filled in. ' +
        'false: plain filtering, noDuty and uncovered empty.',
    }),
    measures: Type.Array(Ref(CatalogMeasure)),
    noDuty: Type.Array(
      Type.Object({
        docNo: DocNo,
        reason: Type.String({ description: 'e.g. 无相关职能' }),
        statedBy: Type.String({ description: '文号 of the document that says so' }),
      }),
      { description: 'Memoranda under which this category has no duty here: no measure, and that is the answer' },
    ),
    uncovered: Type.Array(DocNo, {
      description: 'Memoranda with neither a measure nor a no-duty row for this department and matter',
    }),
  },
  {
    examples: [
      {
        version: EXAMPLE_VERSION,
        resolved: true,
        measures: [{ ...EXAMPLE_JIAMUSI_10, triggeredBy: '发改财金〔2016〕1001号' }],
        noDuty: [],
        uncovered: [],
      },
      {
        version: EXAMPLE_VERSION,
        resolved: true,
        measures: [],
        noDuty: [
          { docNo: DEBTOR.docNo, reason: EXAMPLE_DEBTOR_NO_DUTY.reason, statedBy: EXAMPLE_DEBTOR_NO_DUTY.statedBy },
        ],
        uncovered: [],
      },
    ],
  },
);
export type MeasureQueryResponse = Static<typeof MeasureQueryResponse>;
export const ListListResponse = Type.Object(
  { version: CatalogVersion, lists: Type.Array(Ref(CatalogList)) },
  { examples: [{ version: EXAMPLE_VERSION, lists: EXAMPLE_LISTS }] },
);
export const ListResponse = Type.Object(
  { version: CatalogVersion, list: Ref(CatalogList) },
  { examples: [{ version: EXAMPLE_VERSION, list: EXAMPLE_LISTS[0] }] },
);
const CodeLabel = Type.Object({ code: Type.String(), label: Type.String({ description: 'Chinese name' }) });
export const MatterTypeListResponse = Type.Object(
  { version: CatalogVersion, matterTypes: Type.Array(CodeLabel) },
  {
    examples: [
      {
        version: EXAMPLE_VERSION,
        matterTypes: [
          { code: 'administrative_licensing', label: MATTER_TYPES.administrative_licensing },
          { code: 'government_procurement', label: MATTER_TYPES.government_procurement },
        ],
      },
    ],
  },
);
export const CategoryListResponse = Type.Object(
  { version: CatalogVersion, categories: Type.Array(CodeLabel) },
  {
    examples: [
      {
        version: EXAMPLE_VERSION,
        categories: [
          { code: 'finance', label: '财政' },
          { code: 'market_regulation', label: '市场监管' },
        ],
      },
    ],
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Queries and params

export const MemorandaQuery = Type.Object(
  {
    polarity: Type.Optional(Polarity),
    region: Type.Optional(
      region(
        'Memoranda in force in this region: national ones and local ones whose region covers it (230400 covers 230402)',
      ),
    ),
    category: Type.Optional(
      category(
        'Memoranda under which this category initiates, signed, or implements at least one measure (a measure for all counts)',
      ),
    ),
  },
  { additionalProperties: false },
);

export const MeasuresQuery = Type.Object(
  {
    matterType: Type.Optional(MatterType),
    category: Type.Optional(Category),
    region: Type.Optional(region('The department’s region; with matterType and category, resolves as the check does')),
    memorandum: Type.Optional(
      docNo('Only measures concerning this 文号 (carried by it, or by a document adopting or implementing it)'),
    ),
    list: Type.Optional(listCode('Only measures a hit on this list triggers')),
  },
  { additionalProperties: false },
);

export const ListsQuery = Type.Object({ polarity: Type.Optional(Polarity) }, { additionalProperties: false });

export const MemorandumParams = Type.Object({
  id: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'The memorandum’s uuid, or its URL-encoded 文号',
    examples: [encodeURIComponent(QUALITY.docNo)],
  }),
});
export const MeasureParams = Type.Object({ measureId: Uuid });
export const ListParams = Type.Object({ code: ListCode });

// ---------------------------------------------------------------------------------------------------------------
// Bodies

const seedMeasureInput = (m: SeedMeasure) => {
  const { source: _source, ...rest } = m;
  return rest;
};

export const CreateMeasureBody = Type.Object(
  {
    ...measureContent,
    parts: Type.Optional(Type.Array(PartInput, { minItems: 1, maxItems: 50 })),
  },
  {
    additionalProperties: false,
    description: 'A measure. With parts, matterTypes must be their union and effect the strongest part’s.',
    examples: [{ ...seedMeasureInput(seedMeasure(HEGANG, '6')), ordinal: '20' }],
  },
);
export type CreateMeasureBody = Static<typeof CreateMeasureBody>;

export const MeasurePatchBody = Type.Object(
  {
    ordinal: Type.Optional(Ordinal),
    text: Type.Optional(measureContent.text),
    effect: Type.Optional(Effect),
    mandatory: Type.Optional(measureContent.mandatory),
    matterTypes: Type.Optional(measureContent.matterTypes),
    categories: Type.Optional(measureContent.categories),
    appliesTo: Type.Optional(measureContent.appliesTo),
    legalBasis: Type.Optional(Nullable(Text(4000))),
    implementingUnits: Type.Optional(Nullable(Type.Array(Text(200), { maxItems: 50 }))),
    implements: Type.Optional(Nullable(DocNo)),
    parts: Type.Optional(Nullable(Type.Array(PartInput, { minItems: 1, maxItems: 50 }))),
    listCodes: Type.Optional(Nullable(Type.Array(ListCode, { maxItems: 50 }))),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Fields to change; a field left out stays, null clears an optional one',
    examples: [{ legalBasis: '《中华人民共和国政府采购法》第二十二条', mandatory: true }],
  },
);
export type MeasurePatchBody = Static<typeof MeasurePatchBody>;

const NoDutyInput = Type.Object(
  {
    category: Category,
    region: Region,
    reason: CatalogNoDuty.properties.reason,
    statedBy: CatalogNoDuty.properties.statedBy,
  },
  { additionalProperties: false },
);

export const CreateMemorandumBody = Type.Object(
  {
    docNo: DocNo,
    title: Text(500),
    polarity: Polarity,
    initiatingCategory: Category,
    signatoryCategories: Type.Optional(Type.Array(Category, { uniqueItems: true, maxItems: 50 })),
    region: Type.Optional(region('6-digit 行政区划代码; default 000000 (national)')),
    effectiveFrom: Type.Optional(IsoDate),
    effectiveTo: Type.Optional(IsoDate),
    adopts: Type.Optional(memorandumFields.adopts),
    measures: Type.Optional(Type.Array(CreateMeasureBody, { maxItems: 500 })),
    noDuty: Type.Optional(Type.Array(NoDutyInput, { maxItems: 200 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        docNo: '鹤信用发〔2025〕3号',
        title: '鹤岗市对失信被执行人实施联合惩戒的合作备忘录',
        polarity: 'punitive',
        initiatingCategory: 'court',
        signatoryCategories: ['court', 'finance'],
        region: '230400',
        effectiveFrom: '2025-03-01',
        adopts: DEBTOR.docNo,
        measures: [
          {
            ordinal: '1',
            text: '依法限制参与政府采购活动。',
            effect: 'restrict',
            mandatory: false,
            matterTypes: ['government_procurement'],
            categories: ['finance'],
            appliesTo: ['unit'],
            implementingUnits: ['鹤岗市财政局'],
          },
        ],
      },
    ],
  },
);
export type CreateMemorandumBody = Static<typeof CreateMemorandumBody>;

export const MemorandumPatchBody = Type.Object(
  {
    title: Type.Optional(Text(500)),
    polarity: Type.Optional(Polarity),
    initiatingCategory: Type.Optional(Category),
    signatoryCategories: Type.Optional(Type.Array(Category, { uniqueItems: true, maxItems: 50 })),
    region: Type.Optional(Region),
    effectiveFrom: Type.Optional(Nullable(IsoDate)),
    effectiveTo: Type.Optional(Nullable(IsoDate)),
    adopts: Type.Optional(Nullable(DocNo)),
    noDuty: Type.Optional(
      Type.Array(NoDutyInput, { maxItems: 200, description: 'Replaces all of the memorandum’s no-duty rows' }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Fields to change; a field left out stays, null clears an optional one. The 文号 is the key and cannot change.',
    examples: [{ effectiveTo: '2026-12-31' }],
  },
);
export type MemorandumPatchBody = Static<typeof MemorandumPatchBody>;

const listBodyFields = {
  name: listContent.name,
  polarity: Polarity,
  memoranda: listContent.memoranda,
  validityDays: listContent.validityDays,
  autoRemoveAfterDays: listContent.autoRemoveAfterDays,
  objectionWorkingDays: Type.Optional(
    DayCount(`Objection (异议) deadline in working days; default ${DEFAULTS.objectionWorkingDays}`),
  ),
  repairWorkingDays: listContent.repairWorkingDays,
  repairCalendarDays: listContent.repairCalendarDays,
  restartTermOnObjectionRejected: Type.Optional(Type.Boolean({ description: `${SUSPENDED_TERM}; default false` })),
  pointsRule: listContent.pointsRule,
  repairLock: listContent.repairLock,
  escalatesTo: listContent.escalatesTo,
  removesFromRedLists: listContent.removesFromRedLists,
  publisherCategories: listContent.publisherCategories,
};

export const CreateListBody = Type.Object(
  { code: ListCode, ...listBodyFields },
  {
    additionalProperties: false,
    examples: [
      {
        code: 'hegang.quality_watch',
        name: '鹤岗市质量失信重点关注名单',
        polarity: 'punitive',
        memoranda: [QUALITY.docNo],
        validityDays: 365,
        publisherCategories: ['market_regulation'],
      },
    ],
  },
);
export type CreateListBody = Static<typeof CreateListBody>;

export const ListPatchBody = Type.Object(
  {
    name: Type.Optional(listContent.name),
    polarity: Type.Optional(Polarity),
    memoranda: Type.Optional(listContent.memoranda),
    validityDays: Type.Optional(Nullable(DayCount('Default validity of an entry'))),
    autoRemoveAfterDays: Type.Optional(Nullable(DayCount('Automatic removal horizon'))),
    objectionWorkingDays: Type.Optional(DayCount('Objection deadline in working days')),
    repairWorkingDays: Type.Optional(Nullable(DayCount('Repair decision deadline in working days'))),
    repairCalendarDays: Type.Optional(Nullable(DayCount('Repair decision deadline in calendar days'))),
    restartTermOnObjectionRejected: Type.Optional(Type.Boolean({ description: SUSPENDED_TERM })),
    // null first: ajv never coerces an object to null, and a null then matches without trying the object branch.
    pointsRule: Type.Optional(Type.Union([Type.Null(), PointsRuleRef])),
    repairLock: Type.Optional(Type.Union([Type.Null(), RepairLockRef])),
    escalatesTo: Type.Optional(Nullable(ListCode)),
    removesFromRedLists: Type.Optional(Nullable(Type.Boolean())),
    publisherCategories: Type.Optional(listContent.publisherCategories),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Fields to change; a field left out stays, null clears an optional one. The code is the key and cannot change.',
    examples: [{ validityDays: 730 }],
  },
);
export type ListPatchBody = Static<typeof ListPatchBody>;
