// Points-based lists (南宁 城市管理, 住建部 城市管理): a subject's tier is computed when a unit queries (003:L199), from
// the acts inside the rule's window as of that moment.
import type { PointsRule } from '../catalog/types.js';

export interface PointsAct {
  points: number;
  decidedAt: Date;
}

export interface PointsStanding {
  total: number;
  /** code of the tier list reached, or null below the first threshold */
  tier: string | null;
  window: { from: Date; to: Date };
}

const DAY_MS = 86_400_000;
// China keeps UTC+8 all year; a calendar year is a Beijing calendar year.
const BEIJING_MS = 8 * 3_600_000;

export function pointsWindow(rule: PointsRule, asOf: Date): { from: Date; to: Date } {
  if (rule.window.kind === 'rolling_days') {
    return { from: new Date(asOf.getTime() - rule.window.days * DAY_MS), to: asOf };
  }
  const year = new Date(asOf.getTime() + BEIJING_MS).getUTCFullYear();
  return { from: new Date(Date.UTC(year, 0, 1) - BEIJING_MS), to: asOf };
}

export function pointsStanding(rule: PointsRule, acts: PointsAct[], asOf: Date): PointsStanding {
  const window = pointsWindow(rule, asOf);
  // A calendar year includes its first instant; a rolling window excludes its start (an act exactly one window old
  // has aged out).
  const from = window.from.getTime();
  const startsInside = rule.window.kind === 'calendar_year';
  let total = 0;
  for (const a of acts) {
    const t = a.decidedAt.getTime();
    if ((startsInside ? t >= from : t > from) && t <= window.to.getTime()) total += a.points;
  }
  let tier: string | null = null;
  for (const tr of [...rule.tiers].sort((a, b) => a.min - b.min)) if (total >= tr.min) tier = tr.list;
  return { total, tier, window };
}
