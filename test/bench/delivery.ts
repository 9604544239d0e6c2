// Webhook delivery latency, commit → receipt at a local receiver, p50/p99. Measured, not asserted. It starts the real
// server as a child process, subscribes local node:http receivers, publishes list records at a steady concurrency
// and times each event from its commit to the moment a receiver has it.
//
// "Commit" is bracketed, because no client can see the instant of commit: the lower figure starts the clock when the
// publish response arrives (after commit), the upper one at the event's occurredAt (the transaction's start, before
// commit). The true latency lies between them.
//
//   BENCH_SCENARIO=delivery pnpm bench, or tsx test/bench/delivery.ts.
//   BENCH_ENGINE=postgres|pglite (default postgres), BENCH_EVENTS (default 2000), BENCH_PUBLISHERS (default 4),
//   BENCH_SUBSCRIPTIONS (default 4), BENCH_DATABASE_URL as for run.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usccCheckChar } from '../../api/src/domain/uscc.js';
import { createBenchDatabase } from './database.js';
import { serverEnv, startServer } from './server.js';

const engine = process.env.BENCH_ENGINE === 'pglite' ? 'pglite' : 'postgres';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 4);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 4);
const KEY = 'bench-delivery-key-0123456789abcdefghij';
const log = (s: string) => process.stdout.write(s + '\n');
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function runDeliveryBench(): Promise<void> {
  const env = serverEnv({
    YINGCHA_BOOTSTRAP_KEY: KEY,
    YINGCHA_DEMO: 'false',
    // the receivers are on loopback, which webhooks may reach only when allowed
    YINGCHA_WEBHOOK_ALLOW: '127.0.0.1/32',
  });
  const cleanup: Array<() => Promise<void> | void> = [];
  if (engine === 'postgres') {
    const db = await createBenchDatabase('yingcha_bench_delivery', log);
    cleanup.push(db.drop);
    Object.assign(env, { DATABASE_URL: db.url, YINGCHA_SECRET: 'bench-secret-0123456789abcdefghijklmnop' });
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'yc-bench-delivery-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    env.YINGCHA_DATA_DIR = dir;
  }

  // Receivers: one server, a path per subscription. Each records the first arrival of each event.
  const arrivals = new Map<string, number>();
  let received = 0;
  const rx = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      const key = `${req.url}|${String(req.headers['x-yingcha-event-id'])}`;
      if (!arrivals.has(key)) {
        arrivals.set(key, at);
        received++;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
  const rxUrl = `http://127.0.0.1:${(rx.address() as AddressInfo).port}`;

  const { url: base, server } = await startServer(env);
  const call = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  try {
    for (let s = 0; s < SUBSCRIPTIONS; s++)
      await call('/v1/subscriptions', { url: `${rxUrl}/s${s}`, events: ['entry.created'] });

    const load0 = loadavg()[0]!;
    const committed = new Map<string, { after: number; occurredAt?: number }>();
    let n = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async () => {
        while (n < EVENTS) {
          const i = n++;
          const body = `91230400MA${String(i).padStart(5, '0')}${randomBytes(1).toString('hex').toUpperCase()}`.slice(
            0,
            17,
          );
          const r = await call('/v1/entries', {
            list: 'safety.blacklist',
            subject: { kind: 'enterprise', uscc: body + usccCheckChar(body), name: `延迟测试${i}` },
            decisionDocNo: '测试〔2026〕1号',
            reason: '测试',
            decidedAt: '2026-01-15T00:00:00.000Z',
            source: 'bench-delivery',
            sourceRecordId: `d-${i}`,
          });
          committed.set(r.entryId, { after: performance.timeOrigin + performance.now() });
        }
      }),
    );
    const publishSeconds = (performance.now() - started) / 1000;
    const deadline = Date.now() + 300_000;
    while (received < EVENTS * SUBSCRIPTIONS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    // Map eventId → entry and occurredAt through the feed.
    const byEvent = new Map<string, { entryId: string; occurredAt: number }>();
    let cursor = '';
    for (let page = 0; page < 10_000; page++) {
      const res = await fetch(`${base}/v1/changes?limit=1000&type=entry.created${cursor ? `&after=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      const p = (await res.json()) as {
        events: Array<{ eventId: string; occurredAt: string; data: { entryId: string } }>;
        nextCursor: string;
      };
      for (const e of p.events)
        byEvent.set(e.eventId, { entryId: e.data.entryId, occurredAt: Date.parse(e.occurredAt) });
      cursor = p.nextCursor;
      if (p.events.length < 1000) break;
    }
    const lower: number[] = [];
    const upper: number[] = [];
    for (const [key, at] of arrivals) {
      const ev = byEvent.get(key.split('|')[1]!);
      const c = ev && committed.get(ev.entryId);
      if (!ev || !c) continue;
      lower.push(at - c.after);
      upper.push(at - ev.occurredAt);
    }
    lower.sort((a, b) => a - b);
    upper.sort((a, b) => a - b);
    const f = (xs: number[]) => `${pct(xs, 50).toFixed(1)} | ${pct(xs, 99).toFixed(1)} | ${xs.at(-1)!.toFixed(1)}`;
    log(
      `engine ${engine}, ${cpus().length} cores, Node ${process.version}, load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} (other work on the machine counts)`,
    );
    log(
      `${EVENTS} events × ${SUBSCRIPTIONS} subscriptions, ${PUBLISHERS} publishers at ${(EVENTS / publishSeconds).toFixed(0)} events/s; received ${received}/${EVENTS * SUBSCRIPTIONS}`,
    );
    log('| clock starts at | p50 ms | p99 ms | max ms |');
    log('| --- | ---: | ---: | ---: |');
    log(`| publish response (after commit) | ${f(lower)} |`);
    log(`| occurredAt (transaction start) | ${f(upper)} |`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rx.close();
    for (const c of cleanup) await c();
  }
}

// Run directly with tsx, or through run.ts with BENCH_SCENARIO=delivery.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runDeliveryBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
