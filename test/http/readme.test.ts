// The README's "Try it" and SDK blocks run as written against a started server: the only substitutions are the ones
// a reader makes (the admin key the banner printed, and the port, since a test cannot take 3000). The install/test
// block is what `.ci/run` itself runs, and `open` starts a browser, so neither runs here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { isolatedEnv, serve } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

t.test("the README's Try it and SDK blocks run as written", async (t) => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const blocks = shellBlocks(readme);
  const tryIt = blocks.find((b) => b.includes('export YINGCHA_BASE_URL='));
  const sdk = blocks.find((b) => b.includes('sdk/examples/licensing.ts'));
  t.ok(tryIt, 'the Try it block');
  t.ok(sdk, 'the SDK block');

  const env = { ...(await isolatedEnv(t)), YINGCHA_DEMO: 'true', YINGCHA_WORKERS: 'false' };
  const server = await serve(t, env, 180_000);
  const exported = (await server.waitFor(/export YINGCHA_BASE_URL=(\S+) YINGCHA_API_KEY=(\S+)/, 60_000)) as RegExpMatchArray;
  const [, baseUrl, apiKey] = exported;

  const script = tryIt!
    .replace('<the admin key from the banner>', apiKey!)
    .replace('http://127.0.0.1:3000', baseUrl!)
    .split('\n')
    .filter((l) => !l.startsWith('open '))
    .join('\n');
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /"status":"ready"|ready/);
  t.match(r.stdout, /"verdict":"(prohibited|restricted)"/, 'the check finds the showcase record');
  t.match(r.stdout, /"legalBasis":"[^"]{10,}/, 'with its legal basis');

  const example = spawnSync('bash', ['-euo', 'pipefail', '-c', sdk!], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, YINGCHA_BASE_URL: baseUrl!, YINGCHA_API_KEY: apiKey! },
  });
  t.equal(example.status, 0, `${example.stdout}${example.stderr}`);
  t.match(example.stdout, /decision: /);
  t.match(example.stdout, /apply .*〔\d{4}〕/, 'the example applies a measure');
  t.equal(await server.stop('SIGTERM'), 0);
});
