// GB18030 bytes for test fixtures. Node encodes only UTF-8, so the two-byte table is read back from Node's own
// decoder once (GBK's 0x81–0xFE × 0x40–0xFE) and inverted; ASCII is itself. Enough for Chinese headers and names.
let table: Map<string, [number, number]> | undefined;

function gbTable(): Map<string, [number, number]> {
  if (table) return table;
  table = new Map();
  const dec = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) {
    for (let b = 0x40; b <= 0xfe; b++) {
      if (b === 0x7f) continue;
      const ch = dec.decode(new Uint8Array([a, b]));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [a, b]);
    }
  }
  return table;
}

export function gb18030(text: string): Buffer {
  const t = gbTable();
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else {
      const pair = t.get(ch);
      if (!pair) throw new Error(`no two-byte GB18030 code for ${ch}`);
      out.push(...pair);
    }
  }
  return Buffer.from(out);
}
