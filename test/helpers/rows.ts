// Exact row counts of every table in the public schema, to prove that a refused request wrote nothing.
import { sql } from 'drizzle-orm';
import type { Db } from '../../api/src/db/index.js';
import { rows } from '../../api/src/db/rows.js';

export { rows };

export type RowCounts = Record<string, number>;

const tablesCache = new WeakMap<object, string[]>();

export async function rowCounts(db: Db): Promise<RowCounts> {
  let tables = tablesCache.get(db);
  if (!tables) {
    const r = rows<Record<string, unknown>>(
      await db.execute(
        sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
      ),
    );
    tables = r.map((row) => String(row.table_name));
    tablesCache.set(db, tables);
  }
  if (tables.length === 0) return {};
  const union = tables.map((name) => `select '${name}' as t, count(*)::int as n from "${name}"`).join(' union all ');
  const counts: RowCounts = {};
  for (const row of rows<Record<string, unknown>>(await db.execute(sql.raw(union))))
    counts[String(row.t)] = Number(row.n);
  return counts;
}

/** Tables whose count changed between two snapshots, with the difference. */
export function countDiff(before: RowCounts, after: RowCounts): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[name] ?? 0) - (before[name] ?? 0);
    if (d !== 0) diff[name] = d;
  }
  return diff;
}
