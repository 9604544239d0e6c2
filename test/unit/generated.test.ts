// Generated files are current, and the spec is valid OpenAPI 3.1 with everything an SDK generator needs.
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import t from 'tap';
import { OPENAPI_FILE, SDK_TYPES_FILE, renderOpenapi, renderSdkTypes } from '../../scripts/generate-openapi.js';

const onDisk = readFileSync(OPENAPI_FILE, 'utf8');

t.test('openapi/openapi.json matches the route schemas (run `pnpm openapi` if not)', async (t) => {
  t.equal(await renderOpenapi(), onDisk);
});

t.test('sdk/src/schema.d.ts matches openapi/openapi.json (run `pnpm openapi` if not)', async (t) => {
  t.equal(await renderSdkTypes(onDisk), readFileSync(SDK_TYPES_FILE, 'utf8'));
});

t.test('the spec is valid OpenAPI 3.1', async (t) => {
  const spec = JSON.parse(onDisk);
  t.equal(spec.openapi, '3.1.0');
  const result = await validate(structuredClone(spec));
  t.ok(result.valid, JSON.stringify((result as { errors?: unknown }).errors ?? []));
});

t.test('every operation has operationId, tags, summary, an example and a security declaration', async (t) => {
  const spec = JSON.parse(onDisk);
  const ids = new Set<string>();
  let operations = 0;
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      operations++;
      const where = `${method.toUpperCase()} ${path}`;
      t.type(op.operationId, 'string', `${where} operationId`);
      t.notOk(ids.has(op.operationId), `${where} operationId unique`);
      ids.add(op.operationId);
      t.ok(Array.isArray(op.tags) && op.tags.length > 0, `${where} tags`);
      t.type(op.summary, 'string', `${where} summary`);
      t.ok(Array.isArray(op.security), `${where} security declared`);
      for (const req of op.security) t.same(Object.keys(req), ['bearerAuth'], `${where} bearer scheme`);
      const media = [
        ...Object.values<any>(op.requestBody?.content ?? {}),
        ...Object.values<any>(op.responses ?? {}).flatMap((r) => Object.values<any>(r.content ?? {})),
      ];
      const schemaOf = (m: any) =>
        typeof m.schema?.$ref === 'string' ? spec.components.schemas[m.schema.$ref.split('/').pop()] : m.schema;
      t.ok(
        media.some((m) => m.example !== undefined || m.examples !== undefined || schemaOf(m)?.examples !== undefined),
        `${where} has an example`,
      );
      t.ok(op.responses['4XX'], `${where} documents its problem responses`);
    }
  }
  t.ok(operations >= 7, `found ${operations} operations`);
  t.notOk(
    Object.keys(spec.components.schemas).some((n) => /^def-\d+$/.test(n)),
    'components are named by $id',
  );
  t.ok(spec.components.securitySchemes.bearerAuth, 'bearer scheme declared');
});
