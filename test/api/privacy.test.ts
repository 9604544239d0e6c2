// No ID number can be recovered from what Yingcha stores or logs (seeds 002 §十二, 003:L149; issue #11): after
// publishing, checking (with an Idempotency-Key), objecting, repairing, importing and failing requests with ID numbers,
// neither any row of any table nor the server's log output holds
// - the plain number (either case of a trailing X) or its 17-digit prefix (the masked form keeps all but the birth
//   date, so the prefix plus a brute force over dates is the number);
// - an unkeyed digest an attacker could match by brute force over birth dates: SHA-256, SHA-1 and MD5 of the number
//   and of the request bodies that carried it, recomputed here as the attacker would (canonical and plain JSON).
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../../api/src/app.js';
import { canonicalJson } from '../../api/src/domain/canonical.js';
import { serverLogger } from '../../api/src/logging.js';
import { bootstrap } from '../../api/src/services/bootstrap.js';
import { syncSeedCatalog } from '../../api/src/services/catalog-seed.js';
import { bearer, TEST_SECRET } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import { ndjson, row } from '../helpers/import.js';
import { department, idNumber, uscc } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';

const digests = (text: string) => ['sha256', 'sha1', 'md5'].map((alg) => createHash(alg).update(text).digest('hex'));

t.test('no ID number can be recovered from the tables or the server log', async (t) => {
  const database = await testDatabase(t);
  await syncSeedCatalog(database.db);
  const boot = await bootstrap(database.db, { demo: true });
  if (!boot.created) throw new Error('bootstrap did not run on an empty database');
  let log = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      log += chunk.toString();
      done();
    },
  });
  // The server's own logger configuration (serve uses the same), at the most talkative level.
  const app = await buildApp({
    database,
    secret: TEST_SECRET,
    logger: { ...(serverLogger('trace') as object), stream },
  });
  t.teardown(() => app.close());
  await app.ready();
  const adminKey = boot.key.secret;
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const credit = await department(app, adminKey, 'credit_office', '230800', ['check', 'publish', 'review']);
  const person = idNumber('19650412');
  const legalRep = idNumber('19720815');
  const imported = idNumber('19881231');
  const firm = uscc();
  const post = (key: string, url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...bearer(key), ...headers }, payload: payload as object });

  // What an attacker would hash: the bodies that carried a number, as sent and in canonical form.
  const bodies: unknown[] = [];
  const sent = async (
    key: string,
    url: string,
    payload: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) => {
    bodies.push(payload);
    return post(key, url, payload, headers);
  };

  const p1 = await sent(safety.key, '/v1/entries', {
    list: 'safety.blacklist',
    subject: { kind: 'person', idNumber: person, name: '李四' },
    decisionDocNo: '佳应急〔2026〕1号',
    reason: '测试',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'privacy',
    sourceRecordId: 'P-1',
  });
  const p2 = await sent(safety.key, '/v1/entries', {
    list: 'safety.blacklist',
    subject: {
      kind: 'enterprise',
      uscc: firm,
      name: '佳木斯市隐私有限公司',
      relatedPersons: [{ role: 'legal_representative', name: '王五', idNumber: legalRep }],
    },
    decisionDocNo: '佳应急〔2026〕2号',
    reason: '测试',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'privacy',
    sourceRecordId: 'P-2',
  });
  t.equal(p1.statusCode, 201, p1.body);
  t.equal(p2.statusCode, 201, p2.body);
  const checkBody = { subject: { idNumber: person }, matter: { type: 'government_procurement', reference: 'PRIV-1' } };
  const c1 = await sent(finance.key, '/v1/checks', checkBody, { 'idempotency-key': 'privacy-1' });
  t.equal(c1.json().verdict, 'restricted', 'the hashed number still finds the person');
  const c2 = await sent(finance.key, '/v1/checks', {
    subject: { idNumber: legalRep.toLowerCase() },
    matter: { type: 'government_procurement', reference: 'PRIV-2' },
  });
  t.ok(c2.json().hits.length >= 1, 'and the legal representative');
  const obj = await sent(finance.key, '/v1/objections', {
    entryId: p1.json().entryId,
    applicant: { name: '李四', relation: 'subject' },
    reason: '身份核对有误',
    checkId: c1.json().checkId,
  });
  t.equal(obj.statusCode, 201, obj.body);
  const rep = await sent(credit.key, '/v1/repairs', {
    entryId: p2.json().entryId,
    applicant: { name: '王五', relation: 'agent' },
    reason: '已整改',
    pledge: '承诺守法',
  });
  t.equal(rep.statusCode, 201, rep.body);
  const imp = await app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { ...bearer(safety.key), 'content-type': 'application/x-ndjson' },
    payload: ndjson([
      row({ kind: 'person', uscc: undefined, idNumber: imported, name: '赵六', source: 'privacy-import' }),
    ]),
  });
  t.equal(imp.statusCode, 201, imp.body);
  const search = await sent(finance.key, '/v1/entries/search', { idNumber: person });
  t.equal(search.json().entries.length, 1);

  // Events name the subject, a person by the masked number only: on the feed (and so in every webhook body, which is
  // the event as stored) and in the event table, scanned below with the rest.
  const feed = await app.inject({ url: '/v1/changes?limit=1000', headers: bearer(adminKey) });
  t.equal(feed.statusCode, 200);
  const feedEvents = feed.json().events as Array<{ type: string; data: { entryId?: string; subject?: unknown } }>;
  const aboutPerson = feedEvents.filter((e) => e.data.entryId === p1.json().entryId);
  t.same(
    aboutPerson.map((e) => e.type),
    ['entry.created', 'entry.objection_opened', 'objection.opened'],
    'the person’s record raised its events',
  );
  for (const e of aboutPerson)
    t.same(
      e.data.subject,
      { kind: 'person', name: '李四', uscc: null, idMasked: `${person.slice(0, 6)}********${person.slice(14)}` },
      `${e.type} names the person masked`,
    );
  t.ok(
    feedEvents.some((e) =>
      (e.data.subject as { idMasked?: string } | undefined)?.idMasked?.startsWith(imported.slice(0, 6)),
    ),
    'the imported person too',
  );

  // Failing requests that carry numbers: in the URL, in a bad body, and a failed statement with the number bound.
  const inUrl = await app.inject({ url: `/v1/entries?subject=${person}`, headers: bearer(finance.key) });
  t.equal(inUrl.json().code, 'ID_NUMBER_IN_URL');
  t.equal((await app.inject({ url: `/v1/entries/${person}`, headers: bearer(finance.key) })).statusCode, 400);
  t.equal(
    (await app.inject({ url: `/v1/nowhere/${person}?id=${legalRep}`, headers: bearer(finance.key) })).statusCode,
    404,
  );
  const badCheck = await sent(finance.key, '/v1/checks', {
    subject: { idNumber: person.slice(0, 17) + (person.endsWith('0') ? '1' : '0') },
    matter: { type: 'tax', reference: 'x' },
  });
  t.equal(badCheck.json().code, 'INVALID_ID_NUMBER');
  const conflict = await sent(
    finance.key,
    '/v1/checks',
    { subject: { idNumber: legalRep }, matter: checkBody.matter },
    { 'idempotency-key': 'privacy-1' },
  );
  t.equal(conflict.json().code, 'CONFLICT', 'the Idempotency-Key reused for another person');
  const failed = await database.db.execute(sql`select ${person}::int`).catch((e: unknown) => e);
  t.ok(failed instanceof Error, 'a statement with the number as a parameter fails');
  app.log.error({ err: failed }, 'unhandled error');
  t.ok(log.length > 1000, `the server logged ${log.length} characters`);
  t.match(log, /params: \[not logged\]/, 'the failed statement was logged, without its parameters');

  const numbers = [person, legalRep, imported];
  const needles: Array<[string, string]> = [];
  for (const n of numbers) {
    needles.push([n, 'the ID number'], [n.toLowerCase(), 'the ID number'], [n.slice(0, 17), 'its 17-digit prefix']);
    for (const d of digests(n)) needles.push([d, 'a digest of the number']);
    for (const d of digests(n.slice(0, 17))) needles.push([d, 'a digest of the prefix']);
  }
  for (const b of bodies)
    for (const d of [...digests(canonicalJson(b)), ...digests(JSON.stringify(b))])
      needles.push([d, 'an unkeyed digest of a request body']);
  t.ok(needles.length > 50, `${needles.length} needles`);

  const tables = rows<{ table_name: string }>(
    await database.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
    ),
  ).map((r) => r.table_name);
  t.ok(tables.length >= 20, `${tables.length} tables scanned`);
  const found: string[] = [];
  for (const table of tables) {
    const dump = rows<{ x: string }>(
      await database.db.execute(
        sql`select coalesce(string_agg(x::text, E'\n'), '') as x from ${sql.identifier(table)} x`,
      ),
    )[0]!.x;
    for (const [needle, what] of needles)
      if (dump.toLowerCase().includes(needle.toLowerCase())) found.push(`${table}: ${what}`);
  }
  for (const [needle, what] of needles)
    if (log.toLowerCase().includes(needle.toLowerCase())) found.push(`server log: ${what}`);
  for (const [needle, what] of needles)
    if (feed.body.toLowerCase().includes(needle.toLowerCase())) found.push(`change feed: ${what}`);
  t.same(found, [], 'nothing to recover an ID number from');
  // The check receipt still has its (keyed) fingerprint, so the scan looked at real digests.
  const fingerprints = rows<{ request_hash: string }>(
    await database.db.execute(sql`select request_hash from check_receipt where request_hash is not null`),
  );
  t.equal(fingerprints.length, 2, 'one per stored check');
  for (const f of fingerprints) t.match(f.request_hash, /^[0-9a-f]{64}$/);
});
