// The real server (api/bin/yingcha.js serve) as a child process for a bench, resolved once it listens.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

// BENCH_SERVER_BIN: another build of the server (e.g. a worktree of an older commit), to compare on the same data.
export const BIN = process.env.BENCH_SERVER_BIN ?? fileURLToPath(new URL('../../api/bin/yingcha.js', import.meta.url));

/** The environment every bench's server starts from: loopback, any free port, quiet logs, plus `extra`. */
export function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export async function startServer(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ url: string; server: ChildProcessByStdio<null, Readable, null> }> {
  const server = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { url, server };
}
