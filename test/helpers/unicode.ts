// Generated text from every corner of Unicode, for property tests of what is stored and hashed: any scalar value on
// every plane, astral characters, lone surrogates, combining marks, RTL and zero-width characters, C0/C1 controls.
// Never NUL (refused everywhere; tested apart).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { NewReceipt } from '../../api/src/services/receipts.js';

const cp = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((c) => String.fromCodePoint(c));
/** One unit of text: anything but NUL (refused, tested apart), weighted towards the troublesome kinds. */
export const unit = fc.oneof(
  cp(0x01, 0x10ffff).filter((c) => !/[\ud800-\udfff]/.test(c)), // any scalar value, every plane
  cp(0x10000, 0x10ffff), // astral: surrogate pairs in UTF-16
  cp(0xd800, 0xdfff), // a lone surrogate
  cp(0x0300, 0x036f), // combining marks
  fc.constantFrom(
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
    '\u200e',
    '\u200f',
    '\u202a',
    '\u202b',
    '\u202e',
    '\u2066',
    '\u2069',
  ),
  cp(0x0590, 0x06ff), // Hebrew, Arabic
  cp(0x01, 0x1f), // C0 controls
  cp(0x7f, 0x9f), // DEL and C1
  cp(0x4e00, 0x9fff), // CJK
  fc.constantFrom('"', '\\', '/', '\u2028', '\u2029', '\ufffd', '\uffff', 'e\u0301', '👨‍👩‍👧'),
);
export const text = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit, maxLength: max }) },
    fc.string({ unit, minLength: max, maxLength: max }),
  );

export function bodyArb(departmentId: string, keyId: string) {
  return fc
    .record({
      reference: text(200).filter((s) => s.length > 0),
      title: fc.option(text(500), { nil: null }),
      operator: fc.option(fc.record({ id: text(100), name: text(100) }), { nil: null }),
      name: text(200),
      reason: text(60),
      key: text(40),
    })
    .map((g): NewReceipt => ({
      id: randomUUID(),
      departmentId,
      keyId,
      operator: g.operator,
      matterType: 'tax',
      matterReference: g.reference,
      matterTitle: g.title,
      subjectAsked: { name: g.name, kind: g.key },
      subjectResolved: [],
      hits: [],
      measures: [],
      // a generated string as an object key too: jsonb keys go through the same encoding
      reasons: [{ code: 'generated', listCode: 'none', message: g.reason, [g.key || 'k']: g.name }],
      verdict: 'clear',
      dataVersion: 'c1.e0',
      asOf: null,
      checkedAt: new Date(),
      idempotencyKey: null,
      requestHash: null,
      batchId: null,
    }));
}
