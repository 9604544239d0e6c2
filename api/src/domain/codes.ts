// Fixed code lists: clients send and store these codes, so one is never renamed. Other modules import these; nothing
// here does I/O.

/** 部门类别 (department category). Measures name categories, not offices. */
export const CATEGORIES = {
  finance: '财政',
  market_regulation: '市场监管',
  natural_resources: '自然资源/国土',
  development_reform: '发改',
  science_technology: '科技',
  taxation: '税务',
  central_bank: '人民银行',
  banking_insurance_regulation: '银保监',
  securities_regulation: '证监',
  housing_construction: '住建/城乡建设',
  transport: '交通',
  ecology_environment: '生态环境/环保',
  emergency_management: '应急管理/安监',
  human_resources: '人社',
  commerce: '商务',
  customs: '海关',
  civilization_office: '文明办',
  culture_media: '文广新',
  agriculture: '农业',
  court: '法院',
  public_security: '公安',
  credit_office: '信用办',
  food_drug: '食药监',
  all: '各部门共同',
} as const;
export type Category = keyof typeof CATEGORIES;
export const CATEGORY_CODES = Object.keys(CATEGORIES) as Category[];

/** 事项类型 (matter type): what the calling department is about to do. */
export const MATTER_TYPES = {
  administrative_licensing: '行政许可',
  project_approval: '项目审批核准',
  government_procurement: '政府采购',
  public_bidding: '招标投标',
  fiscal_funds: '财政资金/补贴',
  science_tech_projects: '科技项目',
  land_and_mining: '土地与矿业权',
  concession: '特许经营',
  honours: '评优评先/荣誉',
  financing_and_securities: '融资与证券',
  market_entry_and_office: '市场准入与任职',
  advertising: '广告',
  tax: '税收',
  customs: '海关',
  supervision: '日常监管',
  publication: '信息公示',
} as const;
export type MatterType = keyof typeof MATTER_TYPES;
export const MATTER_TYPE_CODES = Object.keys(MATTER_TYPES) as MatterType[];

export const SCOPES = ['check', 'publish', 'review', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const POLARITIES = ['punitive', 'incentive'] as const;
export type Polarity = (typeof POLARITIES)[number];

/** Ordered from strongest to weakest. */
export const EFFECTS = ['prohibit', 'restrict', 'prudent', 'supervise', 'disclose', 'incentive'] as const;
export type Effect = (typeof EFFECTS)[number];

export const APPLIES_TO = ['unit', 'legal_representative', 'responsible_person'] as const;
export type AppliesTo = (typeof APPLIES_TO)[number];

export const SUBJECT_KINDS = ['enterprise', 'person', 'other_org', 'individual_business'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const RELATED_ROLES = ['legal_representative', 'principal', 'responsible_person'] as const;
export type RelatedRole = (typeof RELATED_ROLES)[number];

export const ENTRY_STATUSES = ['active', 'objection_pending', 'repaired', 'revoked', 'expired'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const VERDICTS = ['prohibited', 'restricted', 'review', 'incentive', 'clear'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const MATCHED_BY = ['uscc', 'id_number', 'name', 'former_name', 'fuzzy_name', 'related_person'] as const;
export type MatchedBy = (typeof MATCHED_BY)[number];

/** 000000 means national scope. */
export const NATIONAL_REGION = '000000';
