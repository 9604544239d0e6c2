// Webhook policies for tests. No test may send a packet beyond loopback, and a DNS query is a packet to the
// configured nameserver, so in-process tests resolve names from a table instead of dns.lookup.
import type { LookupAddress } from 'node:dns';
import { parseAllowlist } from '../../api/src/domain/address.js';
import type { Lookup, WebhookPolicy } from '../../api/src/services/delivery.js';

/** The allowlist that lets tests deliver to their own receivers on 127.0.0.1 and ::1, and nothing else. */
export const LOOPBACK_ALLOW = '127.0.0.1/32,::1/128';

function allowlist(raw: string) {
  const parsed = parseAllowlist(raw);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.value;
}

/**
 * A resolver answering from `table` (name → addresses); every other name is ENOTFOUND, as a name that does not exist.
 * `localhost` answers 127.0.0.1 and ::1, as /etc/hosts would.
 */
export function tableLookup(table: Record<string, string[]> = {}): Lookup {
  const all: Record<string, string[]> = { localhost: ['127.0.0.1', '::1'], ...table };
  return (hostname, _options, callback) => {
    const found = all[hostname.toLowerCase().replace(/\.$/, '')];
    queueMicrotask(() => {
      if (!found)
        return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(
        null,
        found.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    });
  };
}

/** A policy with `allow` (default: nothing beyond public addresses) and the table resolver. */
export function policy(allow = '', table: Record<string, string[]> = {}): WebhookPolicy {
  return { allow: allowlist(allow), lookup: tableLookup(table) };
}

/** What in-process test apps and workers use unless a test says otherwise: loopback receivers allowed. */
export const LOOPBACK_POLICY: WebhookPolicy = policy(LOOPBACK_ALLOW);

/** Worker timings for tests: short polls, leases and backoff, deliveries to loopback receivers only. */
export const FAST_WORKERS = {
  pollMs: 20,
  timeoutMs: 2_000,
  leaseMs: 10_000,
  backoffBaseMs: 10,
  backoffMaxMs: 100,
  batch: 50,
  claim: 8,
  ...LOOPBACK_POLICY,
};
