// A real webhook receiver on 127.0.0.1 and a random port. It records every delivery with its verification result,
// can be taken down (connection refused) and brought back on the same port, and can be told to answer errors.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookVerificationError, verifyWebhook } from '../../sdk/src/index.js';

/**
 * What the SDK's verifyWebhook, the verifier receivers run, says of a delivery: 'ok', or the code it refuses it with
 * (ERR_YINGCHA_WEBHOOK_BAD_SIGNATURE, …). `now` in unix seconds.
 */
export function verification(
  secret: string,
  signature: string | string[] | undefined,
  body: string,
  now?: number,
): string {
  try {
    verifyWebhook({ body, signature, secret, ...(now === undefined ? {} : { now }) });
    return 'ok';
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
}

export interface Received {
  eventId: string;
  /** request path and query, e.g. /hook?s=2 */
  path: string;
  type: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** when the request arrived (ms since epoch) */
  at: number;
  /** what this receiver answered */
  status: number;
  verified: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** 2xx answered: what counts as delivered */
  delivered(): Received[];
  /** answer this status from now on (default 200) */
  respond(status: number): void;
  /** hold each request this long before answering */
  delay(ms: number): void;
  /** the secret used to verify signatures (set it once the subscription exists) */
  secret: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /** resolves once `pred` holds, polling; rejects at the deadline */
  until(pred: (r: Receiver) => boolean, timeoutMs?: number): Promise<void>;
}

interface TestLike {
  teardown(fn: () => unknown): void;
}

export async function receiver(t: TestLike): Promise<Receiver> {
  let status = 200;
  let holdMs = 0;
  let server: Server;
  let port = 0;
  const r: Receiver = {
    url: '',
    received: [],
    secret: '',
    delivered: () => r.received.filter((x) => x.status >= 200 && x.status < 300),
    respond: (s) => void (status = s),
    delay: (ms) => void (holdMs = ms),
    down: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    up: () => start(),
    close: () => r.down(),
    until: async (pred, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pred(r)) {
        if (Date.now() > deadline)
          throw new Error(`receiver: condition not met in ${timeoutMs} ms; received ${r.received.length}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
  };
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const answer = status;
          const path = req.url ?? '';
          const record = () => {
            const sig = req.headers['x-yingcha-signature'];
            r.received.push({
              eventId: String(req.headers['x-yingcha-event-id']),
              path,
              type: String(req.headers['x-yingcha-event-type']),
              body,
              headers: req.headers,
              at: Date.now(),
              status: answer,
              verified: r.secret !== '' && verification(r.secret, sig, body) === 'ok',
            });
            res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
          };
          if (holdMs > 0) setTimeout(record, holdMs);
          else record();
        });
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        r.url = `http://127.0.0.1:${port}/hook`;
        resolve();
      });
    });
  await start();
  t.teardown(() => (server.listening ? r.down() : undefined));
  return r;
}
