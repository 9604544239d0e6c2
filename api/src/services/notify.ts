// Wake-ups across instances. Triggers (migrations/0007_push_triggers.sql) NOTIFY on commit: 'yingcha_event' when
// events are written, 'yingcha_cache' when API keys change. On PostgreSQL a dedicated connection LISTENs, so every
// instance hears every commit; PGlite is one process, and its own listen() carries the same notifications.
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { Database } from '../db/index.js';

export const EVENT_CHANNEL = 'yingcha_event';
export const CACHE_CHANNEL = 'yingcha_cache';

export interface Listener {
  close(): Promise<void>;
}

/**
 * Calls `onNotify(channel, payload)` for each notification, and `onConnect()` whenever the listening connection is
 * (re)established: notifications sent while it was down are lost, so the caller must then assume anything changed.
 */
export async function listen(
  database: Database,
  channels: string[],
  onNotify: (channel: string, payload: string) => void,
  onConnect: () => void = () => {},
): Promise<Listener> {
  if (database.engine === 'pglite') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const offs = await Promise.all(channels.map((c) => client.listen(c, (payload) => onNotify(c, payload))));
    onConnect();
    return { close: async () => void (await Promise.all(offs.map((off) => off().catch(() => {})))) };
  }
  if (!database.url) throw new Error('listen: the PostgreSQL url is missing');
  // postgres.js keeps one connection for all LISTENs of a client and reconnects it by itself, calling onlisten again.
  const sql = postgres(database.url, {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'yingcha-listen' },
  });
  await Promise.all(channels.map((c) => sql.listen(c, (payload) => onNotify(c, payload), onConnect)));
  return { close: () => sql.end({ timeout: 5 }) };
}
