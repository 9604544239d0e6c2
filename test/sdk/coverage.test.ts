// Every operation in openapi/openapi.json has an SDK method: each method is called once against the real app through
// a recording proxy, and every (method, path template) of the spec must have been reached by a route, not answered
// ROUTE_NOT_FOUND or METHOD_NOT_ALLOWED. A route added to the API without an SDK method fails here.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { APIError, type Yingcha } from '../../sdk/src/index.js';
import { proxy, serve } from './harness.js';

const spec = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string }>>;
};
const ID = '00000000-0000-4000-8000-000000000000';

/** One call of every SDK method; most fail (dummy ids, empty bodies), which is fine: only reaching the route counts. */
function everyMethod(c: Yingcha): Array<() => Promise<unknown>> {
  const check = { subject: { uscc: '91310115498004331E' }, matter: { type: 'tax' as const, reference: 'COV-1' } };
  return [
    () => c.health.live(),
    () => c.health.ready(),
    () => c.admin.departments.create({ uscc: '', name: '', category: 'finance', region: '' }),
    () => c.admin.departments.list(),
    () => c.admin.keys.create({ departmentId: ID, scopes: ['check'] }),
    () => c.admin.keys.list(),
    () => c.admin.keys.revoke(ID),
    () => c.admin.receipts.verify(),
    () => c.admin.keys.rotate(ID),
    () => c.admin.reads.list(),
    () => c.catalog.memoranda.list(),
    () => c.catalog.memoranda.get('x'),
    () => c.catalog.memoranda.create({} as never),
    () => c.catalog.memoranda.update('x', {}),
    () => c.catalog.memoranda.addMeasure('x', {} as never),
    () => c.catalog.measures.list(),
    () => c.catalog.measures.update(ID, {}),
    () => c.catalog.lists.list(),
    () => c.catalog.lists.get('safety.blacklist'),
    () => c.catalog.lists.create({} as never),
    () => c.catalog.lists.update('safety.blacklist', {}),
    () => c.catalog.matterTypes(),
    () => c.catalog.categories(),
    () => c.checks.create(check),
    () => c.checks.batch({ matter: check.matter, items: [{ subject: check.subject }] }),
    () => c.checks.get(ID),
    () => c.checks.notice(ID),
    () => c.notices.issue(ID),
    () => c.notices.open(`/v1/notices/${ID}?expires=1&signature=x`),
    () => c.notices.verify('0'.repeat(64)),
    () => c.notices.setPrefix(ID, null),
    () => c.screenings.create({ file: '投标人名称\n', format: 'csv', matter: 'public_bidding', reference: 'COV-1' }),
    () => c.checks.feedback(ID, { measureId: ID, action: 'applied' }),
    () => c.checks.getFeedback(ID),
    () => c.entries.publish({} as never),
    () => c.entries.get(ID),
    () => c.entries.list({ subject: '91310115498004331E' }),
    () => c.entries.search({ idNumber: '11010519800101123X' }),
    () => c.entries.transfer(ID, {} as never),
    () => c.entries.revoke(ID, { reason: 'x' }),
    () => c.imports.create({ file: '', format: 'csv' }),
    () => c.imports.list(),
    () => c.imports.get(ID),
    () => c.objections.create({} as never),
    () => c.objections.list(),
    () => c.objections.get(ID),
    () => c.objections.verify(ID),
    () => c.objections.decide(ID, { outcome: 'rejected' }),
    () => c.repairs.create({} as never),
    () => c.repairs.list(),
    () => c.repairs.get(ID),
    () => c.repairs.verify(ID),
    () => c.repairs.decide(ID, { outcome: 'denied' }),
    () => c.changes.page(),
    () => c.subscriptions.create({} as never),
    () => c.subscriptions.list(),
    () => c.subscriptions.get(ID),
    () => c.subscriptions.delete(ID),
    () => c.subscriptions.deliveries(ID),
    () => c.subscriptions.replay(ID, '1'),
    () => c.subscriptions.rotateSecret(ID),
    () => c.watches.create({} as never),
    () => c.watches.list(),
    () => c.watches.delete(ID),
    () => c.stats.get(),
  ];
}

t.test('every operation of the spec has an SDK method', async (t) => {
  const s = await serve(t);
  const p = await proxy(t, s.baseUrl);
  const client = s.client({ baseUrl: p.baseUrl, maxRetries: 0 });
  const unrouted: string[] = [];
  for (const call of everyMethod(client)) {
    await call().catch((err: unknown) => {
      if (!(err instanceof APIError)) throw err;
      if (err.code === 'ROUTE_NOT_FOUND' || err.code === 'METHOD_NOT_ALLOWED') unrouted.push(err.message);
    });
  }
  t.same(unrouted, [], 'every SDK call reached a route');

  const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      id: op.operationId,
      method: method.toUpperCase(),
      // /v1/checks/{checkId}/notice → ^/v1/checks/[^/]+/notice$ ; the spec writes plugin roots with a trailing slash
      pattern: new RegExp(`^${path.replace(/\/$/, '').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    })),
  );
  const reached = new Set(
    p.seen.flatMap((r) => {
      const path = r.url.split('?')[0]!;
      return operations.filter((o) => o.method === r.method && o.pattern.test(path)).map((o) => o.id);
    }),
  );
  const missing = operations.map((o) => o.id).filter((id) => !reached.has(id));
  t.same(missing, [], `${operations.length} operations, all reached from the SDK`);
});
