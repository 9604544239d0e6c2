// 应查必查: the inline check. Resolves the subject, finds the list records in force at the moment asked, asks the
// catalogue which measures this department must apply to this matter, decides the verdict, and appends a receipt.
import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { type Db, sqlState } from '../db/index.js';
import { checkIdempotency, checks } from '../db/schema.js';
import { canonicalJson } from '../domain/canonical.js';
import { checkMeasures, weighHit } from '../domain/check-measures.js';
import type { MatchedBy, MatterType, Verdict } from '../domain/codes.js';
import { type MatchedMeasure, measuresFor, regionCovers } from '../domain/measures.js';
import { FUZZY_THRESHOLD, nameSimilarity, normalizeName } from '../domain/names.js';
import { pointsStanding } from '../domain/points.js';
import { uuidv7 } from '../domain/uuid7.js';
import { decideVerdict, type Reason } from '../domain/verdict.js';
import { ApiError } from '../errors.js';
import type { BatchResult, CheckBody, CheckMeasure, CheckResult, Hit } from '../routes/checks/schemas.js';
import { type CatalogSnapshot, catalogAt, type StoredList, type StoredMeasure } from './catalog-snapshot.js';
import { type CheckRead, type ReadVersion, readForCheck } from './check-read.js';
import type { AuthContext } from './keys.js';
import { commitReceipt, landBatch } from './receipt-batch.js';
import { type NewReceipt, type ReceiptRow, receiptIdIs } from './receipts.js';
import { type NameMatches, searchNames } from './name-search.js';
import { parseIdentifiers, type ResolvedSubject } from './subjects.js';

/** A check as POST /v1/checks takes it; each item of a batch is one too, with the batch's matter. */
export type CheckInput = CheckBody;
// The answer's types are the schemas' (routes/checks/schemas.ts): a field the schema lacks does not compile here.
export type { CheckMeasure, CheckResult, Hit };

/** A catalogue measure as a check (and a watch.hit) reports it. */
export function measureView(m: MatchedMeasure<StoredMeasure>, forEntries: string[]): CheckMeasure {
  return {
    measureId: m.measureId,
    docNo: m.docNo,
    ordinal: m.ordinal,
    text: m.text,
    effect: m.effect,
    mandatory: m.mandatory,
    legalBasis: m.legalBasis ?? null,
    appliesTo: m.appliesTo,
    implementingUnits: m.implementingUnits ?? [],
    forEntries,
  };
}

interface Matched {
  s: ResolvedSubject;
  matchedBy: MatchedBy;
  score: number;
  reason: string;
  role?: string;
}

/**
 * The subjects a check is about and everything it reads about them. Identifiers go out in one statement with the
 * related persons and the versions (services/check-read.ts). A name is only consulted when no identifier was given or
 * the identifier matched nothing: a listed record published without the code must still surface, but a known code is
 * never overruled by a namesake; the name's matches then get their versions in a second statement.
 */
async function resolve(
  db: Db,
  input: CheckInput['subject'],
  ids: ReturnType<typeof parseIdentifiers>,
  at: Date,
): Promise<{ matched: Matched[]; read: CheckRead }> {
  const hasIdentifier = ids.uscc !== undefined || ids.idHash !== undefined;
  let read = hasIdentifier
    ? await readForCheck(db, { usccs: ids.uscc ? [ids.uscc] : [], idHashes: ids.idHash ? [ids.idHash] : [], at })
    : undefined;
  const out = read ? directMatches(read, ids) : [];
  const name = input.name ? normalizeName(input.name) : '';
  if (name && out.length === 0) {
    const [found] = await searchNames(db, [{ normalized: name, fuzzy: !hasIdentifier }]);
    out.push(...nameMatches(input.name!, found!));
    if (out.length > 0 || !read)
      read = await readForCheck(db, { usccs: [], idHashes: [], extraSubjects: out.map((m) => m.s.subjectId), at });
  }
  read ??= await readForCheck(db, { usccs: [], idHashes: [], at });
  addRelated(out, read);
  return { matched: out, read };
}

const subjectOf = (s: ResolvedSubject): ResolvedSubject => ({
  subjectId: s.subjectId,
  kind: s.kind,
  name: s.name,
  uscc: s.uscc,
  idMasked: s.idMasked,
});

