// 主体: identifiers are validated here, once, for publishing and checking alike. A person's ID number is turned into a
// keyed hash and a masked form at the edge; the plain number never reaches the database or a log.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, type Tx, prepared } from '../db/index.js';
import { nameBigrams, relatedPersons, subjectNames, subjects } from '../db/schema.js';
import type { RelatedRole, SubjectKind } from '../domain/codes.js';
import { hashIdNumber, maskIdNumber, parseIdNumber } from '../domain/idcard.js';
import { bigrams, normalizeName } from '../domain/names.js';
import { parseUscc } from '../domain/uscc.js';
import { ApiError } from '../errors.js';

export interface SubjectInput {
  kind?: SubjectKind | undefined;
  uscc?: string | undefined;
  idNumber?: string | undefined;
  name?: string | undefined;
  formerNames?: string[] | undefined;
  relatedPersons?: Array<{ role: RelatedRole; name: string; idNumber?: string | undefined }> | undefined;
}

export interface Identifiers {
  uscc?: string;
  idHash?: string;
  idMasked?: string;
}

/** Validates the identifiers of a subject; `path` is the JSON pointer of the subject in the caller's input ('' when it is the input). */
export function parseIdentifiers(
  input: { uscc?: string | undefined; idNumber?: string | undefined },
  secret: string,
  path: string,
): Identifiers {
  const out: Identifiers = {};
  if (input.uscc !== undefined && input.uscc.trim() !== '') {
    const r = parseUscc(input.uscc);
    if (!r.ok) throw new ApiError('INVALID_USCC', r.detail, { errors: [{ path: `${path}/uscc`, message: r.detail }] });
    out.uscc = r.value;
  }
  if (input.idNumber !== undefined && input.idNumber.trim() !== '') {
    const r = parseIdNumber(input.idNumber);
    if (!r.ok)
      throw new ApiError('INVALID_ID_NUMBER', r.detail, { errors: [{ path: `${path}/idNumber`, message: r.detail }] });
    out.idHash = hashIdNumber(r.value, secret);
    out.idMasked = maskIdNumber(r.value);
  }
  return out;
}

async function addNames(tx: Db | Tx, subjectId: string, current: string, former: string[]) {
  const rows = [
    { subjectId, name: current, normalized: normalizeName(current), former: false },
    ...former.map((n) => ({ subjectId, name: n, normalized: normalizeName(n), former: true })),
  ].filter((r, i, all) => r.normalized !== '' && all.findIndex((x) => x.normalized === r.normalized) === i);
  if (rows.length === 0) return;
  await tx
    .insert(subjectNames)
    .values(rows)
    .onConflictDoUpdate({
      target: [subjectNames.subjectId, subjectNames.normalized],
      set: { former: sql`excluded.former`, name: sql`excluded.name` },
    });
  const grams = [...new Set(rows.flatMap((r) => bigrams(r.normalized)))];
  if (grams.length > 0) {
    await tx
      .insert(nameBigrams)
      .values(grams.map((bigram) => ({ bigram, subjectId })))
      .onConflictDoNothing();
  }
}

export interface UpsertOptions {
  /** called (in the transaction) when the publish renames a known subject, so the caller can write its event and audit row */
  onRenamed?: (r: { subjectId: string; from: string; to: string }) => Promise<void>;
}

/**
 * Finds or creates the subject of a published record. Organisations are keyed by 统一社会信用代码 and persons by the
 * keyed hash of their ID number. A new current name demotes the previous one to a former name (曾用名). Its field
 * errors point into the publish it serves, where the subject is at /subject.
 */
