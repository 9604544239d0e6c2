// Request and response types, named for SDK users and derived from the generated schema.d.ts (never written twice).
// A route that another team is still writing has no operation in schema.d.ts yet; `Gen*<'opId', Fallback>` then
// uses a fallback written from the fixed v1 contract in DESIGN.md, and switches to the generated type by itself on
// the next `pnpm openapi` once an operation of that name appears.
import type { components, operations } from './schema.js';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Success<R> = { [K in keyof R]: K extends 200 | 201 | 202 ? Json<R[K]> : never }[keyof R];

/** The JSON request body of an operation. */
export type RequestBody<O extends keyof operations> = operations[O] extends { requestBody?: infer R } ? Json<NonNullable<R>> : never;
/** The JSON body of an operation's 2xx answer. */
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
  { feedbackId: string; checkId: string; measureId: string; action: FeedbackParams['action']; note: string | null }
>;
export type FeedbackList = GenResponse<
  'getCheckFeedback',
  {
    checkId: string;
    complete: boolean;
    measures: Array<{ measureId: string; docNo: string; ordinal: string; text: string; mandatory: boolean; current: FeedbackResult | null; history: FeedbackResult[] }>;
  }
>;

// entries
export type PublishParams = RequestBody<'publishEntry'>;
export type PublishResult = ResponseBody<'publishEntry'>;
export type Entry = Schemas['Entry'];
export type RevokeParams = RequestBody<'revokeEntry'>;
type NoQuery<O extends keyof operations> = [QueryParams<O>] extends [never] ? true : false;
export type EntryQuery = NoQuery<'getEntry'> extends true ? { view?: 'public' | 'internal' } : QueryParams<'getEntry'>;
export type EntryListQuery = GenQuery<'listEntries', { subject: string; list?: string; view?: 'public' | 'internal'; limit?: number }>;
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
export type ImportRecord = GenResponse<'getImport', ImportResult & { status: string }>;
export type ImportListQuery = GenQuery<'listImports', { limit?: number }>;
export type ImportList = GenResponse<'listImports', { imports: ImportRecord[] }>;

// objections and repairs
export interface Applicant {
  name: string;
  relation?: 'subject' | 'agent';
  contact?: string;
}
export type Evidence = Array<{ title: string; url?: string; sha256?: string }>;
interface CaseFallback {
  entryId: string;
  status: string;
  applicant: Applicant;
  reason: string;
  dueAt: string;
  overdue: boolean;
  decidedAt: string | null;
  note: string | null;
}
export type ObjectionParams = GenBody<'openObjection', { entryId: string; applicant: Applicant; reason: string; evidence?: Evidence }>;
export type Objection = GenResponse<'openObjection', CaseFallback & { objectionId: string; outcome: 'upheld' | 'rejected' | null }>;
export type ObjectionListQuery = GenQuery<'listObjections', { entryId?: string; status?: string; overdue?: boolean; limit?: number }>;
export type ObjectionList = GenResponse<'listObjections', { objections: Objection[] }>;
export type ObjectionDecisionParams = GenBody<
  'decideObjection',
  { outcome: 'upheld' | 'rejected'; correction?: 'revoke' | 'amend'; note?: string }
>;
export type RepairParams = GenBody<'openRepair', { entryId: string; applicant: Applicant; reason: string; pledge: string; evidence?: Evidence }>;
export type Repair = GenResponse<'openRepair', CaseFallback & { repairId: string; outcome: 'approved' | 'denied' | null }>;
export type RepairListQuery = GenQuery<'listRepairs', { entryId?: string; status?: string; overdue?: boolean; limit?: number }>;
export type RepairList = GenResponse<'listRepairs', { repairs: Repair[] }>;
export type RepairDecisionParams = GenBody<'decideRepair', { outcome: 'approved' | 'denied'; effectiveFrom?: string; note?: string }>;

// changes
// The feed's `limit` has a server default; the generated type marks it required, so the SDK takes it as optional.
export type ChangesQuery = Partial<GenQuery<'listChanges', { after: string; limit: number; type: string[]; list: string[]; region: string[] }>>;
export type ChangesPage = GenResponse<
  'listChanges',
  { events: Array<{ eventId: string; type: string; occurredAt: string; data?: unknown }>; nextCursor: string }
>;
export type ChangeEvent = ChangesPage['events'][number];

// subscriptions and watches
export type EventType = SubscriptionParams['events'][number];
export type SubscriptionParams = GenBody<
  'createSubscription',
  { url: string; events: string[]; filters?: { lists?: string[]; regions?: string[] } }
>;
interface SubscriptionFallback {
  subscriptionId: string;
  departmentId: string;
  url: string;
  events: string[];
  filters: { lists?: string[]; regions?: string[] };
  createdAt: string;
  delivery: { delivered: number; lastDeliveredAt: string | null; failures: number; failingSince: string | null; nextAttemptAt: string; deadLetters: number };
}
export type CreatedSubscription = GenResponse<'createSubscription', SubscriptionFallback & { secret: string }>;
export type Subscription = GenResponse<'getSubscription', SubscriptionFallback>;
export type SubscriptionList = GenResponse<'listSubscriptions', { subscriptions: Subscription[] }>;
export type DeletedSubscription = GenResponse<'deleteSubscription', { subscriptionId: string; deleted: boolean }>;
export type DeliveriesQuery = Partial<GenQuery<'listDeliveries', { limit: number }>>;
export type DeliveryList = GenResponse<
  'listDeliveries',
  {
    attempts: Array<{ eventId: string; attempt: number; attemptedAt: string; outcome: 'delivered' | 'failed' | 'dead'; httpStatus: number | null; error: string | null; durationMs: number; replay: boolean }>;
    deadLetters: Array<{ eventId: string; status: 'dead' | 'replay_queued' | 'replayed'; failures: number; lastError: string | null; deadAt: string }>;
  }
>;
export type ReplayedDelivery = GenResponse<'replayDelivery', { eventId: string; status: 'dead' | 'replay_queued' | 'replayed' }>;
export type WatchParams = GenBody<
  'createWatch',
  { subject: { uscc?: string; idNumber?: string; name?: string }; matter: { type: MatterType; reference: string } }
>;
export type Watch = GenResponse<
  'createWatch',
  {
    watchId: string;
    departmentId: string;
    subject: { uscc: string | null; idMasked: string | null; name: string | null };
    matter: { type: string; reference: string };
    createdAt: string;
  }
>;
export type WatchListQuery = Partial<GenQuery<'listWatches', { limit: number; offset: number }>>;
export type WatchList = GenResponse<'listWatches', { watches: Watch[] }>;
export type DeletedWatch = GenResponse<'deleteWatch', { watchId: string; deleted: boolean }>;

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
