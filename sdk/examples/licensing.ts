// A licensing flow (行政许可): check the applicant before granting, apply the measures the answer names, report
// what was done (执行反馈), and save the printable 惩戒告知书.
//
//   YINGCHA_API_KEY=<key> npx tsx sdk/examples/licensing.ts <统一社会信用代码> [办件号]
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Yingcha } from '@yingcha/sdk';

const [uscc, reference = `XK-${Date.now()}`] = process.argv.slice(2);
if (!uscc) {
  console.error('usage: licensing.ts <统一社会信用代码> [办件号]');
  process.exit(2);
}

// baseUrl and apiKey default to YINGCHA_BASE_URL (else http://127.0.0.1:3000) and YINGCHA_API_KEY.
const client = new Yingcha({ timeout: 10_000 });

// mustCheck never answers "allowed" when the service cannot be reached: the flow stops instead of granting blind.
const gate = await client.mustCheck({
  subject: { uscc },
  matter: { type: 'administrative_licensing', reference, title: '建筑业企业资质许可' },
  operator: { id: 'clerk-017', name: '李娜' },
});

console.log(`decision: ${gate.decision} (${gate.basis}${gate.verdict ? `, verdict ${gate.verdict}` : ''})`);
if (gate.receiptId === null) {
  console.log(`no check was recorded: ${gate.error?.code} ${gate.error?.message}`);
  console.log('the application is held; try again when the service is back');
  process.exit(1);
}
console.log(`receipt: ${gate.receiptId}`);

for (const measure of gate.measures) {
  // A real system would act here: refuse, add conditions, or flag the file for 从严审核.
  console.log(
    `apply ${measure.docNo} ${measure.ordinal} [${measure.effect}${measure.mandatory ? ', 强制' : ''}]: ${measure.text}`,
  );
  const report = await client.checks.feedback(gate.receiptId, {
    measureId: measure.measureId,
    action: 'applied',
    note: `办件 ${reference}: 已按措施办理`,
  });
  console.log(`  feedback recorded: ${report.feedbackId}`);
}
if (gate.measures.length === 0) console.log('no measures to apply');

const html = await client.checks.notice(gate.receiptId);
const file = join(tmpdir(), `notice-${gate.receiptId}.html`);
writeFileSync(file, html);
console.log(`notice: ${file} (open it in a browser and print on A4)`);
