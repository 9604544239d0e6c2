// 应查必查: the inline check. Resolves the subject, finds the list records in force at the moment asked, asks the
// catalogue which measures this department must apply to this matter, decides the verdict, and appends a receipt.
import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { type Db, sqlState } from '../db/index.js';
import { checkIdempotency, checks } from '../db/schema.js';
import { canonicalJson } from '../domain/canonical.js';
import type { AppliesTo, EntryStatus, MatchedBy, MatterType, Polarity, Verdict } from '../domain/codes.js';
import { type MatchedMeasure, measuresFor, regionCovers } from '../domain/measures.js';
import { nameSimilarity, normalizeName } from '../domain/names.js';
import { pointsStanding } from '../domain/points.js';
import { uuidv7 } from '../domain/uuid7.js';
import { decideVerdict, type Reason } from '../domain/verdict.js';
import { ApiError, type FieldError } from '../errors.js';
import { type CatalogSnapshot, catalogAt, type StoredMeasure } from './catalog.js';
import { type CheckRead, type ReadVersion, readForCheck } from './check-read.js';
import type { AuthContext } from './keys.js';
import { commitReceipt, landBatch } from './receipt-batch.js';
import { type NewReceipt, type ReceiptRow, receiptIdIs } from './receipts.js';
import { findByName, fuzzyCandidates, parseIdentifiers, type ResolvedSubject } from './subjects.js';

/** A fuzzy candidate below this score is not a hit. Same-city, same-industry names of different firms score ≈0.69. */
export const FUZZY_THRESHOLD = 0.75;

export interface CheckInput {
  subject: { uscc?: string | undefined; name?: string | undefined; idNumber?: string | undefined; kind?: string | undefined };
  matter: { type: MatterType; reference: string; title?: string | undefined };
  operator?: { id?: string | undefined; name?: string | undefined } | undefined;
  asOf?: string | undefined;
}

export interface Hit {
  entryId: string;
  list: { code: string; name: string; polarity: Polarity };
  memoranda: Array<{ docNo: string; title: string }>;
  decidedBy: string;
  decidedAt: string;
  /** 认定文书号 and 失信/守信行为, as the deciding department published them: the notice cites them */
  decisionDocNo: string;
  reason: string;
  validUntil: string | null;
  status: EntryStatus;
  suspended: boolean;
  matchedBy: MatchedBy;
  score: number;
  subject: { subjectId: string; kind: string; name: string; uscc: string | null; idMasked: string | null };
  /** why it matched: the name compared, or the role linking a related person */
  matchReason: string;
  points?: { total: number; windowFrom: string; windowTo: string; acts: number };
  measureIds: string[];
}

export interface CheckMeasure {
  measureId: string;
  docNo: string;
  ordinal: string;
  text: string;
  effect: string;
  mandatory: boolean;
  legalBasis: string | null;
  appliesTo: AppliesTo[];
  implementingUnits: string[];
  /** the hits (entry ids) this measure answers */
  forEntries: string[];
}

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

