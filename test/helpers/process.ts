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

/**
 * What to spawn so that `argv` runs with exactly `env`, as an operator's shell would run it. tap puts its process-info
 * hooks (@tapjs/processinfo, for coverage) into every process a test spawns, through NODE_OPTIONS, whatever env the
 * test passes; they route each module the child loads through a loader thread and added about 0.6 s to every yingcha
 * start here. `env -i` starts the command with the given variables and no others, and replaces itself with it (the
 * same pid, so signals sent to the child reach the command).
 */
export function bare(argv: string[], env: NodeJS.ProcessEnv): [string, string[]] {
  const pairs = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
  return ['env', ['-i', ...pairs, ...argv]];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(...bare([process.execPath, BIN, ...args], baseEnv(env)));
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
  const child = spawn(...bare([process.execPath, BIN, 'serve'], baseEnv(env)));
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
