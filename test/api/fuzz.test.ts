// A seeded 2,000-request run of the spec-driven fuzzer (scripts/fuzz.ts) over real HTTP, on the test engine: no 5xx,
// every refusal problem+json with a code, no row written by a refused request. `pnpm fuzz` runs 10,000 per engine.
import t from 'tap';
import { loadOperations, prepareTarget, printReport, runFuzz } from '../../scripts/fuzz.js';
import { ENGINE, testDatabase } from '../helpers/db.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

t.test(`fuzz: ${REQUESTS} requests on ${ENGINE}`, async (t) => {
  const database = await testDatabase(t);
  const { target, close } = await prepareTarget(database);
  t.teardown(close);
  const report = await runFuzz(target, { requests: REQUESTS, seed: SEED });
  const lines: string[] = [];
  printReport(ENGINE, report, (l) => lines.push(l));
  t.comment(lines.join('\n'));

  t.equal(report.serverErrors, 0, 'no 5xx');
  t.equal(report.partialWrites, 0, 'no row written by a refused request');
  t.same(report.failures, [], 'every refusal is problem+json with a code, and every 429 has its headers');
  const ops = loadOperations();
  const floor = Math.floor(REQUESTS / ops.length / 2);
  for (const op of ops) t.ok(report.perOperation[op.id]!.sent >= floor, `${op.id}: at least ${floor} requests sent`);
  t.ok(report.limited.sent > 0, 'some requests went to the rate-limited instance');
});