/** The subjects an item's identifiers name, out of a read that may cover a whole batch. */
function directMatches(read: CheckRead, ids: ReturnType<typeof parseIdentifiers>): Matched[] {
  const out: Matched[] = [];
  for (const s of read.direct) {
    const byUscc = ids.uscc !== undefined && s.uscc === ids.uscc;
    if (!byUscc && (ids.idHash === undefined || s.idHash !== ids.idHash)) continue;
    out.push({
      s: subjectOf(s),
      matchedBy: byUscc ? 'uscc' : 'id_number',
      score: 1,
      reason: byUscc ? '统一社会信用代码一致' : '身份证号一致',
    });
  }
  return out;
}

/** What a name search found, as matches: exact ones first; fuzzy candidates only at FUZZY_THRESHOLD or above. */
function nameMatches(asked: string, found: NameMatches): Matched[] {
  const out: Matched[] = found.exact.map((s) => ({
    s: subjectOf(s),
    matchedBy: s.former ? 'former_name' : 'name',
    score: 1,
    reason: s.former ? `曾用名一致: ${asked}` : `名称一致: ${asked}`,
  }));
  if (out.length > 0) return out;
  for (const c of found.fuzzy) {
    const best = c.names
      .map((n) => ({ n, sim: nameSimilarity(asked, n) }))
      .sort((a, b) => b.sim.score - a.sim.score)[0]!;
    if (best.sim.score >= FUZZY_THRESHOLD) {
      out.push({
        s: subjectOf(c),
        matchedBy: 'fuzzy_name',
        score: Math.round(best.sim.score * 10000) / 10000,
        reason: `相似名称 ${best.n}: ${best.sim.reason}`,
      });
    }
  }
  return out;
}

/**
 * 落实到人: the legal representative and principal of a matched organisation, and the organisations a matched person
 * leads. Only from identifier matches: a namesake's relations would be guesswork twice over.
 */
function addRelated(out: Matched[], read: CheckRead) {
  const certain = new Set(
    out.filter((m) => m.matchedBy === 'uscc' || m.matchedBy === 'id_number').map((m) => m.s.subjectId),
  );
  if (certain.size === 0) return;
  for (const r of read.related) {
    if (r.role === 'responsible_person' || !certain.has(r.via)) continue;
    if (out.some((m) => m.s.subjectId === r.subjectId)) continue;
    out.push({
      s: subjectOf(r),
      matchedBy: 'related_person',
      score: 1,
      reason: r.role === 'legal_representative' ? '法定代表人' : '主要负责人',
      role: r.role,
    });
  }
}

type VersionRow = ReadVersion;

// A repaired record's validity ends at the repair's effective date, so until then it is still in force.
const inForce = (v: VersionRow, at: Date) =>
  (v.status === 'active' || v.status === 'objection_pending' || v.status === 'repaired') &&
  v.validFrom.getTime() <= at.getTime() &&
  (v.validUntil === null || v.validUntil.getTime() > at.getTime());

/**
 * A points list (积分制): the tier its acts reach now, from the acts in the window (003:L199), with the latest act to
 * stand for them and the points; undefined below the first tier. A repaired act stops counting at the repair's
 * effective date (its validUntil); a suspended one (异议) not at all.
 */
function pointsTier(
  catalog: CatalogSnapshot,
  rule: NonNullable<StoredList['pointsRule']>,
  rows: VersionRow[],
  at: Date,
) {
  const acts = rows.filter(
    (v) =>
      (v.status === 'active' ||
        (v.status === 'repaired' && v.validUntil !== null && v.validUntil.getTime() > at.getTime())) &&
      v.points !== null &&
      v.validFrom.getTime() <= at.getTime(),
  );
  const standing = pointsStanding(
    rule,
    acts.map((v) => ({ points: v.points!, decidedAt: v.decidedAt })),
    at,
  );
  const tier = standing.tier ? catalog.listByCode.get(standing.tier) : undefined;
  if (!tier) return undefined;
  const points: Hit['points'] = {
    total: standing.total,
    windowFrom: standing.window.from.toISOString(),
    windowTo: standing.window.to.toISOString(),
    acts: acts.length,
  };
  return { tier, row: acts.sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime())[0], points };
}

