/**
 * The rows of a raw `db.execute(sql…)` result on either engine: postgres.js answers an array of rows, PGlite an object
 * whose `rows` holds them. Typed queries (`db.select()…`) need none of this; only raw statements do.
 */
export const rows = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);
