// Typed errors from the real server, asserted by their class and stable code; option validation in the constructor.
import t from 'tap';
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  Yingcha,
  YingchaConfigError,
  YingchaError,
} from '../../sdk/src/index.js';
import { uscc } from '../helpers/world.js';
import { serve } from './harness.js';

const MATTER = { type: 'administrative_licensing', reference: 'ERR-1' } as const;

async function caught(p: Promise<unknown>): Promise<APIError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof APIError)) throw new Error(`expected an APIError, got ${String(err)}`);
  return err;
}

t.test('API errors by class and code', async (t) => {
  const s = await serve(t);
  const checkOnly = await s.department('finance', '110000', ['check']);

  t.test('401: no key, unknown key', async (t) => {
    const none = await caught(
      s.client({ apiKey: undefined }).checks.create({ subject: { uscc: uscc() }, matter: MATTER }),
    );
    t.ok(none instanceof AuthenticationError);
    t.match(none, { status: 401, code: 'UNAUTHENTICATED' });
    const unknown = await caught(
      s
        .client({ apiKey: 'yc_thisKeyDoesNotExist0000000000000000' })
        .checks.create({ subject: { uscc: uscc() }, matter: MATTER }),
    );
    t.ok(unknown instanceof AuthenticationError);
    t.ok(['UNKNOWN_KEY', 'MALFORMED_KEY'].includes(unknown.code), unknown.code);
  });

  t.test('403: a key without the scope', async (t) => {
    const err = await caught(s.as(checkOnly).admin.departments.list());
    t.ok(err instanceof PermissionDeniedError);
    t.equal(err.code, 'FORBIDDEN_SCOPE');
  });

  t.test('404 carries the request id from the server', async (t) => {
    const err = await caught(s.admin.entries.get('00000000-0000-4000-8000-000000000000'));
    t.ok(err instanceof NotFoundError);
    t.equal(err.code, 'NOT_FOUND');
    t.match(err.requestId, /^[0-9a-f-]{36}$/);
    t.equal(err.headers['x-request-id'], err.requestId);
    t.match(err.body, { status: 404, code: 'NOT_FOUND', type: /^urn:yingcha:problem:/ });
  });

  t.test('400: validation with field errors, and a bad 统一社会信用代码', async (t) => {
    const invalid = await caught(
      // A caller outside TypeScript can send anything; the server's answer is what matters here.
      s.admin.checks.create({ subject: { uscc: uscc() }, matter: { type: 'no_such_matter' as 'tax', reference: 'x' } }),
    );
    t.ok(invalid instanceof BadRequestError);
    t.equal(invalid.code, 'VALIDATION_FAILED');
    t.ok(
      invalid.errors.some((e) => e.path === '/body/matter/type'),
      JSON.stringify(invalid.errors),
    );
    const badCode = await caught(s.admin.checks.create({ subject: { uscc: '91230400MA1B2C3D4X' }, matter: MATTER }));
    t.ok(badCode instanceof BadRequestError);
    t.equal(badCode.code, 'INVALID_USCC');
  });

  t.test('409: the same Idempotency-Key with a different request', async (t) => {
    const key = `conflict-${Date.now()}`;
    await s.admin.checks.create({ subject: { uscc: uscc() }, matter: MATTER }, { idempotencyKey: key });
    const err = await caught(
      s.admin.checks.create({ subject: { uscc: uscc() }, matter: MATTER }, { idempotencyKey: key }),
    );
    t.ok(err instanceof ConflictError);
    t.equal(err.code, 'CONFLICT');
  });

  t.test('every API error is a YingchaError and an Error', async (t) => {
    const err = await caught(s.admin.entries.get('00000000-0000-4000-8000-000000000000'));
    t.ok(err instanceof YingchaError);
    t.ok(err instanceof Error);
    t.notOk(err instanceof BadRequestError);
  });
});

t.test('errors from another copy of the SDK pass instanceof', async (t) => {
  // A second module instance of errors.ts, as when a host app and a library each install the SDK.
  const copy = (await import(`../../sdk/src/errors.js?copy=${Date.now()}`)) as typeof import('../../sdk/src/errors.js');
  t.not(copy.NotFoundError, NotFoundError, 'a distinct class object');
  const foreign = copy.APIError.from(404, {}, { type: 'x', title: 'x', status: 404, detail: 'x', code: 'NOT_FOUND' });
  t.ok(foreign instanceof NotFoundError);
  t.ok(foreign instanceof APIError);
  t.notOk(foreign instanceof ConflictError);
  t.notOk(new Error('plain') instanceof YingchaError);
});

t.test('options are validated in the constructor', async (t) => {
  t.throws(() => new Yingcha({ baseUrl: 'not a url' }), YingchaConfigError);
  t.throws(() => new Yingcha({ baseUrl: 'ftp://127.0.0.1' }), YingchaConfigError);
  t.throws(() => new Yingcha({ baseUrl: 'http://127.0.0.1:3000?x=1' }), YingchaConfigError);
  t.throws(() => new Yingcha({ timeout: -1 }), { code: 'ERR_YINGCHA_CONFIG' });
  t.throws(() => new Yingcha({ maxRetries: 1.5 }), { code: 'ERR_YINGCHA_CONFIG' });
  t.throws(() => new Yingcha({ apiKey: 'has space' }), { code: 'ERR_YINGCHA_CONFIG' });
  const c = new Yingcha({ baseUrl: 'http://127.0.0.1:1/' });
  t.equal(c.baseUrl, 'http://127.0.0.1:1');
  await t.rejects(c.health.live({ maxRetries: -1 }), { code: 'ERR_YINGCHA_CONFIG' });
});
