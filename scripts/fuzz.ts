// A spec-driven fuzzer: from openapi/openapi.json it generates requests for every operation (wrong types, boundary
// and over-long lengths, missing and extra fields, hostile Unicode, huge and negative numbers, bad ids in paths,
// hostile headers, keys of every scope and none) and sends them over real HTTP to a server on 127.0.0.1. It fails on
// any 5xx, on any 4xx that is not problem+json with a code, and on any row written by a rejected request (exact row
// counts of every table before and after each rejected request). Requests go one at a time so a write is always
// attributed to the request that made it. A small share goes to a second instance with tight rate limits, to fuzz
// the limiter too (its 429s must carry Retry-After and the RateLimit-* headers).
//
//   pnpm fuzz                                   both engines, 10,000 requests each
//   pnpm fuzz --engine=postgres --requests=20000 --seed=7
//
// PostgreSQL: FUZZ_DATABASE_URL (or TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) is the
// admin URL; a database is created for the run and dropped after it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import postgres from 'postgres';
import { request as httpRequest } from 'undici';
import { buildApp } from '../api/src/app.js';
import { type Database, openDatabase } from '../api/src/db/index.js';
import { migrateDatabase } from '../api/src/db/migrate.js';
import { bootstrap } from '../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../api/src/services/catalog-seed.js';
import { policy } from '../test/helpers/dns.js';
import { type RowCounts, countDiff, rowCounts } from '../test/helpers/rows.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

const SPEC_FILE = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url));
export const FUZZ_SECRET = 'fuzz-secret-for-id-number-hmac-0000000';

interface Operation {
  id: string;
  method: string;
  path: string;
  params: Array<{ name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema }>;
  body?: { contentTypes: string[]; schema: Schema | undefined; required: boolean };
  secured: boolean;
}

export function loadOperations(file = SPEC_FILE): Operation[] {
  const spec = JSON.parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, Schema> };
  };
  const resolve = (s: unknown, depth = 0): Schema => {
    if (!s || typeof s !== 'object' || depth > 20) return {};
    const ref = (s as { $ref?: string }).$ref;
    if (ref) return resolve(spec.components.schemas[ref.split('/').pop()!], depth + 1);
    const out: Schema = { ...(s as Schema) };
    if (out.properties)
      out.properties = Object.fromEntries(
        Object.entries(out.properties as Record<string, unknown>).map(([k, v]) => [k, resolve(v, depth + 1)]),
      );
    if (out.items) out.items = resolve(out.items, depth + 1);
    for (const k of ['anyOf', 'oneOf', 'allOf'] as const)
      if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map((x) => resolve(x, depth + 1));
    if (out.additionalProperties && typeof out.additionalProperties === 'object')
      out.additionalProperties = resolve(out.additionalProperties, depth + 1);
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const rb = op.requestBody as { content: Record<string, { schema?: unknown }>; required?: boolean } | undefined;
      ops.push({
        id: (op.operationId as string) ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        params: ((op.parameters as Array<{ name: string; in: string; required?: boolean; schema?: unknown }>) ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
          .map((p) => ({
            name: p.name,
            in: p.in as 'path' | 'query' | 'header',
            required: p.required === true,
            schema: resolve(p.schema),
          })),
        ...(rb
          ? {
              body: {
                contentTypes: Object.keys(rb.content),
                schema: rb.content['application/json'] ? resolve(rb.content['application/json'].schema) : undefined,
                required: rb.required !== false,
              },
            }
          : {}),
        secured: Array.isArray(op.security) && (op.security as unknown[]).length > 0,
      });
    }
  }
  return ops;
}

// ---- hostile values --------------------------------------------------------------------------------------------

