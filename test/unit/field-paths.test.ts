// A service names fields relative to its input; the route puts them under where that input was in the request.
import t from 'tap';
import { ApiError, fieldsIn, fieldsUnder, inBody, inQuery } from '../../api/src/errors.js';

t.test('under: every path moves, and a detail that lists the fields lists them again', async (t) => {
  const e = ApiError.invalidFields([
    { path: '/list', message: 'is unknown' },
    { path: '/subject/uscc', message: 'is required' },
  ]);
  t.equal(e.detail, '/list is unknown; /subject/uscc is required');
  const moved = e.under('/body');
  t.equal(moved.code, 'VALIDATION_FAILED');
  t.equal(moved.status, 400);
  t.equal(moved.detail, '/body/list is unknown; /body/subject/uscc is required');
  t.same(moved.extra.errors, [
    { path: '/body/list', message: 'is unknown' },
    { path: '/body/subject/uscc', message: 'is required' },
  ]);
  t.same(e.extra.errors![0], { path: '/list', message: 'is unknown' }, 'the original is left as it was');
});

t.test('under: a detail of its own is kept; an error naming no field is itself', async (t) => {
  const own = new ApiError('CONFLICT', 'the ID number belongs to another subject', {
    errors: [{ path: '/subject/idNumber', message: 'already names another subject' }],
    headers: { 'x-a': '1' },
  });
  const moved = own.under('/body');
  t.equal(moved.detail, 'the ID number belongs to another subject');
  t.same(moved.extra, {
    errors: [{ path: '/body/subject/idNumber', message: 'already names another subject' }],
    headers: { 'x-a': '1' },
  });
  const plain = new ApiError('NOT_FOUND', 'no check');
  t.equal(plain.under('/body'), plain);
});

t.test('the input itself is the empty pointer', async (t) => {
  t.same(ApiError.invalid('', 'is empty').under('/body').extra.errors, [{ path: '/body', message: 'is empty' }]);
});

t.test('fieldsUnder: a batch item error keeps its other fields', async (t) => {
  const item = {
    code: 'VALIDATION_FAILED',
    detail: '/0/subject needs a name',
    errors: [{ path: '/0/subject', message: 'needs a name' }],
  };
  t.same(fieldsUnder('/body/items', item), {
    code: 'VALIDATION_FAILED',
    detail: '/body/items/0/subject needs a name',
    errors: [{ path: '/body/items/0/subject', message: 'needs a name' }],
  });
  const none = { code: 'INTERNAL', detail: 'x' };
  t.equal(fieldsUnder('/body/items', none), none);
});

t.test('inBody rethrows: an ApiError under /body, anything else as it was', async (t) => {
  const moved = await Promise.reject(ApiError.invalid('/note', 'is required'))
    .catch(inBody)
    .catch((err: unknown) => err);
  t.ok(moved instanceof ApiError);
  t.equal((moved as ApiError).detail, '/body/note is required');
  t.same((moved as ApiError).extra.errors, [{ path: '/body/note', message: 'is required' }]);
  const boom = new Error('boom');
  t.equal(
    await Promise.reject(boom)
      .catch(inBody)
      .catch((err: unknown) => err),
    boom,
  );
});

t.test('inQuery: a lister names /after, the answer /querystring/after; the detail of its own is kept', async (t) => {
  const cursor = new ApiError('INVALID_CURSOR', 'the cursor is not one this list handed out', {
    errors: [{ path: '/after', message: 'is not a valid cursor' }],
  });
  const moved = (await Promise.reject(cursor)
    .catch(inQuery)
    .catch((err: unknown) => err)) as ApiError;
  t.equal(moved.code, 'INVALID_CURSOR');
  t.equal(moved.detail, 'the cursor is not one this list handed out');
  t.same(moved.extra.errors, [{ path: '/querystring/after', message: 'is not a valid cursor' }]);
  const listed = (await Promise.reject(ApiError.invalid('/from', 'must be before to'))
    .catch(inQuery)
    .catch((err: unknown) => err)) as ApiError;
  t.equal(listed.detail, '/querystring/from must be before to');
});

t.test('fieldsIn: inBody and inQuery are the same mapping at two prefixes; a plain Error passes', async (t) => {
  const rethrown = (err: Error, handler: (err: unknown) => never) =>
    Promise.reject(err)
      .catch(handler)
      .catch((e: unknown) => e);
  const boom = new Error('boom');
  for (const [handler, prefix] of [
    [inBody, '/body'],
    [inQuery, '/querystring'],
    [fieldsIn('/params'), '/params'],
  ] as const) {
    const moved = (await rethrown(ApiError.invalid('/x', 'is wrong'), handler)) as ApiError;
    t.same(moved.extra.errors, [{ path: `${prefix}/x`, message: 'is wrong' }], prefix);
    t.equal(await rethrown(boom, handler), boom, `${prefix}: a plain Error as it was`);
  }
});
