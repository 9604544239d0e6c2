// The checked-in spec lints clean with Redocly's recommended rules, and it says what the API does: no trailing
// slashes, servers and a license, an example of the right status for every problem response, a 404 wherever a path
// names a resource. (test/unit/generated.test.ts keeps the file equal to what the routes generate.)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../..', import.meta.url));
const specFile = `${root}openapi/openapi.json`;

interface Media {
  examples?: Record<string, { value: { status: number; code: string } }>;
}
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, Media> }>;
}

t.test('redocly lint (recommended) finds no error and no warning', async (t) => {
  const r = spawnSync(`${root}node_modules/.bin/redocly`, ['lint', specFile, '--format=json'], {
    encoding: 'utf8',
    timeout: 120_000,
    // No telemetry and no update check: the test stays on this machine.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  t.equal(r.error, undefined, 'redocly runs');
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
    totals: { errors: number; warnings: number };
    problems: Array<{ ruleId: string; message: string }>;
  };
  t.same(
    report.problems.map((p) => `${p.ruleId}: ${p.message}`),
    [],
    'no problems',
  );
  t.equal(report.totals.errors, 0);
  t.equal(report.totals.warnings, 0);
  t.equal(r.status, 0);
});

t.test('the spec documents paths, servers, license and problem responses truthfully', async (t) => {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as {
    servers?: unknown[];
    info: { license?: { name: string } };
    paths: Record<string, Record<string, Operation>>;
  };
  t.ok(spec.servers?.length, 'servers');
  t.ok(spec.info.license?.name, 'license');
  const paths = Object.keys(spec.paths);
  t.same(
    paths.filter((p) => p.length > 1 && p.endsWith('/')),
    [],
    'no path ends in a slash',
  );
  t.ok(paths.includes('/v1/checks'));
  let problems = 0;
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [status, res] of Object.entries(op.responses)) {
        const examples = res.content?.['application/problem+json']?.examples;
        if (!examples) continue;
        for (const [name, ex] of Object.entries(examples)) {
          problems++;
          const s = ex.value.status;
          const fits = /^\dXX$/i.test(status) ? Math.floor(s / 100) === Number(status[0]) : s === Number(status);
          if (!fits) t.fail(`${method} ${path} ${status}: example ${name} has status ${s}`);
          t.equal(ex.value.code, name, `${method} ${path} ${status}: example named after its code`);
        }
      }
      if (path.includes('{')) t.ok(op.responses['404'], `${method} ${path} documents 404`);
      t.ok(op.responses['5XX'], `${method} ${path} documents 5XX`);
    }
  }
  t.ok(problems > 100, 'problem examples were checked');
});
