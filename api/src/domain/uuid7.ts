// Time-ordered ids (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows keyed by them
// insert at the right edge of their indexes instead of all over them, and a receipt's id says which month it is kept
// under (services/receipts.ts), so a read by id touches that month's partition only.
import { randomBytes } from 'node:crypto';

export function uuidv7(ms: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

// 48 bits of milliseconds reach the year 10889; a date past this one is no instant a receipt was made at (and would
// not make a four-digit year), so such an id is treated like any other.
const LAST = Date.UTC(9999, 10, 1);

/** The instant a version-7 id was made at; null for any other id (a random version-4 id says nothing). */
export function uuidv7Time(id: string): Date | null {
  if (!V7.test(id)) return null;
  const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return ms < LAST ? new Date(ms) : null;
}
