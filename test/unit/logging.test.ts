// The server's log redaction as pure functions: identifying query strings, ID-number-shaped URL segments, and failed
// statements' parameters (in the message, in `params`, in the driver's quoted value, at any depth of `cause`).
import t from 'tap';
import { redactError, redactUrl } from '../../api/src/logging.js';

const id = '11010519800101123X';

t.test('URLs', async (t) => {
  t.equal(
    redactUrl(`/v1/entries?subject=${id}&view=internal`),
    '/v1/entries?subject=[redacted]&view=[redacted]',
    'identifying route: values go, names stay',
  );
  t.equal(redactUrl('/v1/entries?subject=91230400MA1B2C3D4Q'), '/v1/entries?subject=[redacted]', 'a USCC too');
  t.equal(redactUrl(`/v1/entries/${id}`), '/v1/entries/[redacted]', 'a number in the path');
  t.equal(
    redactUrl(`/v1/catalog/lists?q=${id.toLowerCase()}`),
    '/v1/catalog/lists?[redacted]',
    'a number in any other query',
  );
  t.equal(
    redactUrl(`/v1/catalog/lists?q=110105%2019800101%20123X`),
    '/v1/catalog/lists?[redacted]',
    'percent-encoded with separators',
  );
  t.equal(
    redactUrl('/v1/catalog/lists?limit=10&after=abc'),
    '/v1/catalog/lists?limit=10&after=abc',
    'harmless queries stay readable',
  );
  t.equal(redactUrl('/v1/changes?after=%E0%A4%A'), '/v1/changes?after=%E0%A4%A', 'a malformed escape does not throw');
  t.equal(redactUrl(`/v1/x/${id.slice(0, 17)}`), '/v1/x/[redacted]', 'the 17-digit prefix');
});

t.test('errors', async (t) => {
  const cause = Object.assign(new Error(`value "${id}" is out of range for type integer`), {
    where: `parameter $1 = '${id}'`,
  });
  const err = Object.assign(new Error(`Failed query: select $1::int\nparams: ${id},x`), {
    params: [id, 'x'],
    query: 'select $1::int',
    cause,
  });
  const out = JSON.stringify(redactError(err));
  t.notOk(out.includes(id.slice(0, 17)), 'no number anywhere');
  t.match(out, /params: \[not logged\]/);
  t.match(out, /select \$1::int/, 'the statement itself stays');
  t.notMatch(out, /"params":/, 'the params member is dropped');
  t.equal(redactError('plain'), 'plain');
  t.equal(redactError(null), null);
});