const HOSTILE_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0001\u0002',
  '\u001b[31mred',
  '\u007f',
  '\u0085',
  '\u009b',
  '\ud800',
  'x\udfff',
  '\udbff\udbff',
  '\u202e\u200f\u200d',
  '\ufeff',
  '\uffff',
  '𠮷'.repeat(100),
  'é'.normalize('NFD').repeat(50),
  "' or '1'='1",
  '"; drop table department; --',
  '${jndi:ldap://127.0.0.1/a}',
  '../../etc/passwd',
  '%00',
  '%ED%A0%80',
  '<script>alert(1)</script>',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '9'.repeat(40),
  '2026-12-31T23:59:60Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-01:00',
  '2026-02-30',
  '-000001-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
];
const HUGE_NUMBERS: number[] = [0, -1, -2147483649, 2147483648, 2 ** 53 + 1, 9.3e18, 1e308, -1e308, 0.5, -0.0, 1e-320];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(10_000, 70_000).map((n) => 'x'.repeat(n)) },
);
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...HUGE_NUMBERS),
  hostileString,
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.constant<Json>(['a\u0000']),
  fc.constant<Json>({ nested: { deeper: [1, '2', null] } }),
);

// ---- schema-driven values --------------------------------------------------------------------------------------

const LEAP = /date-time/;

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = Math.min((schema.maxLength as number | undefined) ?? 40, 60);
  const examples = [
    ...((schema.examples as unknown[]) ?? []),
    ...(schema.example !== undefined ? [schema.example] : []),
  ].filter((e): e is string => typeof e === 'string');
  const options: Array<fc.Arbitrary<string>> = [];
  if (examples.length) options.push(fc.constantFrom(...examples));
  const format = schema.format as string | undefined;
  if (format === 'uuid') options.push(fc.uuid());
  else if (format && LEAP.test(format))
    options.push(
      fc
        .date({ min: new Date('1990-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString()),
    );
  else if (format === 'date')
    options.push(
      fc
        .date({ min: new Date('1990-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
    );
  else if (format === 'uri')
    options.push(
      fc.constantFrom(
        'http://127.0.0.1:1/hook',
        'https://[::1]/x',
        'http://10.0.0.1/',
        'https://hooks.invalid/h',
        'ftp://x/',
        'http://2130706433/',
        'http://0x7f.1/',
      ),
    );
  else if (typeof schema.pattern === 'string') {
    try {
      options.push(
        fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= min && s.length <= ((schema.maxLength as number | undefined) ?? 10_000)),
      );
    } catch {
      // a pattern JavaScript cannot compile: plain strings below
    }
  }
  if (options.length === 0) options.push(fc.string({ minLength: Math.min(min, max), maxLength: Math.max(min, max) }));
  return fc.oneof(...options);
}

/** A value that fits `schema` as far as a generator can tell (patterns with checksums usually will not). */
export function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<Json> {
  if (!schema || depth > 6) return anyJson;
  if (schema.const !== undefined) return fc.constant(schema.const as Json);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = schema[k] as Schema[] | undefined;
    if (alts?.length) return fc.oneof(...alts.map((a) => valueFor(a, depth + 1)));
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) return valueFor(schema.allOf[0] as Schema, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string | undefined);
  switch (type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -1000,
        max: (schema.maximum as number | undefined) ?? 1000,
      });
    case 'number':
      return fc.double({
        min: (schema.minimum as number | undefined) ?? -1000,
        max: (schema.maximum as number | undefined) ?? 1000,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = valueFor(schema.items as Schema | undefined, depth + 1);
      return fc.array(items, {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? 5, 5),
      });
    }
    case 'object':
    case undefined: {
      const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
      if (type === undefined && Object.keys(props).length === 0) return anyJson;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = valueFor(v, depth + 1);
      return fc.record(model, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    default:
      return anyJson;
  }
}

// ---- mutations -------------------------------------------------------------------------------------------------

/** Every path to a value inside `v` (objects and arrays), the root included. */
function pathsOf(
  v: Json,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: Array<string | number>, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const copy = structuredClone<Json>(root);
  let cur = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

type Mutation =
  | { kind: 'none' }
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'drop'; at: number }
  | { kind: 'extra'; at: number; key: string; value: Json }
  | { kind: 'boundary'; at: number; extra: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: anyJson }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      at: fc.nat(),
      key: fc.constantFrom('extra', '__proto__', 'constructor', '\u0000', ''),
      value: anyJson,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('boundary' as const), at: fc.nat(), extra: fc.constantFrom(0, 1, 1000) }),
  },
);

