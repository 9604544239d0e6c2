// The whole domain model. drizzle-kit generates migrations/ from this file, so it imports
// nothing of ours: string unions are repeated as `$type` annotations instead of importing domain/codes.ts.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  char,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const id = () => uuid('id').primaryKey().defaultRandom();
/** PostgreSQL's 64-bit transaction id; read as a decimal string. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/** 部门: a department that checks, publishes or reviews. Its own 统一社会信用代码 (organs begin with 11). */
export const departments = pgTable('department', {
  id: id(),
  uscc: char('uscc', { length: 18 }).notNull().unique(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  region: char('region', { length: 6 }).notNull(),
  /** 告知书文号 prefix, e.g. 鹤市监告 for 鹤市监告〔2026〕第000123号; null → the department's name + 告 */
  noticePrefix: text('notice_prefix'),
  createdAt: createdAt(),
});

/** API key: only the SHA-256 of the secret is kept; the secret is shown once. */
export const apiKeys = pgTable(
  'api_key',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    label: text('label'),
    scopes: text('scopes').array().notNull().$type<Array<'check' | 'publish' | 'review' | 'admin'>>(),
    secretHash: char('secret_hash', { length: 64 }).notNull().unique(),
    /** first characters of the secret, so an operator can tell keys apart */
    hint: text('hint').notNull(),
    createdAt: createdAt(),
    createdBy: uuid('created_by'),
    revokedAt: ts('revoked_at'),
    revokedBy: uuid('revoked_by'),
    /** refused from this instant on (EXPIRED_KEY); set by a rotation to the end of its overlap, or at creation */
    expiresAt: ts('expires_at'),
    /** refreshed at most once a minute per key and instance (services/keys.ts), so a request does not cost a write */
    lastUsedAt: ts('last_used_at'),
    /** the key a rotation issued to replace this one */
    successorId: uuid('successor_id'),
  },
  (t) => [index('api_key_department_idx').on(t.departmentId)],
);

/**
 * Bookkeeping shared by the catalogue tables (memorandum, measure, list). `position` keeps the seed's reading order,
 * which decides the order of measures a check reports. `seed_hash` is the hash of the seed item last synced into the
 * row (null: an admin created it and no seed has carried it yet). `amended_at`/`amended_by` are set when an admin
 * creates or changes the row; from then on a seed sync leaves it alone (services/catalog-seed.ts).
 */
