// Compiled by `tsc -p test --noEmit`, never run: each @ts-expect-error must meet a real type error, so this file
// fails to compile if a wrong field name were ever accepted. test/sdk/types.test.ts proves the same with tsc output.
import type { CheckParams, GuardResult, Yingcha } from '../../sdk/src/index.js';

export async function wrongFieldsDoNotCompile(client: Yingcha): Promise<void> {
  // @ts-expect-error `usc` is not a subject field (uscc is)
  await client.checks.create({ subject: { usc: '91230400MA1B2C3D4Q' }, matter: { type: 'tax', reference: 'R-1' } });

  // @ts-expect-error `matterType` is not a field of matter (type is)
  const params: CheckParams = { subject: { uscc: '91230400MA1B2C3D4Q' }, matter: { matterType: 'tax', reference: 'R-1' } };
  void params;

  // @ts-expect-error `licence` is not a matter type
  await client.checks.create({ subject: { name: '某公司' }, matter: { type: 'licence', reference: 'R-1' } });

  const check = await client.checks.create({ subject: { name: '某公司' }, matter: { type: 'tax', reference: 'R-1' } });
  // @ts-expect-error the receipt id is checkId, not receiptId
  void check.receiptId;

  const guard: GuardResult = await client.mustCheck({ subject: { name: '某公司' }, matter: { type: 'tax', reference: 'R-1' } });
  // @ts-expect-error decisions are allowed | blocked | review
  if (guard.decision === 'approved') return;

  // @ts-expect-error publish needs a subject kind from the enum
  await client.entries.publish({ list: 'safety.blacklist', subject: { kind: 'company', name: '某公司' }, decisionDocNo: 'x', reason: 'x', decidedAt: '2026-01-01T00:00:00.000Z', source: 's', sourceRecordId: 'r' });
}