function applyMutation(value: Json, m: Mutation, schema: Schema | undefined): Json {
  if (m.kind === 'none') return value;
  const paths = pathsOf(value);
  const path = paths[m.at % paths.length]!;
  if (m.kind === 'replace') return setAt(value, path, m.value);
  if (m.kind === 'drop') return path.length ? setAt(value, path, undefined) : value;
  if (m.kind === 'extra') {
    const objects = paths.filter((p) => {
      let cur: Json = value;
      for (const k of p) cur = (cur as Record<string | number, Json>)[k]!;
      return cur !== null && typeof cur === 'object' && !Array.isArray(cur);
    });
    if (objects.length === 0) return value;
    const at = objects[m.at % objects.length]!;
    return setAt(value, [...at, m.key], m.value);
  }
  // boundary: a string at its maxLength plus `extra` characters (astral, so length counts UTF-16 units).
  const strings = paths.filter((p) => {
    let cur: Json = value;
    for (const k of p) cur = (cur as Record<string | number, Json>)[k]!;
    return typeof cur === 'string';
  });
  if (strings.length === 0) return value;
  const target = strings[m.at % strings.length]!;
  const max = maxLengthAt(schema, target) ?? 200;
  return setAt(value, target, '字'.repeat(max + m.extra));
}

function maxLengthAt(schema: Schema | undefined, path: Array<string | number>): number | undefined {
  let s = schema;
  for (const k of path) {
    if (!s) return undefined;
    s =
      typeof k === 'number'
        ? (s.items as Schema | undefined)
        : ((s.properties as Record<string, Schema> | undefined)?.[k] ?? undefined);
  }
  return s?.maxLength as number | undefined;
}

// ---- requests --------------------------------------------------------------------------------------------------

export const AUTH_KINDS = [
  'all',
  'admin',
  'check',
  'publish',
  'review',
  'none',
  'malformed',
  'unknown',
  'revoked',
  'basic',
] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

export interface FuzzRequest {
  op: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  auth: AuthKind;
  /** to the instance with tight rate limits */
  limited: boolean;
}

const BAD_IDS = [
  '',
  '..',
  'a'.repeat(101),
  '%00',
  '%zz',
  '%ED%A0%80',
  '00000000-0000-0000-0000-000000000000',
  "1'%20or%20'1'='1",
  '-1',
  '9'.repeat(30),
  'NaN',
  '%F0%9F%98%80',
  '%E2%80%AE',
];

/** A generated value as a path segment or query value takes it: an object or array as its JSON. */
const paramText = (v: Json) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff)
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}

/** Known ids by parameter name, filled by the setup so that some requests reach real rows. */
export type IdPool = Record<string, string[]>;