export async function upsertSubject(
  tx: Db | Tx,
  input: SubjectInput & { kind: SubjectKind; name: string },
  secret: string,
  opts: UpsertOptions = {},
): Promise<string> {
  const ids = parseIdentifiers(input, secret, '/subject');
  if (input.kind === 'person' ? !ids.idHash : !ids.uscc) {
    const field = input.kind === 'person' ? 'idNumber' : 'uscc';
    throw new ApiError('VALIDATION_FAILED', `a subject of kind ${input.kind} needs ${field}`, {
      errors: [{ path: `/subject/${field}`, message: `is required for kind ${input.kind}` }],
    });
  }
  const name = input.name.trim();
  const key = ids.uscc ? eq(subjects.uscc, ids.uscc) : eq(subjects.idHash, ids.idHash!);
  const [existing] = await tx.select().from(subjects).where(key).for('update');
  let subjectId: string;
  const former = [...(input.formerNames ?? [])];
  if (existing) {
    subjectId = existing.id;
    if (existing.name !== name) {
      former.push(existing.name);
      await tx.update(subjects).set({ name }).where(eq(subjects.id, subjectId));
      await tx.update(subjectNames).set({ former: true }).where(eq(subjectNames.subjectId, subjectId));
      await opts.onRenamed?.({ subjectId, from: existing.name, to: name });
    }
  } else {
    const [row] = await tx
      .insert(subjects)
      .values({
        kind: input.kind,
        uscc: ids.uscc ?? null,
        idHash: ids.idHash ?? null,
        idMasked: ids.idMasked ?? null,
        name,
      })
      .onConflictDoNothing()
      .returning({ id: subjects.id });
    if (row) subjectId = row.id;
    else {
      // Another transaction created it between our read and our insert.
      const [again] = await tx.select({ id: subjects.id }).from(subjects).where(key);
      // Nothing under our key: the conflict was on the other identifier, which names a different subject.
      if (!again) {
        throw new ApiError(
          'CONFLICT',
          'the ID number belongs to another subject than this 统一社会信用代码; publish them as separate subjects',
          {
            errors: [{ path: '/subject/idNumber', message: 'already names another subject' }],
          },
        );
      }
      subjectId = again.id;
    }
  }
  await addNames(tx, subjectId, name, former);

  for (const [i, p] of (input.relatedPersons ?? []).entries()) {
    const personIds = parseIdentifiers({ idNumber: p.idNumber }, secret, `/subject/relatedPersons/${i}`);
    let personId: string;
    if (personIds.idHash) {
      personId = await upsertSubject(tx, { kind: 'person', idNumber: p.idNumber, name: p.name }, secret, opts);
    } else {
      // Without an ID number a person can only be told apart by name within this organisation.
      const [known] = await tx
        .select({ id: subjects.id })
        .from(relatedPersons)
        .innerJoin(subjects, eq(subjects.id, relatedPersons.personId))
        .where(and(eq(relatedPersons.subjectId, subjectId), eq(subjects.name, p.name.trim())))
        .limit(1);
      if (known) personId = known.id;
      else {
        const [row] = await tx
          .insert(subjects)
          .values({ kind: 'person', name: p.name.trim() })
          .returning({ id: subjects.id });
        personId = row!.id;
        await addNames(tx, personId, p.name.trim(), []);
      }
    }
    await tx.insert(relatedPersons).values({ subjectId, personId, role: p.role }).onConflictDoNothing();
  }
  return subjectId;
}

export interface ResolvedSubject {
  subjectId: string;
  kind: SubjectKind;
  name: string;
  uscc: string | null;
  idMasked: string | null;
}

const resolvedColumns = {
  subjectId: subjects.id,
  kind: subjects.kind,
  name: subjects.name,
  uscc: subjects.uscc,
  idMasked: subjects.idMasked,
};

export async function findByIdentifiers(db: Db, ids: Identifiers): Promise<ResolvedSubject[]> {
  // The common case, one identifier, is a prepared query.
  if (ids.uscc && !ids.idHash) {
    return prepared(db, 'subject_by_uscc', (d) =>
      d
        .select(resolvedColumns)
        .from(subjects)
        .where(eq(subjects.uscc, sql.placeholder('uscc')))
        .prepare('yc_subject_by_uscc'),
    ).execute({ uscc: ids.uscc });
  }
  if (ids.idHash && !ids.uscc) {
    return prepared(db, 'subject_by_id_hash', (d) =>
      d
        .select(resolvedColumns)
        .from(subjects)
        .where(eq(subjects.idHash, sql.placeholder('h')))
        .prepare('yc_subject_by_id_hash'),
    ).execute({ h: ids.idHash });
  }
  const conds = [];
  if (ids.uscc) conds.push(eq(subjects.uscc, ids.uscc));
  if (ids.idHash) conds.push(eq(subjects.idHash, ids.idHash));
  if (conds.length === 0) return [];
  return db
    .select(resolvedColumns)
    .from(subjects)
    .where(conds.length === 1 ? conds[0] : sql`${conds[0]} or ${conds[1]}`);
}

/** 落实到人: the people behind an organisation, and the organisations behind a person, in one query. */
export async function relatedOf(
  db: Db,
  subjectIds: string[],
): Promise<Array<ResolvedSubject & { role: RelatedRole; via: string }>> {
  if (subjectIds.length === 0) return [];
  if (subjectIds.length === 1) {
    const id = sql.placeholder('id');
    return prepared(db, 'related_of_one', (d) =>
      d
        .select({ ...resolvedColumns, role: relatedPersons.role, via: sql<string>`${id}::uuid` })
        .from(relatedPersons)
        .innerJoin(
          subjects,
          sql`${subjects.id} = case when ${relatedPersons.subjectId} = ${id}::uuid then ${relatedPersons.personId} else ${relatedPersons.subjectId} end`,
        )
        .where(sql`${relatedPersons.subjectId} = ${id}::uuid or ${relatedPersons.personId} = ${id}::uuid`)
        .prepare('yc_related_of_one'),
    ).execute({ id: subjectIds[0] });
  }
  return db
    .select({
      ...resolvedColumns,
      role: relatedPersons.role,
      via: sql<string>`case when ${inArray(relatedPersons.subjectId, subjectIds)} then ${relatedPersons.subjectId} else ${relatedPersons.personId} end`,
    })
    .from(relatedPersons)
    .innerJoin(
      subjects,
      sql`${subjects.id} = case when ${inArray(relatedPersons.subjectId, subjectIds)} then ${relatedPersons.personId} else ${relatedPersons.subjectId} end`,
    )
    .where(sql`${inArray(relatedPersons.subjectId, subjectIds)} or ${inArray(relatedPersons.personId, subjectIds)}`);
}
