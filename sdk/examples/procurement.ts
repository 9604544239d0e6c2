// Procurement bidder screening (政府采购): every bidder of one tender checked in a single batch call, in order. A
// bidder that is prohibited or restricted from procurement is excluded; a name-only or uncertain hit goes to review.
//
//   YINGCHA_API_KEY=<key> npx tsx sdk/examples/procurement.ts <统一社会信用代码 or name>...
import { Yingcha } from '@yingcha/sdk';

const bidders = process.argv.slice(2);
if (bidders.length === 0) {
  console.error('usage: procurement.ts <统一社会信用代码 or company name>...');
  process.exit(2);
}

const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/i;
const client = new Yingcha();
const tender = { type: 'government_procurement' as const, reference: `CG-${Date.now()}`, title: '教学楼维修工程' };

const { batchId, results } = await client.checks.batch({
  matter: tender,
  items: bidders.map((b, i) => ({ subject: USCC.test(b) ? { uscc: b } : { name: b }, reference: `bidder-${i + 1}` })),
});

console.log(`tender ${tender.reference}, batch ${batchId}`);
let admitted = 0;
for (const r of results) {
  const bidder = bidders[r.index];
  if (r.error) {
    // A malformed code is the bidder's paperwork, not a clean record: it cannot be admitted as is.
    console.log(`${bidder}: not screened (${r.error.code}: ${r.error.detail}) → review`);
    continue;
  }
  const check = r.check!;
  const outcome =
    check.verdict === 'prohibited' || check.verdict === 'restricted'
      ? 'excluded'
      : check.verdict === 'review'
        ? 'review'
        : 'admitted';
  if (outcome === 'admitted') admitted++;
  console.log(`${bidder}: ${check.verdict} → ${outcome} (receipt ${check.checkId})`);
  for (const hit of check.hits)
    console.log(`  on ${hit.list.name} (${hit.list.code}), matched by ${hit.matchedBy}, ${hit.status}`);
  for (const m of check.measures) console.log(`  measure ${m.docNo} ${m.ordinal}: ${m.text}`);
}
console.log(`${admitted} of ${bidders.length} bidders admitted without review`);
