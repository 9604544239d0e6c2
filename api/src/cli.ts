// yingcha <command>: serve, migrate, keys, departments, openapi. Exits non-zero on any failure.
import { parseArgs } from 'node:util';
import { buildApp } from './app.js';
import { IMPORT_USAGE, importCommand, isUsageError } from './cli-import.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/index.js';
import { CATEGORY_CODES, type Category, SCOPES, type Scope } from './domain/codes.js';
import { ApiError } from './errors.js';
import { SYSTEM_ACTOR } from './services/audit.js';
import { createDepartment, createKey, findDepartment, listDepartments, listKeys, revokeKey } from './services/keys.js';
import { verifyReceipts } from './services/receipts.js';
import { openConfigured, serve } from './server.js';

const USAGE = `usage: yingcha <command>
  serve                                  run the API (PORT, HOST, DATABASE_URL, YINGCHA_DATA_DIR …)
  migrate                                apply pending database migrations
  departments create --uscc U --name N --category C --region R
  departments list
  keys create --department ID|USCC --scopes check,publish[,review,admin] [--label L]
  keys list [--department ID|USCC]
  keys revoke KEY_ID
  receipts verify                        walk the check receipt chains; exit 2 on a broken link
  ${IMPORT_USAGE}
                                         stream a CSV/NDJSON file to a running server (YINGCHA_URL, YINGCHA_API_KEY);
                                         exit 0 all rows accepted, 2 some rejected, 1 error
  openapi                                print the OpenAPI document as JSON`;

function fail(message: string): never {
  process.stderr.write(`yingcha: ${message}\n`);
  process.exit(1);
}

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openConfigured>>) => Promise<T>): Promise<T> {
  const opened = await openConfigured(loadConfig());
  try {
    return await fn(opened);
  } finally {
    await opened.release();
  }
}

function parseScopes(raw: string | undefined): Scope[] {
  if (!raw) fail('--scopes is required, e.g. --scopes check,publish');
  const scopes = raw.split(',').map((s) => s.trim());
  for (const s of scopes) if (!SCOPES.includes(s as Scope)) fail(`unknown scope "${s}"; use ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

async function main(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(loadConfig());
      return;
    case 'migrate':
      await withDatabase(async () => {});
      process.stdout.write('migrations applied\n');
      return;
    case 'openapi': {
      const database = await openDatabase({});
      const app = await buildApp({ database, secret: 'x'.repeat(32) });
      const res = await app.inject({ method: 'GET', url: '/openapi.json' });
      process.stdout.write(JSON.stringify(res.json(), null, 2) + '\n');
      await app.close();
      await database.close();
      return;
    }
    case 'departments': {
      const { values } = parseArgs({
        args: rest,
        options: { uscc: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' }, region: { type: 'string' } },
      });
      await withDatabase(async ({ database }) => {
        if (sub === 'list') {
          for (const d of await listDepartments(database.db)) {
            process.stdout.write(`${d.departmentId}  ${d.uscc}  ${d.category}  ${d.region}  ${d.name}\n`);
          }
          return;
        }
        if (sub !== 'create') fail(USAGE);
        if (!values.uscc || !values.name || !values.category || !values.region) fail('departments create needs --uscc --name --category --region');
        if (!CATEGORY_CODES.includes(values.category as Category)) fail(`unknown category; use one of ${CATEGORY_CODES.join(', ')}`);
        if (!/^\d{6}$/.test(values.region)) fail('--region must be a 6-digit 行政区划代码');
        const d = await createDepartment(database.db, SYSTEM_ACTOR, {
          uscc: values.uscc,
          name: values.name,
          category: values.category as Category,
          region: values.region,
        });
        process.stdout.write(`${d.departmentId}\n`);
      });
      return;
    }
    case 'keys': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { department: { type: 'string' }, scopes: { type: 'string' }, label: { type: 'string' } },
      });
      await withDatabase(async ({ database }) => {
        const db = database.db;
        const dept = values.department ? await findDepartment(db, values.department) : null;
        if (values.department && !dept) fail(`no department ${values.department}`);
        if (sub === 'create') {
          if (!dept) fail('keys create needs --department ID|USCC');
          const key = await createKey(db, SYSTEM_ACTOR, { departmentId: dept.departmentId, scopes: parseScopes(values.scopes), label: values.label });
          process.stdout.write(`key ${key.keyId} for ${dept.name} [${key.scopes.join(',')}]\n`);
          process.stdout.write(`secret (shown once): ${key.secret}\n`);
        } else if (sub === 'list') {
          for (const k of await listKeys(db, dept?.departmentId)) {
            process.stdout.write(`${k.keyId}  ${k.hint}  ${k.scopes.join(',')}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.label ?? ''}\n`);
          }
        } else if (sub === 'revoke') {
          const id = positionals[0];
          if (!id) fail('keys revoke KEY_ID');
          const k = await revokeKey(db, SYSTEM_ACTOR, id);
          process.stdout.write(`revoked ${k.keyId} at ${k.revokedAt}\n`);
        } else fail(USAGE);
      });
      return;
    }
    case 'import': {
      try {
        process.exitCode = await importCommand(argv.slice(1));
      } catch (err) {
        if (isUsageError(err)) fail(err.message);
        throw err;
      }
      return;
    }
    case 'receipts': {
      if (sub !== 'verify') fail(USAGE);
      const report = await withDatabase(({ database }) => verifyReceipts(database.db));
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      if (!report.ok) process.exit(2);
      return;
    }
    default:
      fail(USAGE);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) fail(err.message);
  if (err instanceof ApiError) fail(`${err.code}: ${err.detail}`);
  fail(err instanceof Error ? err.message : String(err));
});
