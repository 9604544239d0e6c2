import t from 'tap';
import { catalog } from '../../api/src/catalog/index.js';
import { pointsStanding } from '../../api/src/domain/points.js';

const rule = (code: string) => catalog.lists.find((l) => l.code === code)!.pointsRule!;
const NANNING = rule('nanning.urban_points');
const MOHURD = rule('mohurd.urban_points');
const at = (iso: string) => new Date(iso);

t.test('Nanning: rolling one-year total picks the tier (黄 ≥10, 红 ≥20, 黑 ≥30)', async (t) => {
  const asOf = at('2026-11-22T04:00:00Z');
  const acts = (n: number, points: number) =>
    Array.from({ length: n }, (_, i) => ({ points, decidedAt: at(`2026-0${(i % 9) + 1}-15T02:00:00Z`) }));
  t.same(pointsStanding(NANNING, [], asOf).tier, null);
  t.equal(pointsStanding(NANNING, acts(3, 3), asOf).tier, null, '9 points: no list');
  t.equal(
    pointsStanding(NANNING, [...acts(3, 3), { points: 1, decidedAt: at('2026-10-01T00:00:00Z') }], asOf).tier,
    'nanning.yellow',
    '10',
  );
  t.equal(pointsStanding(NANNING, acts(4, 6), asOf).tier, 'nanning.red', '24: 红名单 is punitive here');
  const black = pointsStanding(NANNING, acts(5, 6), asOf);
  t.equal(black.tier, 'nanning.black', '30');
  t.equal(black.total, 30);
});

t.test('Nanning: acts older than a year drop out of the window', async (t) => {
  const acts = [
    { points: 6, decidedAt: at('2025-11-01T00:00:00Z') },
    { points: 6, decidedAt: at('2026-03-01T00:00:00Z') },
  ];
  t.equal(pointsStanding(NANNING, acts, at('2026-10-31T00:00:00Z')).total, 12);
  t.equal(pointsStanding(NANNING, acts, at('2026-11-22T00:00:00Z')).total, 6);
  t.equal(pointsStanding(NANNING, acts, at('2025-12-01T00:00:00Z')).total, 6, 'acts after asOf do not count');
});

t.test('MOHURD: calendar-year total in Beijing time (4 / 8 / 12)', async (t) => {
  const acts = [
    { points: 2, decidedAt: at('2025-12-31T17:00:00Z') }, // 2026-01-01 01:00 in Beijing: counts for 2026
    { points: 2, decidedAt: at('2026-06-01T00:00:00Z') },
    { points: 2, decidedAt: at('2025-06-01T00:00:00Z') }, // last year
  ];
  const s = pointsStanding(MOHURD, acts, at('2026-11-22T00:00:00Z'));
  t.equal(s.total, 4);
  t.equal(s.tier, 'mohurd.general');
  t.equal(
    pointsStanding(MOHURD, [...acts, { points: 12, decidedAt: at('2026-07-01T00:00:00Z') }], at('2026-11-22T00:00:00Z'))
      .tier,
    'mohurd.black',
  );
  t.equal(pointsStanding(MOHURD, acts, at('2027-01-05T00:00:00Z')).total, 0, 'a new year starts from zero');
});