function requestArb(op: Operation, ids: IdPool): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const headerParams = op.params.filter((p) => p.in === 'header');
  const pathArb = fc.tuple(
    ...pathParams.map((p) =>
      fc.oneof(
        { weight: 3, arbitrary: ids[p.name]?.length ? fc.constantFrom(...ids[p.name]!).map(encodeSegment) : fc.uuid() },
        { weight: 2, arbitrary: fc.uuid() },
        { weight: 2, arbitrary: fc.constantFrom(...BAD_IDS) },
        { weight: 1, arbitrary: hostileString.map(encodeSegment) },
        { weight: 1, arbitrary: valueFor(p.schema).map((v) => encodeSegment(paramText(v))) },
      ),
    ),
  );
  const queryArb = fc.tuple(
    ...queryParams.map((p) =>
      fc.option(
        fc.oneof(
          { weight: 4, arbitrary: valueFor(p.schema).map((v) => [paramText(v)]) },
          { weight: 2, arbitrary: hostileString.map((s) => [s]) },
          { weight: 1, arbitrary: fc.constantFrom(...HUGE_NUMBERS).map((n) => [String(n)]) },
          { weight: 1, arbitrary: fc.array(valueFor(p.schema).map(paramText), { minLength: 2, maxLength: 3 }) },
        ),
        { freq: p.required ? 8 : 2 },
      ),
    ),
  );
  const bodyArb: fc.Arbitrary<{ text?: string; type?: string }> = op.body
    ? fc.oneof(
        {
          weight: 8,
          arbitrary: fc.tuple(valueFor(op.body.schema), mutation).map(([v, m]) => ({
            text: JSON.stringify(applyMutation(v, m, op.body!.schema)),
            type: 'application/json',
          })),
        },
        { weight: 1, arbitrary: anyJson.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom('{"a":', '', 'null', '[', '{"a":1}garbage', '\u0000')
            .map((text) => ({ text, type: 'application/json' })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(
              ...op.body.contentTypes,
              'text/plain',
              'application/xml',
              'multipart/form-data; boundary=x',
              'application/json; charset=latin1',
            )
            .chain((type) => importish.map((text) => ({ text, type }))),
        },
      )
    : fc.oneof(
        { weight: 9, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: anyJson.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })) },
      );
  const headerArb = fc.record({
    extra: fc.option(
      fc.oneof(
        ...headerParams.map((h) =>
          fc.tuple(fc.constant(h.name), fc.oneof(valueFor(h.schema).map(String), latin1Hostile)),
        ),
        fc.tuple(fc.constant('x-request-id'), latin1Hostile),
        fc.tuple(fc.constant('idempotency-key'), latin1Hostile),
        fc.tuple(
          fc.constant('accept'),
          fc.constantFrom('text/html', 'application/xml', '*/*', 'application/problem+json'),
        ),
      ),
      { freq: 3 },
    ),
  });
  const authArb = op.secured
    ? fc.oneof(
        { weight: 10, arbitrary: fc.constant<AuthKind>('all') },
        { weight: 6, arbitrary: fc.constantFrom<AuthKind>(...AUTH_KINDS) },
      )
    : fc.constantFrom<AuthKind>('none', 'all', 'malformed');
  return fc
    .record({
      path: pathArb,
      query: queryArb,
      body: bodyArb,
      headers: headerArb,
      auth: authArb,
      limited: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    })
    .map((r) => {
      let url = op.path;
      pathParams.forEach((p, i) => (url = url.replace(`{${p.name}}`, r.path[i]!)));
      const qs: string[] = [];
      queryParams.forEach((p, i) => {
        for (const v of r.query[i] ?? []) qs.push(`${encodeURIComponent(p.name)}=${encodeSegment(v)}`);
      });
      if (qs.length) url += `?${qs.join('&')}`;
      const headers: Record<string, string> = {};
      if (r.body.type) headers['content-type'] = r.body.type;
      if (r.headers.extra) headers[r.headers.extra[0]] = r.headers.extra[1];
      return { op: op.id, method: op.method, url, headers, body: r.body.text, auth: r.auth, limited: r.limited };
    });
}

/** Header values must be latin1 to be sent at all; these are the hostile ones that can travel. */
const latin1Hostile = fc.constantFrom(
  'a\u0085b',
  '\u009b',
  '\u00ff'.repeat(300),
  'x'.repeat(5000),
  '\t',
  ' a ',
  'é',
  '"quoted"',
  'a,b',
  '%00',
);

const importish = fc.oneof(
  fc.constantFrom(
    'list,kind,name,decisionDocNo,reason,decidedAt,source,sourceRecordId\n',
    'list,kind,name,decisionDocNo,reason,decidedAt,source,sourceRecordId\nfinance.x,legal_person,某,d,r,2026-12-31T23:59:60Z,s,1\n',
    'list,kind,name\n"unterminated\n',
    '{"list":"x"}\n{not json}\n',
    '名称,类型\n某公司,法人\n',
    'PK\u0003\u0004garbage',
  ),
  fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 5 }).map((lines) => lines.join('\n')),
);

// ---- running ---------------------------------------------------------------------------------------------------

export interface Failure {
  kind: '5xx' | 'partial-write' | 'not-problem-json' | 'limiter-headers';
  op: string;
  status: number;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string | undefined;
    auth: AuthKind;
    limited: boolean;
  };
  response: string;
  written?: Record<string, number>;
}

