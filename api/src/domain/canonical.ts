// Canonical JSON for receipt hashing: keys sorted at every depth, no white space, undefined members dropped. The same
// value always gives the same text, however the database hands back its jsonb. `omitNull` also drops null members at
// every depth, for content where an absent field and a null one mean the same (the catalogue).
export function canonicalJson(value: unknown, opts: { omitNull?: boolean } = {}): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, opts)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && !(opts.omitNull && obj[k] === null))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], opts)}`).join(',')}}`;
}
