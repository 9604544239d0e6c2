// Webhook verification: the signature proves the delivery came from the service holding the subscription secret,
// and the timestamp inside the signed text bounds how long a captured delivery could be replayed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import type { components } from './schema.js';
import type { Entry, EventType } from './types.js';

type EntryStatus = Entry['status'];

/**
 * What every event about a record carries: entryId, the list code, the subject's public identifiers (kind, name, USCC
 * or masked ID number; never the plain number), region and deciding department, so a receiver can match the event
 * without fetching the record.
 */
export type RecordData = components['schemas']['RecordEventData'] & { [field: string]: unknown };

export type EntryEventData = RecordData & { version: number; status: EntryStatus };

export type ObjectionEventData = RecordData & { objectionId: string };

export type RepairEventData = RecordData & { repairId: string };

/** A subject this department watches (POST /v1/watches) was newly listed; sent to that department only. */
export interface WatchHitData {
  watchId: string;
  matter: { type: string; reference: string };
  trigger: { eventId: string; type: string };
  entry: {
    entryId: string;
    version: number;
    list: { code: string; name: string; polarity: 'punitive' | 'incentive' };
    status: EntryStatus;
    subject: { subjectId: string; kind: string; name: string; uscc: string | null; idMasked: string | null };
    [field: string]: unknown;
  };
  /** the measures this department's category applies to the watched matter type */
  measures: Array<{
    measureId: string;
    docNo: string;
    ordinal: string;
    text: string;
    effect: string;
    mandatory: boolean;
    legalBasis: string | null;
  }>;
  [field: string]: unknown;
}

/**
 * The payload of each event type, keyed by the event types of the spec (so a new type on the server appears here on
 * the next `pnpm openapi`); types without a named shape carry an open object.
 */
export type WebhookEventData = {
  [T in EventType]: T extends `entry.${string}` ? EntryEventData : Record<string, unknown>;
} & {
  'objection.opened': ObjectionEventData;
  'objection.decided': ObjectionEventData;
  'repair.opened': RepairEventData;
  'repair.decided': RepairEventData;
  'watch.hit': WatchHitData;
};

export type WebhookEventType = EventType;

/** A delivery, discriminated on `type`: `if (event.type === 'entry.revoked') event.data.entryId` is typed. */
export type WebhookEvent = {
  [T in WebhookEventType]: { eventId: string; type: T; occurredAt: string; data: WebhookEventData[T] };
}[WebhookEventType];

export const SIGNATURE_HEADER = 'x-yingcha-signature';
const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyWebhookParams {
  /** The raw request body exactly as received. A re-serialised JSON object will not verify. */
  body: string | Uint8Array;
  /** The `x-yingcha-signature` header: `t=<unix seconds>,v1=<hex>`; several v1 entries are accepted. */
  signature: string | string[] | undefined;
  /** The subscription secret. Pass several during a rotation: any one that matches is enough. */
  secret: string | readonly string[];
  /** How far the signed time may be from now, either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** Unix seconds to verify against; for tests. */
  now?: number;
}

/**
 * Verifies a webhook delivery and returns its typed event. Throws WebhookVerificationError (answer 400, do not act)
 * when the header is missing or malformed, no signature matches, or the timestamp is outside the tolerance.
 */
export function verifyWebhook(params: VerifyWebhookParams): WebhookEvent {
  const header = Array.isArray(params.signature) ? params.signature.join(',') : params.signature;
  if (header === undefined || header.trim() === '') {
    throw new WebhookVerificationError('ERR_YINGCHA_WEBHOOK_NO_SIGNATURE', `no ${SIGNATURE_HEADER} header`);
  }
  const { timestamp, signatures } = parseSignature(header);
  const now = params.now ?? Math.floor(Date.now() / 1000);
  const tolerance = params.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const body = typeof params.body === 'string' ? Buffer.from(params.body, 'utf8') : Buffer.from(params.body);
  const secrets = typeof params.secret === 'string' ? [params.secret] : params.secret;
  // Signature first, time second: a forged delivery learns nothing about the clock check.
  const matched = secrets.some((secret) => {
    const expected = sign(secret, timestamp, body);
    return signatures.some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  });
  if (!matched)
    throw new WebhookVerificationError('ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE', 'no signature matches the body and secret');
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError(
      'ERR_YINGCHA_WEBHOOK_STALE',
      `signed at ${timestamp}, ${now - timestamp} s from now (tolerance ${tolerance} s)`,
    );
  }
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('ERR_YINGCHA_WEBHOOK_MALFORMED_BODY', 'the signed body is not JSON');
  }
  const e = event as Partial<WebhookEvent> | null;
  if (
    !e ||
    typeof e !== 'object' ||
    typeof e.type !== 'string' ||
    e.eventId === undefined ||
    typeof e.data !== 'object'
  ) {
    throw new WebhookVerificationError(
      'ERR_YINGCHA_WEBHOOK_MALFORMED_BODY',
      'the body is not an event ({ eventId, type, occurredAt, data })',
    );
  }
  return event as WebhookEvent;
}

/**
 * The header value the service would send for `body` at `timestamp`: for testing a receiver without a server.
 */
export function signWebhook(
  body: string | Uint8Array,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return `t=${timestamp},v1=${sign(secret, timestamp, raw).toString('hex')}`;
}

function sign(secret: string, timestamp: number, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

function parseSignature(header: string): { timestamp: number; signatures: Buffer[] } {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(
      'ERR_YINGCHA_WEBHOOK_MALFORMED_SIGNATURE',
      `${SIGNATURE_HEADER} must be t=<unix>,v1=<hex sha256>`,
    );
  }
  return { timestamp, signatures };
}