export interface FuzzReport {
  sent: number;
  /** not sent: the HTTP client refused the request as written (an invalid header value) */
  unsendable: number;
  perOperation: Record<string, { sent: number; statuses: Record<string, number> }>;
  serverErrors: number;
  partialWrites: number;
  failures: Failure[];
  limited: { sent: number; rateLimited: number };
}

export interface FuzzTarget {
  baseUrl: string;
  /** the same database behind tight rate limits */
  limitedUrl: string;
  database: Database;
  keys: Record<AuthKind, string | null>;
  ids: IdPool;
}

/** Tables a refused request of an operation writes on purpose. */
const BY_DESIGN: Record<string, string[]> = { createImport: ['import', 'audit_log'] };

const clip = (s: string | undefined, n = 300) =>
  s === undefined ? undefined : s.length > n ? `${s.slice(0, n)}…(${s.length})` : s;

export async function runFuzz(
  target: FuzzTarget,
  opts: { requests: number; seed: number; log?: (line: string) => void },
): Promise<FuzzReport> {
  const ops = loadOperations();
  // Round-robin over operations, each request generated from its own seed: every operation gets its share, and a
  // run is reproducible from (seed, index).
  const arbs = ops.map((op) => requestArb(op, target.ids));
  const report: FuzzReport = {
    sent: 0,
    unsendable: 0,
    perOperation: {},
    serverErrors: 0,
    partialWrites: 0,
    failures: [],
    limited: { sent: 0, rateLimited: 0 },
  };
  for (const op of ops) report.perOperation[op.id] = { sent: 0, statuses: {} };
  let before: RowCounts = await rowCounts(target.database.db);
  const started = Date.now();
  for (let i = 0; i < opts.requests; i++) {
    const opIndex = i % ops.length;
    const [req] = fc.sample(arbs[opIndex]!, { seed: opts.seed * 1_000_003 + i, numRuns: 1 });
    const r = req!;
    const key = target.keys[r.auth];
    const headers: Record<string, string> = { ...r.headers };
    if (key !== null) headers.authorization = r.auth === 'basic' ? `Basic ${key}` : `Bearer ${key}`;
    const base = r.limited ? target.limitedUrl : target.baseUrl;
    let status: number;
    let text: string;
    let responseHeaders: Record<string, string | string[] | undefined>;
    try {
      const res = await httpRequest(base + r.url, {
        method: r.method as 'GET',
        headers,
        ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      status = res.statusCode;
      text = await res.body.text();
      responseHeaders = res.headers;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'UND_ERR_INVALID_ARG' || err instanceof TypeError) {
        report.unsendable++;
        continue;
      }
      throw err;
    }
    report.sent++;
    const stat = report.perOperation[r.op]!;
    stat.sent++;
    stat.statuses[status] = (stat.statuses[status] ?? 0) + 1;
    if (r.limited) {
      report.limited.sent++;
      if (status === 429) report.limited.rateLimited++;
    }
    const request = {
      method: r.method,
      url: clip(r.url, 200)!,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, clip(v, 80)!])),
      body: clip(r.body),
      auth: r.auth,
      limited: r.limited,
    };
    const fail = (kind: Failure['kind'], written?: Record<string, number>) => {
      report.failures.push({
        kind,
        op: r.op,
        status,
        request,
        response: clip(text, 400)!,
        ...(written ? { written } : {}),
      });
      opts.log?.(`FAIL ${kind} ${status} ${r.method} ${request.url} (${r.op})`);
    };
    if (status >= 500) {
      report.serverErrors++;
      fail('5xx');
    } else if (status >= 400) {
      const type = String(responseHeaders['content-type'] ?? '');
      let code: unknown;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      // The public pages a person opens in a browser (a notice link, a receipt's QR code) answer HTML, with the code
      // in <meta name="yingcha-error-code">; everything else answers problem+json.
      if (type.startsWith('text/html')) code = /<meta name="yingcha-error-code" content="([A-Z_]+)">/.exec(text)?.[1];
      else if (!type.startsWith('application/problem+json')) code = undefined;
      if (typeof code !== 'string') fail('not-problem-json');
      if (
        status === 429 &&
        code === 'RATE_LIMITED' &&
        !(
          responseHeaders['retry-after'] &&
          responseHeaders['ratelimit-limit'] !== undefined &&
          responseHeaders['ratelimit-remaining'] !== undefined &&
          responseHeaders['ratelimit-reset'] !== undefined
        )
      ) {
        fail('limiter-headers');
      }
    }
    const after = await rowCounts(target.database.db);
    if (status >= 400) {
      const written = countDiff(before, after);
      // By design: a refused import is recorded as a failed import (its row and the audit entry), so the department
      // sees it in GET /v1/imports; no data row may come with it.
      for (const table of BY_DESIGN[r.op] ?? []) delete written[table];
      if (Object.keys(written).length > 0) {
        report.partialWrites++;
        fail('partial-write', written);
      }
    }
    before = after;
    if (opts.log && (i + 1) % 1000 === 0)
      opts.log(
        `${i + 1} requests, ${report.serverErrors} 5xx, ${report.partialWrites} partial writes, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
  }
  return report;
}

// ---- setup -----------------------------------------------------------------------------------------------------

async function inject(app: FastifyInstance, method: string, url: string, key: string, payload?: unknown) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

function usccFor(serial: number): string {
  // A valid 统一社会信用代码 (GB 32100-2015 check character).
  const CH = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = `11230800MB${String(serial).padStart(7, '0')}`.slice(0, 17);
  const sum = [...body].reduce((acc, c, i) => acc + CH.indexOf(c) * W[i]!, 0);
  return body + CH[(31 - (sum % 31)) % 31];
}

/**
 * The app (rate limits off) and a second instance on the same database with tight limits, both listening on
 * 127.0.0.1; keys of every scope, a revoked one, and a few real rows whose ids the generator may use.
 */
export async function prepareTarget(database: Database): Promise<{ target: FuzzTarget; close: () => Promise<void> }> {
  await syncSeedCatalog(database.db);
  const boot = await bootstrap(database.db, { demo: true });
  if (!boot.created) throw new Error('fuzz: the database was not empty');
  // No DNS: webhook host names resolve from an empty table (and every target is refused), so nothing leaves loopback.
  const webhooks = policy('');
  const app = await buildApp({
    database,
    secret: FUZZ_SECRET,
    webhooks,
    limits: { enabled: false, departmentJobs: 1_000, batchSlots: 4 },
  });
  const limitedApp = await buildApp({
    database,
    secret: FUZZ_SECRET,
    webhooks,
    limits: {
      checks: 20,
      publishing: 20,
      admin: 20,
      batchItems: 50,
      authFailures: 10,
      windowMs: 60_000,
      departmentJobs: 1,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await limitedApp.listen({ port: 0, host: '127.0.0.1' });
  const admin = boot.key.secret;

  const dept = await inject(app, 'POST', '/v1/admin/departments', admin, {
    uscc: usccFor(1),
    name: '佳木斯市财政局',
    category: 'finance',
    region: '230800',
  });
  const departmentId = String(dept.body.departmentId);
  const keyFor = async (scopes: string[]) =>
    String((await inject(app, 'POST', '/v1/admin/keys', admin, { departmentId, scopes })).body.secret);
  const keys: Record<AuthKind, string | null> = {
    all: await keyFor(['check', 'publish', 'review', 'admin']),
    admin,
    check: await keyFor(['check']),
    publish: await keyFor(['publish']),
    review: await keyFor(['review']),
    none: null,
    malformed: 'short',
    unknown: `yc_${'Q'.repeat(43)}`,
    revoked: '',
    basic: admin,
  };
  const sacrificial = await inject(app, 'POST', '/v1/admin/keys', admin, { departmentId, scopes: ['check'] });
  const revoked = await inject(app, 'POST', '/v1/admin/keys', admin, { departmentId, scopes: ['check'] });
  await inject(app, 'DELETE', `/v1/admin/keys/${String(revoked.body.keyId)}`, admin);
  keys.revoked = String(revoked.body.secret);

  const lists = await inject(app, 'GET', '/v1/catalog/lists', keys.all!);
  const listCodes = ((lists.body.lists as Array<{ code: string }>) ?? []).map((l) => l.code);
  const published = await inject(app, 'POST', '/v1/entries', keys.all!, {
    list: listCodes.find((c) => c.startsWith('finance.')) ?? listCodes[0],
    subject: { kind: 'legal_person', uscc: usccFor(2), name: '佳木斯市恒达建筑工程有限公司' },
    decisionDocNo: '佳财〔2026〕1号',
    reason: '政府采购活动中提供虚假材料',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'fuzz',
    sourceRecordId: 'seed-1',
  });
  const check = await inject(app, 'POST', '/v1/checks', keys.all!, {
    subject: { uscc: usccFor(2) },
    matter: { type: 'government_procurement', reference: 'FUZZ-1' },
  });
  const memoranda = await inject(app, 'GET', '/v1/catalog/memoranda', keys.all!);
  const measures = await inject(app, 'GET', '/v1/catalog/measures', keys.all!);
  const watch = await inject(app, 'POST', '/v1/watches', keys.all!, { uscc: usccFor(3) });
  const str = (v: unknown) => (typeof v === 'string' ? [v] : []);
  const entryId = str(published.body.entryId);
  const ids: IdPool = {
    departmentId: [departmentId],
    keyId: str(sacrificial.body.keyId),
    entryId,
    checkId: str(check.body.checkId),
    receiptHash: str((check.body.receipt as { hash?: string } | undefined)?.hash),
    code: listCodes.slice(0, 3),
    id: str(((memoranda.body.memoranda as Array<{ id?: string }>) ?? [])[0]?.id),
    measureId: str(((measures.body.measures as Array<{ measureId?: string }>) ?? [])[0]?.measureId),
    watchId: str(watch.body.watchId),
  };
  const port = (a: FastifyInstance) => (a.server.address() as AddressInfo).port;
  return {
    target: {
      baseUrl: `http://127.0.0.1:${port(app)}`,
      limitedUrl: `http://127.0.0.1:${port(limitedApp)}`,
      database,
      keys,
      ids,
    },
    close: async () => {
      await limitedApp.close();
      await app.close();
    },
  };
}