/** A record in force on a list, as the check reports it (its measures come later, with the verdict). */
function hitOf(
  catalog: CatalogSnapshot,
  m: Matched,
  list: StoredList,
  v: VersionRow,
  points: Hit['points'] | undefined,
): Omit<Hit, 'measureIds'> {
  return {
    entryId: v.entryId,
    list: { code: list.code, name: list.name, polarity: list.polarity },
    memoranda: list.memoranda.map((d) => ({ docNo: d, title: catalog.memorandumByDocNo.get(d)?.title ?? d })),
    decidedBy: v.decidingDepartmentId,
    decidedAt: v.decidedAt.toISOString(),
    decisionDocNo: v.decisionDocNo,
    reason: v.reason,
    validUntil: v.validUntil?.toISOString() ?? null,
    status: v.status,
    suspended: v.status === 'objection_pending',
    matchedBy: m.matchedBy,
    score: m.score,
    subject: { subjectId: m.s.subjectId, kind: m.s.kind, name: m.s.name, uscc: m.s.uscc, idMasked: m.s.idMasked },
    matchReason: m.reason,
    ...(points ? { points } : {}),
  };
}

/** The hits: per matched subject and list, the records in force in the caller's region (a points list: its tier). */
function hitsFor(catalog: CatalogSnapshot, matched: Matched[], versions: VersionRow[], at: Date, region: string) {
  const out: Array<{ hit: Omit<Hit, 'measureIds'>; memoranda: string[]; role?: string }> = [];
  for (const m of matched) {
    const byList = new Map<string, VersionRow[]>();
    for (const v of versions) {
      if (v.subjectId !== m.s.subjectId || !regionCovers(v.scopeRegion, region)) continue;
      const rows = byList.get(v.listCode);
      if (rows) rows.push(v);
      else byList.set(v.listCode, [v]);
    }
    for (const [code, rows] of byList) {
      const list = catalog.listByCode.get(code);
      if (!list) continue;
      const scored = list.pointsRule ? pointsTier(catalog, list.pointsRule, rows, at) : undefined;
      if (list.pointsRule && !scored) continue;
      const hitList = scored?.tier ?? list;
      for (const v of scored?.row ? [scored.row] : rows.filter((r) => inForce(r, at))) {
        out.push({
          memoranda: hitList.memoranda,
          ...(m.role ? { role: m.role } : {}),
          hit: hitOf(catalog, m, hitList, v, scored?.points),
        });
      }
    }
  }
  return out;
}

/**
 * The idempotency fingerprint: an HMAC keyed with the instance secret, over the request with the ID number already
 * replaced by its keyed hash. No unkeyed digest of anything holding an ID number is stored, so the stored fingerprint
 * cannot be brute-forced over birth dates.
 */
export function requestHash(input: CheckInput, secret: string, idHash: string | undefined): string {
  const { idNumber: _plain, ...subject } = input.subject;
  const keyed = { ...input, subject: { ...subject, ...(idHash ? { idHash } : {}) } };
  return createHmac('sha256', secret).update(canonicalJson(keyed)).digest('hex');
}

export function toCheckResult(r: ReceiptRow): CheckResult {
  const resolved = r.subjectResolved as CheckResult['subject']['resolved'];
  return {
    checkId: r.id,
    departmentId: r.departmentId,
    checkedAt: r.checkedAt.toISOString(),
    asOf: r.asOf?.toISOString() ?? null,
    verdict: r.verdict as Verdict,
    reasons: (r.reasons as Reason[] | null) ?? [],
    matter: { type: r.matterType as MatterType, reference: r.matterReference, title: r.matterTitle },
    subject: { asked: r.subjectAsked as CheckResult['subject']['asked'], resolved },
    hits: r.hits as Hit[],
    measures: r.measures as CheckMeasure[],
    dataVersion: r.dataVersion,
    catalogVersion: Number(r.dataVersion.split('.')[0]!.replace(/^c/, '')),
    receipt: { hash: r.hash, prevHash: r.prevHash, chain: r.chain, chainSeq: r.chainSeq },
  };
}

