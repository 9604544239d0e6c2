// The package as published: ESM with types, Node ≥ 20.18, undici its only dependency, nothing from api/, and the
// entry named in `exports` present after `pnpm build` (which the README's first command runs).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import t from 'tap';
import { USER_AGENT, VERSION } from '../../sdk/src/index.js';

const SDK = fileURLToPath(new URL('../../sdk/', import.meta.url));
const pkg = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  type: string;
  engines: { node: string };
  exports: { '.': { types: string; import: string } };
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

t.test('package.json', async (t) => {
  t.equal(pkg.name, '@yingcha/sdk');
  t.equal(pkg.type, 'module');
  t.equal(pkg.engines.node, '>=20.18');
  t.match(pkg.exports['.'], { types: /^\.\/dist\/.+\.d\.ts$/, import: /^\.\/dist\/.+\.js$/ });
  t.same(Object.keys(pkg.dependencies), ['undici']);
  t.match(pkg.dependencies.undici, /^7\./, 'undici 7: undici 8 needs Node 22');
  const all = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
  t.notOk('@yingcha/api' in all, 'no dependency on the API package');
  t.equal(VERSION, pkg.version, 'version.ts follows package.json');
  t.equal(USER_AGENT, `yingcha-sdk/${pkg.version} node/${process.versions.node}`);
});

t.test('no source file reaches into api/', async (t) => {
  const files = sources(join(SDK, 'src'));
  t.ok(files.length > 5);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const imports = [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g)].map(
      (m) => m[1] ?? m[2]!,
    );
    const outside = imports.filter(
      (i) =>
        i.includes('/api/') ||
        i.startsWith('@yingcha/api') ||
        (i.startsWith('.') && i.split('/').filter((s) => s === '..').length > 1),
    );
    t.same(outside, [], f.slice(SDK.length));
  }
});

t.test('the exported entry exists after the build and works as ESM', async (t) => {
  const entry = join(SDK, pkg.exports['.'].import);
  const types = join(SDK, pkg.exports['.'].types);
  t.ok(existsSync(entry), `${entry} exists (run \`pnpm build\`)`);
  t.ok(existsSync(types), `${types} exists`);
  t.ok(existsSync(join(SDK, 'dist/schema.d.ts')), 'the generated types ship next to index.d.ts, which imports them');
  const mod = (await import(pathToFileURL(entry).href)) as typeof import('../../sdk/src/index.js');
  t.type(mod.Yingcha, 'function');
  t.type(mod.verifyWebhook, 'function');
  t.type(mod.mustCheck, 'function');
  t.equal(mod.VERSION, pkg.version);
  const client = new mod.Yingcha({ baseUrl: 'http://127.0.0.1:1', apiKey: 'yc_x' });
  t.equal(typeof client.checks.create, 'function');
});