export function printReport(
  engine: string,
  report: FuzzReport,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): void {
  out(
    `\nfuzz on ${engine}: ${report.sent} requests sent (${report.unsendable} not sendable as generated), ${report.limited.sent} to the rate-limited instance (${report.limited.rateLimited} answered 429)`,
  );
  out('operation'.padEnd(34) + 'sent'.padStart(6) + '  statuses');
  for (const [op, s] of Object.entries(report.perOperation).sort()) {
    out(
      op.padEnd(34) +
        String(s.sent).padStart(6) +
        '  ' +
        Object.entries(s.statuses)
          .map(([k, v]) => `${k}×${v}`)
          .join(' '),
    );
  }
  out(
    `5xx: ${report.serverErrors}   partial writes: ${report.partialWrites}   other failures: ${report.failures.length - report.serverErrors - report.partialWrites}`,
  );
  for (const f of report.failures.slice(0, 30)) out(JSON.stringify(f));
}

async function main() {
  const args = Object.fromEntries(
    process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]),
  );
  const requests = Number(args.requests ?? 10_000);
  const seed = Number(args.seed ?? 1);
  const engines = (args.engine ?? 'both') === 'both' ? ['pglite', 'postgres'] : [args.engine!];
  let failed = false;
  for (const engine of engines) {
    let database: Database;
    let drop = async () => {};
    if (engine === 'postgres') {
      const adminUrl =
        process.env.FUZZ_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const name = `yingcha_fuzz_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      database = await openDatabase({ url: url.toString() });
      drop = async () => {
        const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await a.end();
      };
    } else {
      database = await openDatabase({});
    }
    try {
      await migrateDatabase(database);
      const { target, close } = await prepareTarget(database);
      const t0 = Date.now();
      const report = await runFuzz(target, { requests, seed, log: (l) => process.stdout.write(`  ${engine}: ${l}\n`) });
      await close();
      printReport(engine, report);
      process.stdout.write(`${engine}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
      if (report.failures.length > 0) failed = true;
    } finally {
      await database.close();
      await drop();
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    process.stderr.write(`fuzz: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(2);
  });
}
