// A first start with demo data shows the point: the banner's curl lines, pasted into a shell as printed, return
// measures with their memorandum and legal basis (for the demo department, and for the second, 市场监管 key); the
// showcase records raised their events like any publish; the SDK example runs against the printed base URL.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DEMO_SHOWCASE } from '../../api/src/demo/generate.js';
import { isolatedEnv, serve } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Measure {
  docNo: string;
  legalBasis: string;
  text: string;
}

t.test('the banner prints curl commands that return measures with their legal basis', async (t) => {
  const env = { ...(await isolatedEnv(t, 'empty')), YINGCHA_DEMO: 'true', YINGCHA_WORKERS: 'false' };
  const server = await serve(t, env, 180_000);
  await server.waitFor(/SDK and CLI read the same variables: export (.*)\n/, 60_000);
  const banner = server.output();
  const curls = banner.split('\n').filter((l) => l.startsWith('  curl -s '));
  t.equal(curls.length, 2, banner);
  const answers = curls.map((line) => {
    // As a user pastes it: through a shell.
    const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', timeout: 60_000 });
    t.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { verdict: string; measures: Measure[]; hits: Array<{ list: { code: string } }> };
  });
  for (const a of answers) {
    t.match(a.verdict, /^(prohibited|restricted)$/);
    t.ok(a.measures.length > 0, 'measures');
    for (const m of a.measures) {
      t.match(m.docNo, /〔\d{4}〕\d+号/, 'the memorandum');
      t.ok(m.legalBasis.length > 10, 'the legal basis');
    }
  }
  t.match(banner, /Second demo key, 鹤岗市市场监督管理局（演示） \(market_regulation, scope check; shown once\): yc_/);

  // The showcase records raised their events, like any publish.
  const exported = /export YINGCHA_BASE_URL=(\S+) YINGCHA_API_KEY=(\S+)/.exec(banner)!;
  const [, baseUrl, apiKey] = exported;
  t.equal(baseUrl, server.url);
  const feed = (await (
    await fetch(`${baseUrl}/v1/changes?limit=1000`, { headers: { authorization: `Bearer ${apiKey}` } })
  ).json()) as {
    events: Array<{ type: string; data: { sourceRecordId?: string; entryId?: string } }>;
  };
  const created = feed.events.filter((e) => e.type === 'entry.created');
  t.ok(created.length >= DEMO_SHOWCASE.length, `entry.created events: ${created.length}`);

  // The SDK example, with the variables the banner printed.
  const example = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'sdk/examples/licensing.ts'), DEMO_SHOWCASE[1]!.subject.uscc!],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, YINGCHA_BASE_URL: baseUrl!, YINGCHA_API_KEY: apiKey! },
    },
  );
  let out = '';
  example.stdout.on('data', (d) => (out += d));
  example.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => example.on('exit', resolve));
  t.equal(code, 0, out);
  t.match(out, /prohibited|restricted|review/);
  t.equal(await server.stop('SIGTERM'), 0);
});
