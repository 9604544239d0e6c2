// Departments and their API keys. A key's secret is shown once; only its SHA-256 is stored. Secrets are 256-bit
// random, so an unsalted fast hash is enough: there is nothing to brute-force. A key may expire (expiresAt); rotating
// one issues a successor with the same department and scopes and sets the old key's expiry to the end of an overlap,
// during which both work, so a system can switch keys without a moment when neither does.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { KEY_PATTERN } from '../config.js';
import type { Db } from '../db/index.js';
import { KEY_REVOCATION_LOCK } from '../db/locks.js';
import { apiKeys, departments } from '../db/schema.js';
import type { Scope } from '../domain/codes.js';
import { parseUscc } from '../domain/uscc.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { type Page, readPage } from './paging.js';
import type {
  ApiKey,
  CreatedKey,
  CreateDepartmentBody,
  CreateKeyBody,
  Department,
  RotatedKey,
} from '../routes/admin/schemas.js';

// Departments and keys as the admin routes answer them (routes/admin/schemas.ts). A key's expiresAt: refused
// (EXPIRED_KEY) from that instant on; lastUsedAt: to within a minute (LAST_USED_RESOLUTION_MS).
export type { Department };
export type KeyInfo = ApiKey;

export interface AuthContext {
  keyId: string;
  scopes: Scope[];
  department: Department;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newSecret = () => `yc_${randomBytes(32).toString('base64url')}`;
const hintOf = (secret: string) => `${secret.slice(0, 7)}…`;

const toDepartment = (r: typeof departments.$inferSelect): Department => ({
  departmentId: r.id,
  uscc: r.uscc,
  name: r.name,
  category: r.category as Department['category'],
  region: r.region,
  createdAt: r.createdAt.toISOString(),
});

const toKey = (r: typeof apiKeys.$inferSelect): KeyInfo => ({
  keyId: r.id,
  departmentId: r.departmentId,
  scopes: r.scopes,
  label: r.label,
  hint: r.hint,
  createdAt: r.createdAt.toISOString(),
  revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
  lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
  successorId: r.successorId,
});

export async function createDepartment(db: Db, actor: Actor, input: CreateDepartmentBody): Promise<Department> {
  const uscc = parseUscc(input.uscc);
  if (!uscc.ok) throw new ApiError('INVALID_USCC', uscc.detail, { errors: [{ path: '/uscc', message: uscc.detail }] });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(departments)
      .values({ uscc: uscc.value, name: input.name.trim(), category: input.category, region: input.region })
      .onConflictDoNothing({ target: departments.uscc })
      .returning();
    if (!row) throw new ApiError('CONFLICT', `a department with 统一社会信用代码 ${uscc.value} already exists`);
    await audit(tx, actor, 'department.create', { type: 'department', id: row.id }, { uscc: row.uscc, name: row.name });
    return toDepartment(row);
  });
}

/** Oldest first, a page at a time (services/paging.ts). */
export async function listDepartments(
  db: Db,
  q: { limit: number; after?: string | undefined },
): Promise<Page<Department>> {
  const page = await readPage(
    { at: departments.createdAt, id: departments.id, order: 'asc' },
    q,
    (after, orderBy, limit) =>
      db
        .select()
        .from(departments)
        .where(after)
        .orderBy(...orderBy)
        .limit(limit),
    (r) => ({ at: r.createdAt, id: r.id }),
  );
  return { items: page.items.map(toDepartment), nextCursor: page.nextCursor };
}

export async function findDepartment(db: Db, idOrUscc: string): Promise<Department | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrUscc);
  const [row] = await db
    .select()
    .from(departments)
    .where(isUuid ? eq(departments.id, idOrUscc) : eq(departments.uscc, idOrUscc.trim().toUpperCase()))
    .limit(1);
  return row ? toDepartment(row) : null;
}

export async function createKey(
  db: Db,
  actor: Actor,
  /** `secret`: the bootstrap's own key (services/bootstrap.ts); otherwise a new one */
  input: CreateKeyBody & { secret?: string | undefined },
): Promise<CreatedKey> {
  const secret = input.secret ?? newSecret();
  if (!KEY_PATTERN.test(secret))
    throw new ApiError('VALIDATION_FAILED', 'a key must be 24–256 characters of A–Z a–z 0–9 . _ ~ -');
  const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
  if (expiresAt && !(expiresAt.getTime() > Date.now())) {
    throw new ApiError('VALIDATION_FAILED', 'expiresAt must be in the future', {
      errors: [{ path: '/expiresAt', message: 'must be in the future' }],
    });
  }
  return db.transaction(async (tx) => {
    const [dept] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.id, input.departmentId));
    if (!dept) throw new ApiError('NOT_FOUND', `no department ${input.departmentId}`);
    return insertKey(
      tx,
      actor,
      { departmentId: input.departmentId, scopes: input.scopes, label: input.label ?? null, expiresAt },
      secret,
    );
  });
}

