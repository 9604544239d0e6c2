// Request and response types, named for SDK users and derived from the generated schema.d.ts by operationId, so
// they are never written twice and follow the spec on every `pnpm openapi`.
import type { components, operations } from './schema.js';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Success<R> = { [K in keyof R]: K extends 200 | 201 | 202 ? Json<R[K]> : never }[keyof R];

/** The JSON request body of an operation. */
export type RequestBody<O extends keyof operations> = operations[O] extends { requestBody?: infer R }
  ? Json<NonNullable<R>>
  : never;
/** The JSON body of an operation's 2xx answer. */
export type ResponseBody<O extends keyof operations> = Success<operations[O]['responses']>;
/** The query parameters of an operation. */
export type QueryParams<O extends keyof operations> = NonNullable<operations[O]['parameters']['query']>;
/**
 * Query parameters whose server-side default makes openapi-typescript mark them required (defaultNonNullable): the
 * server fills them in, so the SDK takes them as optional.
 */
type DefaultedQuery<O extends keyof operations> = Partial<QueryParams<O>>;

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
export type FeedbackParams = RequestBody<'createCheckFeedback'>;
export type FeedbackResult = ResponseBody<'createCheckFeedback'>;
export type FeedbackList = ResponseBody<'getCheckFeedback'>;

// entries
export type PublishParams = RequestBody<'publishEntry'>;
export type PublishResult = ResponseBody<'publishEntry'>;
export type Entry = Schemas['Entry'];
export type EntryQuery = QueryParams<'getEntry'>;
export type EntryListQuery = QueryParams<'listEntries'>;
export type EntryList = ResponseBody<'listEntries'>;
export type RevokeParams = RequestBody<'revokeEntry'>;
export type SearchEntriesParams = RequestBody<'searchEntries'>;
export type TransferParams = RequestBody<'transferEntry'>;
export type TransferResult = ResponseBody<'transferEntry'>;

// imports
export type ImportQuery = QueryParams<'createImport'>;
export type ImportFormat = NonNullable<ImportQuery['format']>;
export type ImportResult = ResponseBody<'createImport'>;
export type ImportRecord = ResponseBody<'getImport'>;
export type ImportListQuery = QueryParams<'listImports'>;
export type ImportList = ResponseBody<'listImports'>;

// objections and repairs
export type ObjectionParams = RequestBody<'openObjection'>;
export type Objection = ResponseBody<'openObjection'>;
export type ObjectionListQuery = QueryParams<'listObjections'>;
export type ObjectionList = ResponseBody<'listObjections'>;
export type ObjectionDecisionParams = RequestBody<'decideObjection'>;
export type RepairParams = RequestBody<'openRepair'>;
export type Repair = ResponseBody<'openRepair'>;
export type RepairListQuery = QueryParams<'listRepairs'>;
export type RepairList = ResponseBody<'listRepairs'>;
export type RepairDecisionParams = RequestBody<'decideRepair'>;

// changes
export type ChangesQuery = DefaultedQuery<'listChanges'>;
export type ChangesPage = ResponseBody<'listChanges'>;
export type ChangeEvent = ChangesPage['events'][number];

// subscriptions and watches
export type SubscriptionParams = RequestBody<'createSubscription'>;
export type EventType = SubscriptionParams['events'][number];
export type CreatedSubscription = ResponseBody<'createSubscription'>;
export type Subscription = ResponseBody<'getSubscription'>;
export type SubscriptionList = ResponseBody<'listSubscriptions'>;
export type SubscriptionListQuery = QueryParams<'listSubscriptions'>;
export type DeletedSubscription = ResponseBody<'deleteSubscription'>;
export type DeliveriesQuery = DefaultedQuery<'listDeliveries'>;
export type DeliveryList = ResponseBody<'listDeliveries'>;
export type DeliveryAttempt = DeliveryList['attempts'][number];
export type DeadLetter = DeliveryList['deadLetters'][number];
export type ReplayedDelivery = ResponseBody<'replayDelivery'>;
export type WatchParams = RequestBody<'createWatch'>;
export type Watch = ResponseBody<'createWatch'>;
export type WatchListQuery = DefaultedQuery<'listWatches'>;
export type WatchList = ResponseBody<'listWatches'>;
export type DeletedWatch = ResponseBody<'deleteWatch'>;

// stats
export type StatsQuery = QueryParams<'getStats'>;
export type Stats = ResponseBody<'getStats'>;

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
export type KeyList = ResponseBody<'listKeys'>;
export type DepartmentListQuery = QueryParams<'listDepartments'>;
export type DepartmentList = ResponseBody<'listDepartments'>;
export type ReceiptChainReport = ResponseBody<'verifyReceipts'>;
