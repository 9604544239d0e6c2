// The service's Ajv does not check schemas against the JSON Schema meta-schema when it starts (validateSchema: false
// in app.ts; that check cost about 0.4 s of every start). This file keeps the check: the whole API is mounted on a
// Fastify with its default compilers, which do check, so a route schema that is not valid JSON Schema fails here.
import Fastify from 'fastify';
import t from 'tap';
import { yingcha } from '../../api/src/app.js';
import { testDatabase } from '../helpers/db.js';
import { TEST_SECRET } from '../helpers/app.js';

t.test("every route schema passes the default compilers' meta-schema check", async (t) => {
  const database = await testDatabase(t);
  const app = Fastify();
  t.teardown(() => app.close());
  let schemas = 0;
  app.addHook('onRoute', (route) => {
    const s = route.schema as Record<string, unknown> | undefined;
    if (!s) return;
    for (const part of ['body', 'querystring', 'params', 'headers'] as const) if (s[part]) schemas++;
    schemas += Object.keys((s.response as object | undefined) ?? {}).length;
  });
  await app.register(yingcha, { database, secret: TEST_SECRET });
  await t.resolves(async () => app.ready(), 'every schema compiles, checked against the meta-schema');
  t.ok(schemas > 100, `${schemas} schemas checked`);
});

t.test('the check fails on a schema that is not valid JSON Schema', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  app.post('/x', { schema: { body: { type: 'object', properties: { a: { type: 'text' } } } } }, async () => ({}));
  await t.rejects(async () => app.ready(), /schema is invalid/);
});