export interface CheckOptions {
  idempotencyKey?: string | undefined;
  batchId?: string | undefined;
  /** told how long the receipt append took, in seconds (the metrics) */
  onReceiptAppended?: (seconds: number) => void;
}

/** Validates what can be validated without the database: identifiers, asOf. `path` points at the input in the service's input. */
function admit(input: CheckInput, secret: string, path: string) {
  const ids = parseIdentifiers(input.subject, secret, `${path}/subject`);
  if (!ids.uscc && !ids.idHash && !(input.subject.name && normalizeName(input.subject.name))) {
    throw ApiError.invalid(`${path}/subject`, 'needs uscc, idNumber or name');
  }
  const now = new Date();
  let asOf: Date | null = null;
  if (input.asOf !== undefined) {
    asOf = new Date(input.asOf);
    if (Number.isNaN(asOf.getTime())) throw ApiError.invalid(`${path}/asOf`, 'is not a date-time');
    if (asOf.getTime() > now.getTime()) throw ApiError.invalid(`${path}/asOf`, 'is in the future');
  }
  return { ids, now, asOf, at: asOf ?? now };
}

// measuresFor is pure, and its answer depends only on the query and the catalogue: memoised per catalogue snapshot
// (a snapshot is one catalogue version) and (category, matter type, region, list, memoranda).
const measuresMemo = new WeakMap<CatalogSnapshot, Map<string, ReturnType<typeof measuresFor<StoredMeasure>>>>();
function measuresOf(catalog: CatalogSnapshot, q: Parameters<typeof measuresFor>[0]) {
  let memo = measuresMemo.get(catalog);
  if (!memo) {
    memo = new Map();
    measuresMemo.set(catalog, memo);
  }
  const key = `${q.category}|${q.matterType}|${q.region}|${q.list ?? ''}|${q.memoranda.join('|')}`;
  let r = memo.get(key);
  if (!r) memo.set(key, (r = measuresFor(q, catalog.memoranda)));
  return r;
}

/** The check's hits, the measures this caller must apply, and the verdict: what was read, judged. Pure. */
function judge(
  department: AuthContext['department'],
  matterType: MatterType,
  matched: Matched[],
  read: CheckRead,
  catalog: CatalogSnapshot,
  at: Date,
) {
  const found = hitsFor(catalog, matched, read.versions, at, department.region);
  const weighed = found.map(({ hit, memoranda, role }) =>
    weighHit(
      hit,
      role,
      hit.suspended
        ? undefined
        : measuresOf(catalog, {
            category: department.category,
            matterType,
            region: department.region,
            memoranda,
            list: hit.list.code,
          }),
    ),
  );
  const { verdict, reasons, cancelledIncentives } = decideVerdict(weighed);
  const { perHit, measures } = checkMeasures(weighed, cancelledIncentives);
  const hits: Hit[] = found.map(({ hit }, i) => ({ ...hit, measureIds: perHit[i]!.map((m) => m.measureId) }));
  return {
    hits,
    measures: measures.map(({ measure, forEntries }) => measureView(measure, forEntries)),
    verdict,
    reasons,
  };
}

/** The subject as asked, as the receipt keeps it: the ID number only masked. */
function subjectAsked(
  subject: CheckInput['subject'],
  ids: ReturnType<typeof parseIdentifiers>,
): CheckResult['subject']['asked'] {
  return {
    ...(subject.kind ? { kind: subject.kind } : {}),
    ...(ids.uscc ? { uscc: ids.uscc } : {}),
    ...(subject.name ? { name: subject.name } : {}),
    ...(ids.idMasked ? { idNumber: ids.idMasked } : {}),
  };
}

/** Each subject the check is about, once, with how it was matched (the first way found). */
function subjectsResolved(matched: Matched[]): CheckResult['subject']['resolved'] {
  return [...new Map(matched.map((m) => [m.s.subjectId, m])).values()].map((m) => ({
    subjectId: m.s.subjectId,
    kind: m.s.kind,
    name: m.s.name,
    uscc: m.s.uscc,
    idMasked: m.s.idMasked,
    matchedBy: m.matchedBy,
  }));
}

