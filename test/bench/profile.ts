// Summarises a V8 CPU profile (node --cpu-prof) by layer: where the server's time went. Self time of every sampled
// function, grouped by the package or source folder it belongs to (native code charged to its JavaScript caller),
// plus the top functions.
//
//   BENCH_ONLY=exact BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" pnpm bench
//   tsx test/bench/profile.ts /tmp/prof/CPU.*.cpuprofile [requests served]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const FASTIFY =
  /\/(fastify|@fastify\/[^/]+|find-my-way|fast-json-stringify|fast-uri|avvio|light-my-request|ajv[^/]*|typebox|@sinclair[^/]*|pino[^/]*|sonic-boom|fast-redact|json-schema-ref-resolver|secure-json-parse|fast-querystring|toad-cache|abstract-logging|process-warning|rfdc|safe-stable-stringify|content-type|proxy-addr|forwarded|ipaddr\.js|fastq|reusify|thread-stream|on-exit-leak-free|real-require|quick-format-unescaped|atomic-sleep|@fastify)@/;

export function layerOf(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8/native (program)';
  if (url === '') return 'V8 builtins / native';
  if (url.startsWith('node:')) return 'Node core (net, http, streams, crypto)';
  if (url.includes('/node_modules/')) {
    if (url.includes('/postgres@')) return 'postgres.js driver';
    if (url.includes('/@electric-sql/pglite@')) return 'PGlite (WASM PostgreSQL)';
    if (url.includes('/drizzle-orm@')) return 'drizzle-orm';
    if (url.includes('/prom-client@') || url.includes('/tdigest@') || url.includes('/bintrees@'))
      return 'metrics (prom-client)';
    if (url.includes('/ioredis@') || url.includes('/@fastify/rate-limit@')) return 'rate limiting';
    if (FASTIFY.test(url)) return 'Fastify (routing, validation, serialisation, logging)';
    const m = /node_modules\/(?:\.pnpm\/)?((?:@[^/]+\/)?[^/@]+)/.exec(url);
    return `other package: ${m?.[1] ?? url}`;
  }
  const m = /\/api\/(?:dist|src)\/([^/]+)(?:\/([^/.]+))?/.exec(url);
  if (m) {
    if (m[1] === 'services') return `Yingcha services/${m[2]}`;
    if (m[1] === 'domain') return `Yingcha domain/${m[2]}`;
    return `Yingcha ${m[1]}`;
  }
  return `other: ${url}`;
}

export function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const layers = new Map<string, number>();
  const fns = new Map<string, { layer: string; us: number }>();
  let busy = 0;
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Native code (a builtin, JSON.parse, a regex, hashing) is charged to the nearest JavaScript frame that called it.
  const layerWithNative = (node: Node): string => {
    const own = layerOf(node);
    if (own !== 'V8 builtins / native') return own;
    for (let p = parent.get(node.id); p !== undefined; p = parent.get(p)) {
      const up = byId.get(p)!;
      if (up.callFrame.url !== '') return layerOf(up);
    }
    return own;
  };
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const layer = layerWithNative(node);
    layers.set(layer, (layers.get(layer) ?? 0) + us);
    if (layer !== 'idle') busy += us;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\/(\.pnpm\/)?/, '').replace(/^file:\/\/.*\/api\//, 'api/')}:${f.lineNumber + 1}`;
    const prev = fns.get(key) ?? { layer, us: 0 };
    prev.us += us;
    fns.set(key, prev);
  }
  return {
    layers: [...layers].sort((a, b) => b[1] - a[1]),
    functions: [...fns].sort((a, b) => b[1].us - a[1].us),
    busy,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx test/bench/profile.ts FILE.cpuprofile [requests]');
  const requests = Number(process.argv[3] ?? NaN);
  const { layers, functions, busy } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  const out = (s: string) => process.stdout.write(s + '\n');
  out(
    `busy (not idle): ${(busy / 1e6).toFixed(1)} s${Number.isFinite(requests) ? `, ${(busy / 1e3 / requests).toFixed(3)} ms per request over ${requests} requests` : ''}`,
  );
  out('');
  out('| layer | self s | share of busy |');
  out('| --- | ---: | ---: |');
  let rest = 0;
  for (const [layer, us] of layers) {
    if (layer === 'idle') continue;
    if (us / busy < 0.005) rest += us;
    else out(`| ${layer} | ${(us / 1e6).toFixed(2)} | ${((us / busy) * 100).toFixed(1)}% |`);
  }
  out(`| everything under 0.5% each | ${(rest / 1e6).toFixed(2)} | ${((rest / busy) * 100).toFixed(1)}% |`);
  out('');
  out('top functions by self time:');
  for (const [key, { layer, us }] of functions.slice(0, 25))
    out(`  ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${key}  [${layer}]`);
}
