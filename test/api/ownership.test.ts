// A record answers to the department that decided it (issue #11): the takeover and silencing reproductions, refused;
// the admin's audited transfer; who may file an objection or a repair (the three paths and each refusal); the case
// department columns; a subject's rename; and the one write path (publish and import write the same rows).
import { sql } from 'drizzle-orm';
import t from 'tap';
import type { Database } from '../../api/src/db/index.js';
import { bearer } from '../helpers/app.js';
import { ndjson, row } from '../helpers/import.js';
import { check, department, idNumber, publish, uscc, world } from '../helpers/world.js';
import { rows } from '../helpers/rows.js';

/** Row counts of the tables a refused write must not touch. */
async function counts(database: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['entry', 'entry_version', 'event', 'audit_log', 'objection', 'repair', 'subject']) {
    out[table] = Number(
      rows<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!
        .n,
    );
  }
  return out;
}

t.test('records belong to the department that decided them', async (t) => {
  const { app, database, adminKey } = await world(t);
  const a = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const b = await department(app, adminKey, 'credit_office', '230400', ['check', 'publish', 'review']);
  const c = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const post = (key: string, url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
  const getEntry = async (id: string, key = a.key) =>
    (await app.inject({ url: `/v1/entries/${id}?view=internal`, headers: bearer(key) })).json();

  t.test(
    'reproduction 1: another department sending the same source ids makes its own record and never takes over',
    async (t) => {
      const firm = uscc();
      const subject = { kind: 'enterprise', uscc: firm, name: '佳木斯市归属一有限公司' };
      const mine = await publish(app, a.key, {
        list: 'safety.blacklist',
        subject,
        source: 'a-system',
        sourceRecordId: 'A-1',
      });
      t.equal(mine.statusCode, 201, mine.body);
      const entryId = mine.json().entryId;
      // The attack of the issue: B (a credit_office, which may publish to every list) re-dates A's record to 2020.
      const hostile = await publish(app, b.key, {
        list: 'safety.blacklist',
        subject,
        source: 'a-system',
        sourceRecordId: 'A-1',
        validFrom: '2019-01-01T00:00:00Z',
        validUntil: '2020-01-01T00:00:00Z',
        decidedAt: '2019-01-01T00:00:00Z',
      });
      t.equal(hostile.statusCode, 201, 'B gets a record of its own');
      t.not(hostile.json().entryId, entryId);
      const after = await getEntry(entryId);
      t.match(
        after,
        { decidedBy: a.departmentId, version: 1, status: 'active', listed: true },
        "A's record is untouched",
      );
      t.equal(
        (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json().verdict,
        'restricted',
        'the check still sees it',
      );
      const revoked = await post(a.key, `/v1/entries/${entryId}/revoke`, { reason: '复核撤销' });
      t.equal(revoked.statusCode, 200, "A's own revoke works");
      // The same through a bulk import by B: again its own record.
      const imported = await app.inject({
        method: 'POST',
        url: '/v1/imports',
        headers: { ...bearer(b.key), 'content-type': 'application/x-ndjson' },
        payload: ndjson([
          row({ uscc: firm, name: subject.name, source: 'a-system', sourceRecordId: 'A-1', reason: '导入覆盖' }),
        ]),
      });
      t.equal(imported.statusCode, 201, imported.body);
      t.match(imported.json(), { accepted: 1, updated: 1 }, "B's own record gets the new version");
      t.match(
        await getEntry(entryId),
        { decidedBy: a.departmentId, status: 'revoked', version: 2 },
        'the import did not touch it either',
      );
      const owners = rows<{ department_id: string }>(
        await database.db.execute(
          sql`select department_id from entry where source = 'a-system' and source_record_id = 'A-1' order by created_at`,
        ),
      );
      t.same(
        owners.map((o) => o.department_id),
        [a.departmentId, b.departmentId],
        'one record per department',
      );
    },
  );

  t.test('only the deciding department changes a record; an admin transfers it, audited', async (t) => {
    const p = await publish(app, a.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: uscc(), name: '佳木斯市归属二有限公司' },
    });
    const entryId = p.json().entryId;
    const before = await counts(database);
    const byOther = await post(c.key, `/v1/entries/${entryId}/revoke`, { reason: 'x' });
    t.equal(byOther.statusCode, 403);
    t.equal(byOther.json().code, 'NOT_DECIDING_DEPARTMENT');
    const byAdmin = await post(adminKey, `/v1/entries/${entryId}/revoke`, { reason: 'x' });
    t.equal(
      byAdmin.json().code,
      'NOT_DECIDING_DEPARTMENT',
      'an admin key of another department does not act for the decider',
    );
    const notAdmin = await post(c.key, `/v1/entries/${entryId}/transfer`, {
      departmentId: c.departmentId,
      reason: '机构合并',
    });
    t.equal(notAdmin.statusCode, 403);
    t.equal(notAdmin.json().code, 'FORBIDDEN_SCOPE');
    const unknown = await post(adminKey, `/v1/entries/${entryId}/transfer`, {
      departmentId: '00000000-0000-4000-8000-000000000000',
      reason: '机构合并',
    });
    t.equal(unknown.json().code, 'NOT_FOUND');
    const same = await post(adminKey, `/v1/entries/${entryId}/transfer`, {
      departmentId: a.departmentId,
      reason: '机构合并',
    });
    t.equal(same.json().code, 'CONFLICT');
    const noReason = await post(adminKey, `/v1/entries/${entryId}/transfer`, { departmentId: c.departmentId });
    t.equal(noReason.json().code, 'VALIDATION_FAILED');
    t.same(await counts(database), before, 'the refusals wrote nothing');

    const moved = await post(adminKey, `/v1/entries/${entryId}/transfer`, {
      departmentId: c.departmentId,
      reason: '机构合并，职责划转',
    });
    t.equal(moved.statusCode, 200, moved.body);
    t.match(moved.json(), { entryId, version: 2, status: 'active', decidedBy: c.departmentId });
    const entry = await getEntry(entryId);
    t.match(entry, { decidedBy: c.departmentId, version: 2 });
    t.same(
      entry.versions.map((v: { change: string }) => v.change),
      ['created', 'transferred'],
    );
    const event = rows<{ type: string; data: Record<string, unknown> }>(
      await database.db.execute(sql`select type, data from event where entry_id = ${entryId} order by id desc limit 1`),
    )[0]!;
    t.match(event, {
      type: 'entry.transferred',
      data: { fromDepartmentId: a.departmentId, toDepartmentId: c.departmentId, reason: '机构合并，职责划转' },
    });
    const auditRow = rows<{ action: string; key_id: string }>(
      await database.db.execute(
        sql`select action, key_id from audit_log where target_id = ${entryId} order by id desc limit 1`,
      ),
    )[0]!;
    t.equal(auditRow.action, 'entry.transferred');
    t.equal(
      (await post(a.key, `/v1/entries/${entryId}/revoke`, { reason: 'x' })).json().code,
      'NOT_DECIDING_DEPARTMENT',
      'the old owner no longer acts',
    );
    t.equal(
      (await post(c.key, `/v1/entries/${entryId}/revoke`, { reason: '新部门撤销' })).statusCode,
      200,
      'the new one does',
    );
  });

  t.test('a transfer onto a department that already has the same ids is a conflict', async (t) => {
    const subject = { kind: 'enterprise', uscc: uscc(), name: '佳木斯市归属三有限公司' };
    const mine = (
      await publish(app, a.key, { list: 'safety.blacklist', subject, source: 'shared', sourceRecordId: 'S-1' })
    ).json();
    await publish(app, c.key, { list: 'safety.blacklist', subject, source: 'shared', sourceRecordId: 'S-1' });
    const clash = await post(adminKey, `/v1/entries/${mine.entryId}/transfer`, {
      departmentId: c.departmentId,
      reason: '合并',
    });
    t.equal(clash.statusCode, 409);
    t.equal(clash.json().code, 'CONFLICT');
  });

  t.test('open cases go with a transferred record', async (t) => {
    const p = (
      await publish(app, a.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: uscc(), name: '佳木斯市归属四有限公司' },
      })
    ).json();
    const o = await post(a.key, '/v1/objections', {
      entryId: p.entryId,
      applicant: { name: '申请人' },
      reason: '认定有误',
    });
    t.equal(o.statusCode, 201, o.body);
    t.equal(
      (await post(adminKey, `/v1/entries/${p.entryId}/transfer`, { departmentId: c.departmentId, reason: '职责划转' }))
        .statusCode,
      200,
    );
    const url = `/v1/objections/${o.json().objectionId}/verify`;
    t.equal(
      (await post(a.key, url, {})).json().code,
      'NOT_DECIDING_DEPARTMENT',
      'the old department no longer decides it',
    );
    const verified = await post(c.key, url, {});
    t.equal(verified.statusCode, 200, verified.body);
    t.equal(verified.json().decidingDepartmentId, c.departmentId);
  });

  t.test('a publisher renaming a subject writes subject.renamed and an audit row naming the key', async (t) => {
    const firm = uscc();
    const first = await publish(app, a.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市旧名有限公司' },
    });
    const subjectId = (await getEntry(first.json().entryId)).subjectId;
    const renamed = await publish(app, a.key, {
      list: 'safety.watch',
      subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市新名有限公司' },
    });
    t.equal(renamed.statusCode, 201, renamed.body);
    const ev = rows<{ data: Record<string, unknown> }>(
      await database.db.execute(
        sql`select data from event where type = 'subject.renamed' and data->>'subjectId' = ${subjectId}`,
      ),
    );
    t.equal(ev.length, 1);
    t.match(ev[0]!.data, { subjectId, name: '佳木斯市新名有限公司', formerName: '佳木斯市旧名有限公司' });
    const au = rows<{ key_id: string; detail: Record<string, unknown> }>(
      await database.db.execute(
        sql`select key_id, detail from audit_log where action = 'subject.rename' and target_id = ${subjectId}`,
      ),
    );
    t.equal(au.length, 1);
    t.ok(au[0]!.key_id, 'the audit row names the key');
    t.match(au[0]!.detail, { from: '佳木斯市旧名有限公司', to: '佳木斯市新名有限公司' });
  });
});