/** Everything of the receipt but its place in the chain: the decision over what was read. Pure. */
function decide(
  caller: AuthContext,
  input: CheckInput,
  admitted: ReturnType<typeof admit>,
  matched: Matched[],
  read: CheckRead,
  catalog: CatalogSnapshot,
  reqHash: string,
  opts: CheckOptions,
): NewReceipt {
  const { ids, now, asOf, at } = admitted;
  const { hits, measures, verdict, reasons } = judge(caller.department, input.matter.type, matched, read, catalog, at);
  return {
    // time-ordered, from the instant of the check: the id says which month the receipt is kept under
    id: uuidv7(now.getTime()),
    departmentId: caller.department.departmentId,
    keyId: caller.keyId,
    operator: input.operator ?? null,
    matterType: input.matter.type,
    matterReference: input.matter.reference,
    matterTitle: input.matter.title ?? null,
    subjectAsked: subjectAsked(input.subject, ids),
    subjectResolved: subjectsResolved(matched),
    hits,
    measures,
    reasons,
    verdict,
    // the catalogue used may be newer than the one read with the records (changed on this instance meanwhile)
    dataVersion: `c${catalog.version}.e${read.lastEvent}`,
    asOf,
    checkedAt: now,
    idempotencyKey: opts.idempotencyKey ?? null,
    requestHash: reqHash,
    batchId: opts.batchId ?? null,
  };
}

/**
 * Appends the receipt. No read before it for an Idempotency-Key: the insert goes first and the unique key
 * (department, idempotency key) answers a replay, whose stored receipt is then returned (or a CONFLICT when the key
 * was used for another question).
 */
async function store(
  db: Db,
  body: NewReceipt,
  opts: CheckOptions,
): Promise<{ result: CheckResult; replayed: boolean }> {
  try {
    const appendStarted = performance.now();
    const row = await commitReceipt(db, body);
    opts.onReceiptAppended?.((performance.now() - appendStarted) / 1000);
    return { result: toCheckResult(row), replayed: false };
  } catch (err) {
    if (opts.idempotencyKey && sqlState(err) === '23505') {
      const [key] = await db
        .select({ checkId: checkIdempotency.checkId })
        .from(checkIdempotency)
        .where(
          and(
            eq(checkIdempotency.departmentId, body.departmentId),
            eq(checkIdempotency.idempotencyKey, opts.idempotencyKey),
          ),
        );
      const [prior] = key ? await db.select().from(checks).where(receiptIdIs(key.checkId)) : [];
      if (prior && prior.requestHash === body.requestHash) return { result: toCheckResult(prior), replayed: true };
      if (prior) throw new ApiError('CONFLICT', 'this Idempotency-Key was used for a different check');
    }
    throw err;
  }
}

export async function runCheck(
  db: Db,
  secret: string,
  caller: AuthContext,
  input: CheckInput,
  opts: CheckOptions = {},
): Promise<{ result: CheckResult; replayed: boolean }> {
  const admitted = admit(input, secret, '');
  const { ids } = admitted;
  const reqHash = requestHash(input, secret, ids.idHash);
  const { matched, read } = await resolve(db, input.subject, ids, admitted.at);
  const catalog = await catalogAt(db, read.catalogVersion);
  return store(db, decide(caller, input, admitted, matched, read, catalog, reqHash, opts), opts);
}

/** One item of a batch: its receipt, or the error that refused it (field paths point into the item, /0/subject). */
export type BatchItemResult = BatchResult['results'][number];

interface BatchItem {
  index: number;
  input: CheckInput;
  admitted: ReturnType<typeof admit>;
  reqHash: string;
  matched: Matched[];
}

/**
 * `resolve` for a whole batch: every item's identifiers in one statement (with related persons and versions); items
 * that go by name alone are looked up by name in one more statement (services/name-search.ts), and their subjects'
 * versions in a third. Sets each item's matches; the read covers them all.
 */
