import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, ensureEmbeddedSecret, loadConfig } from '../../api/src/config.js';

t.test('defaults on an empty environment: embedded PGlite', async (t) => {
  const c = loadConfig({});
  t.equal(c.port, 3000);
  t.equal(c.host, '127.0.0.1');
  t.equal(c.logLevel, 'info');
  t.equal(c.databaseUrl, undefined);
  t.ok(c.dataDir.endsWith('.yingcha'));
  t.equal(c.demo, true);
  t.equal(c.publicPagesPerMinute, 120, 'the public pages: 120 requests per address and minute');
  t.equal(loadConfig({ YINGCHA_RATE_PUBLIC_PAGES: '15' }).publicPagesPerMinute, 15);
  t.equal(c.batchConnections, 1, 'batches: one connection of the database');
  t.equal(loadConfig({ YINGCHA_BATCH_CONNECTIONS: '4' }).batchConnections, 4);
  t.same(
    { ...c.receipts, archiveDir: c.receipts.archiveDir.endsWith(join('.yingcha', 'receipt-archive')) },
    { aheadMonths: 2, keepMonths: undefined, archiveDir: true },
    'receipts: two months ahead, all kept, archives under the data dir',
  );
  const kept = loadConfig({
    YINGCHA_RECEIPT_RETENTION_MONTHS: '24',
    YINGCHA_RECEIPT_ARCHIVE_DIR: '/srv/archive',
    YINGCHA_RECEIPT_MONTHS_AHEAD: '3',
  }).receipts;
  t.same(kept, { aheadMonths: 3, keepMonths: 24, archiveDir: '/srv/archive' });
});

t.test('each bad value names its variable', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x@h/db', YINGCHA_SECRET: 'x'.repeat(32) }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://x@h/db' }, 'YINGCHA_SECRET'],
    [{ YINGCHA_SECRET: 'short' }, 'YINGCHA_SECRET'],
    [{ YINGCHA_BOOTSTRAP_KEY: 'has spaces in it and is long enough' }, 'YINGCHA_BOOTSTRAP_KEY'],
    [{ YINGCHA_BOOTSTRAP_KEY: 'short' }, 'YINGCHA_BOOTSTRAP_KEY'],
    [{ YINGCHA_BODY_LIMIT: '-1' }, 'YINGCHA_BODY_LIMIT'],
    [{ YINGCHA_DEMO: 'maybe' }, 'YINGCHA_DEMO'],
    [{ YINGCHA_RATE_PUBLIC_PAGES: '0' }, 'YINGCHA_RATE_PUBLIC_PAGES'],
    [{ YINGCHA_RATE_PUBLIC_PAGES: 'lots' }, 'YINGCHA_RATE_PUBLIC_PAGES'],
    [{ YINGCHA_RECEIPT_RETENTION_MONTHS: '0' }, 'YINGCHA_RECEIPT_RETENTION_MONTHS'],
    [{ YINGCHA_RECEIPT_RETENTION_MONTHS: 'a year' }, 'YINGCHA_RECEIPT_RETENTION_MONTHS'],
    [{ YINGCHA_RECEIPT_MONTHS_AHEAD: '0' }, 'YINGCHA_RECEIPT_MONTHS_AHEAD'],
    [{ YINGCHA_BATCH_CONNECTIONS: '0' }, 'YINGCHA_BATCH_CONNECTIONS'],
  ];
  for (const [env, variable] of cases) {
    try {
      loadConfig(env);
      t.fail(`accepted ${JSON.stringify(env)}`);
    } catch (err) {
      t.ok(err instanceof ConfigError, JSON.stringify(env));
      t.equal((err as ConfigError).variable, variable);
      t.ok((err as Error).message.startsWith(`${variable}: `));
      t.notOk((err as Error).message.includes('\n'), 'one line');
    }
  }
});

t.test('PostgreSQL mode takes the URL and the secret', async (t) => {
  const c = loadConfig({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
    YINGCHA_SECRET: 's'.repeat(40),
    PORT: '8080',
  });
  t.equal(c.databaseUrl, 'postgres://postgres@127.0.0.1:5432/x');
  t.equal(c.port, 8080);
  t.equal(c.demo, false);
});

t.test('embedded secret is generated once and kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'yc-config-'));
  const c = loadConfig({ YINGCHA_DATA_DIR: dir });
  const first = ensureEmbeddedSecret(c);
  t.ok(first.length >= 32);
  t.equal(ensureEmbeddedSecret(c), first, 'same secret on the next start');
  t.equal(readFileSync(join(dir, 'secret'), 'utf8').trim(), first);
  t.equal(statSync(join(dir, 'secret')).mode & 0o777, 0o600, 'readable by the owner only');
  t.equal(ensureEmbeddedSecret({ ...c, secret: 'given'.repeat(8) }), 'given'.repeat(8), 'env wins');
});