export interface CheckResult {
  checkId: string;
  /** the department that ran the check */
  departmentId: string;
  checkedAt: string;
  asOf: string | null;
  verdict: Verdict;
  reasons: Reason[];
  matter: { type: MatterType; reference: string; title: string | null };
  subject: {
    asked: { kind?: string; uscc?: string; name?: string; idNumber?: string };
    resolved: Array<{ subjectId: string; kind: string; name: string; uscc: string | null; idMasked: string | null; matchedBy: MatchedBy }>;
  };
  hits: Hit[];
  measures: CheckMeasure[];
  dataVersion: string;
  catalogVersion: number;
  receipt: { hash: string; prevHash: string; chain: number; chainSeq: number };
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
async function resolve(db: Db, input: CheckInput['subject'], ids: ReturnType<typeof parseIdentifiers>, at: Date): Promise<{ matched: Matched[]; read: CheckRead }> {
  const hasIdentifier = ids.uscc !== undefined || ids.idHash !== undefined;
  let read = hasIdentifier ? await readForCheck(db, { usccs: ids.uscc ? [ids.uscc] : [], idHashes: ids.idHash ? [ids.idHash] : [], at }) : undefined;
  const out = read ? directMatches(read, ids) : [];
  const name = input.name ? normalizeName(input.name) : '';
  if (name && out.length === 0) {
    out.push(...(await nameMatches(db, input.name!, name, hasIdentifier)));
    if (out.length > 0 || !read) read = await readForCheck(db, { usccs: [], idHashes: [], extraSubjects: out.map((m) => m.s.subjectId), at });
  }
  read ??= await readForCheck(db, { usccs: [], idHashes: [], at });
  addRelated(out, read);
  return { matched: out, read };
}

const subjectOf = (s: ResolvedSubject): ResolvedSubject => ({ subjectId: s.subjectId, kind: s.kind, name: s.name, uscc: s.uscc, idMasked: s.idMasked });

/** The subjects an item's identifiers name, out of a read that may cover a whole batch. */
function directMatches(read: CheckRead, ids: ReturnType<typeof parseIdentifiers>): Matched[] {
  const out: Matched[] = [];
  for (const s of read.direct) {
    const byUscc = ids.uscc !== undefined && s.uscc === ids.uscc;
    if (!byUscc && (ids.idHash === undefined || s.idHash !== ids.idHash)) continue;
    out.push({ s: subjectOf(s), matchedBy: byUscc ? 'uscc' : 'id_number', score: 1, reason: byUscc ? '统一社会信用代码一致' : '身份证号一致' });
  }
  return out;
}

async function nameMatches(db: Db, asked: string, name: string, hasIdentifier: boolean): Promise<Matched[]> {
  const out: Matched[] = [];
  for (const s of await findByName(db, name)) {
    out.push({ s: subjectOf(s), matchedBy: s.former ? 'former_name' : 'name', score: 1, reason: s.former ? `曾用名一致: ${asked}` : `名称一致: ${asked}` });
  }
  if (out.length === 0 && !hasIdentifier) {
    for (const c of await fuzzyCandidates(db, name)) {
      const best = c.names.map((n) => ({ n, sim: nameSimilarity(asked, n) })).sort((a, b) => b.sim.score - a.sim.score)[0]!;
      if (best.sim.score >= FUZZY_THRESHOLD) {
        out.push({ s: subjectOf(c), matchedBy: 'fuzzy_name', score: Math.round(best.sim.score * 10000) / 10000, reason: `相似名称 ${best.n}: ${best.sim.reason}` });
      }
    }
  }
  return out;
}

/**
 * 落实到人: the legal representative and principal of a matched organisation, and the organisations a matched person
 * leads. Only from identifier matches: a namesake's relations would be guesswork twice over.
 */
function addRelated(out: Matched[], read: CheckRead) {
  const certain = new Set(out.filter((m) => m.matchedBy === 'uscc' || m.matchedBy === 'id_number').map((m) => m.s.subjectId));
  if (certain.size === 0) return;
  for (const r of read.related) {
    if (r.role === 'responsible_person' || !certain.has(r.via)) continue;
    if (out.some((m) => m.s.subjectId === r.subjectId)) continue;
    out.push({ s: subjectOf(r), matchedBy: 'related_person', score: 1, reason: r.role === 'legal_representative' ? '法定代表人' : '主要负责人', role: r.role });
  }
}

type VersionRow = ReadVersion;

// A repaired record's validity ends at the repair's effective date, so until then it is still in force.
const inForce = (v: VersionRow, at: Date) =>
  (v.status === 'active' || v.status === 'objection_pending' || v.status === 'repaired') &&
  v.validFrom.getTime() <= at.getTime() &&
  (v.validUntil === null || v.validUntil.getTime() > at.getTime());

function hitsFor(catalog: CatalogSnapshot, matched: Matched[], versions: VersionRow[], at: Date, region: string) {
  const out: Array<{ hit: Omit<Hit, 'measureIds'>; memoranda: string[]; role?: string }> = [];
  for (const m of matched) {
    const mine = versions.filter((v) => v.subjectId === m.s.subjectId && regionCovers(v.scopeRegion, region));
    const byList = new Map<string, VersionRow[]>();
    for (const v of mine) byList.set(v.listCode, [...(byList.get(v.listCode) ?? []), v]);
    for (const [code, rows] of byList) {
      const list = catalog.listByCode.get(code);
      if (!list) continue;
      let hitList = list;
      let row: VersionRow | undefined;
      let points: Hit['points'];
      if (list.pointsRule) {
        // Points lists: the tier is computed now from the acts in the window (003:L199).
        // A repaired act stops counting at the repair's effective date (its validUntil); a suspended one (异议) not at all.
        const acts = rows.filter(
          (v) =>
            (v.status === 'active' || (v.status === 'repaired' && v.validUntil !== null && v.validUntil.getTime() > at.getTime())) &&
            v.points !== null &&
            v.validFrom.getTime() <= at.getTime(),
        );
        const standing = pointsStanding(list.pointsRule, acts.map((v) => ({ points: v.points!, decidedAt: v.decidedAt })), at);
        if (!standing.tier) continue;
        const tier = catalog.listByCode.get(standing.tier);
        if (!tier) continue;
        hitList = tier;
        row = acts.sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime())[0];
        points = { total: standing.total, windowFrom: standing.window.from.toISOString(), windowTo: standing.window.to.toISOString(), acts: acts.length };
      }
      for (const v of row ? [row] : rows.filter((r) => inForce(r, at))) {
        out.push({
          memoranda: hitList.memoranda,
          ...(m.role ? { role: m.role } : {}),
          hit: {
            entryId: v.entryId,
            list: { code: hitList.code, name: hitList.name, polarity: hitList.polarity },
            memoranda: hitList.memoranda.map((d) => ({ docNo: d, title: catalog.memorandumByDocNo.get(d)?.title ?? d })),
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
          },
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
  path?: string;
  /** told how long the receipt append took, in seconds (the metrics) */
  onReceiptAppended?: (seconds: number) => void;
}

/** Validates what can be validated without the database: identifiers, asOf. */
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
  const department = caller.department;
  const found = hitsFor(catalog, matched, read.versions, at, department.region);

  const measures = new Map<string, CheckMeasure>();
  const perHit = found.map(({ hit, memoranda, role }) => {
    if (hit.suspended) return { hit: { ...hit, measureIds: [] as string[] }, effects: [], noDuty: false };
    const r = measuresOf(catalog, { category: department.category, matterType: input.matter.type, region: department.region, memoranda, list: hit.list.code });
    // A related person's record brings only the measures aimed at persons in that role (e.g. 任职限制).
    const target: AppliesTo | undefined = role === 'legal_representative' ? 'legal_representative' : role ? 'responsible_person' : undefined;
    const chosen = target ? r.measures.filter((m) => m.appliesTo.includes(target)) : r.measures;
    return {
      hit: { ...hit, measureIds: chosen.map((m) => m.measureId) },
      chosen,
      effects: chosen.map((m) => m.effect),
      noDuty: chosen.length === 0 && r.noDuty.length > 0,
    };
  });
  const decision = decideVerdict(
    perHit.map((p) => ({
      listCode: p.hit.list.code,
      polarity: p.hit.list.polarity,
      matchedBy: p.hit.matchedBy,
      suspended: p.hit.suspended,
      effects: p.effects,
      noDuty: p.noDuty,
    })),
  );
  const cancelled = new Set(decision.cancelledIncentives);
  for (const p of perHit) {
    if (p.hit.suspended || !p.chosen) continue;
    if (p.hit.list.polarity === 'incentive' && (cancelled.has(p.hit.list.code) || !['uscc', 'id_number'].includes(p.hit.matchedBy))) {
      p.hit.measureIds = [];
      continue;
    }
    for (const m of p.chosen) {
      const prev = measures.get(m.measureId);
      if (prev) prev.forEntries.push(p.hit.entryId);
      else measures.set(m.measureId, measureView(m, [p.hit.entryId]));
    }
  }

  const asked = {
    ...(input.subject.kind ? { kind: input.subject.kind } : {}),
    ...(ids.uscc ? { uscc: ids.uscc } : {}),
    ...(input.subject.name ? { name: input.subject.name } : {}),
    ...(ids.idMasked ? { idNumber: ids.idMasked } : {}),
  };
  const resolved = [...new Map(matched.map((m) => [m.s.subjectId, m])).values()].map((m) => ({
    subjectId: m.s.subjectId,
    kind: m.s.kind,
    name: m.s.name,
    uscc: m.s.uscc,
    idMasked: m.s.idMasked,
    matchedBy: m.matchedBy,
  }));
  return {
    // time-ordered, from the instant of the check: the id says which month the receipt is kept under
    id: uuidv7(now.getTime()),
    departmentId: department.departmentId,
    keyId: caller.keyId,
    operator: input.operator ?? null,
    matterType: input.matter.type,
    matterReference: input.matter.reference,
    matterTitle: input.matter.title ?? null,
    subjectAsked: asked,
    subjectResolved: resolved,
    hits: perHit.map((p) => p.hit),
    measures: [...measures.values()],
    reasons: decision.reasons,
    verdict: decision.verdict,
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
async function store(db: Db, body: NewReceipt, opts: CheckOptions): Promise<{ result: CheckResult; replayed: boolean }> {
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
        .where(and(eq(checkIdempotency.departmentId, body.departmentId), eq(checkIdempotency.idempotencyKey, opts.idempotencyKey)));
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
  const path = opts.path ?? '/body';
  const admitted = admit(input, secret, path);
  const { ids } = admitted;
  const reqHash = requestHash(input, secret, ids.idHash);
  const { matched, read } = await resolve(db, input.subject, ids, admitted.at);
  const catalog = await catalogAt(db, read.catalogVersion);
  return store(db, decide(caller, input, admitted, matched, read, catalog, reqHash, opts), opts);
}

export interface BatchItemResult {
  index: number;
  check?: CheckResult;
  error?: { code: string; detail: string; errors?: FieldError[] };
}

const BATCH_PARALLEL = 8;

/** Runs `work` over `items`, `parallel` at a time. */
async function pool<T>(items: T[], parallel: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
}

/**
 * A batch: every item's identifiers resolved in one statement (with related persons and versions); items that go
 * by name alone are looked up by name, a few at a time, and get their versions in one more statement; then one
 * receipt per item. A bad item gets its own error and the others are still checked. Results keep request order.
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
    results[index] = { index, error: { code: err.code, detail: err.detail, ...(err.extra.errors ? { errors: err.extra.errors } : {}) } };
  };
  const now = new Date();
  type Item = { index: number; input: CheckInput; admitted: ReturnType<typeof admit>; reqHash: string; matched: Matched[] };
  const items: Item[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      const admitted = { ...admit(input, secret, `/body/items/${index}`), now, at: now };
      items.push({ index, input, admitted, reqHash: requestHash(input, secret, admitted.ids.idHash), matched: [] });
    } catch (err) {
      fail(index, err);
    }
  }
  const usccs = [...new Set(items.flatMap((i) => (i.admitted.ids.uscc ? [i.admitted.ids.uscc] : [])))];
  const idHashes = [...new Set(items.flatMap((i) => (i.admitted.ids.idHash ? [i.admitted.ids.idHash] : [])))];
  let read = await readForCheck(db, { usccs, idHashes, at: now });
  for (const item of items) item.matched = directMatches(read, item.admitted.ids);
  const byName = items.filter((i) => i.matched.length === 0 && i.input.subject.name && normalizeName(i.input.subject.name));
  if (byName.length > 0) {
    await pool(byName, BATCH_PARALLEL, async (item) => {
      const hasIdentifier = item.admitted.ids.uscc !== undefined || item.admitted.ids.idHash !== undefined;
      item.matched = await nameMatches(db, item.input.subject.name!, normalizeName(item.input.subject.name!), hasIdentifier);
    });
    const extra = [...new Set(byName.flatMap((i) => i.matched.map((m) => m.s.subjectId)))];
    if (extra.length > 0) {
      const more = await readForCheck(db, { usccs: [], idHashes: [], extraSubjects: extra, at: now });
      // one version per entry at one instant: a subject found both ways is not counted twice
      const known = new Set(read.versions.map((v) => v.entryId));
      read = { ...read, versions: [...read.versions, ...more.versions.filter((v) => !known.has(v.entryId))], catalogVersion: Math.max(read.catalogVersion, more.catalogVersion) };
    }
  }
  const catalog = await catalogAt(db, read.catalogVersion);
  // versions by subject, so each item looks at its own few instead of the whole batch's
  const bySubject = new Map<string, ReadVersion[]>();
  for (const v of read.versions) bySubject.set(v.subjectId, [...(bySubject.get(v.subjectId) ?? []), v]);
  const bodies: Array<{ index: number; body: NewReceipt }> = [];
  for (const item of items) {
    addRelated(item.matched, read);
    const own: CheckRead = { ...read, versions: [...new Set(item.matched.map((m) => m.s.subjectId))].flatMap((id) => bySubject.get(id) ?? []) };
    bodies.push({ index: item.index, body: decide(caller, item.input, item.admitted, item.matched, own, catalog, item.reqHash, opts) });
  }
  // receipts in one statement per chain head (services/receipt-batch.ts)
  const appendStarted = performance.now();
  const landed = await landBatch(db, bodies.map((b) => b.body));
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
