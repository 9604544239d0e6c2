// yingcha <command>: one entry per command in COMMANDS (its usage lines, a summary, and run()); help, --version and
// argument errors are handled here once for all of them. Exit codes: 0 done, 1 failed, 2 wrong usage (the usage is
// printed to stderr). A command may define other non-zero codes (import: 2 when rows were rejected).
//
// The service's own modules (Fastify, the database drivers, the services) are imported by the commands that use them,
// when they run: help, --version, wrong usage and the client commands (import, screen) answer without loading them,
// in about a tenth of the time.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IMPORT_USAGE, importCommand, isUsageError } from './cli-import.js';
import { SCREEN_USAGE, ScreenUsageError, screenCommand } from './cli-screen.js';
import { ConfigError, loadConfig } from './config.js';
import { CATEGORY_CODES, type Category, SCOPES, type Scope } from './domain/codes.js';
import { ApiError } from './errors.js';
import type { Opened } from './instance.js';

/** A wrong invocation: exit 2 with the command's usage. */
class UsageError extends Error {}

interface Command {
  /** usage lines after `yingcha `, one per form */
  usage: string[];
  summary: string;
  /** more lines for `yingcha help <command>` (environment, exit codes) */
  details?: string[];
  run(args: string[]): Promise<void>;
}

export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The command's work on the configured database (opened, migrated and seeded as by `serve`), then released. */
async function withDatabase<T>(fn: (opened: Opened) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { openConfigured } = await import('./instance.js');
  const opened = await openConfigured(config);
  try {
    return await fn(opened);
  } finally {
    await opened.release();
  }
}

/** What the department and key commands use. */
async function keyService() {
  const [keys, audit, paging] = await Promise.all([
    import('./services/keys.js'),
    import('./services/audit.js'),
    import('./services/paging.js'),
  ]);
  return { ...keys, SYSTEM_ACTOR: audit.SYSTEM_ACTOR, everyRow: paging.everyRow };
}

/** node:util parseArgs, strict, with its complaints turned into usage errors. */
function args<O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(
  argv: string[],
  options: O,
  positionals = 0,
) {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals)
      throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message);
  }
}

