// Bulk import through HTTP (inject) on PGlite or PostgreSQL: good, bad and mixed files in both formats and modes,
// BOM and GB18030 text, replays, the limit, and that every written row has its version, subject, event and audit.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import t from 'tap';
import type { Db } from '../../api/src/db/index.js';
import { bearer, build } from '../helpers/app.js';
import { csv, ndjson, row } from '../helpers/import.js';
import { rows as rowsOf } from '../helpers/rows.js';
import { check, department, idNumber, uscc } from '../helpers/world.js';

const BATCH = 3;
const LIMIT = 64 * 1024;
async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(query))[0]!.n);
}

t.test('bulk import', async (t) => {
  const { app, database, adminKey } = await build(t, { imports: { limit: LIMIT, batchSize: BATCH } });
  const db = database.db;
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const finance = await department(app, adminKey, 'finance', '230800');
  const post = (key: string, body: string | Buffer, query = '', type = 'text/csv') =>
    app.inject({
      method: 'POST',
      url: `/v1/imports${query}`,
      headers: { ...bearer(key), 'content-type': type },
      payload: body,
    });
  const bySource = (source: string) => count(db, sql`select count(*)::int as n from entry where source = ${source}`);

  t.test('a good CSV: every row written with its version, subject, event and one audit row per batch', async (t) => {
    const person = idNumber('19800101');
    const rows = [
      row({ source: 'good' }),
      row({ source: 'good', formerNames: '鹤岗市老字号有限公司|鹤岗市更老字号有限公司' }),
      row({
        source: 'good',
        list: 'court.dishonest_debtor',
        kind: 'person',
        uscc: undefined,
        idNumber: person,
        name: '张三',
      }),
      row({ source: 'good', list: 'nanning.urban_points', points: '3' }),
      row({ source: 'good', name: '名字, 带 "引号" 的公司' }),
    ];
    const court = await department(app, adminKey, 'credit_office', '450100');
    const res = await post(court.key, csv(rows));
    t.equal(res.statusCode, 201, res.body);
    const body = res.json();
    t.match(body, {
      status: 'completed',
      mode: 'all-or-nothing',
      format: 'csv',
      rowsRead: 5,
      accepted: 5,
      rejected: 0,
      created: 5,
      errors: [],
    });
    t.equal(await bySource('good'), 5);
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from entry e join entry_version v on v.entry_id = e.id and v.version = 1 and v.superseded_at is null where e.source = 'good'`,
      ),
      5,
    );
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from entry e join event ev on ev.entry_id = e.id and ev.type = 'entry.created' where e.source = 'good'`,
      ),
      5,
      'one entry.created each',
    );
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from audit_log where action = 'entry.import' and target_id = ${body.importId}`,
      ),
      2,
      '5 rows in batches of 3',
    );
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from subject_name where name = '鹤岗市更老字号有限公司' and former`,
      ),
      1,
      'former names kept',
    );
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from subject where id_masked is not null and id_hash is not null and name = '张三'`,
      ),
      1,
    );
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from subject s where s.id_masked = ${person} or s.name = ${person}`,
      ),
      0,
      'no plain ID number',
    );
    const names = await count(db, sql`select count(*)::int as n from subject where name = '名字, 带 "引号" 的公司'`);
    t.equal(names, 1, 'quoted CSV field');

    const hit = (await check(app, finance.key, { uscc: rows[0]!.uscc }, 'government_procurement')).json();
    t.equal(hit.hits.length, 1, 'a check sees the imported record at once');
    t.equal(hit.hits[0].list.code, 'safety.blacklist');
    const byId = (await check(app, finance.key, { idNumber: person }, 'government_procurement')).json();
    t.equal(byId.hits[0]?.matchedBy, 'id_number');
    const byFormer = (await check(app, finance.key, { name: '鹤岗市老字号有限公司' }, 'government_procurement')).json();
    t.equal(byFormer.hits[0]?.matchedBy, 'former_name');

    const got = await app.inject({ url: `/v1/imports/${body.importId}`, headers: bearer(court.key) });
    t.equal(got.statusCode, 200);
    t.match(got.json(), {
      importId: body.importId,
      status: 'completed',
      accepted: 5,
      departmentId: court.departmentId,
      finishedAt: String,
    });
    t.equal(
      (await app.inject({ url: `/v1/imports/${body.importId}`, headers: bearer(safety.key) })).json().code,
      'NOT_FOUND',
      'another department',
    );
    t.equal(
      (await app.inject({ url: `/v1/imports/${body.importId}`, headers: bearer(adminKey) })).statusCode,
      200,
      'an admin',
    );
    const list = await app.inject({ url: '/v1/imports', headers: bearer(court.key) });
    t.same(
      list.json().imports.map((i: { importId: string }) => i.importId),
      [body.importId],
    );

    t.test('the same file again writes nothing (replayed); a changed row versions its record', async (t) => {
      const again = (await post(court.key, csv(rows))).json();
      t.match(again, { accepted: 5, created: 0, updated: 0, replayed: 5 });
      t.equal(
        await count(
          db,
          sql`select count(*)::int as n from entry_version v join entry e on e.id = v.entry_id where e.source = 'good'`,
        ),
        5,
      );
      const changed = rows.map((r, i) => (i === 1 ? { ...r, reason: '更正：事故等级' } : r));
      const third = (await post(court.key, csv(changed))).json();
      t.match(third, { accepted: 5, created: 0, updated: 1, replayed: 4 });
      const v = await db.execute(
        sql`select v.version, v.reason, v.superseded_at from entry_version v join entry e on e.id = v.entry_id where e.source_record_id = ${rows[1]!.sourceRecordId} order by v.version`,
      );
      const versions = rowsOf<{ version: number; reason: string; superseded_at: unknown }>(v);
      t.match(versions, [{ version: 1 }, { version: 2, reason: '更正：事故等级', superseded_at: null }]);
      t.ok(versions[0]!.superseded_at, 'the first version is superseded');
      t.equal(
        await count(
          db,
          sql`select count(*)::int as n from event ev join entry e on e.id = ev.entry_id where e.source_record_id = ${rows[1]!.sourceRecordId} and ev.type = 'entry.updated'`,
        ),
        1,
      );
    });
  });

  const mixed = () => {
    const good1 = row({ source: 'mixed' });
    const good2 = row({ source: 'mixed' });
    const badUscc = row({ source: 'mixed', uscc: '91230400MA1B2C3D4X' });
    const badDate = row({ source: 'mixed', decidedAt: 'yesterday' });
    const badId = row({
      source: 'mixed',
      kind: 'person',
      list: 'court.dishonest_debtor',
      uscc: undefined,
      idNumber: '110105198001011234',
    });
    const noUscc = row({ source: 'mixed', uscc: undefined });
    const badPoints = row({ source: 'mixed', list: 'nanning.urban_points', points: '2' });
    return { rows: [good1, badUscc, good2, badDate, badId, noUscc, badPoints], good: 2 };
  };
  const expectedErrors = [
    { row: 3, code: 'INVALID_USCC' },
    { row: 5, code: 'VALIDATION_FAILED' },
    { row: 6, code: 'INVALID_ID_NUMBER' },
    { row: 7, code: 'VALIDATION_FAILED' },
    { row: 8, code: 'VALIDATION_FAILED' },
  ];

  t.test('a mixed CSV, all-or-nothing: 422 naming each bad row, and nothing written', async (t) => {
    const credit = await department(app, adminKey, 'credit_office', '450100');
    const { rows } = mixed();
    const before = await count(db, sql`select count(*)::int as n from subject`);
    const res = await post(credit.key, csv(rows));
    t.equal(res.statusCode, 422, res.body);
    t.match(res.headers['content-type'], /application\/problem\+json/);
    const body = res.json();
    t.match(body, { code: 'IMPORT_REJECTED', status: 422, accepted: 0, rejected: 5, rowsRead: 7 });
    t.same(
      body.errors.map((e: { row: number; code: string }) => ({ row: e.row, code: e.code })),
      expectedErrors,
    );
    t.ok(body.errors.every((e: { message: string }) => e.message.length > 0));
    t.equal(await bySource('mixed'), 0);
    t.equal(await count(db, sql`select count(*)::int as n from subject`), before, 'no subject either');
    const stored = (await app.inject({ url: `/v1/imports/${body.importId}`, headers: bearer(credit.key) })).json();
    t.match(stored, { status: 'rejected', accepted: 0, rejected: 5 });
  });

  t.test('a mixed CSV, accept-valid: the good rows are written, the bad ones listed', async (t) => {
    const credit = await department(app, adminKey, 'credit_office', '450100');
    const { rows, good } = mixed();
    const res = await post(credit.key, csv(rows), '?mode=accept-valid');
    t.equal(res.statusCode, 201, res.body);
    const body = res.json();
    t.match(body, { status: 'completed', mode: 'accept-valid', accepted: good, rejected: 5, created: good });
    t.same(
      body.errors.map((e: { row: number; code: string }) => ({ row: e.row, code: e.code })),
      expectedErrors,
    );
    t.equal(await bySource('mixed'), good);
  });

  t.test('FORBIDDEN_LIST rows: a department outside the list publishers', async (t) => {
    const rows = [row({ source: 'forbidden' }), row({ source: 'forbidden', list: 'tax.major_violation' })];
    const res = await post(safety.key, csv(rows), '?mode=accept-valid');
    t.equal(res.statusCode, 201);
    t.match(res.json(), { accepted: 1, rejected: 1, errors: [{ row: 3, code: 'FORBIDDEN_LIST' }] });
    const all = await post(finance.key, csv([row({ source: 'forbidden2' })]));
    t.equal(all.statusCode, 422);
    t.same(
      all.json().errors.map((e: { code: string }) => e.code),
      ['FORBIDDEN_LIST'],
    );
    t.equal(await bySource('forbidden2'), 0);
  });

  t.test('NDJSON: flat rows, the nested body of POST /v1/entries, and bad lines', async (t) => {
    const flat = row({ source: 'nd' });
    const nested = row({ source: 'nd' });
    const lines = [
      JSON.stringify(flat),
      '',
      JSON.stringify({
        list: nested.list,
        subject: { kind: 'enterprise', uscc: nested.uscc, name: nested.name },
        decisionDocNo: 'x',
        reason: 'y',
        decidedAt: nested.decidedAt,
        source: 'nd',
        sourceRecordId: nested.sourceRecordId,
      }),
      '{"list": broken',
      '[1,2]',
      JSON.stringify({ ...row({ source: 'nd' }), colour: 'red' }),
      JSON.stringify({ ...row({ source: 'nd' }), points: 'three' }),
    ].join('\n');
    const res = await post(safety.key, lines, '?mode=accept-valid', 'application/x-ndjson');
    t.equal(res.statusCode, 201, res.body);
    t.match(res.json(), { format: 'ndjson', accepted: 2, rejected: 4 });
    t.same(
      res.json().errors.map((e: { row: number; code: string }) => [e.row, e.code]),
      [
        [4, 'MALFORMED_ROW'],
        [5, 'MALFORMED_ROW'],
        [6, 'VALIDATION_FAILED'],
        [7, 'VALIDATION_FAILED'],
      ],
    );
    t.equal(await bySource('nd'), 2);
    const good = await post(
      safety.key,
      ndjson([row({ source: 'nd2' }), row({ source: 'nd2' })]),
      '?format=ndjson',
      'application/octet-stream',
    );
    t.match(good.json(), { accepted: 2, created: 2 });
  });

  t.test('CSV with a UTF-8 BOM, and a bad row count', async (t) => {
    const rows = [row({ source: 'bom' }), row({ source: 'bom' })];
    const text = csv(rows).replace(`${rows[1]!.sourceRecordId},`, `${rows[1]!.sourceRecordId},extra,`);
    const res = await post(
      safety.key,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      '?mode=accept-valid',
    );
    t.equal(res.statusCode, 201, res.body);
    t.match(res.json(), { accepted: 1, rejected: 1, errors: [{ row: 3, code: 'MALFORMED_ROW' }] });
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from entry where source = 'bom' and source_record_id = ${rows[0]!.sourceRecordId}`,
      ),
      1,
      'the header was read through the BOM',
    );
  });

  t.test('GB18030 CSV: by charset or ?encoding=, with four-byte characters; wrong encoding is refused', async (t) => {
    const file = readFileSync(new URL('../fixtures/import-gb18030.csv', import.meta.url));
    const wrong = await post(safety.key, file, '?mode=accept-valid');
    t.equal(wrong.statusCode, 400);
    t.equal(wrong.json().code, 'INVALID_ENCODING');
    t.equal(await bySource('gb18030-fixture'), 0, 'nothing from an undecodable file');
    const res = await post(safety.key, file, '', 'text/csv; charset=GB18030');
    t.equal(res.statusCode, 201, res.body);
    t.match(res.json(), { accepted: 2, created: 2 });
    const again = await post(safety.key, file, '?encoding=gb18030', 'text/csv');
    t.match(again.json(), { accepted: 2, replayed: 2 });
    const gbk = await post(safety.key, file, '?encoding=gbk', 'text/csv');
    t.equal(gbk.statusCode, 400, 'GBK cannot hold the four-byte characters');
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from subject where name in ('佳木斯市龘䶮建筑工程有限公司', '鹤岗市「恒達」矿业有限公司')`,
      ),
      2,
    );
    t.equal(
      await count(
        db,
        sql`select count(*)::int as n from entry_version where reason = '发生较大生产安全责任事故，𠮷字号'`,
      ),
      1,
    );
    const hit = (await check(app, finance.key, { name: '佳木斯市旧名建筑有限公司' }, 'government_procurement')).json();
    t.equal(hit.hits[0]?.matchedBy, 'former_name');
  });

  t.test(
    'rows apply in file order: a repeated key versions its record, a renamed subject keeps its old name',
    async (t) => {
      const first = row({ source: 'order' });
      const renamed = row({ source: 'order', uscc: first.uscc, name: '鹤岗市新名称有限公司' });
      const repeat = { ...first, reason: '第二次：更正' };
      const res = await post(safety.key, csv([first, renamed, repeat]));
      t.match(res.json(), { accepted: 3, created: 2, updated: 1 });
      t.equal(
        await count(
          db,
          sql`select count(*)::int as n from entry_version v join entry e on e.id = v.entry_id where e.source = 'order'`,
        ),
        3,
      );
      t.equal(
        await count(
          db,
          sql`select count(*)::int as n from subject_name sn join subject s on s.id = sn.subject_id where s.uscc = ${first.uscc} and sn.former`,
        ),
        1,
      );
      t.equal(
        await count(
          db,
          sql`select count(*)::int as n from subject where uscc = ${first.uscc} and name = ${first.name}`,
        ),
        1,
        'the current name is the last one',
      );
    },
  );

  t.test('records owned by another list or subject, and revoked ones, are CONFLICT rows', async (t) => {
    const a = row({ source: 'conf' });
    await post(safety.key, csv([a]));
    const other = { ...a, uscc: uscc() };
    const res = await post(safety.key, csv([other, row({ source: 'conf' })]), '?mode=accept-valid');
    t.match(res.json(), { accepted: 1, rejected: 1, errors: [{ row: 2, code: 'CONFLICT' }] });
  });

  t.test('bad requests', async (t) => {
    const file = csv([row({ source: 'bad-req' })]);
    for (const [query, type, code, status] of [
      ['?format=xml', 'text/csv', 'VALIDATION_FAILED', 400],
      ['?mode=some', 'text/csv', 'VALIDATION_FAILED', 400],
      ['?encoding=latin1', 'text/csv', 'VALIDATION_FAILED', 400],
      ['', 'text/csv; charset=latin1', 'VALIDATION_FAILED', 400],
      ['', 'application/octet-stream', 'VALIDATION_FAILED', 400],
      ['', 'application/json', 'UNSUPPORTED_MEDIA_TYPE', 415],
      ['', 'application/xml', 'UNSUPPORTED_MEDIA_TYPE', 415],
    ] as const) {
      const res = await post(safety.key, type === 'application/json' ? JSON.stringify({ a: 1 }) : file, query, type);
      t.equal(res.statusCode, status, `${query} ${type}`);
      t.equal(res.json().code, code, `${query} ${type}`);
    }
    const noScope = await department(app, adminKey, 'finance', '110000', ['check']);
    t.equal((await post(noScope.key, file)).json().code, 'FORBIDDEN_SCOPE');
    t.equal((await post(safety.key, '')).json().code, 'EMPTY_IMPORT');
    t.equal((await post(safety.key, csv([]))).json().code, 'EMPTY_IMPORT', 'a header and no rows');
    t.equal((await post(safety.key, '', '', 'application/x-ndjson')).json().code, 'EMPTY_IMPORT');
    t.equal((await post(safety.key, 'list,kind,colour\nx,y,z\n')).json().code, 'INVALID_CSV_HEADER');
    t.equal((await post(safety.key, 'list,kind,name,name\n')).json().code, 'INVALID_CSV_HEADER');
    t.equal(
      (
        await post(safety.key, csv([row({ source: 'bad-req' })]).replace('safety.blacklist', '"safety.blacklist'))
      ).json().code,
      'MALFORMED_ROW',
      'unclosed quote',
    );
    t.equal(await bySource('bad-req'), 0);
  });

  t.test(
    'over the import limit by Content-Length: 413 before anything is read (a streamed body: test/http/import-kill)',
    async (t) => {
      const rows = Array.from({ length: 400 }, () => row({ source: 'big' }));
      const big = csv(rows);
      t.ok(Buffer.byteLength(big) > LIMIT);
      const declared = await post(safety.key, big, '?mode=accept-valid');
      t.equal(declared.statusCode, 413);
      t.equal(declared.json().code, 'PAYLOAD_TOO_LARGE');
      t.equal(await bySource('big'), 0);
      const imports = (await app.inject({ url: '/v1/imports?limit=1', headers: bearer(safety.key) })).json().imports;
      t.notOk(
        imports.some((i: { rowsRead: number }) => i.rowsRead >= 400),
        'refused before an import began',
      );
    },
  );
});
