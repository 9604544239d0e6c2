// `yingcha import FILE`: streams a file to POST /v1/imports of a running server, so the import goes through the
// same auth, validation and audit as any client's, on either engine. Progress goes to stderr, the result to stdout.
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';

const FORMATS = ['csv', 'ndjson', 'xlsx'];
const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const FORMAT_BY_EXTENSION: Record<string, string> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.xlsx': 'xlsx',
};
const MODES = ['all-or-nothing', 'accept-valid'];
const ENCODINGS = ['utf-8', 'gb18030', 'gbk'];
const REDRAW_MS = 200;
const LINE_MS = 5000;

export const IMPORT_USAGE =
  'import FILE [--format csv|ndjson|xlsx] [--mode all-or-nothing|accept-valid] [--encoding utf-8|gb18030|gbk] [--url http://127.0.0.1:3000] [--key yc_…]';

class UsageError extends Error {}

interface Progress {
  update(bytes: number): void;
  done(): void;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** A bar redrawn in place on a terminal; plain lines every few seconds when stderr is a file or a pipe. */
function progress(total: number, out: NodeJS.WriteStream): Progress {
  const started = Date.now();
  let last = 0;
  const line = (bytes: number) => {
    const secs = Math.max((Date.now() - started) / 1000, 0.001);
    const pct = total > 0 ? Math.min(100, (bytes / total) * 100) : 100;
    return {
      pct,
      text: `${pct.toFixed(1)}% ${mib(bytes)} / ${mib(total)}, ${mib(bytes / secs)}/s, ${secs.toFixed(0)} s`,
    };
  };
  return {
    update(bytes) {
      const now = Date.now();
      if (now - last < (out.isTTY ? REDRAW_MS : LINE_MS)) return;
      last = now;
      const { pct, text } = line(bytes);
      if (out.isTTY) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}  `);
      } else out.write(`import: sent ${text}\n`);
    },
    done() {
      const { text } = line(total);
      out.write(
        out.isTTY
          ? `\r[${'#'.repeat(30)}] ${text}; waiting for the server to finish…\n`
          : `import: sent ${text}; waiting for the server\n`,
      );
    },
  };
}

interface Answer {
  status: number;
  body: string;
}

function send(url: URL, headers: Record<string, string>, file: string, size: number, bar: Progress): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const source = createReadStream(file);
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(size) } },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          // An early answer leaves the rest of the file unsent: stop sending, or the open socket keeps us alive.
          source.destroy();
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    // A server that refuses early (a bad key, a file over the limit) answers and closes while the file is still being
    // sent; its answer is the news, not the broken pipe that follows.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        sent += chunk.length;
        bar.update(sent);
        cb(null, chunk);
      },
      flush(cb) {
        bar.done();
        cb();
      },
    });
    source.on('error', reject);
    source.pipe(counter).pipe(req);
  });
}

/** Exit code: 0 every row accepted, 2 some rows rejected, 1 any other failure. */
export async function importCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: Record<string, string | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        mode: { type: 'string' },
        encoding: { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`usage: yingcha ${IMPORT_USAGE}`);
  const format = values.format ?? FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
  if (!format || !FORMATS.includes(format))
    throw new UsageError('--format must be csv, ndjson or xlsx (or name the file .csv / .ndjson / .xlsx)');
  const mode = values.mode ?? 'all-or-nothing';
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}`);
  if (values.encoding && !ENCODINGS.includes(values.encoding.toLowerCase()))
    throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')}`);
  const { key, endpoint } = clientTarget(values, env, 'publish', (m) => new UsageError(m));
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    // Not a usage error: the command was right, the file is not there (exit 1).
    throw new Error(`cannot read ${file}`);
  }

  const url = endpoint('v1/imports');
  url.searchParams.set('format', format);
  url.searchParams.set('mode', mode);
  if (values.encoding) url.searchParams.set('encoding', values.encoding.toLowerCase());
  const started = Date.now();
  const answer = await send(
    url,
    { authorization: `Bearer ${key}`, 'content-type': CONTENT_TYPES[format]! },
    file,
    size,
    progress(size, process.stderr),
  );
  const seconds = (Date.now() - started) / 1000;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.body) as Record<string, unknown>;
  } catch {
    process.stderr.write(`yingcha: the server answered ${answer.status} with a body that is not JSON\n`);
    return 1;
  }
  process.stdout.write(JSON.stringify(body, null, 2) + '\n');
  const rows = Number(body.rowsRead ?? 0);
  process.stderr.write(
    `import: HTTP ${answer.status} in ${seconds.toFixed(1)} s, ${rows} rows (${Math.round(rows / Math.max(seconds, 0.001))} rows/s)\n`,
  );
  if (answer.status === 201) return Number(body.rejected ?? 0) > 0 ? 2 : 0;
  if (answer.status === 422 && body.code === 'IMPORT_REJECTED') return 2;
  return 1;
}

/**
 * The service's address for the command line, the same variable the SDK reads: YINGCHA_BASE_URL. YINGCHA_URL, its
 * old name, still works and says so once on stderr.
 */
/**
 * Where a client command sends and with which key: --key or YINGCHA_API_KEY, --url or the service URL variable.
 * Shared by `import` and `screen`; `usage` makes the command's own usage error (exit 2).
 */
export function clientTarget(
  values: { key?: string | undefined; url?: string | undefined },
  env: NodeJS.ProcessEnv,
  scope: string,
  usage: (message: string) => Error,
): { key: string; endpoint: (path: string) => URL } {
  const key = values.key ?? env.YINGCHA_API_KEY;
  if (!key) throw usage(`--key or YINGCHA_API_KEY is required (a key with scope ${scope})`);
  let base: URL;
  try {
    base = new URL(values.url ?? serviceUrl(env));
  } catch {
    throw usage('--url must be an http(s) URL such as http://127.0.0.1:3000');
  }
  const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
  return { key, endpoint: (path) => new URL(path, root) };
}

export function serviceUrl(
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): string {
  if (env.YINGCHA_BASE_URL) return env.YINGCHA_BASE_URL;
  if (env.YINGCHA_URL) {
    warn('yingcha: YINGCHA_URL is deprecated; set YINGCHA_BASE_URL (the name the SDK reads) instead');
    return env.YINGCHA_URL;
  }
  return 'http://127.0.0.1:3000';
}

export const isUsageError = (err: unknown): err is Error => err instanceof UsageError;
