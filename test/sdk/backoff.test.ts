// The retry schedule and Retry-After parsing, as pure functions: no server, no waiting.
import t from 'tap';
import { retryAfterMs, retryDelayMs } from '../../sdk/src/transport.js';

t.test('exponential from 0.5 s, doubling, capped at 8 s', async (t) => {
  const noJitter = () => 0;
  t.same(
    [0, 1, 2, 3, 4, 5, 10].map((a) => retryDelayMs(a, undefined, noJitter)),
    [500, 1000, 2000, 4000, 8000, 8000, 8000],
  );
});

t.test('jitter takes off at most a quarter', async (t) => {
  t.equal(
    retryDelayMs(1, undefined, () => 1),
    750,
  );
  const samples = Array.from({ length: 50 }, () => retryDelayMs(2, undefined));
  t.ok(
    samples.every((ms) => ms > 1500 && ms <= 2000),
    'within (1500, 2000]',
  );
  t.ok(new Set(samples).size > 1, 'jittered');
});

t.test('a server’s Retry-After replaces the schedule', async (t) => {
  t.equal(
    retryDelayMs(4, 1000, () => 0.5),
    1000,
  );
  t.equal(retryDelayMs(0, 0), 0);
});

t.test('Retry-After: seconds, an HTTP date, retry-after-ms; nonsense is ignored', async (t) => {
  const now = Date.parse('2026-11-22T08:30:00Z');
  t.equal(retryAfterMs({ 'retry-after': '3' }, now), 3000);
  t.equal(retryAfterMs({ 'retry-after': '0' }, now), 0);
  t.equal(retryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 08:30:05 GMT' }, now), 5000);
  t.equal(retryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 08:29:00 GMT' }, now), 0, 'a date in the past means now');
  t.equal(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250, 'the finer header wins');
  t.equal(retryAfterMs({ 'retry-after': 'soon' }, now), undefined);
  t.equal(retryAfterMs({ 'retry-after': '-1' }, now), undefined);
  t.equal(retryAfterMs({ 'retry-after': '' }, now), undefined);
  t.equal(retryAfterMs({}, now), undefined);
});