async function insertKey(
  tx: Db,
  actor: Actor,
  k: { departmentId: string; scopes: Scope[]; label: string | null; expiresAt: Date | null },
  secret: string,
): Promise<CreatedKey> {
  const scopes = [...new Set(k.scopes)];
  const [row] = await tx
    .insert(apiKeys)
    .values({
      departmentId: k.departmentId,
      scopes,
      label: k.label,
      secretHash: hashSecret(secret),
      hint: hintOf(secret),
      createdBy: actor.keyId,
      expiresAt: k.expiresAt,
    })
    .returning();
  await audit(
    tx,
    actor,
    'key.create',
    { type: 'api_key', id: row!.id },
    { departmentId: k.departmentId, scopes, expiresAt: k.expiresAt?.toISOString() ?? null },
  );
  return { ...toKey(row!), secret };
}

/** How long a rotated key keeps working beside its successor, unless the caller says otherwise; and the longest allowed. */
export const KEY_OVERLAP_DEFAULT_S = 24 * 3600;
export const KEY_OVERLAP_MAX_S = 30 * 86_400;

/**
 * Issues a successor to `keyId` (same department, scopes and label) and sets the old key to expire `overlapSeconds`
 * from now (or at its own earlier expiry). A revoked, expired or already rotated key cannot be rotated (CONFLICT):
 * rotating twice would leave two successors, and only one is meant to replace it.
 */
export async function rotateKey(db: Db, actor: Actor, keyId: string, overlapSeconds: number): Promise<RotatedKey> {
  const secret = newSecret();
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, keyId)).for('update');
    if (!row) throw new ApiError('NOT_FOUND', `no key ${keyId}`);
    if (row.revokedAt) throw new ApiError('CONFLICT', 'a revoked key cannot be rotated; create a new key instead');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now())
      throw new ApiError('CONFLICT', 'an expired key cannot be rotated; create a new key instead');
    if (row.successorId)
      throw new ApiError('CONFLICT', `this key was already rotated; its successor is ${row.successorId}`);
    const successor = await insertKey(
      tx,
      actor,
      { departmentId: row.departmentId, scopes: row.scopes, label: row.label, expiresAt: null },
      secret,
    );
    const [updated] = await tx
      .update(apiKeys)
      .set({
        successorId: successor.keyId,
        expiresAt: sql`least(${apiKeys.expiresAt}, now() + ${overlapSeconds} * interval '1 second')`,
      })
      .where(eq(apiKeys.id, keyId))
      .returning();
    await audit(
      tx,
      actor,
      'key.rotate',
      { type: 'api_key', id: keyId },
      { successorId: successor.keyId, overlapSeconds, expiresAt: updated!.expiresAt?.toISOString() ?? null },
    );
    cacheOf(db).clear();
    return { successor, previous: toKey(updated!) };
  });
}

/** Oldest first, a page at a time (services/paging.ts). */
export async function listKeys(
  db: Db,
  q: { departmentId?: string | undefined; limit: number; after?: string | undefined },
): Promise<Page<KeyInfo>> {
  const page = await readPage(
    { at: apiKeys.createdAt, id: apiKeys.id, order: 'asc' },
    q,
    (after, orderBy, limit) =>
      db
        .select()
        .from(apiKeys)
        .where(and(q.departmentId ? eq(apiKeys.departmentId, q.departmentId) : undefined, after))
        .orderBy(...orderBy)
        .limit(limit),
    (r) => ({ at: r.createdAt, id: r.id }),
  );
  return { items: page.items.map(toKey), nextCursor: page.nextCursor };
}

/**
 * Revoking is idempotent: a second revoke answers with the first revocation time. The last active admin key cannot be
 * revoked, so the service can never lock its operators out.
 */
