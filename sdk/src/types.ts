// Request and response types, named for SDK users and derived from the generated schema.d.ts (never written twice).
// A route that another team is still writing has no operation in schema.d.ts yet; `Gen*<'opId', Fallback>` then
// uses a fallback written from the fixed v1 contract in DESIGN.md, and switches to the generated type by itself on
// the next `pnpm openapi` once an operation of that name appears.
import type { components, operations } from './schema.js';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Success<R> = { [K in keyof R]: K extends 200 | 201 ? Json<R[K]> : never }[keyof R];

/** The JSON request body of an operation. */
export type RequestBody<O extends keyof operations> = operations[O] extends { requestBody?: infer R } ? Json<NonNullable<R>> : never;
/** The JSON body of an operation's 200/201 answer. */
export type ResponseBody<O extends keyof operations> = Success<operations[O]['responses']>;
/** The query parameters of an operation. */
export type QueryParams<O extends keyof operations> = NonNullable<operations[O]['parameters']['query']>;

type GenBody<O extends string, F> = O extends keyof operations ? RequestBody<O> : F;
type GenResponse<O extends string, F> = O extends keyof operations ? ResponseBody<O> : F;
type GenQuery<O extends string, F> = O extends keyof operations ? QueryParams<O> : F;

type Schemas = components['schemas'];

// checks
export type CheckParams = RequestBody<'createCheck'>;
export type CheckResult = Schemas['CheckResult'];
export type Verdict = CheckResult['verdict'];
export type Hit = CheckResult['hits'][number];
export type Measure = CheckResult['measures'][number];
export type MatterType = CheckParams['matter']['type'];
export type BatchParams = RequestBody<'createCheckBatch'>;
export type BatchResult = ResponseBody<'createCheckBatch'>;
export type FeedbackParams = GenBody<
  'createCheckFeedback',
  { measureId: string; action: 'applied' | 'not_applied' | 'partially_applied'; note?: string }
>;
export type FeedbackResult = GenResponse<
  'createCheckFeedback',
  { feedbackId: string; checkId: string; measureId: string; action: FeedbackParams['action']; note?: string | null }
>;

// entries
export type PublishParams = RequestBody<'publishEntry'>;
export type PublishResult = ResponseBody<'publishEntry'>;
export type Entry = Schemas['Entry'];
export type RevokeParams = RequestBody<'revokeEntry'>;
export type EntryListQuery = GenQuery<'listEntries', { subject: string }>;
export type EntryList = GenResponse<'listEntries', { entries: Entry[] }>;

// imports
export type ImportFormat = 'csv' | 'ndjson';
export type ImportMode = 'all-or-nothing' | 'accept-valid';
export interface ImportRowError {
  row: number;
  code: string;
  message: string;
}
export type ImportResult = GenResponse<'createImport', { importId: string; accepted: number; rejected: number; errors: ImportRowError[] }>;
export type ImportRecord = GenResponse<'getImport', ImportResult & Record<string, unknown>>;

// objections and repairs
export type ObjectionParams = GenBody<'createObjection', { entryId: string; applicant: unknown; reason: string; evidence?: unknown }>;
export type Objection = GenResponse<'createObjection', { objectionId: string; status: string; dueAt: string }>;
export type ObjectionRecord = GenResponse<'getObjection', Objection & Record<string, unknown>>;
export type ObjectionDecisionParams = GenBody<
  'decideObjection',
  { outcome: 'upheld' | 'rejected'; correction?: 'revoke' | 'amend'; note?: string }
>;
export type ObjectionDecision = GenResponse<'decideObjection', ObjectionRecord>;
export type RepairParams = GenBody<'createRepair', { entryId: string; applicant: unknown; reason: string; pledge: string; evidence?: unknown }>;
export type Repair = GenResponse<'createRepair', { repairId: string; status: string; dueAt: string }>;
export type RepairRecord = GenResponse<'getRepair', Repair & Record<string, unknown>>;
export type RepairDecisionParams = GenBody<'decideRepair', { outcome: 'approved' | 'denied'; effectiveFrom?: string; note?: string }>;
export type RepairDecision = GenResponse<'decideRepair', RepairRecord>;

// changes
export type ChangesQuery = GenQuery<'listChanges', { after?: string; limit?: number }>;
export type ChangesPage = GenResponse<
  'listChanges',
  { events: Array<{ eventId: string; type: string; occurredAt: string; data: Record<string, unknown> }>; nextCursor: string | null }
>;
export type ChangeEvent = ChangesPage['events'][number];

// subscriptions
export type SubscriptionParams = GenBody<'createSubscription', { url: string; events: string[]; filters?: Record<string, unknown> }>;
export type CreatedSubscription = GenResponse<'createSubscription', { subscriptionId: string; secret: string }>;
export type SubscriptionList = GenResponse<'listSubscriptions', { subscriptions: Array<{ subscriptionId: string; url: string; events: string[] }> }>;
export type DeletedSubscription = GenResponse<'deleteSubscription', Record<string, unknown>>;
export type DeliveryList = GenResponse<'listDeliveries', { deliveries: Array<Record<string, unknown>> }>;

// stats
export type StatsQuery = GenQuery<'getStats', { departmentId?: string; from?: string; to?: string }>;
export type Stats = GenResponse<'getStats', Record<string, unknown>>;

// catalog
export type MemorandaQuery = QueryParams<'listCatalogMemoranda'>;
export type MemorandumSummary = Schemas['CatalogMemorandumSummary'];
export type Memorandum = Schemas['CatalogMemorandum'];
export type MemorandumParams = RequestBody<'createCatalogMemorandum'>;
export type MemorandumPatch = RequestBody<'updateCatalogMemorandum'>;
export type MeasuresQuery = QueryParams<'listCatalogMeasures'>;
export type CatalogMeasure = Schemas['CatalogMeasure'];
export type MeasureParams = RequestBody<'addCatalogMeasure'>;
export type MeasurePatch = RequestBody<'updateCatalogMeasure'>;
export type ListsQuery = QueryParams<'listCatalogLists'>;
export type CatalogList = Schemas['CatalogList'];
export type ListParams = RequestBody<'createCatalogList'>;
export type ListPatch = RequestBody<'updateCatalogList'>;

// admin
export type DepartmentParams = RequestBody<'createDepartment'>;
export type Department = Schemas['Department'];
export type KeyParams = RequestBody<'createKey'>;
export type CreatedKey = ResponseBody<'createKey'>;
export type ApiKey = Schemas['ApiKey'];
export type KeysQuery = QueryParams<'listKeys'>;
export type ReceiptChainReport = ResponseBody<'verifyReceipts'>;