const catalogItem = () => ({
  position: integer('position').notNull().default(0),
  seedHash: char('seed_hash', { length: 64 }),
  amendedAt: ts('amended_at'),
  amendedBy: uuid('amended_by'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** 合作备忘录 */
export const memoranda = pgTable('memorandum', {
  id: id(),
  docNo: text('doc_no').notNull().unique(),
  title: text('title').notNull(),
  polarity: text('polarity').notNull().$type<'punitive' | 'incentive'>(),
  initiatingCategory: text('initiating_category').notNull(),
  signatoryCategories: text('signatory_categories')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  region: char('region', { length: 6 }).notNull().default('000000'),
  effectiveFrom: date('effective_from'),
  effectiveTo: date('effective_to'),
  /** docNo of the national memorandum a local one adopts */
  adopts: text('adopts'),
  source: jsonb('source'),
  ...catalogItem(),
});

/** 惩戒/激励措施 */
export const measures = pgTable(
  'measure',
  {
    id: id(),
    memorandumId: uuid('memorandum_id')
      .notNull()
      .references(() => memoranda.id),
    ordinal: text('ordinal').notNull(),
    text: text('text').notNull(),
    effect: text('effect')
      .notNull()
      .$type<'prohibit' | 'restrict' | 'prudent' | 'supervise' | 'disclose' | 'incentive'>(),
    mandatory: boolean('mandatory').notNull(),
    matterTypes: text('matter_types').array().notNull(),
    categories: text('categories').array().notNull(),
    legalBasis: text('legal_basis'),
    appliesTo: text('applies_to').array().notNull(),
    implementingUnits: text('implementing_units').array(),
    /** docNo of the national memorandum this measure carries out, when its document spans several */
    implements: text('implements'),
    /** printed sub-items whose effects or matter types differ (CatalogMeasurePart[]) */
    parts: jsonb('parts'),
    /** list codes this measure is limited to; null = every list that triggers the memorandum */
    listCodes: text('list_codes').array(),
    source: jsonb('source'),
    ...catalogItem(),
  },
  (t) => [uniqueIndex('measure_memo_ordinal_uq').on(t.memorandumId, t.ordinal)],
);

/** A category with no duty under a memorandum (无相关职能), e.g. Wuhan's responsibility list. */
export const noDuty = pgTable(
  'memorandum_no_duty',
  {
    memorandumId: uuid('memorandum_id')
      .notNull()
      .references(() => memoranda.id),
    category: text('category').notNull(),
    region: char('region', { length: 6 }).notNull(),
    reason: text('reason').notNull(),
    statedBy: text('stated_by').notNull(),
    source: jsonb('source'),
  },
  (t) => [primaryKey({ columns: [t.memorandumId, t.category, t.region] })],
);

/** 名单: keyed by scheme.code, never by colour. */
export const lists = pgTable('list', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  polarity: text('polarity').notNull().$type<'punitive' | 'incentive'>(),
  memoranda: text('memoranda').array().notNull(),
  validityDays: integer('validity_days'),
  autoRemoveAfterDays: integer('auto_remove_after_days'),
  objectionWorkingDays: integer('objection_working_days').notNull().default(15),
  repairWorkingDays: integer('repair_working_days'),
  restartTermOnObjectionRejected: boolean('restart_term_on_objection_rejected').notNull().default(false),
  /** where the seed says 日 rather than 工作日 (Nanning, 003:L219) */
  repairCalendarDays: integer('repair_calendar_days'),
  pointsRule: jsonb('points_rule'),
  repairLock: jsonb('repair_lock'),
  /** list a subject moves to on a serious act during its term (重点关注 → 黑名单) */
  escalatesTo: text('escalates_to'),
  /** a confirmed entry removes the subject from every red list; null = not stated */
  removesFromRedLists: boolean('removes_from_red_lists'),
  publisherCategories: text('publisher_categories').array().notNull(),
  source: jsonb('source'),
  ...catalogItem(),
});

/** One row per catalogue change; the highest version is the catalogue version a check reports. */
export const catalogVersions = pgTable('catalog_version', {
  version: integer('version').primaryKey(),
  /** SHA-256 of the stored catalogue's content after this change (ids and bookkeeping left out) */
  contentHash: char('content_hash', { length: 64 }).notNull(),
  /** set on seed syncs: the hash of the release's seed catalogue this version applied */
  seedHash: char('seed_hash', { length: 64 }),
  note: text('note').notNull(),
  changedBy: uuid('changed_by'),
  changedAt: ts('changed_at').notNull().defaultNow(),
});

/** 主体. A person's ID number is kept only as a keyed hash plus a masked display form. */
export const subjects = pgTable('subject', {
  id: id(),
  kind: text('kind').notNull().$type<'enterprise' | 'person' | 'other_org' | 'individual_business'>(),
  uscc: char('uscc', { length: 18 }).unique(),
  idHash: char('id_hash', { length: 64 }).unique(),
  idMasked: text('id_masked'),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** Current and former names (曾用名), normalised for exact matching. */
export const subjectNames = pgTable(
  'subject_name',
  {
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    name: text('name').notNull(),
    normalized: text('normalized').notNull(),
    former: boolean('former').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.normalized] }), index('subject_name_norm_idx').on(t.normalized)],
);

/** Character bigrams of normalised names, computed in the app so CJK matching never depends on the DB locale. */
export const nameBigrams = pgTable(
  'name_bigram',
  {
    bigram: text('bigram').notNull(),
    // No foreign key: a bigram row is only ever written in the transaction that writes its subject's name, and
    // subjects are never deleted. The check cost a subject lookup per bigram, ~14 per record, which was the largest
    // share of database time in a bulk import.
    subjectId: uuid('subject_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bigram, t.subjectId] })],
);

/** 法定代表人 / 主要负责人 / 直接责任人 links from an organisation to a person subject. */
export const relatedPersons = pgTable(
  'related_person',
  {
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    personId: uuid('person_id')
      .notNull()
      .references(() => subjects.id),
    role: text('role').notNull().$type<'legal_representative' | 'principal' | 'responsible_person'>(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.subjectId, t.personId, t.role] }),
    index('related_person_person_idx').on(t.personId),
  ],
);

/** 名单记录, the stable identity of a record. Idempotent publishing keys on (source, source_record_id). */
export const entries = pgTable(
  'entry',
  {
    id: id(),
    listCode: text('list_code')
      .notNull()
      .references(() => lists.code),
    subjectId: uuid('subject_id')
      .notNull()
      .references(() => subjects.id),
    /**
     * The department the record belongs to: the one that published and decides it. A record is identified by
     * (department, source, sourceRecordId), so another department's identical ids make its own record; only an admin's
     * audited transfer (POST /v1/entries/{entryId}/transfer) moves it.
     */
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    source: text('source').notNull(),
    sourceRecordId: text('source_record_id').notNull(),
    currentVersion: integer('current_version').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('entry_source_uq').on(t.departmentId, t.source, t.sourceRecordId),
    index('entry_subject_idx').on(t.subjectId),
  ],
);

/**
 * Every change to an entry is a new row. Valid time: valid_from/valid_until. Record time: recorded_at until
 * superseded_at (null = current). "As of T" reads the row whose record time contains T.
 */
export const entryVersions = pgTable(
  'entry_version',
  {
    entryId: uuid('entry_id')
      .notNull()
      .references(() => entries.id),
    version: integer('version').notNull(),
    listCode: text('list_code').notNull(),
    subjectId: uuid('subject_id').notNull(),
    decidingDepartmentId: uuid('deciding_department_id')
      .notNull()
      .references(() => departments.id),
    decisionDocNo: text('decision_doc_no').notNull(),
    reason: text('reason').notNull(),
    points: integer('points'),
    decidedAt: ts('decided_at').notNull(),
    validFrom: ts('valid_from').notNull(),
    validUntil: ts('valid_until'),
    status: text('status').notNull().$type<'active' | 'objection_pending' | 'repaired' | 'revoked' | 'expired'>(),
    scopeRegion: char('scope_region', { length: 6 }).notNull().default('000000'),
    publishedAt: ts('published_at').notNull(),
    contentHash: char('content_hash', { length: 64 }).notNull(),
    change: text('change').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
    supersededAt: ts('superseded_at'),
    recordedBy: uuid('recorded_by'),
  },
  (t) => [
    primaryKey({ columns: [t.entryId, t.version] }),
    index('entry_version_subject_idx').on(t.subjectId, t.supersededAt),
    // the expiry sweep: current versions by end of validity
    index('entry_version_expiry_idx')
      .on(t.validUntil)
      .where(sql`superseded_at is null and valid_until is not null`),
  ],
);

/**
 * 查询记录: the receipt. Append-only; hashes chain within a shard so checks do not queue on one lock.
 *
 * Partitioned by month (migrations/0014_receipt_partitions.sql; drizzle-kit does not model partitioning, so the
 * migration's DDL is written by hand and this definition describes the parent table). `part_month` is the month the
 * receipt is stored under: the month of `checked_at` in Beijing time, or the chain head's month if that is later, so
 * within a chain the months never go backwards and archiving whole months (services/partitions.ts) always removes a
 * prefix of every chain. It is where a receipt is kept, not what it says, so it is not hashed. Unique indexes on a
 * partitioned table must hold the partition key: (chain, chain_seq) is unique within a month, and a chain's months
 * are in order, so across them too. Idempotency keys live in check_idempotency, unique across months. Nothing
 * references this table by foreign key: archiving drops months, and the services check a receipt exists before they
 * refer to it.
 */
export const checks = pgTable(
  'check_receipt',
  {
    id: uuid('id').notNull().defaultRandom(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    keyId: uuid('key_id').notNull(),
    operator: jsonb('operator'),
    matterType: text('matter_type').notNull(),
    matterReference: text('matter_reference').notNull(),
    matterTitle: text('matter_title'),
    subjectAsked: jsonb('subject_asked').notNull(),
    subjectResolved: jsonb('subject_resolved'),
    hits: jsonb('hits').notNull(),
    measures: jsonb('measures').notNull(),
    verdict: text('verdict').notNull(),
    /** why the verdict is what it is (name match only, no catalogued measure, objection pending…) */
    reasons: jsonb('reasons'),
    dataVersion: text('data_version').notNull(),
    asOf: ts('as_of'),
    checkedAt: ts('checked_at').notNull(),
    idempotencyKey: text('idempotency_key'),
    /** keyed fingerprint of the request, so an Idempotency-Key reused for another question is refused */
    requestHash: char('request_hash', { length: 64 }),
    batchId: uuid('batch_id'),
    chain: integer('chain').notNull(),
    chainSeq: bigint('chain_seq', { mode: 'number' }).notNull(),
    prevHash: char('prev_hash', { length: 64 }).notNull(),
    hash: char('hash', { length: 64 }).notNull(),
    /** the month partition (first day of the month); see above */
    partMonth: date('part_month', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.partMonth] }),
    uniqueIndex('check_chain_seq_uq').on(t.chain, t.chainSeq, t.partMonth),
    index('check_department_time_idx').on(t.departmentId, t.checkedAt),
    // GET /verify/{receiptHash} (the QR code on a notice) finds the receipt by its hash
    index('check_hash_idx').on(t.hash),
  ],
);

