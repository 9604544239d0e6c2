// 跟踪问效 (003:L167, L479, L657): per department and period, how many checks it ran and with what verdicts, how many
// measures those checks required and how many it reported on (执行反馈, monthly per 003:L599), and how the objections
// and repairs it must decide stand against their deadlines. Departments see their own row; admins see every row.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { rows } from '../db/rows.js';
import { toShanghaiDate } from '../domain/workdays.js';
import { ApiError } from '../errors.js';
import type { Stats } from '../routes/stats/schemas.js';
import type { AuthContext } from './keys.js';

// The answer is the schema's (routes/stats/schemas.ts): a row per department, objections and repairs each counted
// as CaseStats.
export type { Stats };
export type DepartmentStats = Stats['departments'][number];
export type CaseStats = DepartmentStats['objections'];

const VERDICTS = ['prohibited', 'restricted', 'review', 'incentive', 'clear'];
const n = (v: unknown) => Number(v ?? 0);

/** Start of the current month in Asia/Shanghai: feedback is reported monthly. */
function monthStart(now: Date): Date {
  const d = toShanghaiDate(now);
  return new Date(`${d.slice(0, 7)}-01T00:00:00+08:00`);
}

export async function departmentStats(
  db: Db,
  caller: AuthContext,
  q: { from?: string | undefined; to?: string | undefined; departmentId?: string | undefined },
): Promise<Stats> {
  const now = new Date();
  const period = periodOf(q, now);
  const read = await readStats(db, period, departmentsShown(caller, q.departmentId));
  const byDept = new Map(read.departments.map((d) => [d.id, emptyStats(d)]));
  addChecks(byDept, read.checks);
  addRequired(byDept, read.required);
  addFeedback(byDept, read.feedback);
  addCases(byDept, read.cases, toShanghaiDate(now));
  for (const d of byDept.values()) {
    d.measures.completion =
      d.measures.required === 0 ? null : Math.round((d.measures.reported / d.measures.required) * 1000) / 1000;
  }
  return { from: period.from.toISOString(), to: period.to.toISOString(), departments: [...byDept.values()] };
}

interface Period {
  from: Date;
  to: Date;
}

/** The period asked for; by default the current month so far. */
function periodOf(q: { from?: string | undefined; to?: string | undefined }, now: Date): Period {
  const from = q.from ? new Date(q.from) : monthStart(now);
  const to = q.to ? new Date(q.to) : now;
  if (from.getTime() >= to.getTime()) {
    throw new ApiError('VALIDATION_FAILED', 'the period is empty', {
      errors: [{ path: '/from', message: 'must be before to' }],
    });
  }
  return { from, to };
}

/** The one department whose row the caller sees, or null for every department (an admin's default). */
function departmentsShown(caller: AuthContext, departmentId: string | undefined): string | null {
  const isAdmin = caller.scopes.includes('admin');
  if (departmentId && !isAdmin && departmentId !== caller.department.departmentId) {
    throw new ApiError('FORBIDDEN_SCOPE', "another department's statistics need scope admin");
  }
  return departmentId ?? (isAdmin ? null : caller.department.departmentId);
}

type DepartmentRow = { id: string; name: string; category: string; region: string };
type CheckRow = { department_id: string; verdict: string; n: number; with_hits: number };
type RequiredRow = { department_id: string; required: number };
type FeedbackRow = { department_id: string; action: string; n: number };
type CaseRow = {
  kind: 'objection' | 'repair';
  decider: string;
  status: string;
  due_at: string;
  decided_at: Date | string | null;
};

