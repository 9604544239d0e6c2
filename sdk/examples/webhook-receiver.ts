// A webhook receiver that re-screens. It subscribes itself to list changes, verifies each delivery's signature and
// timestamp, and when a record is published or reinstated, checks that subject again for the watched matter, so an
// approval granted yesterday is looked at again today (事中事后监管).
//
//   YINGCHA_API_KEY=<key> npx tsx sdk/examples/webhook-receiver.ts [port]
// It listens on 127.0.0.1: start the server with YINGCHA_WEBHOOK_ALLOW=127.0.0.1/32, or webhooks may not reach it.
// Stop it with Ctrl-C; it deletes the subscription it created.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, Yingcha, WebhookVerificationError, verifyWebhook, type WebhookEvent } from '@yingcha/sdk';

const client = new Yingcha();
const port = Number(process.argv[2] ?? process.env.PORT ?? 4000);
let secret = '';

async function rescreen(event: WebhookEvent): Promise<void> {
  if (event.type !== 'entry.created' && event.type !== 'entry.updated' && event.type !== 'entry.reinstated') return;
  const entry = await client.entries.get(event.data.entryId);
  const subject = entry.subject.uscc ? { uscc: entry.subject.uscc } : { name: entry.subject.name };
  const check = await client.checks.create({
    subject,
    matter: { type: 'supervision', reference: `rescreen-${event.eventId}` },
  });
  console.log(
    `re-screened ${entry.subject.name}: ${check.verdict} (${event.type} on ${event.data.list}, receipt ${check.checkId})`,
  );
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let event: WebhookEvent;
    try {
      // The raw bytes, not a re-serialised object: the signature covers exactly what was sent.
      event = verifyWebhook({ body: Buffer.concat(chunks), signature: req.headers[SIGNATURE_HEADER], secret });
    } catch (err) {
      console.log(`rejected a delivery: ${err instanceof WebhookVerificationError ? err.code : String(err)}`);
      res.writeHead(400).end();
      return;
    }
    // Answer at once and work afterwards: a slow answer would be retried as a failed delivery.
    res.writeHead(204).end();
    rescreen(event).catch((err: unknown) =>
      console.error(`re-screen of event ${event.eventId} failed: ${String(err)}`),
    );
  });
});

await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/yingcha`;
const sub = await client.subscriptions.create({ url, events: ['entry.created', 'entry.updated', 'entry.reinstated'] });
secret = sub.secret;
console.log(`listening on ${url}, subscription ${sub.subscriptionId}`);

const stop = async () => {
  await client.subscriptions.delete(sub.subscriptionId).catch(() => undefined);
  server.close();
  console.log('stopped');
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