/** Head of each receipt chain shard: its last receipt's place, hash and month. */
export const checkChains = pgTable('check_chain', {
  chain: integer('chain').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: char('hash', { length: 64 }).notNull(),
  month: date('month', { mode: 'string' }).notNull().default('1970-01-01'),
});

/**
 * Idempotency-Key → receipt, unique per department across all months (a partitioned table cannot hold that
 * uniqueness itself). Written in the same statement as the receipt; removed when the receipt's month is archived.
 */
export const checkIdempotency = pgTable(
  'check_idempotency',
  {
    departmentId: uuid('department_id').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    checkId: uuid('check_id').notNull(),
    partMonth: date('part_month', { mode: 'string' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.departmentId, t.idempotencyKey] }),
    index('check_idempotency_month_idx').on(t.partMonth),
  ],
);

/**
 * A month of receipts archived to an NDJSON file and dropped (services/partitions.ts). `chains` holds, per chain, the
 * first and last place and hash in the file, so the live chains verify from where the archive ends.
 */
export const checkArchives = pgTable('check_archive', {
  month: date('month', { mode: 'string' }).primaryKey(),
  file: text('file').notNull(),
  fileSha256: char('file_sha256', { length: 64 }).notNull(),
  receipts: integer('receipts').notNull(),
  chains: jsonb('chains')
    .notNull()
    .$type<Array<{ chain: number; firstSeq: number; lastSeq: number; prevHash: string; lastHash: string }>>(),
  archivedAt: ts('archived_at').notNull().defaultNow(),
});

