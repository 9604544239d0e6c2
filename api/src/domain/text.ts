// Text that cannot be stored faithfully: PostgreSQL refuses a NUL in text (22021/22P05), a lone surrogate has no
// UTF-8 encoding (Node would store U+FFFD and the receipt hash would cover bytes that differ from the row), and
// control characters other than tab, LF and CR are invisible in every place a record is shown or printed.
// One pure implementation, shared by the request validator (plugins/input.ts) and anything that reads text from a
// file or a stream (imports, the receipt side).

/**
 * C0 controls except tab (09), LF (0A) and CR (0D); DEL (7F); C1 controls (80–9F); a surrogate. With the `u` flag a
 * well-formed pair is read as one astral code point, so [\uD800-\uDFFF] matches only a lone half.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what it is for
export const UNSTORABLE = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uD800-\uDFFF]/u;

/** Why a string cannot be stored, or null when it can. Never echoes the text itself. */
export function unstorableReason(s: string): string | null {
  const m = UNSTORABLE.exec(s);
  if (m === null) return null;
  const unit = m[0].charCodeAt(0);
  const at = `at offset ${m.index}`;
  if (unit >= 0xd800 && unit <= 0xdfff) return `contains a lone surrogate (U+${hex(unit)}) ${at}`;
  if (unit === 0) return `contains a NUL character ${at}`;
  return `contains the control character U+${hex(unit)} ${at}; only tab, line feed and carriage return are allowed`;
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** RFC 6901 escaping of one JSON pointer segment; a key that is itself unstorable is shown with \u escapes. */
export function pointerSegment(key: string): string {
  const safe = key.replace(/~/g, '~0').replace(/\//g, '~1');
  return UNSTORABLE.test(safe)
    ? safe.replace(new RegExp(UNSTORABLE.source, 'gu'), (c) => `\\u${hex(c.charCodeAt(0))}`)
    : safe;
}

export interface UnstorableAt {
  /** JSON pointer below the root given to findUnstorable, e.g. /matter/reference */
  path: string;
  message: string;
}

/** How deep a request value may nest. The largest schema nests four levels; JSON bodies are bounded by bodyLimit. */
export const MAX_DEPTH = 32;

/**
 * Every string (and object key) in `value` that cannot be stored, up to `max` findings, walking iteratively (no
 * recursion, so a deeply nested body cannot overflow the stack) and refusing nesting deeper than MAX_DEPTH. Only plain
 * objects and arrays are entered: a stream or Buffer body (imports) is left to its own reader.
 */
export function findUnstorable(value: unknown, root = '', max = 20): UnstorableAt[] {
  const found: UnstorableAt[] = [];
  if (typeof value === 'string') {
    const why = unstorableReason(value);
    return why === null ? found : [{ path: root, message: why }];
  }
  if (!isContainer(value)) return found;
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: root, depth: 0 }];
  while (stack.length > 0 && found.length < max) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const why = unstorableReason(v);
      if (why !== null) found.push({ path, message: why });
      continue;
    }
    if (!isContainer(v)) continue;
    if (depth >= MAX_DEPTH) {
      found.push({ path, message: `nests deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        if (typeof item === 'string' || isContainer(item))
          stack.push({ v: item, path: `${path}/${i}`, depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const seg = pointerSegment(key);
      if (UNSTORABLE.test(key)) {
        found.push({ path: `${path}/${seg}`, message: `the field name ${unstorableReason(key)!}` });
        continue;
      }
      const item = (v as Record<string, unknown>)[key];
      if (typeof item === 'string' || isContainer(item))
        stack.push({ v: item, path: `${path}/${seg}`, depth: depth + 1 });
    }
  }
  return found;
}

function isContainer(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  // Plain objects, and the null-prototype records query-string parsers make (fast-querystring's `new Empty()`).
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}
