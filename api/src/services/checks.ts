// 应查必查: the inline check. Resolves the subject, finds the list records in force at the moment asked, asks the
// catalogue which measures this department must apply to this matter, decides the verdict, and appends a receipt.
import { createHmac, randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lte, or, gt, sql } from 'drizzle-orm';
import { type Db, prepared, sqlState } from '../db/index.js';
import { checks, entryVersions, events } from '../db/schema.js';
import { canonicalJson } from '../domain/canonical.js';
import type { AppliesTo, EntryStatus, MatchedBy, MatterType, Polarity, Verdict } from '../domain/codes.js';
import { type MatchedMeasure, measuresFor, regionCovers } from '../domain/measures.js';
import { nameSimilarity, normalizeName } from '../domain/names.js';
import { pointsStanding } from '../domain/points.js';
import { decideVerdict, type Reason } from '../domain/verdict.js';
import { ApiError } from '../errors.js';
import { type CatalogSnapshot, currentCatalog, type StoredMeasure } from './catalog.js';
import type { AuthContext } from './keys.js';
import { appendReceipt, type ReceiptRow } from './receipts.js';
import { findByIdentifiers, findByName, fuzzyCandidates, parseIdentifiers, relatedOf, type ResolvedSubject } from './subjects.js';

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

const invalid = (path: string, message: string) => new ApiError('VALIDATION_FAILED', `${path} ${message}`, { errors: [{ path, message }] });

async function resolve(db: Db, input: CheckInput['subject'], ids: ReturnType<typeof parseIdentifiers>): Promise<Matched[]> {
  const out: Matched[] = [];
  for (const s of await findByIdentifiers(db, ids)) {
    const byUscc = ids.uscc !== undefined && s.uscc === ids.uscc;
    out.push({ s, matchedBy: byUscc ? 'uscc' : 'id_number', score: 1, reason: byUscc ? '统一社会信用代码一致' : '身份证号一致' });
  }
  const hasIdentifier = ids.uscc !== undefined || ids.idHash !== undefined;
  const name = input.name ? normalizeName(input.name) : '';
  // A name is only consulted when no identifier was given or the identifier matched nothing: a listed record
  // published without the code must still surface, but a known code is never overruled by a namesake.
  if (name && out.length === 0) {
    for (const s of await findByName(db, name)) {
      out.push({ s, matchedBy: s.former ? 'former_name' : 'name', score: 1, reason: s.former ? `曾用名一致: ${input.name}` : `名称一致: ${input.name}` });
    }
    if (out.length === 0 && !hasIdentifier) {
      for (const c of await fuzzyCandidates(db, name)) {
        const best = c.names.map((n) => ({ n, sim: nameSimilarity(input.name!, n) })).sort((a, b) => b.sim.score - a.sim.score)[0]!;
        if (best.sim.score >= FUZZY_THRESHOLD) {
          out.push({ s: c, matchedBy: 'fuzzy_name', score: Math.round(best.sim.score * 10000) / 10000, reason: `相似名称 ${best.n}: ${best.sim.reason}` });
        }
      }
    }
  }
  // 落实到人: the legal representative and principal of a matched organisation, and the organisations a matched person
  // leads. Only from identifier matches: a namesake's relations would be guesswork twice over.
  const certain = out.filter((m) => m.matchedBy === 'uscc' || m.matchedBy === 'id_number');
  for (const r of await relatedOf(db, certain.map((m) => m.s.subjectId))) {
    if (r.role === 'responsible_person') continue;
    if (out.some((m) => m.s.subjectId === r.subjectId)) continue;
    out.push({ s: r, matchedBy: 'related_person', score: 1, reason: r.role === 'legal_representative' ? '法定代表人' : '主要负责人', role: r.role });
  }
  return out;
}

type VersionRow = typeof entryVersions.$inferSelect;

/** Entry versions as recorded at `at` (record time), for the given subjects. */
async function versionsAt(db: Db, subjectIds: string[], at: Date): Promise<VersionRow[]> {
  if (subjectIds.length === 0) return [];
  if (subjectIds.length === 1) {
    return prepared(db, 'versions_at_one', (d) =>
      d
        .select()
        .from(entryVersions)
        .where(
          and(
            eq(entryVersions.subjectId, sql.placeholder('id')),
            lte(entryVersions.recordedAt, sql.placeholder('at')),
            or(isNull(entryVersions.supersededAt), gt(entryVersions.supersededAt, sql.placeholder('at'))),
          ),
        )
        .prepare('yc_versions_at_one'),
    ).execute({ id: subjectIds[0], at: at.toISOString() }); // placeholders skip drizzle's Date mapping
  }
  return db
    .select()
    .from(entryVersions)
    .where(
      and(
        inArray(entryVersions.subjectId, subjectIds),
        lte(entryVersions.recordedAt, at),
        or(isNull(entryVersions.supersededAt), gt(entryVersions.supersededAt, at)),
      ),
    );
}

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

