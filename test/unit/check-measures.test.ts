import t from 'tap';
import { checkMeasures, type MeasureOfHit, standingMeasures, weighHit } from '../../api/src/domain/check-measures.js';
import type { AppliesTo, Effect, MatchedBy, Polarity } from '../../api/src/domain/codes.js';
import { decideVerdict } from '../../api/src/domain/verdict.js';

const measure = (measureId: string, effect: Effect = 'restrict', appliesTo: AppliesTo[] = ['unit']): MeasureOfHit => ({
  measureId,
  effect,
  appliesTo,
});
const hit = (
  entryId: string,
  over: { code?: string; polarity?: Polarity; matchedBy?: MatchedBy; suspended?: boolean } = {},
) => ({
  entryId,
  list: { code: over.code ?? 'safety.blacklist', polarity: over.polarity ?? 'punitive' },
  matchedBy: over.matchedBy ?? 'uscc',
  suspended: over.suspended ?? false,
});
const found = (measures: MeasureOfHit[], noDuty: unknown[] = []) => ({ measures, noDuty });

const unit = measure('m-unit', 'restrict', ['unit']);
const legalRep = measure('m-legal', 'restrict', ['legal_representative']);
const principal = measure('m-principal', 'prudent', ['responsible_person']);
const both = measure('m-both', 'prohibit', ['unit', 'legal_representative', 'responsible_person']);

t.test('weighHit: the subject’s own record brings every measure, as given', async (t) => {
  const measures = [unit, legalRep, principal];
  const w = weighHit(hit('e1'), undefined, found(measures));
  t.equal(w.measures, measures, 'the same array: nothing is copied');
  t.same(w.effects, ['restrict', 'restrict', 'prudent']);
  t.same(
    {
      entryId: w.entryId,
      listCode: w.listCode,
      polarity: w.polarity,
      matchedBy: w.matchedBy,
      suspended: w.suspended,
      noDuty: w.noDuty,
    },
    {
      entryId: 'e1',
      listCode: 'safety.blacklist',
      polarity: 'punitive',
      matchedBy: 'uscc',
      suspended: false,
      noDuty: false,
    },
  );
});

t.test('weighHit: a related person’s record brings only the measures aimed at its role', async (t) => {
  const measures = [unit, legalRep, principal, both];
  t.same(
    weighHit(hit('e1', { matchedBy: 'related_person' }), 'legal_representative', found(measures)).measures.map(
      (m) => m.measureId,
    ),
    ['m-legal', 'm-both'],
  );
  t.same(
    weighHit(hit('e1', { matchedBy: 'related_person' }), 'principal', found(measures)).measures.map((m) => m.measureId),
    ['m-principal', 'm-both'],
    'a principal is a responsible person',
  );
  t.same(
    weighHit(hit('e1', { matchedBy: 'related_person' }), 'principal', found([unit])).effects,
    [],
    'none aimed at the role: none at all',
  );
});

t.test('weighHit: a suspended hit brings nothing and is not looked up', async (t) => {
  const w = weighHit(hit('e1', { suspended: true }), undefined, undefined);
  t.same(w.measures, []);
  t.same(w.effects, []);
  t.equal(w.noDuty, false);
  t.equal(w.suspended, true);
  t.same(
    weighHit(hit('e1', { suspended: true }), undefined, found([unit], [{ reason: '无相关职能' }])).measures,
    [],
    'even when measures were found',
  );
});

t.test('weighHit: no duty only when no measure was found and the catalogue says so', async (t) => {
  t.equal(weighHit(hit('e1'), undefined, found([], [{ reason: '无相关职能' }])).noDuty, true);
  t.equal(weighHit(hit('e1'), undefined, found([unit], [{ reason: '无相关职能' }])).noDuty, false);
  t.equal(weighHit(hit('e1'), undefined, found([])).noDuty, false, 'nothing catalogued is not "no duty"');
  t.equal(
    weighHit(hit('e1', { matchedBy: 'related_person' }), 'legal_representative', found([unit], [{ reason: 'x' }]))
      .noDuty,
    true,
    'after the role filter',
  );
});

