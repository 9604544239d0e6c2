// Shared pieces of the push tests that run real processes: an environment with fast worker timings, a tiny JSON
// client, and publishing through HTTP.
import { randomBytes } from 'node:crypto';
import { usccCheckChar } from '../../api/src/domain/uscc.js';
import { LOOPBACK_ALLOW } from './dns.js';
import { isolatedEnv } from './process.js';

export const PUSH_KEY = 'push-test-bootstrap-key-0123456789';

interface TestLike {
  teardown(fn: () => unknown): void;
}

/** One isolated instance's environment, its workers tuned for tests (they still obey every rule of the defaults). */
export async function pushEnv(t: TestLike, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    ...(await isolatedEnv(t, 'migrated')),
    YINGCHA_BOOTSTRAP_KEY: PUSH_KEY,
    YINGCHA_DEMO: 'false',
    LOG_LEVEL: 'warn',
    YINGCHA_WORKER_POLL_MS: '50',
    YINGCHA_DELIVERY_TIMEOUT_MS: '2000',
    YINGCHA_DELIVERY_LEASE_MS: '5000',
    YINGCHA_DELIVERY_BACKOFF_MS: '20',
    YINGCHA_DELIVERY_BACKOFF_MAX_MS: '200',
    // the receivers are on loopback, which webhooks may reach only when allowed
    YINGCHA_WEBHOOK_ALLOW: LOOPBACK_ALLOW,
    ...extra,
  };
}

export function client(base: string, key = PUSH_KEY) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  return { get: (path: string) => call('GET', path), post: (path: string, body: unknown) => call('POST', path, body) };
}

let serial = 0;
function freshUscc(): string {
  const body = `91230400MA${String(++serial).padStart(3, '0')}${randomBytes(2).toString('hex').toUpperCase()}`.slice(
    0,
    17,
  );
  return body + usccCheckChar(body);
}

/** Publishes one list record; returns its entryId. */
export async function publishOne(api: ReturnType<typeof client>, name: string): Promise<string> {
  const r = await api.post('/v1/entries', {
    list: 'safety.blacklist',
    subject: { kind: 'enterprise', uscc: freshUscc(), name },
    decisionDocNo: '测试〔2026〕1号',
    reason: '测试',
    decidedAt: '2026-01-15T00:00:00.000Z',
    source: 'push-test',
    sourceRecordId: `${name}-${randomBytes(4).toString('hex')}`,
  });
  return r.entryId as string;
}

/** eventIds of entry.created events after `after`, in feed order. */
/**
 * The `entry.created` events after `after`, in feed order. With `want`, reads again until that many are there: the
 * feed shows an event only once no older transaction is still open (its horizon), so an event committed a moment ago
 * may wait behind a worker's transaction; bounded by 30 s, then whatever is there.
 */
export async function createdEvents(api: ReturnType<typeof client>, after?: string, want = 0): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ids = await feedOnce(api, after);
    if (ids.length >= want || Date.now() > deadline) return ids;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function feedOnce(api: ReturnType<typeof client>, after?: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = after;
  for (let i = 0; i < 1000; i++) {
    const page = await api.get(`/v1/changes?limit=500&type=entry.created${cursor ? `&after=${cursor}` : ''}`);
    ids.push(...page.events.map((e: { eventId: string }) => e.eventId));
    cursor = page.nextCursor;
    if (page.events.length < 500) return ids;
  }
  throw new Error('feed did not end');
}

/** First-arrival order of each eventId: a redelivery (at least once) does not change where an event first came. */
export function firstArrivals(ids: string[]): string[] {
  return [...new Set(ids)];
}
