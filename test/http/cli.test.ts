// The command line behaves like one: help to stdout with exit 0 (globally and per command), --version, wrong usage
// → exit 2 with the usage on stderr, and one variable for the service's address (YINGCHA_BASE_URL, as in the SDK;
// the old YINGCHA_URL still works with a deprecation line).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isolatedEnv, run } from '../helpers/process.js';

const version = (
  JSON.parse(readFileSync(new URL('../../api/package.json', import.meta.url), 'utf8')) as { version: string }
).version;

t.test('help and version go to stdout with exit 0', async (t) => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await run(args, {});
    t.equal(r.code, 0, args.join(' '));
    t.match(r.stdout, /^usage: yingcha <command>/);
    for (const command of ['serve', 'migrate', 'departments', 'keys', 'receipts verify', 'import FILE', 'openapi'])
      t.match(r.stdout, `  ${command}`);
    t.equal(r.stderr, '');
  }
  for (const args of [
    ['import', '--help'],
    ['help', 'import'],
    ['import', '-h'],
  ]) {
    const r = await run(args, {});
    t.equal(r.code, 0, args.join(' '));
    t.match(r.stdout, /^usage: yingcha import FILE/);
    t.match(r.stdout, /YINGCHA_BASE_URL/);
    t.equal(r.stderr, '');
  }
  const keys = await run(['keys', '--help'], {});
  t.equal(keys.code, 0);
  t.match(keys.stdout, /yingcha keys create --department/);
  t.match(keys.stdout, /yingcha keys revoke KEY_ID/);
  const v = await run(['--version'], {});
  t.equal(v.code, 0);
  t.equal(v.stdout, `yingcha ${version}\n`);
});

t.test('wrong usage exits 2 with the usage on stderr', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^usage: yingcha <command>/m],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['serve', '--port', '1'], /yingcha serve: Unknown option '--port'/],
    [['keys', 'create', '--departement', 'x'], /Unknown option '--departement'/],
    [['keys'], /which one: create, list, revoke/],
    [['keys', 'rotate'], /unknown subcommand "rotate"/],
    [['departments', 'create', '--uscc', 'x'], /needs --uscc --name --category --region/],
    [['import'], /usage: yingcha import FILE/],
    [['import', 'a.csv', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, pattern] of cases) {
    const r = await run(args, {});
    t.equal(r.code, 2, `yingcha ${args.join(' ')}`);
    t.match(r.stderr, pattern);
    t.match(r.stderr, /usage: yingcha/);
    t.equal(r.stdout, '');
  }
});

t.test('a command that runs: departments list on a fresh database', async (t) => {
  const env = await isolatedEnv(t, 'empty');
  const r = await run(['departments', 'list'], env, 120_000);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, '', 'a fresh database has no department yet');
});

t.test('YINGCHA_BASE_URL names the server; YINGCHA_URL still works, with a deprecation line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'yc-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'rows.csv');
  writeFileSync(file, 'list,kind,uscc,name\n');
  // Port 9 (discard) on loopback is closed here: the command fails to connect, after reading the variable.
  const closed = 'http://127.0.0.1:9';
  const current = await run(['import', file], {
    YINGCHA_BASE_URL: closed,
    YINGCHA_API_KEY: 'yc_test_key_000000000000000',
  });
  t.equal(current.code, 1);
  t.match(current.stderr, /ECONNREFUSED|connect/);
  t.notMatch(current.stderr, /deprecated/);
  const old = await run(['import', file], { YINGCHA_URL: closed, YINGCHA_API_KEY: 'yc_test_key_000000000000000' });
  t.equal(old.code, 1);
  t.match(old.stderr, /YINGCHA_URL is deprecated; set YINGCHA_BASE_URL/);
  t.match(old.stderr, /ECONNREFUSED|connect/);
});
