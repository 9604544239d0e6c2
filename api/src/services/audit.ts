import { auditLog } from '../db/schema.js';
import type { Db, Tx } from '../db/index.js';

/** Who acted. `null` key means the command line or the system itself. */
export interface Actor {
  keyId: string | null;
  departmentId: string | null;
}

export const SYSTEM_ACTOR: Actor = { keyId: null, departmentId: null };

/** Written in the caller's transaction, so an audited change and its audit row commit or fail together. */
export async function audit(
  db: Db | Tx,
  actor: Actor,
  action: string,
  target: { type: string; id: string | null },
  detail?: Record<string, unknown>,
): Promise<void> {
  await db.insert(auditLog).values({
    keyId: actor.keyId,
    departmentId: actor.departmentId,
    action,
    targetType: target.type,
    targetId: target.id,
    detail: detail ?? null,
  });
}