export async function revokeKey(db: Db, actor: Actor, keyId: string): Promise<KeyInfo> {
  return db.transaction(async (tx) => {
    // Serialises concurrent revocations, so two admins revoking each other's keys cannot both pass the check below.
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_REVOCATION_LOCK})`);
    const [row] = await tx.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    if (!row) throw new ApiError('NOT_FOUND', `no key ${keyId}`);
    if (row.revokedAt) return toKey(row);
    if (row.scopes.includes('admin')) {
      const [count] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(apiKeys)
        // An expired key (a rotated one past its overlap) locks no one out any less than a revoked one.
        .where(
          and(
            isNull(apiKeys.revokedAt),
            sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > now())`,
            sql`'admin' = any(${apiKeys.scopes})`,
          ),
        );
      if ((count?.n ?? 0) <= 1)
        throw new ApiError('LAST_ADMIN_KEY', 'create another admin key before revoking this one');
    }
    const [updated] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date(), revokedBy: actor.keyId })
      .where(eq(apiKeys.id, keyId))
      .returning();
    await audit(tx, actor, 'key.revoke', { type: 'api_key', id: keyId });
    cacheOf(db).clear();
    return toKey(updated!);
  });
}

// Every request authenticates, and a check must be fast, so a known key is remembered for a few seconds. Revoking
// clears this process's cache at once, and other instances clear theirs when the api_key trigger's NOTIFY reaches
// them (services/workers.ts); if that notification is lost, they accept a revoked key for at most KEY_CACHE_MS.
// The expiry travels with the cached key and is compared on every hit, so an expiry passes on time whatever the
// cache holds.
export const KEY_CACHE_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
const keyCache = new WeakMap<object, Map<string, { auth: AuthContext; until: number; expiresAt: number | null }>>();

// lastUsedAt is for operators deciding which keys are dead, so a minute's resolution is enough, and a write per request
// is not: each instance touches a key at most once a LAST_USED_RESOLUTION_MS, and the statement itself skips the write
// when another instance touched it within that time.
export const LAST_USED_RESOLUTION_MS = 60_000;
const touched = new WeakMap<object, Map<string, number>>();

function touch(db: Db, keyId: string, now: number): void {
  let seen = touched.get(db);
  if (!seen) touched.set(db, (seen = new Map<string, number>()));
  const last = seen.get(keyId);
  if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return;
  if (seen.size >= KEY_CACHE_MAX) seen.clear();
  seen.set(keyId, now);
  // Not awaited: a request never waits for bookkeeping, and a failed touch only leaves lastUsedAt a minute older.
  db.update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, keyId),
        sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - ${LAST_USED_RESOLUTION_MS} * interval '1 millisecond')`,
      ),
    )
    .then(
      () => undefined,
      () => seen.delete(keyId),
    );
}

/** Drops every cached key, e.g. when another instance changed keys (services/workers.ts listens for that). */
export function forgetKeys(db: Db): void {
  keyCache.get(db)?.clear();
}

function cacheOf(db: Db) {
  let c = keyCache.get(db);
  if (!c) {
    c = new Map();
    keyCache.set(db, c);
  }
  return c;
}

/** Resolves a presented secret; the caller turns the outcome into the matching 401. */
export async function authenticate(
  db: Db,
  secret: string,
): Promise<{ ok: true; auth: AuthContext } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' }> {
  const hash = hashSecret(secret);
  const cache = cacheOf(db);
  const now = Date.now();
  const hit = cache.get(hash);
  if (hit && hit.until > now) {
    if (hit.expiresAt !== null && hit.expiresAt <= now) return { ok: false, reason: 'expired' };
    touch(db, hit.auth.keyId, now);
    return { ok: true, auth: hit.auth };
  }
  const [row] = await db
    .select({ key: apiKeys, department: departments })
    .from(apiKeys)
    .innerJoin(departments, eq(apiKeys.departmentId, departments.id))
    .where(eq(apiKeys.secretHash, hash))
    .limit(1);
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.key.revokedAt) {
    cache.delete(hash);
    return { ok: false, reason: 'revoked' };
  }
  const expiresAt = row.key.expiresAt?.getTime() ?? null;
  if (expiresAt !== null && expiresAt <= now) {
    cache.delete(hash);
    return { ok: false, reason: 'expired' };
  }
  const auth: AuthContext = { keyId: row.key.id, scopes: row.key.scopes, department: toDepartment(row.department) };
  if (cache.size >= KEY_CACHE_MAX) cache.clear();
  cache.set(hash, { auth, until: now + KEY_CACHE_MS, expiresAt });
  touch(db, auth.keyId, now);
  return { ok: true, auth };
}
