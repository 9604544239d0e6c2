// Reads that reveal whether a person or firm is listed are themselves recorded (who asked, when, about whom), so an
// administrator can answer "which department looked this subject up" the way the audit log answers "who changed
// it". A check (POST /v1/checks) needs no row here: its receipt already is one. An ID number is never stored: a
// subject we know is named by its id, one we do not by the keyed hash of its number (as subject rows hold it).
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { entryReads } from '../db/schema.js';
import { hashIdNumber, parseIdNumber } from '../domain/idcard.js';
import { parseUscc } from '../domain/uscc.js';
import type { AuthContext } from './keys.js';
import type { ReadList } from '../routes/admin/schemas.js';

export type AskedBy = 'subject_id' | 'uscc' | 'id_number' | 'entry_id';

export interface Asked {
  askedBy: AskedBy;
  /** the subject id asked for, when the lookup named one */
  subjectId?: string;
  askedUscc?: string | null;
  askedIdHash?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How a lookup named its subject: a subject id, a USCC, or an ID number (kept only as its keyed hash). A valid ID
 * number is always an ID number here, even when it also passes the USCC checksum (about one in 31 does): storing it
 * as a USCC would store the plain number. GET /v1/entries refuses such a value, so it only arrives by POST search.
 */
export function askedFor(raw: string, secret: string): Asked {
  const s = raw.trim();
  if (UUID.test(s)) return { askedBy: 'subject_id', subjectId: s.toLowerCase() };
  const id = parseIdNumber(s);
  if (id.ok) return { askedBy: 'id_number', askedUscc: null, askedIdHash: hashIdNumber(id.value, secret) };
  const uscc = parseUscc(s);
  return { askedBy: 'uscc', askedUscc: uscc.ok ? uscc.value : null, askedIdHash: null };
}

/** Records one read. Awaited by the route before it answers: a read that cannot be recorded is not served. */
export async function recordRead(
  db: Db,
  caller: AuthContext,
  read: { operation: string; subjectIds: Iterable<string>; entryCount: number } & Asked,
): Promise<void> {
  await db.insert(entryReads).values({
    departmentId: caller.department.departmentId,
    keyId: caller.keyId,
    operation: read.operation,
    subjectIds: [...new Set([...(read.subjectId ? [read.subjectId] : []), ...read.subjectIds])],
    askedBy: read.askedBy,
    askedUscc: read.askedUscc ?? null,
    askedIdHash: read.askedIdHash ?? null,
    entryCount: read.entryCount,
  });
}

/** The call the entry routes make: one line each, after the lookup and before the answer. */
export function recordEntryRead(
  db: Db,
  caller: AuthContext,
  operation: string,
  asked: Asked,
  entries: ReadonlyArray<{ subjectId: string }>,
): Promise<void> {
  return recordRead(db, caller, {
    operation,
    ...asked,
    subjectIds: entries.map((e) => e.subjectId),
    entryCount: entries.length,
  });
}

/** A read as GET /v1/admin/reads lists it (routes/admin/schemas.ts ReadList). */
export type ReadView = ReadList['reads'][number];

/** Oldest first, `limit` at a time after the cursor (a read id); filtered by department or subject. */
export async function listReads(
  db: Db,
  q: { after?: string | undefined; limit: number; departmentId?: string | undefined; subjectId?: string | undefined },
): Promise<ReadList> {
  const rows = await db
    .select()
    .from(entryReads)
    .where(
      and(
        q.after ? gt(entryReads.id, Number(q.after)) : undefined,
        q.departmentId ? eq(entryReads.departmentId, q.departmentId) : undefined,
        q.subjectId ? sql`${entryReads.subjectIds} @> array[${q.subjectId}]::uuid[]` : undefined,
      ),
    )
    .orderBy(asc(entryReads.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    reads: page.map((r) => ({
      readId: String(r.id),
      at: r.at.toISOString(),
      departmentId: r.departmentId,
      keyId: r.keyId,
      operation: r.operation,
      subjectIds: r.subjectIds,
      askedBy: r.askedBy as AskedBy,
      askedUscc: r.askedUscc,
      askedByIdNumber: r.askedIdHash !== null,
      entryCount: r.entryCount,
    })),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null,
  };
}
