// Webhook signatures: `x-yingcha-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Pure, no I/O.
// Only the signing side lives here (services/delivery.ts signs every POST with it). The verifying side is the SDK's
// verifyWebhook (sdk/src/webhooks.ts), the one receivers run; the server's webhook tests verify real deliveries with
// it, so a change to either side that breaks the other fails there.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-yingcha-signature';

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