/** The counts behind the statistics, one query each, for the period and the departments shown. */
async function readStats(db: Db, period: Period, only: string | null) {
  const f = period.from.toISOString();
  const t = period.to.toISOString();
  const deptFilter = (col: ReturnType<typeof sql.raw>) => (only ? sql`and ${col} = ${only}` : sql``);
  const [departments, checks, required, feedback, cases] = await Promise.all([
    db.execute(
      sql`select id, name, category, region from department where true ${deptFilter(sql.raw('id'))} order by name`,
    ),
    db.execute(sql`
      select department_id, verdict, count(*)::int as n, count(*) filter (where jsonb_array_length(hits) > 0)::int as with_hits
      from check_receipt where checked_at >= ${f} and checked_at < ${t} ${deptFilter(sql.raw('department_id'))}
      group by department_id, verdict`),
    db.execute(sql`
      select department_id, coalesce(sum(jsonb_array_length(measures)), 0)::int as required
      from check_receipt where checked_at >= ${f} and checked_at < ${t} ${deptFilter(sql.raw('department_id'))}
      group by department_id`),
    // Reports count against the period of the check they answer, whenever they were made: the question is how much
    // of this period's work has been reported.
    db.execute(sql`
      select c.department_id, fb.action, count(*)::int as n
      from feedback fb join check_receipt c on c.id = fb.check_id
      where fb.superseded_at is null and c.checked_at >= ${f} and c.checked_at < ${t} ${deptFilter(sql.raw('c.department_id'))}
      group by c.department_id, fb.action`),
    db.execute(sql`
      select kind, decider, status, due_at::text as due_at, decided_at
      from (
        select 'objection' as kind, deciding_department_id::text as decider, status, due_at, decided_at, filed_at from objection
        union all
        select 'repair', deciding_department_id::text, status, due_at, decided_at, filed_at from repair
      ) c
      where (filed_at < ${t}) and (decided_at is null or decided_at >= ${f}) ${deptFilter(sql.raw('decider'))}`),
  ]);
  return {
    departments: rows<DepartmentRow>(departments),
    checks: rows<CheckRow>(checks),
    required: rows<RequiredRow>(required),
    feedback: rows<FeedbackRow>(feedback),
    cases: rows<CaseRow>(cases),
  };
}

const noCases = (): CaseStats => ({ open: 0, overdue: 0, decided: 0, decidedLate: 0 });

function emptyStats(d: DepartmentRow): DepartmentStats {
  return {
    departmentId: d.id,
    name: d.name,
    category: d.category,
    region: d.region,
    checks: { total: 0, withHits: 0, byVerdict: Object.fromEntries(VERDICTS.map((v) => [v, 0])) },
    measures: { required: 0, reported: 0, applied: 0, notApplied: 0, partiallyApplied: 0, completion: null },
    objections: noCases(),
    repairs: noCases(),
  };
}

type ByDept = Map<string, DepartmentStats>;

function addChecks(byDept: ByDept, found: CheckRow[]): void {
  for (const r of found) {
    const d = byDept.get(r.department_id);
    if (!d) continue;
    d.checks.total += n(r.n);
    d.checks.withHits += n(r.with_hits);
    d.checks.byVerdict[r.verdict] = n(d.checks.byVerdict[r.verdict]) + n(r.n);
  }
}

function addRequired(byDept: ByDept, found: RequiredRow[]): void {
  for (const r of found) {
    const d = byDept.get(r.department_id);
    if (d) d.measures.required = n(r.required);
  }
}

function addFeedback(byDept: ByDept, found: FeedbackRow[]): void {
  for (const r of found) {
    const d = byDept.get(r.department_id);
    if (!d) continue;
    d.measures.reported += n(r.n);
    if (r.action === 'applied') d.measures.applied += n(r.n);
    else if (r.action === 'not_applied') d.measures.notApplied += n(r.n);
    else d.measures.partiallyApplied += n(r.n);
  }
}

/** Objections and repairs against their deadlines; `today` is the Shanghai date a still-open case is overdue after. */
function addCases(byDept: ByDept, found: CaseRow[], today: string): void {
  for (const r of found) {
    const d = byDept.get(r.decider);
    if (!d) continue;
    const s = r.kind === 'objection' ? d.objections : d.repairs;
    const due = String(r.due_at).slice(0, 10);
    if (r.status === 'received' || r.status === 'verifying') {
      s.open++;
      if (today > due) s.overdue++;
    } else {
      s.decided++;
      if (r.decided_at && toShanghaiDate(new Date(r.decided_at)) > due) s.decidedLate++;
    }
  }
}
