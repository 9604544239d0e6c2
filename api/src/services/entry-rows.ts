// The one row builder for list records. POST /v1/entries (services/entries.ts), bulk import (services/imports.ts)
// and the demo/bench loader (demo/load.ts) all build their entry, entry_version and event rows here, typed from the
// drizzle schema, so the three can never disagree on ownership (a record belongs to the department that publishes
// it and is identified by (department, source, sourceRecordId)), the content hash, or the event a change writes.
import { createHash } from 'node:crypto';
import type { entries, entryVersions, events } from '../db/schema.js';
import type { EntryStatus } from '../domain/codes.js';

export type EntryInsert = typeof entries.$inferInsert;
export type VersionInsert = typeof entryVersions.$inferInsert;
export type EventInsert = typeof events.$inferInsert;

/** What a publish says about a record, as the caller gave it (dates parsed). */
export interface RecordContent {
  list: string;
  subject: { name: string; formerNames?: string[] | undefined };
  decisionDocNo: string;
  reason: string;
  points?: number | undefined;
  scopeRegion?: string | undefined;
  source: string;
  sourceRecordId: string;
  decidedAt: Date;
  validFrom: Date;
  validUntil: Date | null;
  /** whether validFrom / validUntil were given (a default is not part of the content) */
  givenValidFrom: boolean;
  givenValidUntil: boolean;
}

/** Who publishes: the owning (deciding) department and the key that wrote it (null for the loader). */
export interface Publisher {
  departmentId: string;
  keyId: string | null;
}

export const DEFAULT_REGION = '000000';

/**
 * The content that makes a version: a replay with the same content is the same version. The subject is hashed by
 * what identifies it (its subject id), never with a plain ID number.
 */
export function contentHash(c: RecordContent, subjectId: string): string {
  const canonical = JSON.stringify([
    c.list,
    subjectId,
    c.subject.name.trim(),
    [...(c.subject.formerNames ?? [])].sort(),
    c.decisionDocNo,
    c.reason,
    c.decidedAt.toISOString(),
    // As given, not as defaulted: a default validFrom is the moment of publishing, so hashing it would make every
    // replay of a record without validFrom look changed.
    c.givenValidFrom ? c.validFrom.toISOString() : null,
    c.givenValidUntil ? (c.validUntil?.toISOString() ?? null) : null,
    c.points ?? null,
    c.scopeRegion ?? DEFAULT_REGION,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The entry row of a new record: owned by the publishing department. */
export function entryRow(p: Publisher, c: RecordContent, subjectId: string, id: string): EntryInsert & { id: string } {
  return {
    id,
    departmentId: p.departmentId,
    listCode: c.list,
    subjectId,
    source: c.source,
    sourceRecordId: c.sourceRecordId,
    currentVersion: 1,
  };
}

/**
 * A version row: `created` (version 1, active) or `updated` (the next version, keeping the record's status). The
 * deciding department is always the publisher, which is the record's owner (the caller looked it up in its own
 * namespace).
 */
export function versionRow(
  p: Publisher,
  c: RecordContent,
  subjectId: string,
  at: { entryId: string; version: number; status: EntryStatus; change: 'created' | 'updated'; now: Date },
): VersionInsert & { contentHash: string } {
  return {
    entryId: at.entryId,
    version: at.version,
    listCode: c.list,
    subjectId,
    decidingDepartmentId: p.departmentId,
    decisionDocNo: c.decisionDocNo,
    reason: c.reason,
    points: c.points ?? null,
    decidedAt: c.decidedAt,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    status: at.status,
    scopeRegion: c.scopeRegion ?? DEFAULT_REGION,
    publishedAt: at.now,
    contentHash: contentHash(c, subjectId),
    change: at.change,
    recordedAt: at.now,
    recordedBy: p.keyId,
  };
}

/**
 * What every event about a record says of it besides entryId and list, so a consumer can match the event against its
 * own approvals without fetching the record: the subject's public identifiers (a person's ID number only in its
 * masked form: the plain number is never stored, so it cannot reach an event), the record's region and the deciding
 * department, as of the version the event follows.
 */
export interface EventAbout {
  subjectId: string;
  subject: { kind: string; name: string; uscc: string | null; idMasked: string | null };
  region: string;
  decidingDepartment: { departmentId: string; name: string };
}

export function eventAbout(
  s: { id: string; kind: string; name: string; uscc: string | null; idMasked: string | null },
  region: string,
  dept: { id: string; name: string },
): EventAbout {
  return {
    subjectId: s.id,
    subject: { kind: s.kind, name: s.name, uscc: s.uscc?.trim() ?? null, idMasked: s.idMasked },
    region,
    decidingDepartment: { departmentId: dept.id, name: dept.name },
  };
}

/** The event a record change writes (entry.created, entry.updated, entry.revoked …), in the same transaction. */
export function entryEvent(
  type: string,
  entryId: string,
  listCode: string,
  about: EventAbout,
  data: Record<string, unknown>,
): EventInsert {
  return { type, entryId, listCode, region: about.region, data: { entryId, list: listCode, ...about, ...data } };
}

/** The event of a version written by versionRow. */
export const versionEvent = (v: VersionInsert, about: EventAbout) =>
  entryEvent(`entry.${v.change}`, v.entryId, v.listCode, about, { version: v.version, status: v.status });
