// A throwaway PostgreSQL database for one bench run: created on BENCH_DATABASE_URL's server, dropped afterwards
// unless BENCH_KEEP is set.
import postgres from 'postgres';

export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createBenchDatabase(
  prefix: string,
  log: (line: string) => void,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}`;
  const admin = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  const drop = async () => {
    if (process.env.BENCH_KEEP) {
      log(`kept database ${name}`);
      return;
    }
    const a = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  };
  return { url: url.toString(), drop };
}
