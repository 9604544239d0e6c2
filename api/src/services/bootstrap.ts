import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { BOOTSTRAP_LOCK } from '../db/locks.js';
import { apiKeys } from '../db/schema.js';
import { SCOPES } from '../domain/codes.js';
import { usccCheckChar } from '../domain/uscc.js';
import { SYSTEM_ACTOR } from './audit.js';
import { createDepartment, createKey, type Department, type KeyInfo } from './keys.js';

// A synthetic organ code (11 = 机关) in 鹤岗 (230400), whose memorandum the demo data exercises.
const DEMO_USCC_BODY = '11230400MB1234567';

export type BootstrapResult =
  { created: false } | { created: true; department: Department; key: KeyInfo & { secret: string } };

/**
 * On a database with no API key at all, creates the first department and an admin key (all scopes). The key is
 * YINGCHA_BOOTSTRAP_KEY when given, so automation knows it in advance; otherwise random and returned once.
 */
export async function bootstrap(
  db: Db,
  opts: { bootstrapKey?: string | undefined; demo: boolean },
): Promise<BootstrapResult> {
  return db.transaction(async (tx) => {
    // Several instances may start on one empty database at once; only the first may bootstrap.
    await tx.execute(sql`select pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    const [existing] = await tx.select({ id: apiKeys.id }).from(apiKeys).limit(1);
    if (existing) return { created: false };
    const department = await createDepartment(tx, SYSTEM_ACTOR, {
      uscc: DEMO_USCC_BODY + usccCheckChar(DEMO_USCC_BODY),
      name: opts.demo ? '应查演示部门（鹤岗市信用办）' : '应查平台管理',
      category: 'credit_office',
      region: '230400',
    });
    const key = await createKey(tx, SYSTEM_ACTOR, {
      departmentId: department.departmentId,
      scopes: [...SCOPES],
      label: 'bootstrap admin key',
      secret: opts.bootstrapKey,
    });
    return { created: true, department, key };
  });
}
