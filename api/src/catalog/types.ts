// Shape of the memoranda catalogue drawn from the policy texts in ./seeds. Data files in ./data satisfy these types;
// the loader writes them into the catalogue tables.
import type { AppliesTo, Category, Effect, MatterType, Polarity } from '../domain/codes.js';

/** Where in ./seeds an item was read, so a reviewer can check it against the source. */
export interface SeedRef {
  /** seed file name, e.g. "003_337ab2181bc2b47a.txt" */
  file: string;
  /** first and last line (1-based, inclusive) */
  lines: [number, number];
}

export interface CatalogMeasure {
  /** Ordinal as printed in the source: "6", "(十)", "一.3"; unique within its memorandum. */
  ordinal: string;
  /** 措施内容, verbatim or closely abridged from the seed. */
  text: string;
  effect: Effect;
  /** 强制性 (true) vs 推荐性 (false). */
  mandatory: boolean;
  matterTypes: MatterType[];
  /** 实施部门 categories. Use 'all' when the seed says every department. */
  categories: Category[];
  /** 法律及政策依据, where the seed gives one. */
  legalBasis?: string;
  appliesTo: AppliesTo[];
  /** The named implementing offices as the seed prints them (e.g. "市财政局"), for the notice. */
  implementingUnits?: string[];
  /**
   * docNo of the national memorandum this measure carries out, when its own document spans several memoranda
   * (武质技监管〔2018〕22号 is one responsibility list covering ten). Unset: the memorandum's `adopts`, else its docNo.
   */
  implements?: string;
  /**
   * Sub-items printed under one ordinal whose effects or matter types differ (1001号 (一) bundles more inspections
   * with a market ban). When present, the measure's own `matterTypes` is the union of the parts' and its `effect` the
   * strongest part's; a query matches the parts and reports the strongest effect among the matching ones only.
   */
  parts?: CatalogMeasurePart[];
  /**
   * List codes this measure is limited to when a memorandum serves several lists (the 3-year office bar applies to
   * 严重违法失信企业名单 but not to 经营异常名录). Unset: every list that triggers the memorandum.
   */
  listCodes?: string[];
  source: SeedRef;
}

/** One printed sub-item of a measure (see CatalogMeasure.parts). */
export interface CatalogMeasurePart {
  /** as printed under the measure's ordinal, e.g. "5" */
  ordinal: string;
  text: string;
  effect: Effect;
  matterTypes: MatterType[];
  /** defaults to the measure's appliesTo */
  appliesTo?: AppliesTo[];
}

/** A category that the seeds say has no duty under a memorandum (无相关职能), possibly only in one region. */
export interface NoDutyRow {
  category: Category;
  /** 6-digit region code where this statement holds; '000000' if national. */
  region: string;
  /** The seed's wording, e.g. "无相关职能". */
  reason: string;
  /** Issuing document of the statement, e.g. 武质技监管〔2018〕22号. */
  statedBy: string;
  source: SeedRef;
}

export interface CatalogMemorandum {
  /** 文号, e.g. 发改财金〔2016〕2202号 — the stable key. */
  docNo: string;
  title: string;
  polarity: Polarity;
  initiatingCategory: Category;
  /**
   * Categories that signed (or, for a one-department list, issued) the document. For a local document these are the
   * departments it binds: its measures replace the adopted national ones for them only (see domain/measures.ts).
   * Empty = not stated.
   */
  signatoryCategories: Category[];
  /** '000000' = national; a local adoption carries its own region. */
  region: string;
  /** ISO date, when known. */
  effectiveFrom?: string;
  effectiveTo?: string;
  /** docNo of the national memorandum this local one adopts. */
  adopts?: string;
  measures: CatalogMeasure[];
  noDuty?: NoDutyRow[];
  source: SeedRef;
}

export interface PointsTier {
  /** code of the list this tier puts the subject on */
  list: string;
  /** inclusive lower bound of the rolling total */
  min: number;
}

export interface PointsRule {
  /** rolling window in days (365 for Nanning) or 'calendar_year' (MOHURD) */
  window: { kind: 'rolling_days'; days: number } | { kind: 'calendar_year' };
  /** allowed points per act, if the scheme fixes them */
  pointsPerAct: number[];
  tiers: PointsTier[];
}

export interface RepairLock {
  /** no repair before this many days after listing, by how many times the subject has been listed (1st, 2nd…) */
  minDaysByListingCount: number[];
  /** listing counts (or reasons) for which repair is never allowed */
  neverAfterListingCount?: number;
  note: string;
}

export interface CatalogList {
  /** scheme.code, e.g. 'safety.blacklist' */
  code: string;
  name: string;
  polarity: Polarity;
  /** docNos of the memoranda this list triggers */
  memoranda: string[];
  /** default validity of an entry in days; undefined = until removed */
  validityDays?: number;
  /** automatic removal horizon, e.g. MOHURD 5 years */
  autoRemoveAfterDays?: number;
  /** objection deadline in working days (default 15) */
  objectionWorkingDays: number;
  /** repair decision deadline in working days */
  repairWorkingDays?: number;
  /** repair decision deadline in calendar days, where the seed says 日 rather than 工作日 (Nanning, 003:L219) */
  repairCalendarDays?: number;
  /** 003:L71 — after a rejected objection the term continues (继续计算): the suspended days are added to validUntil */
  restartTermOnObjectionRejected: boolean;
  /** this list is derived from points, not published directly */
  pointsRule?: PointsRule;
  repairLock?: RepairLock;
  /** list code a subject moves to on a serious act during its term (重点关注 → 黑名单, 003:L731) */
  escalatesTo?: string;
  /** a confirmed entry removes the subject from every incentive (red) list (003:L729) */
  removesFromRedLists?: boolean;
  /** categories allowed to publish to it (the initiators) */
  publisherCategories: Category[];
  source: SeedRef;
}

export interface Catalog {
  /**
   * Informational only. The stored catalogue's version (catalog_version) is what checks report; the seed sync
   * (services/catalog-seed.ts) notices a changed seed by its content hash, so forgetting to bump this is harmless.
   */
  version: number;
  memoranda: CatalogMemorandum[];
  lists: CatalogList[];
}
