// No ID number is ever stored in plain (DESIGN.md; 002 §十二, 003:L149): after publishing, checking, objecting and
// repairing with ID numbers, no row of any table contains one.
import { sql } from 'drizzle-orm';
import t from 'tap';
import { bearer } from '../helpers/app.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';

const rows = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? (r as T[]));

t.test('ID numbers never reach the database in plain', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const person = idNumber('19650412');
  const legalRep = idNumber('19720815');
  const firm = uscc();

  const p1 = await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'person', idNumber: person, name: '李四' } });
  const p2 = await publish(app, safety.key, {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市隐私有限公司', relatedPersons: [{ role: 'legal_representative', name: '王五', idNumber: legalRep }] },
  });
  t.equal(p1.statusCode, 201, p1.body);
  t.equal(p2.statusCode, 201, p2.body);
  const c1 = (await check(app, finance.key, { idNumber: person }, 'government_procurement')).json();
  t.equal(c1.verdict, 'restricted', 'the hashed number still finds the person');
  const c2 = (await check(app, finance.key, { idNumber: legalRep.toLowerCase() }, 'government_procurement')).json();
  t.ok(c2.hits.length >= 1, 'and the legal representative');
  const obj = await app.inject({ method: 'POST', url: '/v1/objections', headers: bearer(safety.key), payload: { entryId: p1.json().entryId, applicant: { name: '李四', relation: 'subject' }, reason: '身份核对有误' } });
  t.equal(obj.statusCode, 201);
  t.equal((await app.inject({ url: `/v1/entries?subject=${person}`, headers: bearer(safety.key) })).json().entries.length, 1);

  const tables = rows<{ table_name: string }>(
    await database.db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`),
  ).map((r) => r.table_name);
  t.ok(tables.length >= 20, `${tables.length} tables scanned`);
  for (const table of tables) {
    for (const number of [person, legalRep, person.slice(0, 17)]) {
      const found = rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} x where x::text like ${`%${number}%`}`));
      t.equal(Number(found[0]!.n), 0, `${table} holds no ${number === person.slice(0, 17) ? 'ID number prefix' : 'ID number'}`);
    }
  }
});