export async function runCheck(
  db: Db,
  secret: string,
  caller: AuthContext,
  input: CheckInput,
  opts: { idempotencyKey?: string | undefined; batchId?: string | undefined; path?: string } = {},
): Promise<{ result: CheckResult; replayed: boolean }> {
  const path = opts.path ?? '/body';
  const ids = parseIdentifiers(input.subject, secret, `${path}/subject`);
  if (!ids.uscc && !ids.idHash && !(input.subject.name && normalizeName(input.subject.name))) {
    throw invalid(`${path}/subject`, 'needs uscc, idNumber or name');
  }
  const now = new Date();
  let asOf: Date | null = null;
  if (input.asOf !== undefined) {
    asOf = new Date(input.asOf);
    if (Number.isNaN(asOf.getTime())) throw invalid(`${path}/asOf`, 'is not a date-time');
    if (asOf.getTime() > now.getTime()) throw invalid(`${path}/asOf`, 'is in the future');
  }
  const department = caller.department;
  const reqHash = requestHash(input, secret, ids.idHash);
  if (opts.idempotencyKey) {
    const [prior] = await db
      .select()
      .from(checks)
      .where(and(eq(checks.departmentId, department.departmentId), eq(checks.idempotencyKey, opts.idempotencyKey)));
    if (prior) {
      if (prior.requestHash !== reqHash) throw new ApiError('CONFLICT', 'this Idempotency-Key was used for a different check');
      return { result: toCheckResult(prior), replayed: true };
    }
  }

  const at = asOf ?? now;
  // Independent reads go out together. The event high-water mark is read first or alongside, so the records read
  // after it are at least as new as the dataVersion the receipt names.
  const [catalog, matched, lastEvent] = await Promise.all([
    currentCatalog(db),
    resolve(db, input.subject, ids),
    prepared(db, 'last_event', (d) => d.select({ max: sql<number | null>`max(${events.id})` }).from(events).prepare('yc_last_event')).execute(),
  ]);
  const versions = await versionsAt(db, [...new Set(matched.map((m) => m.s.subjectId))], at);
  const found = hitsFor(catalog, matched, versions, at, department.region);

  const measures = new Map<string, CheckMeasure>();
  const perHit = found.map(({ hit, memoranda, role }) => {
    if (hit.suspended) return { hit: { ...hit, measureIds: [] as string[] }, effects: [], noDuty: false };
    const r = measuresFor(
      { category: department.category, matterType: input.matter.type, region: department.region, memoranda, list: hit.list.code },
      catalog.memoranda,
    );
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

  const dataVersion = `c${catalog.version}.e${Number(lastEvent[0]?.max ?? 0)}`;
  const hits = perHit.map((p) => p.hit);
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

  try {
    const row = await appendReceipt(db, {
        id: randomUUID(),
        departmentId: department.departmentId,
        keyId: caller.keyId,
        operator: input.operator ?? null,
        matterType: input.matter.type,
        matterReference: input.matter.reference,
        matterTitle: input.matter.title ?? null,
        subjectAsked: asked,
        subjectResolved: resolved,
        hits,
        measures: [...measures.values()],
        reasons: decision.reasons,
        verdict: decision.verdict,
        dataVersion,
        asOf,
        checkedAt: now,
        idempotencyKey: opts.idempotencyKey ?? null,
        requestHash: reqHash,
        batchId: opts.batchId ?? null,
      });
    return { result: toCheckResult(row), replayed: false };
  } catch (err) {
    // Two retries with one Idempotency-Key raced: the loser answers with the winner's receipt.
    if (opts.idempotencyKey && sqlState(err) === '23505') {
      const [prior] = await db
        .select()
        .from(checks)
        .where(and(eq(checks.departmentId, department.departmentId), eq(checks.idempotencyKey, opts.idempotencyKey)));
      if (prior && prior.requestHash === reqHash) return { result: toCheckResult(prior), replayed: true };
      if (prior) throw new ApiError('CONFLICT', 'this Idempotency-Key was used for a different check');
    }
    throw err;
  }
}

export async function getCheck(db: Db, caller: AuthContext, checkId: string): Promise<CheckResult> {
  const [row] = await db.select().from(checks).where(eq(checks.id, checkId));
  // Another department's receipt is as invisible as a missing one.
  if (!row || (row.departmentId !== caller.department.departmentId && !caller.scopes.includes('admin'))) {
    throw new ApiError('NOT_FOUND', `no check ${checkId}`);
  }
  return toCheckResult(row);
}