t.test('who may file an objection or a repair (003:L71, L157, L477)', async (t) => {
  const { app, database, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const tax = await department(app, adminKey, 'taxation', '230800', ['check']);
  const localCredit = await department(app, adminKey, 'credit_office', '230800', ['check', 'review']);
  const provinceCredit = await department(app, adminKey, 'credit_office', '230000', ['review']);
  const otherCity = await department(app, adminKey, 'credit_office', '230400', ['check', 'review']);
  const otherReviewer = await department(app, adminKey, 'emergency_management', '450100', ['review']);
  const post = (key: string, url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: bearer(key), payload: payload as object });
  const applicant = { name: '佳木斯市某某有限公司', relation: 'subject' };
  const objection = (entryId: string, extra: Record<string, unknown> = {}) => ({
    entryId,
    applicant,
    reason: '认定有误',
    ...extra,
  });
  const repair = (entryId: string, extra: Record<string, unknown> = {}) => ({
    entryId,
    applicant,
    reason: '已整改',
    pledge: '承诺守法',
    ...extra,
  });
  async function listed() {
    const firm = uscc();
    const p = await publish(app, safety.key, {
      list: 'safety.blacklist',
      subject: { kind: 'enterprise', uscc: firm, name: `佳木斯市异议路径${firm.slice(-6)}有限公司` },
    });
    t.equal(p.statusCode, 201, p.body);
    return { firm, entryId: p.json().entryId as string };
  }
  const status = async (entryId: string) =>
    (await app.inject({ url: `/v1/entries/${entryId}?view=internal`, headers: bearer(safety.key) })).json().status;

  t.test('reproduction 2: a review key of another city cannot silence a record', async (t) => {
    const { firm, entryId } = await listed();
    const before = await counts(database);
    for (const key of [otherReviewer.key, otherCity.key]) {
      const res = await post(key, '/v1/objections', objection(entryId));
      t.equal(res.statusCode, 403);
      t.equal(res.json().code, 'NOT_ENTITLED_TO_FILE');
      t.match(res.headers['content-type'], /application\/problem\+json/);
    }
    t.same(await counts(database), before, 'nothing written');
    t.equal(await status(entryId), 'active');
    t.equal(
      (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json().verdict,
      'restricted',
      'the verdict did not flip',
    );
  });

  t.test('the deciding department files', async (t) => {
    const { entryId } = await listed();
    const res = await post(safety.key, '/v1/objections', objection(entryId));
    t.equal(res.statusCode, 201, res.body);
    t.match(res.json(), {
      filedAs: 'deciding_department',
      checkId: null,
      filedBy: { departmentId: safety.departmentId },
      decidingDepartmentId: safety.departmentId,
    });
    t.equal(await status(entryId), 'objection_pending');
  });

  t.test('a department whose own check hit the record files with that checkId', async (t) => {
    const { firm, entryId } = await listed();
    const own = (await check(app, finance.key, { uscc: firm }, 'government_procurement')).json();
    const miss = (await check(app, finance.key, { uscc: uscc() }, 'government_procurement')).json();
    const taxCheck = (await check(app, tax.key, { uscc: firm }, 'tax')).json();
    const before = await counts(database);
    const noCheck = await post(finance.key, '/v1/objections', objection(entryId));
    t.equal(noCheck.json().code, 'NOT_ENTITLED_TO_FILE', 'without a check');
    const foreign = await post(finance.key, '/v1/objections', objection(entryId, { checkId: taxCheck.checkId }));
    t.equal(foreign.statusCode, 403);
    t.equal(foreign.json().code, 'CHECK_NOT_OURS', "another department's receipt");
    const missing = await post(
      finance.key,
      '/v1/objections',
      objection(entryId, { checkId: '00000000-0000-4000-8000-000000000000' }),
    );
    t.equal(missing.json().code, 'CHECK_NOT_OURS', 'a receipt that does not exist');
    const noHit = await post(finance.key, '/v1/objections', objection(entryId, { checkId: miss.checkId }));
    t.equal(noHit.statusCode, 403);
    t.equal(noHit.json().code, 'CHECK_DID_NOT_HIT');
    const repairNoHit = await post(finance.key, '/v1/repairs', repair(entryId, { checkId: miss.checkId }));
    t.equal(repairNoHit.json().code, 'CHECK_DID_NOT_HIT', 'repairs follow the same rule');
    t.same(await counts(database), before, 'the refusals wrote nothing');
    const ok = await post(finance.key, '/v1/objections', objection(entryId, { checkId: own.checkId }));
    t.equal(ok.statusCode, 201, ok.body);
    t.match(ok.json(), {
      filedAs: 'check_hit',
      checkId: own.checkId,
      filedBy: { departmentId: finance.departmentId },
      decidingDepartmentId: safety.departmentId,
    });
    // The filer sees its case; the deciding department decides it.
    t.equal(
      (await app.inject({ url: `/v1/objections/${ok.json().objectionId}`, headers: bearer(safety.key) })).statusCode,
      200,
    );
    const repairOk = await post(finance.key, '/v1/repairs', repair((await listed()).entryId, { checkId: own.checkId }));
    t.equal(repairOk.json().code, 'CHECK_DID_NOT_HIT', 'a check hits the records it hit, not later ones');
  });

  t.test('the credit office whose region covers the record’s region files', async (t) => {
    const { entryId } = await listed();
    const res = await post(provinceCredit.key, '/v1/objections', objection(entryId));
    t.equal(res.statusCode, 201, res.body);
    t.equal(res.json().filedAs, 'credit_office', 'the province covers the city');
    const other = await listed();
    const r = await post(localCredit.key, '/v1/repairs', repair(other.entryId));
    t.equal(r.statusCode, 201, r.body);
    t.equal(r.json().filedAs, 'credit_office');
    const elsewhere = await post(otherCity.key, '/v1/repairs', repair((await listed()).entryId));
    t.equal(elsewhere.json().code, 'NOT_ENTITLED_TO_FILE', 'another city’s credit office');
  });

  t.test('who filed and decided are indexed, foreign-keyed columns', async (t) => {
    const fks = rows<{ table_name: string; column_name: string }>(
      await database.db.execute(sql`
        select kcu.table_name, kcu.column_name from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name
        where tc.constraint_type = 'FOREIGN KEY' and kcu.table_name in ('objection', 'repair')
          and kcu.column_name in ('filed_by_department_id', 'deciding_department_id', 'decided_by_department_id')`),
    );
    // check_id is not foreign-keyed: receipts are partitioned by month and archived months are dropped
    // (migrations/0014_receipt_partitions.sql); filingPath() checks the receipt exists and is the filer's
    t.equal(fks.length, 6, 'three per case table');
    const idx = rows<{ indexname: string }>(
      await database.db.execute(
        sql`select indexname from pg_indexes where tablename in ('objection', 'repair') and indexname like '%department_idx'`,
      ),
    );
    t.equal(idx.length, 4);
    const stored = rows<{ filed_by_department_id: string; deciding_department_id: string }>(
      await database.db.execute(
        sql`select filed_by_department_id, deciding_department_id from objection where check_id is not null`,
      ),
    );
    t.same(stored, [{ filed_by_department_id: finance.departmentId, deciding_department_id: safety.departmentId }]);
  });
});

t.test('one write path: the same records published by POST /v1/entries and by import give the same rows', async (t) => {
  const { app, database, adminKey } = await world(t);
  // 信用办 may publish to every list, points lists included.
  const viaApi = await department(app, adminKey, 'credit_office', '230800', ['publish', 'check']);
  const viaImport = await department(app, adminKey, 'credit_office', '230800', ['publish', 'check']);
  const person = idNumber('19771103');
  const records = [
    row({ source: 'same', sourceRecordId: 'W-1' }),
    row({ source: 'same', sourceRecordId: 'W-2', kind: 'person', uscc: undefined, idNumber: person, name: '赵六' }),
    row({ source: 'same', sourceRecordId: 'W-3', list: 'mohurd.urban_points', points: '12' }),
  ];
  for (const r of records) {
    const body = {
      list: r.list,
      subject: {
        kind: r.kind,
        ...(r.uscc ? { uscc: r.uscc } : {}),
        ...(r.idNumber ? { idNumber: r.idNumber } : {}),
        name: r.name,
      },
      decisionDocNo: r.decisionDocNo,
      reason: r.reason,
      decidedAt: r.decidedAt,
      validFrom: r.validFrom,
      ...(r.points ? { points: Number(r.points) } : {}),
      source: r.source,
      sourceRecordId: r.sourceRecordId,
    };
    const res = await app.inject({ method: 'POST', url: '/v1/entries', headers: bearer(viaApi.key), payload: body });
    t.equal(res.statusCode, 201, res.body);
  }
  const imported = await app.inject({
    method: 'POST',
    url: '/v1/imports',
    headers: { ...bearer(viaImport.key), 'content-type': 'application/x-ndjson' },
    payload: ndjson(records),
  });
  t.equal(imported.statusCode, 201, imported.body);
  t.match(imported.json(), { accepted: 3, rejected: 0 });

  // Everything but ids, times and the department/key that wrote them.
  const shape = async (departmentId: string) =>
    rows<Record<string, unknown>>(
      await database.db.execute(sql`
        select e.list_code, e.subject_id, e.source, e.source_record_id, e.current_version,
          v.version, v.list_code as v_list, v.subject_id as v_subject, v.decision_doc_no, v.reason, v.points, v.decided_at, v.valid_from,
          v.valid_until, v.status, v.scope_region, v.content_hash, v.change, v.superseded_at,
          (select jsonb_agg(ev.type || ':' || (ev.data - 'entryId' - 'decidingDepartment')::text order by ev.id) from event ev where ev.entry_id = e.id) as events
        from entry e join entry_version v on v.entry_id = e.id
        where e.department_id = ${departmentId} order by e.source_record_id, v.version`),
    ).map((r) => ({
      ...r,
      decided_at: String(r.decided_at),
      valid_from: String(r.valid_from),
      valid_until: String(r.valid_until),
    }));
  const a = await shape(viaApi.departmentId);
  const b = await shape(viaImport.departmentId);
  t.equal(a.length, 3);
  t.same(b, a, 'identical rows apart from ids and times');
  const decider = rows<{ n: number }>(
    await database.db.execute(
      sql`select count(*)::int as n from entry e join entry_version v on v.entry_id = e.id where v.deciding_department_id <> e.department_id`,
    ),
  );
  t.equal(Number(decider[0]!.n), 0, 'every version is decided by its record’s department');
  const named = rows<{ n: number }>(
    await database.db.execute(sql`select count(*)::int as n from event ev join entry e on e.id = ev.entry_id
      where e.department_id in (${viaApi.departmentId}, ${viaImport.departmentId}) and ev.data->'decidingDepartment'->>'departmentId' = e.department_id::text`),
  );
  t.equal(Number(named[0]!.n), 6, 'and each event names that department (compared apart above)');
});
