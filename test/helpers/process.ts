// Runs the real command line (api/bin/yingcha.js, built by `pnpm build`) as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPostgresUrl, migratedInstance } from './db.js';

export const BIN = fileURLToPath(new URL('../../api/bin/yingcha.js', import.meta.url));

interface TestLike {
  teardown(fn: () => unknown): void;
}

/**
 * Environment for one isolated instance: its own PGlite directory, or its own PostgreSQL database. `empty` gives it
 * nothing, so its first command creates the database and runs every migration (about 5 s on PGlite), as an
 * operator's first start does; `migrated` gives it the run's migrated template, for tests about anything after that.
 */
export async function isolatedEnv(t: TestLike, start: 'empty' | 'migrated'): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'yc-proc-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const url = start === 'empty' ? await freshPostgresUrl(t) : await migratedInstance(t, join(dir, 'pgdata'));
  const env: Record<string, string> = { YINGCHA_DATA_DIR: dir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' };
  if (url) Object.assign(env, { DATABASE_URL: url, YINGCHA_SECRET: 'process-test-secret-0123456789abcdef' });
  return env;
}

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...clean, ...env };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`yingcha ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** everything printed so far */
  output(): string;
  /** resolves when `pattern` shows up in stdout, rejects after the deadline */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** signal and wait for the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

// An embedded start (PGlite in WASM, every migration, the seed catalogue) took 54 s at load 22 on two cores.
export function serve(t: TestLike, env: Record<string, string>, timeoutMs = 120_000): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve'], { env: baseEnv(env) });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const waitFor = (pattern: RegExp, ms = timeoutMs) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`timed out waiting for ${pattern}; stdout:\n${out}\nstderr:\n${err}`)),
        ms,
      );
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          clearTimeout(deadline);
          resolve(m);
        } else if (child.exitCode !== null) {
          clearTimeout(deadline);
          reject(new Error(`server exited ${child.exitCode}; stdout:\n${out}\nstderr:\n${err}`));
        } else waiters.push(check);
      };
      child.once('exit', () => waiters.forEach((w) => w()));
      check();
    });

  return waitFor(/listening on (http:\/\/[^\s]+)/).then((m) => ({
    url: m[1]!,
    child,
    output: () => out,
    waitFor,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  }));
}
