// Every shell block of README.md (```sh and ```bash, indented ones inside lists included) runs as written against a
// server started here, except the blocks named in SKIP. The only substitutions are the ones the README asks of a
// reader: the address and the admin key the banner printed (a test cannot take port 3000), and, through the
// environment the README documents (YINGCHA_DATA_DIR, or DATABASE_URL and YINGCHA_SECRET), this test's own database,
// so nothing runs against ./.yingcha. A block added to the README runs here unless it is added to SKIP with its
// reason; a SKIP entry that names no block fails, so the list cannot go stale.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { bare, isolatedEnv, serve } from '../helpers/process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Block {
  /** the block's first line, which names it here */
  name: string;
  script: string;
}

/** Blocks that cannot run in a test, by their first line. */
const SKIP: Record<string, string> = {
  // .ci/run runs this block's test line on both engines; its first line is the long-running server itself.
  'npx -y pnpm@10.34.9 start':
    'installs and starts the long-running server, then runs the whole suite (that is .ci/run)',
  // A PostgreSQL on another machine, and it ends in `serve`.
  'export DATABASE_URL=postgres://yingcha@db.internal:5432/yingcha':
    'needs a second machine (db.internal) and ends in the long-running serve',
};

/**
 * Blocks the README says to run with the server stopped (PGlite is single-process; the CLI then opens the database
 * itself). They run after the server has stopped, on the same database.
 */
const STOPPED = ['node api/bin/yingcha.js departments create'];

/** What a block's output must show besides exit 0, by its first line. */
const EXPECT: Record<string, (t: Test, stdout: string) => void> = {};

function shellBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^( *)```(?:sh|bash)\n([\s\S]*?)^\1```$/gm)].map((m) => {
    const indent = m[1]!;
    const script = m[2]!
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    return { name: script.split('\n')[0]!.trim(), script };
  });
}

t.test('every shell block of the README runs as written, or is skipped with its reason', async (t) => {
  const blocks = shellBlocks(readFileSync(`${ROOT}README.md`, 'utf8'));
  t.ok(blocks.length >= 6, `found ${blocks.length} shell blocks`);
  for (const name of Object.keys(SKIP))
    t.equal(blocks.filter((b) => b.name === name).length, 1, `SKIP names one block: ${name}`);
  for (const name of STOPPED)
    t.equal(blocks.filter((b) => b.name.startsWith(name)).length, 1, `STOPPED names one block: ${name}`);
  for (const b of blocks) if (b.name in SKIP) t.test(b.name, { skip: SKIP[b.name] }, () => {});
  const runnable = blocks.filter((b) => !(b.name in SKIP));
  const stopped = runnable.filter((b) => STOPPED.some((s) => b.name.startsWith(s)));
  const live = runnable.filter((b) => !stopped.includes(b));

  const isolated = await isolatedEnv(t, 'migrated');
  const server = await serve(t, { ...isolated, YINGCHA_DEMO: 'true', YINGCHA_WORKERS: 'false' }, 180_000);
  const [, baseUrl, apiKey] = await server.waitFor(/export YINGCHA_BASE_URL=(\S+) YINGCHA_API_KEY=(\S+)/, 60_000);
  // What the reader has after pasting the banner's export line, plus this test's database.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...isolated,
    YINGCHA_BASE_URL: baseUrl!,
    YINGCHA_API_KEY: apiKey!,
  };
  // The screening block writes its result where it is run.
  t.teardown(() => rmSync(`${ROOT}筛查结果.xlsx`, { force: true }));

  const runBlock = (b: Block) =>
    t.test(b.name, async (t) => {
      const script = b.script
        .replace('<the admin key from the banner>', apiKey!)
        .replaceAll('http://127.0.0.1:3000', baseUrl!);
      // stdin closed: bash given a socket as stdin takes itself for a remote shell and reads /etc/bash.bashrc.
      const r = spawnSync(...bare(['bash', '-euo', 'pipefail', '-c', script], env), {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      t.equal(r.status, 0, 'exit 0', { stdout: r.stdout, stderr: r.stderr });
      t.notMatch(r.stderr, /npm warn/i, 'npx prints no warnings');
      EXPECT[Object.keys(EXPECT).find((k) => b.name.startsWith(k)) ?? '']?.(t, r.stdout);
    });

  for (const b of live) await runBlock(b);
  t.equal(await server.stop('SIGTERM'), 0, 'the server drains and exits 0');
  for (const b of stopped) await runBlock(b);
});

EXPECT['export YINGCHA_BASE_URL='] = (t, out) => {
  t.match(out, /"status":"ready"/);
  t.match(out, /"departments":\[/, 'the departments list');
  t.match(out, /"verdict":"(prohibited|restricted)"/, 'the check finds the showcase record');
  t.match(out, /"legalBasis":"[^"]{10,}/, 'with its legal basis');
};
EXPECT['npx tsx sdk/examples/licensing.ts'] = (t, out) => {
  t.match(out, /decision: /);
  t.match(out, /apply .*〔\d{4}〕/, 'the example applies a measure');
};
EXPECT['node api/bin/yingcha.js import test/fixtures/import-gb18030.csv'] = (t, out) => {
  t.match(out, /"accepted": 2/);
  t.match(out, /"rejected": 0/);
};
EXPECT['node api/bin/yingcha.js screen test/fixtures/bidder-roll-200.csv'] = (t) => {
  t.equal(readFileSync(`${ROOT}筛查结果.xlsx`).subarray(0, 2).toString(), 'PK', 'an xlsx result file');
};
EXPECT['node api/bin/yingcha.js departments create'] = (t, out) => {
  t.match(out, /secret \(shown once\): yc_/, 'the key secret');
  t.match(out, /revoked [0-9a-f-]{36} at /, 'the revoke');
};