function parseScopes(raw: string | undefined): Scope[] {
  if (!raw) throw new UsageError('--scopes is required, e.g. --scopes check,publish');
  const scopes = raw.split(',').map((s) => s.trim());
  for (const s of scopes)
    if (!SCOPES.includes(s as Scope)) throw new UsageError(`unknown scope "${s}"; use ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

const out = (line: string) => process.stdout.write(line + '\n');

/** Subcommands of one command (departments create|list …): the first argument picks one. */
function subcommands(subs: Record<string, (args: string[]) => Promise<void>>) {
  return async (argv: string[]) => {
    const [sub, ...rest] = argv;
    const run = sub === undefined ? undefined : subs[sub];
    if (!run)
      throw new UsageError(
        sub === undefined ? `which one: ${Object.keys(subs).join(', ')}?` : `unknown subcommand "${sub}"`,
      );
    await run(rest);
  };
}

const COMMANDS: Record<string, Command> = {
  serve: {
    usage: ['serve'],
    summary: 'run the API',
    details: [
      'Configuration comes from the environment: PORT, HOST, DATABASE_URL (none: embedded PGlite in YINGCHA_DATA_DIR),',
      'YINGCHA_SECRET, YINGCHA_METRICS, YINGCHA_METRICS_PORT, LOG_LEVEL … (see .env.example). SIGTERM drains and exits 0.',
    ],
    async run(argv) {
      args(argv, {});
      const config = loadConfig();
      const { serve } = await import('./server.js');
      await serve(config);
    },
  },
  migrate: {
    usage: ['migrate'],
    summary: 'apply pending database migrations',
    async run(argv) {
      args(argv, {});
      await withDatabase(async () => {});
      out('migrations applied');
    },
  },
  departments: {
    usage: ['departments create --uscc U --name N --category C --region R', 'departments list'],
    summary: 'create or list departments',
    details: [`categories: ${CATEGORY_CODES.join(', ')}`],
    run: subcommands({
      async create(argv) {
        const { values } = args(argv, {
          uscc: { type: 'string' },
          name: { type: 'string' },
          category: { type: 'string' },
          region: { type: 'string' },
        });
        if (!values.uscc || !values.name || !values.category || !values.region)
          throw new UsageError('departments create needs --uscc --name --category --region');
        if (!CATEGORY_CODES.includes(values.category as Category))
          throw new UsageError(`unknown category; use one of ${CATEGORY_CODES.join(', ')}`);
        if (!/^\d{6}$/.test(values.region)) throw new UsageError('--region must be a 6-digit 行政区划代码');
        const input = {
          uscc: values.uscc,
          name: values.name,
          category: values.category as Category,
          region: values.region,
        };
        const { createDepartment, SYSTEM_ACTOR } = await keyService();
        const d = await withDatabase(({ database }) => createDepartment(database.db, SYSTEM_ACTOR, input));
        out(d.departmentId);
      },
      async list(argv) {
        args(argv, {});
        const { everyRow, listDepartments } = await keyService();
        await withDatabase(async ({ database }) => {
          for await (const d of everyRow((after) => listDepartments(database.db, { limit: 500, after })))
            out(`${d.departmentId}  ${d.uscc}  ${d.category}  ${d.region}  ${d.name}`);
        });
      },
    }),
  },
  keys: {
    usage: [
      'keys create --department ID|USCC --scopes check,publish[,review,admin] [--label L]',
      'keys list [--department ID|USCC]',
      'keys revoke KEY_ID',
    ],
    summary: 'create, list or revoke API keys (the secret is printed once)',
    run: subcommands({
      async create(argv) {
        const { values } = args(argv, {
          department: { type: 'string' },
          scopes: { type: 'string' },
          label: { type: 'string' },
        });
        if (!values.department) throw new UsageError('keys create needs --department ID|USCC');
        const scopes = parseScopes(values.scopes);
        const { createKey, findDepartment, SYSTEM_ACTOR } = await keyService();
        await withDatabase(async ({ database }) => {
          const dept = await findDepartment(database.db, values.department!);
          if (!dept) throw new Error(`no department ${values.department}`);
          const key = await createKey(database.db, SYSTEM_ACTOR, {
            departmentId: dept.departmentId,
            scopes,
            label: values.label,
          });
          out(`key ${key.keyId} for ${dept.name} [${key.scopes.join(',')}]`);
          out(`secret (shown once): ${key.secret}`);
        });
      },
      async list(argv) {
        const { values } = args(argv, { department: { type: 'string' } });
        const { everyRow, findDepartment, listKeys } = await keyService();
        await withDatabase(async ({ database }) => {
          const dept = values.department ? await findDepartment(database.db, values.department) : null;
          if (values.department && !dept) throw new Error(`no department ${values.department}`);
          for await (const k of everyRow((after) =>
            listKeys(database.db, { departmentId: dept?.departmentId, limit: 500, after }),
          )) {
            out(
              `${k.keyId}  ${k.hint}  ${k.scopes.join(',')}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.label ?? ''}`,
            );
          }
        });
      },
      async revoke(argv) {
        const { positionals } = args(argv, {}, 1);
        const id = positionals[0];
        if (!id) throw new UsageError('keys revoke needs KEY_ID');
        const { revokeKey, SYSTEM_ACTOR } = await keyService();
        const k = await withDatabase(({ database }) => revokeKey(database.db, SYSTEM_ACTOR, id));
        out(`revoked ${k.keyId} at ${k.revokedAt}`);
      },
    }),
  },
  receipts: {
    usage: [
      'receipts verify',
      'receipts verify --archive FILE [--archive FILE…]',
      'receipts archive [--keep MONTHS] [--dir DIR]',
    ],
    summary: 'walk the check receipt chains, verify archived months, archive old months',
    details: [
      'verify: the chains in the database, from genesis or from where the archived months end.',
      'verify --archive: archive files only (no database), in the order given, each chain linked across them.',
      'archive: months older than the newest MONTHS (default YINGCHA_RECEIPT_RETENTION_MONTHS) are written to DIR',
      '(default YINGCHA_RECEIPT_ARCHIVE_DIR) as receipts-YYYY-MM.ndjson, verified, and dropped from the database.',
      'Exit 0 when everything verifies, 3 on a broken link (the report on stdout names it), 1 on an error.',
    ],
    run: subcommands({
      async verify(argv) {
        const { values } = args(argv, { archive: { type: 'string', multiple: true } });
        const files = values.archive ?? [];
        const { verifyArchiveFiles, verifyReceipts } = await import('./services/receipt-verify.js');
        const report =
          files.length > 0
            ? await verifyArchiveFiles(files)
            : await withDatabase(({ database }) => verifyReceipts(database.db));
        out(JSON.stringify(report, null, 2));
        if (!report.ok) process.exitCode = 3;
      },
      async archive(argv) {
        const { values } = args(argv, { keep: { type: 'string' }, dir: { type: 'string' } });
        const config = loadConfig();
        const keep = values.keep === undefined ? config.receipts.keepMonths : Number(values.keep);
        if (keep === undefined || !Number.isInteger(keep) || keep < 1) {
          throw new UsageError(
            'say how many months to keep: --keep MONTHS (at least 1) or YINGCHA_RECEIPT_RETENTION_MONTHS',
          );
        }
        const dir = values.dir ?? config.receipts.archiveDir;
        const { archiveOldMonths } = await import('./services/partitions.js');
        const done = await withDatabase(({ database }) =>
          archiveOldMonths(database.db, { now: new Date(), keep, dir }),
        );
        out(JSON.stringify({ archived: done.map(({ chains: _c, ...a }) => a) }, null, 2));
      },
    }),
  },
  import: {
    usage: [IMPORT_USAGE],
    summary: 'stream a CSV, NDJSON or XLSX file to a running server',
    details: [
      'The server is --url, else YINGCHA_BASE_URL, else http://127.0.0.1:3000; the key is --key, else YINGCHA_API_KEY',
      '(scope publish). Exit 0 when every row was accepted, 2 when some were rejected, 1 on an error.',
    ],
    async run(argv) {
      try {
        process.exitCode = await importCommand(argv);
      } catch (err) {
        if (isUsageError(err)) throw new UsageError(err.message);
        throw err;
      }
    },
  },
  screen: {
    usage: [SCREEN_USAGE],
    summary: 'screen a bidder roll through a running server and write the result file',
    details: [
      'Every bidder is checked (one receipt each) as by POST /v1/checks/batch; the result has a row per bidder with',
      'verdict, lists, measures with 文号, check id and receipt hash (.xlsx adds a summary sheet; .csv is UTF-8 with BOM).',
      'Server and key as for import (scope check). Exit 0 when the result was written, 1 on an error.',
    ],
    async run(argv) {
      try {
        process.exitCode = await screenCommand(argv);
      } catch (err) {
        if (err instanceof ScreenUsageError) throw new UsageError(err.message);
        throw err;
      }
    },
  },
  openapi: {
    usage: ['openapi'],
    summary: 'print the OpenAPI document as JSON',
    async run(argv) {
      args(argv, {});
      const [{ buildApp }, { openDatabase }] = await Promise.all([import('./app.js'), import('./db/index.js')]);
      const database = await openDatabase({});
      const app = await buildApp({ database, secret: 'x'.repeat(32) });
      const res = await app.inject({ method: 'GET', url: '/openapi.json' });
      out(JSON.stringify(res.json(), null, 2));
      await app.close();
      await database.close();
    },
  },
};

function usage(): string {
  const lines = ['usage: yingcha <command> [options]', '', 'commands:'];
  for (const c of Object.values(COMMANDS)) {
    lines.push(`  ${c.usage[0]}`);
    for (const u of c.usage.slice(1)) lines.push(`  ${u}`);
    lines.push(`      ${c.summary}`);
  }
  lines.push('', 'yingcha help <command>   more about one command', 'yingcha --version        print the version');
  return lines.join('\n');
}

function commandHelp(name: string, c: Command): string {
  return [
    `usage: ${c.usage.map((u, i) => (i === 0 ? `yingcha ${u}` : `       yingcha ${u}`)).join('\n')}`,
    '',
    c.summary,
    ...(c.details ? ['', ...c.details] : []),
  ].join('\n');
}

const HELP = new Set(['--help', '-h']);

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || HELP.has(name) || (name === 'help' && rest.length === 0)) {
    if (name === undefined) {
      process.stderr.write(usage() + '\n');
      process.exitCode = 2;
    } else out(usage());
    return;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    out(`yingcha ${VERSION}`);
    return;
  }
  const helpFor = name === 'help' ? rest[0]! : rest.some((a) => HELP.has(a)) ? name : undefined;
  const command = COMMANDS[helpFor ?? name];
  if (!command) {
    process.stderr.write(`yingcha: unknown command "${helpFor ?? name}"\n\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  if (helpFor) {
    out(commandHelp(helpFor, command));
    return;
  }
  try {
    await command.run(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`yingcha ${name}: ${err.message}\n\n${commandHelp(name, command)}\n`);
    process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message =
    err instanceof ConfigError
      ? err.message
      : err instanceof ApiError
        ? `${err.code}: ${err.detail}`
        : err instanceof Error
          ? err.message
          : String(err);
  process.stderr.write(`yingcha: ${message}\n`);
  process.exit(1);
});