async function resolveBatch(db: Db, items: BatchItem[], at: Date): Promise<CheckRead> {
  const usccs = [...new Set(items.flatMap((i) => (i.admitted.ids.uscc ? [i.admitted.ids.uscc] : [])))];
  const idHashes = [...new Set(items.flatMap((i) => (i.admitted.ids.idHash ? [i.admitted.ids.idHash] : [])))];
  const read = await readForCheck(db, { usccs, idHashes, at });
  for (const item of items) item.matched = directMatches(read, item.admitted.ids);
  const byName = items.filter(
    (i) => i.matched.length === 0 && i.input.subject.name && normalizeName(i.input.subject.name),
  );
  if (byName.length === 0) return read;
  const found = await searchNames(
    db,
    byName.map((i) => ({
      normalized: normalizeName(i.input.subject.name!),
      fuzzy: i.admitted.ids.uscc === undefined && i.admitted.ids.idHash === undefined,
    })),
  );
  byName.forEach((item, k) => (item.matched = nameMatches(item.input.subject.name!, found[k]!)));
  const extra = [...new Set(byName.flatMap((i) => i.matched.map((m) => m.s.subjectId)))];
  if (extra.length === 0) return read;
  const more = await readForCheck(db, { usccs: [], idHashes: [], extraSubjects: extra, at });
  // one version per entry at one instant: a subject found both ways is not counted twice
  const known = new Set(read.versions.map((v) => v.entryId));
  return {
    ...read,
    versions: [...read.versions, ...more.versions.filter((v) => !known.has(v.entryId))],
    catalogVersion: Math.max(read.catalogVersion, more.catalogVersion),
  };
}

/**
 * A batch: every item admitted on its own, all of them resolved together (resolveBatch), each decided over its own
 * subjects' versions, then one receipt per item. A bad item gets its own error and the others are still checked.
 * Results keep request order; an item's field errors point into the item (/0/subject/uscc).
 */
export async function runBatch(
  db: Db,
  secret: string,
  caller: AuthContext,
  inputs: CheckInput[],
  opts: { batchId: string; onReceiptAppended?: (seconds: number) => void },
): Promise<BatchItemResult[]> {
  const results = new Array<BatchItemResult>(inputs.length);
  const fail = (index: number, err: unknown) => {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    results[index] = {
      index,
      error: { code: err.code, detail: err.detail, ...(err.extra.errors ? { errors: err.extra.errors } : {}) },
    };
  };
  const now = new Date();
  const items: BatchItem[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const admitted = { ...admit(input, secret, `/${index}`), now, at: now };
      items.push({ index, input, admitted, reqHash: requestHash(input, secret, admitted.ids.idHash), matched: [] });
    } catch (err) {
      fail(index, err);
    }
  }
  const read = await resolveBatch(db, items, now);
  const catalog = await catalogAt(db, read.catalogVersion);
  // versions by subject, so each item looks at its own few instead of the whole batch's
  const bySubject = new Map<string, ReadVersion[]>();
  for (const v of read.versions) {
    const mine = bySubject.get(v.subjectId);
    if (mine) mine.push(v);
    else bySubject.set(v.subjectId, [v]);
  }
  const bodies: Array<{ index: number; body: NewReceipt }> = [];
  for (const item of items) {
    addRelated(item.matched, read);
    const own: CheckRead = {
      ...read,
      versions: [...new Set(item.matched.map((m) => m.s.subjectId))].flatMap((id) => bySubject.get(id) ?? []),
    };
    bodies.push({
      index: item.index,
      body: decide(caller, item.input, item.admitted, item.matched, own, catalog, item.reqHash, opts),
    });
  }
  // receipts in one statement per chain head (services/receipt-batch.ts)
  const appendStarted = performance.now();
  const landed = await landBatch(
    db,
    bodies.map((b) => b.body),
  );
  opts.onReceiptAppended?.((performance.now() - appendStarted) / 1000);
  landed.forEach((r, i) => {
    const { index } = bodies[i]!;
    if ('row' in r) results[index] = { index, check: toCheckResult(r.row) };
    else fail(index, r.error);
  });
  return results;
}

export async function getCheck(db: Db, caller: AuthContext, checkId: string): Promise<CheckResult> {
  const [row] = await db.select().from(checks).where(receiptIdIs(checkId));
  // Another department's receipt is as invisible as a missing one.
  if (!row || (row.departmentId !== caller.department.departmentId && !caller.scopes.includes('admin'))) {
    throw new ApiError('NOT_FOUND', `no check ${checkId}`);
  }
  return toCheckResult(row);
}