t.test('standingMeasures: incentives stand only uncancelled and matched by the code', async (t) => {
  const red = [measure('m-red', 'incentive')];
  const incentive = (matchedBy: MatchedBy) =>
    weighHit(hit('e1', { code: 'tax.a_grade', polarity: 'incentive', matchedBy }), undefined, found(red));
  const byCode = incentive('uscc');
  t.equal(standingMeasures(byCode, new Set()), byCode.measures, 'standing: the hit’s own array');
  t.same(standingMeasures(byCode, new Set()), red);
  t.same(standingMeasures(incentive('id_number'), new Set()), red);
  t.same(standingMeasures(incentive('uscc'), new Set(['tax.a_grade'])), [], 'cancelled by a punitive hit');
  t.same(standingMeasures(incentive('uscc'), new Set(['other.list'])), red, 'another list cancelled');
  for (const by of ['name', 'former_name', 'fuzzy_name', 'related_person'] as const)
    t.same(standingMeasures(incentive(by), new Set()), [], `no reward matched by ${by}`);
  t.same(
    standingMeasures(weighHit(hit('e2', { matchedBy: 'name' }), undefined, found([unit])), new Set()),
    [unit],
    'a punitive hit by name keeps its measures (the verdict says review)',
  );
  t.same(standingMeasures(weighHit(hit('e3', { suspended: true }), undefined, undefined), new Set()), []);
});

t.test('checkMeasures: each measure once, in the order hits bring it, with the hits it answers', async (t) => {
  const hits = [
    weighHit(hit('e1'), undefined, found([unit, both])),
    weighHit(hit('e2', { code: 'quality.blacklist' }), undefined, found([both, principal])),
    weighHit(hit('e3', { suspended: true }), undefined, undefined),
    weighHit(hit('e4'), undefined, found([unit])),
  ];
  const r = checkMeasures(hits, []);
  t.same(
    r.perHit.map((ms) => ms.map((m) => m.measureId)),
    [['m-unit', 'm-both'], ['m-both', 'm-principal'], [], ['m-unit']],
  );
  t.equal(r.perHit[0], hits[0]!.measures, 'a hit whose measures all stand passes its array on');
  t.same(
    r.measures.map((m) => [m.measure.measureId, m.forEntries]),
    [
      ['m-unit', ['e1', 'e4']],
      ['m-both', ['e1', 'e2']],
      ['m-principal', ['e2']],
    ],
  );
  t.same(checkMeasures([], []), { perHit: [], measures: [] });
});

t.test('checkMeasures after the verdict: a punitive hit by code cancels the red list’s measures', async (t) => {
  const red = measure('m-red', 'incentive');
  const hits = [
    weighHit(hit('e-red', { code: 'tax.a_grade', polarity: 'incentive' }), undefined, found([red])),
    weighHit(hit('e-black', { code: 'safety.blacklist' }), undefined, found([unit])),
  ];
  const decision = decideVerdict(hits);
  t.same(decision.cancelledIncentives, ['tax.a_grade']);
  t.equal(decision.verdict, 'restricted');
  const r = checkMeasures(hits, decision.cancelledIncentives);
  t.same(
    r.perHit.map((ms) => ms.map((m) => m.measureId)),
    [[], ['m-unit']],
  );
  t.same(
    r.measures.map((m) => m.measure.measureId),
    ['m-unit'],
  );

  const alone = [weighHit(hit('e-red', { code: 'tax.a_grade', polarity: 'incentive' }), undefined, found([red]))];
  const kept = checkMeasures(alone, decideVerdict(alone).cancelledIncentives);
  t.same(
    kept.measures.map((m) => [m.measure.measureId, m.forEntries]),
    [['m-red', ['e-red']]],
    'with no punitive hit the incentive stands',
  );
});