/** 执行反馈; an amendment is a new row that supersedes the previous one. */
export const feedback = pgTable(
  'feedback',
  {
    id: id(),
    checkId: uuid('check_id').notNull(),
    measureId: uuid('measure_id').notNull(),
    action: text('action').notNull().$type<'applied' | 'not_applied' | 'partially_applied'>(),
    note: text('note'),
    departmentId: uuid('department_id').notNull(),
    keyId: uuid('key_id').notNull(),
    createdAt: createdAt(),
    supersededAt: ts('superseded_at'),
  },
  (t) => [
    index('feedback_check_measure_idx').on(t.checkId, t.measureId),
    // one current feedback per (check, measure); amendments supersede
    uniqueIndex('feedback_current_uq')
      .on(t.checkId, t.measureId)
      .where(sql`superseded_at is null`),
  ],
);

/** 异议 */
export const objections = pgTable(
  'objection',
  {
    id: id(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => entries.id),
    applicant: jsonb('applicant').notNull(),
    reason: text('reason').notNull(),
    evidence: jsonb('evidence'),
    status: text('status').notNull().$type<'received' | 'verifying' | 'upheld' | 'rejected'>(),
    filedAt: ts('filed_at').notNull().defaultNow(),
    dueAt: date('due_at').notNull(),
    filedBy: uuid('filed_by').notNull(),
    /** the department that filed the case (its key is filedBy) */
    filedByDepartmentId: uuid('filed_by_department_id')
      .notNull()
      .references(() => departments.id),
    /** the record's deciding department when the case was filed: it verifies and decides */
    decidingDepartmentId: uuid('deciding_department_id')
      .notNull()
      .references(() => departments.id),
    /** the filer's own check whose hits include the record (the path a department that applied the measures files by) */
    checkId: uuid('check_id'),
    decidedAt: ts('decided_at'),
    decidedBy: uuid('decided_by'),
    decidedByDepartmentId: uuid('decided_by_department_id').references(() => departments.id),
    outcome: text('outcome'),
    correction: text('correction'),
    note: text('note'),
  },
  (t) => [
    index('objection_entry_idx').on(t.entryId),
    index('objection_filed_by_department_idx').on(t.filedByDepartmentId),
    index('objection_deciding_department_idx').on(t.decidingDepartmentId),
    // at most one open objection per record
    uniqueIndex('objection_open_uq')
      .on(t.entryId)
      .where(sql`status in ('received', 'verifying')`),
    index('objection_due_idx')
      .on(t.dueAt)
      .where(sql`status in ('received', 'verifying')`),
  ],
);

