// Every field error a service raises about a request body, answered through HTTP in full. Services name fields
// relative to their input (`/list`) and the routes put them under `/body`; this pins the answers byte for byte: the
// path, the message, and a detail that lists the fields with the same paths.
import type { InjectOptions } from 'fastify';
import t from 'tap';
import { bearer } from '../helpers/app.js';
import { department, idNumber, publish, uscc, world } from '../helpers/world.js';

/** The answer without what differs per request. */
const problem = (body: Record<string, unknown>) => {
  const { requestId: _id, ...rest } = body;
  return rest;
};

const invalid = (
  detail: string,
  errors: Array<{ path: string; message: string }>,
  code = 'VALIDATION_FAILED',
  status = 400,
) => ({
  status,
  body: {
    type: `urn:yingcha:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: {
      VALIDATION_FAILED: 'The request does not match the schema',
      INVALID_USCC: 'Invalid 统一社会信用代码 (unified social credit code)',
      INVALID_ID_NUMBER: 'Invalid 居民身份证号 (resident ID number)',
      INVALID_CURSOR: 'The feed cursor is malformed',
      CONFLICT: 'The request conflicts with the current state',
      FORBIDDEN_WEBHOOK_TARGET: 'Webhooks may not be sent to that address',
      ID_NUMBER_IN_URL: 'An ID number may not travel in a URL; look it up with POST /v1/entries/search',
    }[code],
    status,
    detail,
    code,
    errors,
  },
});

t.test('service field errors answer with paths into the request body', async (t) => {
  const { app, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const finance = await department(app, adminKey, 'finance', '230800', ['check']);
  const nanning = await department(app, adminKey, 'credit_office', '450100', ['check', 'publish']);
  const post = (key: string, url: string, payload: unknown, method: InjectOptions['method'] = 'POST') =>
    app.inject({ method, url, headers: bearer(key), payload: payload as object });
  const matter = { type: 'government_procurement', reference: 'EP-1' };
  const badUscc = '91230400MA1B2C3D4X';
  const goodId = idNumber('19800101', 123);
  const badId = goodId.slice(0, 17) + (goodId.endsWith('0') ? '1' : '0');
  const usccDetail = (await post(finance.key, '/v1/checks', { subject: { uscc: badUscc }, matter })).json()
    .detail as string;
  const idDetail = (await post(finance.key, '/v1/checks', { subject: { idNumber: badId }, matter })).json()
    .detail as string;
  t.ok(usccDetail && idDetail, 'the identifier checks say why');

  // A verifying objection and a verifying repair of the safety department's records, to decide wrongly.
  const record = async (name: string) =>
    (
      await publish(app, safety.key, { list: 'safety.blacklist', subject: { kind: 'enterprise', uscc: uscc(), name } })
    ).json().entryId as string;
  const applicant = { name: '申请人', relation: 'agent' };
  const objectionId = (
    await post(safety.key, '/v1/objections', {
      entryId: await record('佳木斯市路径一有限公司'),
      applicant,
      reason: '有误',
    })
  ).json().objectionId as string;
  t.equal((await post(safety.key, `/v1/objections/${objectionId}/verify`, {})).statusCode, 200);
  const repairId = (
    await post(safety.key, '/v1/repairs', {
      entryId: await record('佳木斯市路径二有限公司'),
      applicant,
      reason: '已整改',
      pledge: '承诺',
    })
  ).json().repairId as string;
  t.equal((await post(safety.key, `/v1/repairs/${repairId}/verify`, {})).statusCode, 200);
  const firm = uscc();
  t.equal(
    (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市路径三有限公司' },
      })
    ).statusCode,
    201,
  );
  const checked = (await post(finance.key, '/v1/checks', { subject: { uscc: firm }, matter })).json();
  const person = idNumber('19800202', 456);
  t.equal(
    (
      await publish(app, safety.key, {
        list: 'safety.blacklist',
        subject: { kind: 'person', idNumber: person, name: '张路径' },
      })
    ).statusCode,
    201,
  );

  const entry = (subject: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: uscc(), name: '佳木斯市路径有限公司', ...subject },
    decisionDocNo: '测试〔2026〕1号',
    reason: '测试',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'test',
    sourceRecordId: `paths-${Math.random()}`,
    ...extra,
  });

  const cases: Array<{
    name: string;
    send: () => Promise<{ statusCode: number; json(): Record<string, unknown> }>;
    want: ReturnType<typeof invalid>;
  }> = [
    // checks
    {
      name: 'check without an identifier or name',
      send: () => post(finance.key, '/v1/checks', { subject: {}, matter }),
      want: invalid('/body/subject needs uscc, idNumber or name', [
        { path: '/body/subject', message: 'needs uscc, idNumber or name' },
      ]),
    },
    {
      name: 'check with a bad USCC',
      send: () => post(finance.key, '/v1/checks', { subject: { uscc: badUscc }, matter }),
      want: invalid(usccDetail, [{ path: '/body/subject/uscc', message: usccDetail }], 'INVALID_USCC'),
    },
    {
      name: 'check with a bad ID number',
      send: () => post(finance.key, '/v1/checks', { subject: { idNumber: badId }, matter }),
      want: invalid(idDetail, [{ path: '/body/subject/idNumber', message: idDetail }], 'INVALID_ID_NUMBER'),
    },
    {
      name: 'check as of the future',
      send: () =>
        post(finance.key, '/v1/checks', { subject: { uscc: firm }, matter, asOf: '2999-01-01T00:00:00.000Z' }),
      want: invalid('/body/asOf is in the future', [{ path: '/body/asOf', message: 'is in the future' }]),
    },
    // entries
    {
      name: 'publish to an unknown list',
      send: () => post(safety.key, '/v1/entries', entry({}, { list: 'no.such' })),
      want: invalid('/body/list is not a list code in the catalogue: no.such', [
        { path: '/body/list', message: 'is not a list code in the catalogue: no.such' },
      ]),
    },
    {
      name: 'publish to a points tier',
      send: () => post(nanning.key, '/v1/entries', entry({}, { list: 'nanning.yellow' })),
      want: invalid('/body/list is computed from points at query time; publish the act to the points list instead', [
        {
          path: '/body/list',
          message: 'is computed from points at query time; publish the act to the points list instead',
        },
      ]),
    },
    {
      name: 'publish an act without points',
      send: () => post(nanning.key, '/v1/entries', entry({}, { list: 'nanning.urban_points' })),
      want: invalid('/body/points is required on a points list (one of 1, 3, 6)', [
        { path: '/body/points', message: 'is required on a points list (one of 1, 3, 6)' },
      ]),
    },
    {
      name: 'publish an act with points the list does not give',
      send: () => post(nanning.key, '/v1/entries', entry({}, { list: 'nanning.urban_points', points: 2 })),
      want: invalid('/body/points must be one of 1, 3, 6', [
        { path: '/body/points', message: 'must be one of 1, 3, 6' },
      ]),
    },
    {
      name: 'publish a decision of the future',
      send: () => post(safety.key, '/v1/entries', entry({}, { decidedAt: '2999-01-01T00:00:00.000Z' })),
      want: invalid('/body/decidedAt is in the future', [{ path: '/body/decidedAt', message: 'is in the future' }]),
    },
    {
      name: 'publish an empty validity',
      send: () =>
        post(
          safety.key,
          '/v1/entries',
          entry({}, { validFrom: '2026-02-01T00:00:00.000Z', validUntil: '2026-01-01T00:00:00.000Z' }),
        ),
      want: invalid('/body/validUntil must be after validFrom', [
        { path: '/body/validUntil', message: 'must be after validFrom' },
      ]),
    },
    {
      name: 'publish an enterprise without its USCC',
      send: () => post(safety.key, '/v1/entries', entry({ uscc: undefined })),
      want: invalid('a subject of kind enterprise needs uscc', [
        { path: '/body/subject/uscc', message: 'is required for kind enterprise' },
      ]),
    },
    {
      name: 'publish with a bad USCC',
      send: () => post(safety.key, '/v1/entries', entry({ uscc: badUscc })),
      want: invalid(usccDetail, [{ path: '/body/subject/uscc', message: usccDetail }], 'INVALID_USCC'),
    },
    {
      name: 'publish with a related person’s bad ID number',
      send: () =>
        post(
          safety.key,
          '/v1/entries',
          entry({
            relatedPersons: [
              { role: 'principal', name: '李四' },
              { role: 'legal_representative', name: '王五', idNumber: badId },
            ],
          }),
        ),
      want: invalid(
        idDetail,
        [{ path: '/body/subject/relatedPersons/1/idNumber', message: idDetail }],
        'INVALID_ID_NUMBER',
      ),
    },
    {
      name: 'publish an ID number that names another subject',
      send: () =>
        post(
          safety.key,
          '/v1/entries',
          entry({ kind: 'individual_business', uscc: uscc('92'), idNumber: person, name: '张路径五金店' }),
        ),
      want: invalid(
        'the ID number belongs to another subject than this 统一社会信用代码; publish them as separate subjects',
        [{ path: '/body/subject/idNumber', message: 'already names another subject' }],
        'CONFLICT',
        409,
      ),
    },
    {
      name: 'search by a bad ID number',
      send: () => post(finance.key, '/v1/entries/search', { idNumber: badId }),
      want: invalid(idDetail, [{ path: '/body/idNumber', message: idDetail }], 'INVALID_ID_NUMBER'),
    },
    {
      name: 'search by a blank ID number',
      send: () => post(finance.key, '/v1/entries/search', { idNumber: '   ' }),
      want: invalid('idNumber is required', [{ path: '/body/idNumber', message: 'is empty' }]),
    },
    {
      name: 'search with a cursor it never handed out',
      send: () => post(finance.key, '/v1/entries/search', { idNumber: person, after: 'bm90LWEtY3Vyc29y' }),
      want: invalid(
        'the cursor is not one this list handed out; start without `after` or pass a nextCursor',
        [{ path: '/body/after', message: 'is not a valid cursor' }],
        'INVALID_CURSOR',
      ),
    },
    // objections
    {
      name: 'uphold an objection without a correction',
      send: () => post(safety.key, `/v1/objections/${objectionId}/decision`, { outcome: 'upheld' }),
      want: invalid('an upheld objection must say how the record is corrected', [
        { path: '/body/correction', message: 'is required when outcome is upheld (revoke or amend)' },
      ]),
    },
    {
      name: 'reject an objection with a correction',
      send: () =>
        post(safety.key, `/v1/objections/${objectionId}/decision`, { outcome: 'rejected', correction: 'revoke' }),
      want: invalid('a rejected objection leaves the record as it was', [
        { path: '/body/correction', message: 'must be absent when outcome is rejected' },
      ]),
    },
    {
      name: 'revoke with an amendment',
      send: () =>
        post(safety.key, `/v1/objections/${objectionId}/decision`, {
          outcome: 'upheld',
          correction: 'revoke',
          amendment: { reason: '改' },
        }),
      want: invalid('amendment is only for correction "amend"', [
        { path: '/body/amendment', message: 'must be absent unless correction is amend' },
      ]),
    },
    {
      name: 'amend with nothing to amend',
      send: () =>
        post(safety.key, `/v1/objections/${objectionId}/decision`, {
          outcome: 'upheld',
          correction: 'amend',
          amendment: {},
        }),
      want: invalid('an amend correction needs the corrected fields', [
        {
          path: '/body/amendment',
          message: 'must name at least one of reason, decisionDocNo, validFrom, validUntil, points',
        },
      ]),
    },
    {
      name: 'amend to an empty validity',
      send: () =>
        post(safety.key, `/v1/objections/${objectionId}/decision`, {
          outcome: 'upheld',
          correction: 'amend',
          amendment: { validUntil: '2000-01-01T00:00:00.000Z' },
        }),
      want: invalid('the corrected validity is empty', [
        { path: '/body/amendment/validUntil', message: 'must be after validFrom' },
      ]),
    },
    // repairs
    {
      name: 'deny a repair with an effective date',
      send: () =>
        post(safety.key, `/v1/repairs/${repairId}/decision`, {
          outcome: 'denied',
          effectiveFrom: '2026-06-01T00:00:00.000Z',
        }),
      want: invalid('a denied repair has no effective date', [
        { path: '/body/effectiveFrom', message: 'must be absent when outcome is denied' },
      ]),
    },
    {
      name: 'approve a repair from before it was applied for',
      send: () =>
        post(safety.key, `/v1/repairs/${repairId}/decision`, {
          outcome: 'approved',
          effectiveFrom: '2000-01-01T00:00:00.000Z',
        }),
      want: invalid('the repair cannot take effect before it was applied for', [
        { path: '/body/effectiveFrom', message: 'must not be before the application or the start of the record' },
      ]),
    },
    // feedback
    {
      name: 'not applied, without saying why',
      send: () =>
        post(finance.key, `/v1/checks/${checked.checkId}/feedback`, {
          measureId: (checked.measures as Array<{ measureId: string }>)[0]!.measureId,
          action: 'not_applied',
        }),
      want: invalid('say why the measure was not applied', [
        { path: '/body/note', message: 'is required when action is not_applied' },
      ]),
    },
    // watches
    {
      name: 'watch nobody',
      send: () => post(finance.key, '/v1/watches', { subject: {}, matter }),
      want: invalid('/body/subject needs uscc, idNumber or name', [
        { path: '/body/subject', message: 'needs uscc, idNumber or name' },
      ]),
    },
    {
      name: 'watch a bad USCC',
      send: () => post(finance.key, '/v1/watches', { subject: { uscc: badUscc }, matter }),
      want: invalid(usccDetail, [{ path: '/body/subject/uscc', message: usccDetail }], 'INVALID_USCC'),
    },
    // subscriptions
    {
      name: 'subscribe a relative URL',
      send: () => post(finance.key, '/v1/subscriptions', { url: 'not a url', events: ['entry.created'] }),
      want: invalid('/body/url is not an absolute URL', [{ path: '/body/url', message: 'is not an absolute URL' }]),
    },
    {
      name: 'subscribe an ftp URL',
      send: () => post(finance.key, '/v1/subscriptions', { url: 'ftp://example.test/x', events: ['entry.created'] }),
      want: invalid('/body/url must be http:// or https://', [
        { path: '/body/url', message: 'must be http:// or https://' },
      ]),
    },
    {
      name: 'subscribe a URL with credentials',
      send: () =>
        post(finance.key, '/v1/subscriptions', { url: 'https://u:p@example.test/x', events: ['entry.created'] }),
      want: invalid('/body/url must not carry credentials; verify the signature instead', [
        { path: '/body/url', message: 'must not carry credentials; verify the signature instead' },
      ]),
    },
    {
      name: 'subscribe to an address webhooks may not reach',
      send: () => post(finance.key, '/v1/subscriptions', { url: 'http://10.1.2.3/hook', events: ['entry.created'] }),
      want: invalid(
        'the host is or resolves to an address webhooks may not reach (private); an operator can open it with YINGCHA_WEBHOOK_ALLOW',
        [{ path: '/body/url', message: 'the host is or resolves to an address webhooks may not reach (private)' }],
        'FORBIDDEN_WEBHOOK_TARGET',
      ),
    },
    {
      name: 'subscribe to an unknown list',
      send: () =>
        post(finance.key, '/v1/subscriptions', {
          url: 'http://127.0.0.1:9/hook',
          events: ['entry.created'],
          filters: { lists: ['safety.blacklist', 'no.such'] },
        }),
      want: invalid('/body/filters/lists/1 is not a list code in the catalogue: no.such', [
        { path: '/body/filters/lists/1', message: 'is not a list code in the catalogue: no.such' },
      ]),
    },
    // admin
    {
      name: 'a department with a bad USCC',
      send: () =>
        post(adminKey, '/v1/admin/departments', { uscc: badUscc, name: '某局', category: 'finance', region: '230800' }),
      want: invalid(usccDetail, [{ path: '/body/uscc', message: usccDetail }], 'INVALID_USCC'),
    },
    {
      name: 'a key that has already expired',
      send: () =>
        post(adminKey, '/v1/admin/keys', {
          departmentId: finance.departmentId,
          scopes: ['check'],
          expiresAt: '2000-01-01T00:00:00.000Z',
        }),
      want: invalid('expiresAt must be in the future', [{ path: '/body/expiresAt', message: 'must be in the future' }]),
    },
    {
      name: 'a notice prefix that is not one',
      send: () =>
        post(adminKey, `/v1/admin/departments/${finance.departmentId}/notice-prefix`, { noticePrefix: '鹤 市' }, 'PUT'),
      want: invalid('noticePrefix is 1–20 Chinese characters, letters or digits, e.g. 鹤市监告', [
        { path: '/body/noticePrefix', message: 'must be 1–20 Chinese characters, letters or digits' },
      ]),
    },
  ];

  for (const c of cases) {
    const res = await c.send();
    t.equal(res.statusCode, c.want.status, `${c.name}: status`);
    t.same(problem(res.json()), c.want.body, c.name);
  }

  t.test('a batch names each bad item under /body/items', async (t) => {
    const res = await post(finance.key, '/v1/checks/batch', {
      matter,
      items: [
        { subject: {} },
        { subject: { uscc: firm } },
        { subject: { uscc: badUscc } },
        { subject: { idNumber: badId } },
      ],
    });
    t.equal(res.statusCode, 200, res.body);
    const results = res.json().results as Array<{ index: number; check?: unknown; error?: unknown }>;
    t.same(results[0], {
      index: 0,
      error: {
        code: 'VALIDATION_FAILED',
        detail: '/body/items/0/subject needs uscc, idNumber or name',
        errors: [{ path: '/body/items/0/subject', message: 'needs uscc, idNumber or name' }],
      },
    });
    t.ok(results[1]!.check, 'the good item is checked');
    t.same(results[2], {
      index: 2,
      error: {
        code: 'INVALID_USCC',
        detail: usccDetail,
        errors: [{ path: '/body/items/2/subject/uscc', message: usccDetail }],
      },
    });
    t.same(results[3], {
      index: 3,
      error: {
        code: 'INVALID_ID_NUMBER',
        detail: idDetail,
        errors: [{ path: '/body/items/3/subject/idNumber', message: idDetail }],
      },
    });
  });
});

// The same for the query string: a service names `/after`, `/from`, `/subject` and the route puts them under
// `/querystring` (inQuery).
t.test('service field errors about the query string answer with paths under /querystring', async (t) => {
  const { app, adminKey } = await world(t);
  const safety = await department(app, adminKey, 'emergency_management', '230800', ['check', 'publish', 'review']);
  const get = (key: string, url: string) => app.inject({ method: 'GET', url, headers: bearer(key) });
  const sub = await app.inject({
    method: 'POST',
    url: '/v1/subscriptions',
    headers: bearer(safety.key),
    payload: { url: 'http://127.0.0.1:9/hook', events: ['entry.created'] },
  });
  t.equal(sub.statusCode, 201, sub.body);
  const subscriptionId = sub.json().subscriptionId as string;
  const badUscc = '91230400MA1B2C3D4X';
  const usccDetail = (
    await app.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: bearer(safety.key),
      payload: { subject: { uscc: badUscc }, matter: { type: 'government_procurement', reference: 'EP-1' } },
    })
  ).json().detail as string;

  const forged = 'bm90LWEtY3Vyc29y';
  const badCursor = (path: string, of = 'list') =>
    invalid(
      `the cursor is not one this ${of} handed out; start without \`after\` or pass a nextCursor`,
      [{ path, message: 'is not a valid cursor' }],
      'INVALID_CURSOR',
    );
  const lists: Array<[key: string, url: string]> = [
    [safety.key, '/v1/entries?subject=11230400MB12345677&after='],
    [safety.key, '/v1/objections?after='],
    [safety.key, '/v1/repairs?after='],
    [safety.key, '/v1/imports?after='],
    [safety.key, '/v1/watches?after='],
    [safety.key, '/v1/subscriptions?after='],
    [safety.key, `/v1/subscriptions/${subscriptionId}/deliveries?after=`],
    [adminKey, '/v1/admin/departments?after='],
    [adminKey, '/v1/admin/keys?after='],
  ];
  const cases: Array<{ name: string; send: () => ReturnType<typeof get>; want: ReturnType<typeof invalid> }> = [
    ...lists.map(([key, url]) => ({
      name: `${url}<forged>`,
      send: () => get(key, `${url}${forged}`),
      want: badCursor('/querystring/after'),
    })),
    {
      name: 'dead letters after a forged cursor',
      send: () => get(safety.key, `/v1/subscriptions/${subscriptionId}/deliveries?deadLettersAfter=${forged}`),
      want: badCursor('/querystring/deadLettersAfter'),
    },
    {
      name: 'the change feed after a forged cursor',
      send: () => get(safety.key, `/v1/changes?after=${forged}`),
      want: badCursor('/querystring/after', 'feed'),
    },
    {
      name: 'statistics for an empty period',
      send: () => get(safety.key, '/v1/stats?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'),
      want: invalid('the period is empty', [{ path: '/querystring/from', message: 'must be before to' }]),
    },
    {
      name: 'records of a subject that is neither a USCC nor an id',
      send: () => get(safety.key, `/v1/entries?subject=${badUscc}`),
      want: invalid('subject must be a 统一社会信用代码 or a subject id', [
        { path: '/querystring/subject', message: `not a valid USCC (${usccDetail}) nor a subject id` },
      ]),
    },
    {
      name: 'records of an ID number, asked in the URL',
      send: () => get(safety.key, `/v1/entries?subject=${idNumber('19800303', 789)}`),
      want: invalid(
        'an ID number may not be sent in a URL; look it up with POST /v1/entries/search { idNumber }',
        [{ path: '/querystring/subject', message: 'is an ID number; use POST /v1/entries/search' }],
        'ID_NUMBER_IN_URL',
      ),
    },
  ];
  for (const c of cases) {
    const res = await c.send();
    t.equal(res.statusCode, c.want.status, `${c.name}: status`);
    t.same(problem(res.json()), c.want.body, c.name);
  }
});
