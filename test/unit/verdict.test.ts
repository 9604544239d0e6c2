import t from 'tap';
import { decideVerdict, type VerdictHit } from '../../api/src/domain/verdict.js';

const hit = (over: Partial<VerdictHit>): VerdictHit => ({
  listCode: 'market.serious_illegal',
  polarity: 'punitive',
  matchedBy: 'uscc',
  suspended: false,
  effects: [],
  noDuty: false,
  ...over,
});

t.test('no hits → clear', async (t) => {
  t.equal(decideVerdict([]).verdict, 'clear');
});

t.test('each effect maps to its verdict', async (t) => {
  const cases: Array<[VerdictHit['effects'][number], string]> = [
    ['prohibit', 'prohibited'],
    ['restrict', 'restricted'],
    ['prudent', 'review'],
    ['supervise', 'review'],
    ['disclose', 'review'],
  ];
  for (const [effect, verdict] of cases) t.equal(decideVerdict([hit({ effects: [effect] })]).verdict, verdict, effect);
  t.equal(
    decideVerdict([hit({ polarity: 'incentive', listCode: 'tax.a_grade', effects: ['incentive'] })]).verdict,
    'incentive',
  );
});

t.test('the strongest applicable effect wins across hits', async (t) => {
  const r = decideVerdict([
    hit({ effects: ['supervise'] }),
    hit({ listCode: 'court.dishonest_debtor', effects: ['restrict', 'disclose'] }),
    hit({ listCode: 'safety.blacklist', effects: ['prohibit'] }),
  ]);
  t.equal(r.verdict, 'prohibited');
});

t.test('a name-only or fuzzy match is capped at review, with a reason', async (t) => {
  for (const matchedBy of ['name', 'former_name', 'fuzzy_name'] as const) {
    const r = decideVerdict([hit({ matchedBy, effects: ['prohibit'] })]);
    t.equal(r.verdict, 'review', matchedBy);
    t.ok(
      r.reasons.some((x) => x.code === 'NAME_MATCH_ONLY'),
      matchedBy,
    );
  }
  t.equal(
    decideVerdict([hit({ matchedBy: 'name', polarity: 'incentive', effects: ['incentive'] })]).verdict,
    'clear',
    'an incentive is not granted on a name alone',
  );
});

t.test('a related person hit keeps its strength (落实到人)', async (t) => {
  t.equal(decideVerdict([hit({ matchedBy: 'related_person', effects: ['prohibit'] })]).verdict, 'prohibited');
});

t.test('a punitive hit with no catalogued measure is review, never clear', async (t) => {
  const r = decideVerdict([hit({ effects: [] })]);
  t.equal(r.verdict, 'review');
  t.ok(r.reasons.some((x) => x.code === 'NO_CATALOGUED_MEASURE'));
});

t.test('a category with no duty (无相关职能) gets no measure and no verdict from that hit, but a reason', async (t) => {
  const r = decideVerdict([hit({ noDuty: true })]);
  t.equal(r.verdict, 'clear');
  t.ok(r.reasons.some((x) => x.code === 'NO_DUTY'));
});

t.test('a suspended hit (objection pending) applies nothing: 核实期间暂不执行', async (t) => {
  const r = decideVerdict([hit({ suspended: true, effects: ['prohibit'] })]);
  t.equal(r.verdict, 'clear');
  t.ok(r.reasons.some((x) => x.code === 'OBJECTION_PENDING'));
  t.equal(
    decideVerdict([hit({ suspended: true, effects: ['prohibit'] }), hit({ effects: ['restrict'] })]).verdict,
    'restricted',
  );
});

t.test('a punitive identifier hit cancels red-list incentives', async (t) => {
  const red = hit({ listCode: 'tax.a_grade', polarity: 'incentive', effects: ['incentive'] });
  const r = decideVerdict([red, hit({ listCode: 'safety.blacklist', effects: ['supervise'] })]);
  t.equal(r.verdict, 'review');
  t.same(r.cancelledIncentives, ['tax.a_grade']);
  t.ok(r.reasons.some((x) => x.code === 'INCENTIVE_CANCELLED'));
  const nameOnly = decideVerdict([red, hit({ matchedBy: 'fuzzy_name', effects: ['supervise'] })]);
  t.same(nameOnly.cancelledIncentives, [], 'an uncertain name match does not cancel');
  t.equal(nameOnly.verdict, 'review');
  const suspended = decideVerdict([red, hit({ suspended: true, effects: ['prohibit'] })]);
  t.same(suspended.cancelledIncentives, [], 'a suspended hit does not cancel');
  t.equal(suspended.verdict, 'incentive');
});
