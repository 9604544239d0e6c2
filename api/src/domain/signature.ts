// Webhook signatures: `x-yingcha-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Pure, no I/O, so
// the server that signs and any receiver that verifies share one definition.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-yingcha-signature';
/** A receiver should refuse a signature older (or newer) than this, so a captured delivery cannot be replayed later. */
export const DEFAULT_TOLERANCE_S = 300;

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${signature(secret, t, body)}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'timestamp' | 'mismatch' };

/**
 * Checks a delivery as a receiver would. Several v1 values are accepted (a sender rotating secrets may send one per
 * secret); the timestamp must be within `toleranceS` of `now` in either direction.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  opts: { now?: number; toleranceS?: number } = {},
): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed' };
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  if (t === undefined || v1.length === 0) return { ok: false, reason: 'malformed' };
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - t) > (opts.toleranceS ?? DEFAULT_TOLERANCE_S)) return { ok: false, reason: 'timestamp' };
  const expected = Buffer.from(signature(secret, t, body), 'hex');
  const match = v1.some((v) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
  return match ? { ok: true, timestamp: t } : { ok: false, reason: 'mismatch' };
}