/** 信用修复 */
export const repairs = pgTable(
  'repair',
  {
    id: id(),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => entries.id),
    applicant: jsonb('applicant').notNull(),
    reason: text('reason').notNull(),
    pledge: text('pledge').notNull(),
    evidence: jsonb('evidence'),
    status: text('status').notNull().$type<'received' | 'verifying' | 'approved' | 'denied'>(),
    filedAt: ts('filed_at').notNull().defaultNow(),
    dueAt: date('due_at').notNull(),
    filedBy: uuid('filed_by').notNull(),
    /** the department that filed the case (its key is filedBy) */
    filedByDepartmentId: uuid('filed_by_department_id')
      .notNull()
      .references(() => departments.id),
    /** the record's deciding department when the case was filed: it verifies and decides */
    decidingDepartmentId: uuid('deciding_department_id')
      .notNull()
      .references(() => departments.id),
    /** the filer's own check whose hits include the record (the path a department that applied the measures files by) */
    checkId: uuid('check_id'),
    decidedAt: ts('decided_at'),
    decidedBy: uuid('decided_by'),
    decidedByDepartmentId: uuid('decided_by_department_id').references(() => departments.id),
    effectiveFrom: ts('effective_from'),
    note: text('note'),
  },
  (t) => [
    index('repair_entry_idx').on(t.entryId),
    index('repair_filed_by_department_idx').on(t.filedByDepartmentId),
    index('repair_deciding_department_idx').on(t.decidingDepartmentId),
    uniqueIndex('repair_open_uq')
      .on(t.entryId)
      .where(sql`status in ('received', 'verifying')`),
  ],
);

/** Every list change, written in the same transaction as the change; feeds /v1/changes and webhooks. */
export const events = pgTable(
  'event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /**
     * The writing transaction. The feed orders by (xid, id) and shows only events of transactions older than every
     * running one in this database (yingcha_feed_horizon(), migrations/0008), so an event can never appear behind a
     * cursor that has already passed it.
     */
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    /** null = every subscriber; set for events addressed to one department (watch.hit) */
    departmentId: uuid('department_id'),
    type: text('type').notNull(),
    occurredAt: ts('occurred_at').notNull().defaultNow(),
    listCode: text('list_code'),
    region: char('region', { length: 6 }),
    entryId: uuid('entry_id'),
    data: jsonb('data').notNull(),
  },
  (t) => [index('event_type_idx').on(t.type), index('event_order_idx').on(t.xid, t.id)],
);

