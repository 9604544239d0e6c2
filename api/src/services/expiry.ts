// 移出 on expiry. A check never needs this to run: it reads validity by time, so a record leaves the list at its
// validUntil to the millisecond. The sweep only writes what the feed needs, one `entry.expired` event per record,
// by moving the record to `expired` in a new version. Each record is locked (SKIP LOCKED, so several instances
// sweep side by side) and re-read before it moves, so the event is written exactly once.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { rows } from '../db/rows.js';
import { SYSTEM_ACTOR } from './audit.js';
import { changeStatusIn, lockCurrentVersion } from './entries.js';

const EXPIRING = ['active', 'objection_pending'] as const;

/** Moves every record whose validity ended at or before `now` to `expired`. Returns how many moved. */
export async function sweepExpired(
  db: Db,
  opts: { now?: Date; batch?: number; maxBatches?: number } = {},
): Promise<number> {
  const now = opts.now ?? new Date();
  const batch = opts.batch ?? 500;
  let moved = 0;
  for (let round = 0; round < (opts.maxBatches ?? 1000); round++) {
    const n = await db.transaction(async (tx) => {
      const due = await tx.execute(sql`
        select e.id from entry_version v join entry e on e.id = v.entry_id and e.current_version = v.version
        where v.superseded_at is null and v.valid_until is not null and v.valid_until <= ${now.toISOString()}
          and v.status in ('active', 'objection_pending')
        order by v.valid_until
        limit ${batch}
        for update of e skip locked`);
      const ids = rows<{ id: string }>(due).map((r) => r.id);
      let count = 0;
      for (const id of ids) {
        const current = await lockCurrentVersion(tx, id);
        // Re-read under the lock: another sweeper or an objection decision may have moved it meanwhile.
        if (
          !EXPIRING.includes(current.status as (typeof EXPIRING)[number]) ||
          !current.validUntil ||
          current.validUntil.getTime() > now.getTime()
        )
          continue;
        await changeStatusIn(tx, SYSTEM_ACTOR, id, {
          to: 'expired',
          change: 'expired',
          detail: { validUntil: current.validUntil.toISOString() },
          now,
        });
        count++;
      }
      return { ids: ids.length, count };
    });
    moved += n.count;
    if (n.ids < batch) break;
  }
  return moved;
}
