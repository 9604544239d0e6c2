// Worker settings: defaults, and the one rule that protects exactly-once delivery across instances.
import t from 'tap';
import { ConfigError, loadConfig } from '../../api/src/config.js';

t.test('defaults', async (t) => {
  t.match(loadConfig({}).workers, {
    enabled: true,
    pollMs: 1000,
    timeoutMs: 10_000,
    leaseMs: 60_000,
    horizonMs: 3 * 86_400_000,
    backoffBaseMs: 1000,
    backoffMaxMs: 600_000,
    batch: 100,
    claim: 16,
  });
});

t.test('values are read and checked', async (t) => {
  const w = loadConfig({
    YINGCHA_WORKERS: 'false',
    YINGCHA_DELIVERY_HORIZON: '0',
    YINGCHA_DELIVERY_TIMEOUT_MS: '500',
    YINGCHA_DELIVERY_LEASE_MS: '1000',
  }).workers;
  t.match(w, { enabled: false, horizonMs: 0, timeoutMs: 500, leaseMs: 1000 });
  t.equal(
    loadConfig({ YINGCHA_DELIVERY_BACKOFF_MS: '5000', YINGCHA_DELIVERY_BACKOFF_MAX_MS: '10' }).workers.backoffMaxMs,
    5000,
    'the cap is never below the base',
  );
  for (const [name, value] of [
    ['YINGCHA_WORKER_POLL_MS', '5'],
    ['YINGCHA_DELIVERY_TIMEOUT_MS', 'soon'],
    ['YINGCHA_DELIVERY_HORIZON', '-1'],
    ['YINGCHA_DELIVERY_BATCH', '0'],
    ['YINGCHA_WORKERS', 'maybe'],
  ] as const) {
    t.throws(() => loadConfig({ [name]: value }), ConfigError, `${name}=${value}`);
  }
});

t.test('the lease must be at least twice the request timeout', async (t) => {
  // Otherwise a POST still in flight could outlive its lease and a second instance deliver the same event.
  const err = (() => {
    try {
      loadConfig({ YINGCHA_DELIVERY_TIMEOUT_MS: '10000', YINGCHA_DELIVERY_LEASE_MS: '15000' });
    } catch (e) {
      return e;
    }
  })();
  t.type(err, ConfigError);
  t.equal((err as ConfigError).variable, 'YINGCHA_DELIVERY_LEASE_MS');
});
