// The type test: tsc compiles a snippet that misspells a field and must fail naming that field, while the same
// snippet spelled right compiles clean (so the failure is the misspelling, not the setup).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const SDK = join(ROOT, 'sdk/src/index.js');

const snippet = (subjectField: string, resultField: string) => `import { Yingcha } from ${JSON.stringify(SDK)};
const client = new Yingcha({ apiKey: 'yc_x' });
const check = await client.checks.create({ subject: { ${subjectField}: '91230400MA1B2C3D4Q' }, matter: { type: 'government_procurement', reference: 'R-1' } });
export const id: string = check.${resultField};
`;

t.test('a wrong field name fails to compile, and names the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'yc-sdk-types-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'right.ts'), snippet('uscc', 'checkId'));
  writeFileSync(join(dir, 'wrong.ts'), snippet('usc', 'checkID'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.base.json'),
      compilerOptions: { noEmit: true, typeRoots: [join(ROOT, 'node_modules/@types')] },
      files: ['right.ts', 'wrong.ts'],
    }),
  );
  const r = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = r.stdout + r.stderr;
  t.equal(r.status, 2, 'tsc fails');
  if (r.status !== 2) t.comment(out);
  const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
  t.ok(errors.length >= 2, `${errors.length} errors`);
  t.ok(
    errors.every((l) => l.startsWith('wrong.ts')),
    `only the misspelt file fails:\n${errors.join('\n')}`,
  );
  t.ok(
    errors.some((l) => /error TS(2353|2561)/.test(l) && /'usc'/.test(l)),
    'the unknown request field is named',
  );
  t.ok(
    errors.some((l) => /error TS2551/.test(l) && /'checkID'/.test(l) && /'checkId'/.test(l)),
    'the unknown response field is named, with the right one suggested',
  );
});