/**
 * A webhook subscription. Its outbox is a cursor over the event feed (cursor_xid, cursor_id): the events after it
 * that match are what remains to deliver, in feed order, so there is no fan-out row per event and order comes free.
 * A worker takes the subscription with a lease (lease_owner until lease_until, in database time) and advances the
 * cursor only after a 2xx, checking in the same statement that the lease is still its own.
 */
export const subscriptions = pgTable(
  'subscription',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    /** { lists?: string[], regions?: string[] } */
    filters: jsonb('filters'),
    /** needed in the clear to sign deliveries */
    secret: text('secret').notNull(),
    /** the secret before the last rotation; deliveries are signed with both until previous_secret_until */
    previousSecret: text('previous_secret'),
    previousSecretUntil: ts('previous_secret_until'),
    createdAt: createdAt(),
    createdBy: uuid('created_by'),
    deletedAt: ts('deleted_at'),
    cursorXid: xid8('cursor_xid')
      .notNull()
      .default(sql`'0'::xid8`),
    cursorId: bigint('cursor_id', { mode: 'number' }).notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseUntil: ts('lease_until'),
    /** no attempt before this (backoff after a failure) */
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    /** failed attempts on the event at the head of the queue */
    failures: integer('failures').notNull().default(0),
    /** when the head event first failed; it goes to dead-letter once this is older than the horizon */
    failingSince: ts('failing_since'),
    deliveredCount: bigint('delivered_count', { mode: 'number' }).notNull().default(0),
    lastDeliveredAt: ts('last_delivered_at'),
  },
  (t) => [
    index('subscription_department_idx').on(t.departmentId),
    index('subscription_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`deleted_at is null`),
  ],
);

/** Every delivery attempt, for GET /v1/subscriptions/{id}/deliveries. */
export const deliveryAttempts = pgTable(
  'delivery_attempt',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    attempt: integer('attempt').notNull(),
    attemptedAt: ts('attempted_at').notNull(),
    /** delivered | failed | dead (failed and past the horizon) */
    outcome: text('outcome').notNull().$type<'delivered' | 'failed' | 'dead'>(),
    httpStatus: integer('http_status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** the instance that made the attempt */
    worker: text('worker').notNull(),
    replay: boolean('replay').notNull().default(false),
  },
  (t) => [index('delivery_attempt_sub_idx').on(t.subscriptionId, t.id)],
);

/** Events a subscription gave up on after the horizon. A replay queues one again ahead of the cursor. */
export const deadLetters = pgTable(
  'dead_letter',
  {
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => events.id),
    status: text('status').notNull().$type<'dead' | 'replay_queued' | 'replayed'>(),
    failures: integer('failures').notNull(),
    lastError: text('last_error'),
    deadAt: ts('dead_at').notNull().defaultNow(),
    replayRequestedAt: ts('replay_requested_at'),
    replayedAt: ts('replayed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.subscriptionId, t.eventId] }),
    index('dead_letter_queued_idx')
      .on(t.subscriptionId, t.eventId)
      .where(sql`status = 'replay_queued'`),
  ],
);

/**
 * A subject a department has approved (e.g. a bidder under contract). The identifiers are kept as given (the ID
 * number only as its HMAC), not as a subject id, because the subject is usually not in our records until it is listed.
 */
