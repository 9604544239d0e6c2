// The configured instance's database, opened the way every process of the instance opens it: the PGlite data
// directory locked to this process (or the PostgreSQL pool), migrations applied, the release's seed catalogue synced.
// `serve` and the command-line tools that work on the database both start here; this module does not load the HTTP
// side (Fastify and the routes), so a command such as `yingcha keys list` starts without it.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ensureEmbeddedSecret } from './config.js';
import { type Database, openDatabase } from './db/index.js';
import { migrateDatabase } from './db/migrate.js';
import { type SeedSyncResult, syncSeedCatalog } from './services/catalog-seed.js';

/**
 * PGlite is a single-process database: a second process on the same directory would corrupt it. A lock file with
 * our pid turns that into a clear error; a lock left by a dead process is taken over.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'yingcha.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8'));
      let alive = false;
      try {
        if (pid > 0 && pid !== process.pid) {
          process.kill(pid, 0);
          alive = true;
        }
      } catch {
        alive = false;
      }
      if (alive)
        throw new Error(`the data directory ${dir} is in use by process ${pid}; stop it or set YINGCHA_DATA_DIR`, {
          cause: err,
        });
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}

export interface Opened {
  database: Database;
  secret: string;
  /** what the seed catalogue sync did on this start */
  catalog: SeedSyncResult;
  release: () => Promise<void>;
}

/** Migrations, then the release's seed catalogue: both must be in place before anything reads the database. */
async function prepare(database: Database): Promise<SeedSyncResult> {
  try {
    await migrateDatabase(database);
    return await syncSeedCatalog(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Opens, migrates and seeds the configured database. Used by `serve` and by the command-line tools alike. */
export async function openConfigured(config: Config): Promise<Opened> {
  if (config.databaseUrl) {
    const database = await openDatabase({
      url: config.databaseUrl,
      statementTimeoutMs: config.statementTimeoutMs,
      idleInTransactionTimeoutMs: config.idleInTransactionTimeoutMs,
      batchMax: config.batchConnections,
    });
    const catalog = await prepare(database);
    return { database, secret: config.secret!, catalog, release: () => database.close() };
  }
  const unlock = lockDataDir(config.dataDir);
  try {
    const secret = ensureEmbeddedSecret(config);
    const database = await openDatabase({ dataDir: join(config.dataDir, 'pgdata') });
    const catalog = await prepare(database);
    return {
      database,
      secret,
      catalog,
      release: async () => {
        await database.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
