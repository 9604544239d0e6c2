// The examples in sdk/examples, type-checked as a user would compile them (importing '@yingcha/sdk', which resolves
// to the built package) and run as child processes against the real app. Needs `pnpm build` first, like test/http.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { bare } from '../helpers/process.js';
import { uscc } from '../helpers/world.js';
import { type Served, serve, until, workers } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = join(ROOT, 'sdk/examples');
const FILES = ['licensing.ts', 'procurement.ts', 'webhook-receiver.ts'];

interface Run {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}

function start(
  t: { teardown(fn: () => unknown): void },
  file: string,
  args: string[],
  env: Record<string, string>,
): Run {
  const child = spawn(
    ...bare([process.execPath, '--import', 'tsx', join(EXAMPLES, file), ...args], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env,
    }),
    { cwd: ROOT },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, out: () => out, exit };
}

async function finished(run: Run, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`example did not finish in ${timeoutMs} ms:\n${run.out()}`)), timeoutMs);
  });
  try {
    return { code: await Promise.race([run.exit, timeout]), out: run.out() };
  } finally {
    clearTimeout(timer);
  }
}

function publish(s: Served, key: string, list: string, subject: { uscc: string; name: string }, id: string) {
  return s.client({ apiKey: key }).entries.publish({
    list,
    subject: { kind: 'enterprise', ...subject },
    decisionDocNo: '鹤市监〔2026〕9号',
    reason: '严重违法失信',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'sdk-examples',
    sourceRecordId: id,
  });
}

t.test('the examples type-check against the built package', async (t) => {
  t.ok(existsSync(join(ROOT, 'sdk/dist/index.d.ts')), 'sdk/dist is built (run `pnpm build`)');
  const dir = mkdtempSync(join(tmpdir(), 'yc-sdk-examples-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: FILES.map((f) => join(EXAMPLES, f)),
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(r.status, 0, r.stdout + r.stderr);
});

t.test('the examples run against the real server', async (t) => {
  const s = await serve(t);
  const market = await s.department('market_regulation', '230400');
  const housing = await s.department('housing_construction', '230400');
  const finance = await s.department('finance', '230400');
  const listed = { uscc: uscc('91', '230400'), name: '鹤岗市某某建筑工程有限公司' };
  await publish(s, market.key, 'market.serious_illegal', listed, 'ex-1');
  const env = (key: string) => ({ YINGCHA_BASE_URL: s.baseUrl, YINGCHA_API_KEY: key });

  t.test('licensing: check, apply the measures, report, save the notice', async (t) => {
    const { code, out } = await finished(start(t, 'licensing.ts', [listed.uscc, 'XK-2026-1'], env(housing.key)));
    t.equal(code, 0, out);
    t.match(out, /decision: review \(verdict, verdict review\)/);
    const receiptId = out.match(/receipt: ([0-9a-f-]{36})/)?.[1];
    t.ok(receiptId, out);
    t.match(out, /apply .+\[prudent/);
    const feedback = await s.client({ apiKey: housing.key }).checks.getFeedback(receiptId!);
    t.equal(feedback.complete, true, 'every measure of the check has its report');
    const notice = out.match(/notice: (\S+\.html)/)?.[1];
    t.ok(notice && readFileSync(notice, 'utf8').includes('<!doctype html>'), 'the notice was written');
    if (notice) rmSync(notice, { force: true });
  });

  t.test('licensing: a clear applicant is allowed with no measures', async (t) => {
    const { code, out } = await finished(start(t, 'licensing.ts', [uscc()], env(housing.key)));
    t.equal(code, 0, out);
    t.match(out, /decision: allowed \(verdict, verdict clear\)/);
    t.match(out, /no measures to apply/);
    const notice = out.match(/notice: (\S+\.html)/)?.[1];
    if (notice) rmSync(notice, { force: true });
  });

  t.test('licensing: the service down holds the application', async (t) => {
    const { code, out } = await finished(
      start(t, 'licensing.ts', [uscc()], { YINGCHA_BASE_URL: 'http://127.0.0.1:9', YINGCHA_API_KEY: 'yc_x' }),
    );
    t.equal(code, 1, out);
    t.match(out, /decision: blocked \(unavailable\)/);
    t.notMatch(out, /allowed/);
  });

  t.test('procurement: one batch, bidders in order', async (t) => {
    const clear = uscc();
    const { code, out } = await finished(
      start(t, 'procurement.ts', [listed.uscc, clear, '91230400MA1B2C3D4X'], env(finance.key)),
    );
    t.equal(code, 0, out);
    const lines = out.split('\n');
    t.match(
      lines.find((l) => l.startsWith(listed.uscc)),
      /→ (review|excluded)/,
    );
    t.match(
      lines.find((l) => l.startsWith(clear)),
      /clear → admitted/,
    );
    t.match(
      lines.find((l) => l.startsWith('91230400MA1B2C3D4X')),
      /INVALID_USCC.*→ review/,
    );
    t.match(out, /1 of 3 bidders admitted/);
  });

  t.test('webhook receiver: verifies deliveries and re-screens', async (t) => {
    const run = start(t, 'webhook-receiver.ts', ['0'], env(finance.key));
    await until(
      () => (/subscription [0-9a-f-]{36}/.test(run.out()) ? true : undefined),
      `the receiver to start:\n${run.out()}`,
      30_000,
    );
    const delivery = await workers(t, s);
    const fresh = { uscc: uscc('91', '230400'), name: '鹤岗市新近失信有限公司' };
    await publish(s, market.key, 'market.serious_illegal', fresh, 'ex-2');
    delivery.wake();
    await until(
      () => (run.out().includes(`re-screened ${fresh.name}`) ? true : undefined),
      `the re-screen:\n${run.out()}`,
      30_000,
    );
    t.match(run.out(), new RegExp(`re-screened ${fresh.name}: \\w+ \\(entry.created on market.serious_illegal`));
    t.notMatch(run.out(), /rejected a delivery/);
    run.child.kill('SIGTERM');
    const { code, out } = await finished(run);
    t.equal(code, 0, out);
    t.match(out, /stopped/);
    t.same(
      (await s.client({ apiKey: finance.key }).subscriptions.list()).subscriptions,
      [],
      'it removed its subscription',
    );
  });
});