export const watches = pgTable(
  'watch',
  {
    id: id(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    uscc: char('uscc', { length: 18 }),
    idHash: char('id_hash', { length: 64 }),
    idMasked: text('id_masked'),
    name: text('name'),
    /** normalised name; matched only when the watch has neither uscc nor ID number */
    normalizedName: text('normalized_name'),
    matterType: text('matter_type').notNull(),
    matterReference: text('matter_reference').notNull(),
    createdAt: createdAt(),
    createdBy: uuid('created_by'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('watch_department_idx').on(t.departmentId),
    index('watch_uscc_idx')
      .on(t.uscc)
      .where(sql`deleted_at is null`),
    index('watch_id_hash_idx')
      .on(t.idHash)
      .where(sql`deleted_at is null`),
    index('watch_name_idx')
      .on(t.normalizedName)
      .where(sql`deleted_at is null`),
  ],
);

/** One watch.hit per (watch, entry version), whatever retries or instances race. */
export const watchHits = pgTable(
  'watch_hit',
  {
    watchId: uuid('watch_id')
      .notNull()
      .references(() => watches.id),
    entryId: uuid('entry_id').notNull(),
    version: integer('version').notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.watchId, t.entryId, t.version] })],
);

/** Position of a background follower of the event feed (the watch matcher). Row-locked while it works. */
export const feedCursors = pgTable('feed_cursor', {
  name: text('name').primaryKey(),
  cursorXid: xid8('cursor_xid')
    .notNull()
    .default(sql`'0'::xid8`),
  cursorId: bigint('cursor_id', { mode: 'number' }).notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const imports = pgTable('import', {
  id: id(),
  departmentId: uuid('department_id')
    .notNull()
    .references(() => departments.id),
  keyId: uuid('key_id').notNull(),
  format: text('format').notNull(),
  mode: text('mode').notNull(),
  status: text('status').notNull(),
  /** data rows read so far (header excluded) */
  rowsRead: integer('rows_read').notNull().default(0),
  accepted: integer('accepted').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  errors: jsonb('errors'),
  startedAt: ts('started_at').notNull().defaultNow(),
  finishedAt: ts('finished_at'),
});

/** Who did what and when, for every write (003:L243–249). Never holds an ID number or a secret. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    keyId: uuid('key_id'),
    departmentId: uuid('department_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    detail: jsonb('detail'),
  },
  (t) => [index('audit_target_idx').on(t.targetType, t.targetId)],
);

/**
 * Reads that reveal whether a subject is listed (GET /v1/entries, GET /v1/entries/{id}, the entry search): who asked,
 * when, and about which subject. A subject is named by its id; an asked-for subject we do not know is kept as its
 * USCC (public) or as the keyed hash of its ID number, never the number itself.
 */
export const entryReads = pgTable(
  'entry_read',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    departmentId: uuid('department_id').notNull(),
    keyId: uuid('key_id').notNull(),
    /** the operationId of the read */
    operation: text('operation').notNull(),
    /** subjects the answer was about (empty when nothing was found) */
    subjectIds: uuid('subject_ids').array().notNull(),
    /** how the subject was asked for: subject_id | uscc | id_number | entry_id */
    askedBy: text('asked_by').notNull(),
    askedUscc: char('asked_uscc', { length: 18 }),
    askedIdHash: char('asked_id_hash', { length: 64 }),
    entryCount: integer('entry_count').notNull(),
  },
  (t) => [
    index('entry_read_department_idx').on(t.departmentId, t.id),
    index('entry_read_subject_idx').using('gin', t.subjectIds),
  ],
);

/**
 * 告知书 (an issued notice): one per check, numbered gaplessly per issuing department and year. The number is taken
 * from notice_counter in the same transaction as this row, so a rolled-back issue leaves no hole.
 */
export const notices = pgTable(
  'notice',
  {
    id: id(),
    checkId: uuid('check_id').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    number: text('number').notNull(),
    issuedAt: ts('issued_at').notNull().defaultNow(),
    issuedByKey: uuid('issued_by_key').notNull(),
    issuedByOperator: text('issued_by_operator'),
  },
  (t) => [
    uniqueIndex('notice_check_uq').on(t.checkId),
    uniqueIndex('notice_dept_year_seq_uq').on(t.departmentId, t.year, t.seq),
  ],
);

/** The last notice number issued per department and year (the row lock orders concurrent issues). */
export const noticeCounters = pgTable(
  'notice_counter',
  {
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.departmentId, t.year] })],
);
