// A key rotated through one instance, used through another: both keys work on the other instance during the overlap
// (the old one was in its key cache from before the rotation), and the old one is refused with EXPIRED_KEY there as
// soon as the overlap ends, not a cache TTL later. Two processes on one database: PostgreSQL only.
import t from 'tap';
import { ENGINE } from '../helpers/db.js';
import { serve } from '../helpers/process.js';
import { PUSH_KEY, client, pushEnv } from '../helpers/push.js';

t.test(
  'rotation across instances',
  { skip: ENGINE === 'pglite' ? 'PGlite is one process; set TEST_DATABASE_URL to run this on PostgreSQL' : false },
  async (t) => {
    const env = await pushEnv(t);
    const a = await serve(t, env);
    const b = await serve(t, { ...env, YINGCHA_DATA_DIR: `${env.YINGCHA_DATA_DIR}-b` });
    const admin = client(a.url);
    const dept = (await admin.get('/v1/admin/departments')).departments[0];
    const key = await admin.post('/v1/admin/keys', { departmentId: dept.departmentId, scopes: ['check'] });
    const onB = (secret: string) =>
      fetch(`${b.url}/v1/changes?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    t.equal((await onB(key.secret)).status, 200, 'B knows the old key and caches it');

    const rotated = await admin.post(`/v1/admin/keys/${key.keyId}/rotate`, { overlapSeconds: 3 });
    const ends = Date.parse(rotated.previous.expiresAt);
    t.equal((await onB(key.secret)).status, 200, 'the old key works on B during the overlap');
    t.equal((await onB(rotated.successor.secret)).status, 200, 'the successor works on B');

    let res = await onB(key.secret);
    for (let i = 0; i < 2_000 && res.status === 200 && Date.now() < ends + 10_000; i++) {
      await new Promise((r) => setTimeout(r, 10));
      res = await onB(key.secret);
    }
    const late = Date.now() - ends;
    t.equal(res.status, 401);
    t.equal(((await res.json()) as { code: string }).code, 'EXPIRED_KEY');
    t.ok(late < 2_000, `refused on B ${late} ms after the overlap ended, inside the 5 s key-cache TTL`);
    t.equal((await onB(rotated.successor.secret)).status, 200, 'the successor goes on');

    // lastUsedAt is written from B's requests too (at most once a minute per key and instance).
    const keys = (await client(a.url, PUSH_KEY).get(`/v1/admin/keys?departmentId=${dept.departmentId}`)).keys as Array<{
      keyId: string;
      lastUsedAt: string | null;
    }>;
    t.ok(keys.find((k) => k.keyId === rotated.successor.keyId)?.lastUsedAt, 'the successor has a lastUsedAt');
    t.equal(await a.stop(), 0);
    t.equal(await b.stop(), 0);
  },
);
