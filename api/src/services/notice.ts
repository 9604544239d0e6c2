// 惩戒告知书: the printable notice a window clerk hands over (鹤信用发〔2018〕5号, 000:82–86: every implementing unit
// prints it from the joint system). It is rendered from the stored receipt only, so the paper always says exactly what
// the recorded check said, and carries the receipt hash that proves it.
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { departments } from '../db/schema.js';
import { MATTER_TYPES } from '../domain/codes.js';
import type { AuthContext } from './keys.js';
import { type CheckResult, getCheck } from './checks.js';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const VERDICT_TEXT: Record<CheckResult['verdict'], string> = {
  prohibited: '禁止办理',
  restricted: '限制办理',
  review: '需人工审查',
  incentive: '适用激励措施',
  clear: '未发现须实施的联合奖惩措施',
};

/** Beijing time, as the paper is read in China whatever the server's zone. */
function beijing(iso: string): string {
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export async function renderNotice(db: Db, caller: AuthContext, checkId: string): Promise<string> {
  const c = await getCheck(db, caller, checkId);
  const deptIds = [...new Set([...c.hits.map((h) => h.decidedBy), c.departmentId])];
  const names = new Map(
    (await db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, deptIds))).map((d) => [d.id, d.name]),
  );
  const punitive = c.hits.some((h) => h.list.polarity === 'punitive' && !h.suspended);
  const title = punitive ? '失信联合惩戒告知书' : c.verdict === 'incentive' ? '守信联合激励告知书' : '联合奖惩查询结果告知书';
  const subject = c.hits[0]?.subject ?? c.subject.resolved[0];
  const to = subject?.name ?? c.subject.asked.name ?? c.subject.asked.uscc ?? c.subject.asked.idNumber ?? '';
  const ident = subject?.uscc ?? subject?.idMasked ?? c.subject.asked.uscc ?? c.subject.asked.idNumber ?? '';

  const hits = c.hits
    .map(
      (h, i) => `<li><b>${esc(h.list.name)}</b>（${esc(h.list.code)}）：${esc(h.subject.name)}，认定部门 ${esc(names.get(h.decidedBy) ?? h.decidedBy)}，
      认定文书 ${esc(h.decisionDocNo)}，${h.list.polarity === 'punitive' ? '失信行为' : '认定事由'}：${esc(h.reason)}，认定日期 ${esc(beijing(h.decidedAt).slice(0, 11))}${h.validUntil ? `，有效期至 ${esc(beijing(h.validUntil).slice(0, 11))}` : ''}。
      ${h.matchedBy === 'related_person' ? `（系关联人员：${esc(h.matchReason)}）` : ''}
      ${h.suspended ? '<br><b>该记录存在异议，核实期间暂不执行惩戒措施。</b>' : ''}
      ${['name', 'former_name', 'fuzzy_name'].includes(h.matchedBy) ? '<br>（仅名称匹配，须核对统一社会信用代码或身份证号后方可认定。）' : ''}
      <span class="ref">[${i + 1}] ${esc(h.memoranda.map((m) => m.docNo).join('、'))}</span></li>`,
    )
    .join('\n');
  const measures = c.measures
    .map(
      (m) => `<li>${esc(m.text)}<br><span class="ref">依据：${esc(m.docNo)} 第${esc(m.ordinal)}项${m.legalBasis ? `；${esc(m.legalBasis)}` : ''}（${m.mandatory ? '强制性' : '推荐性'}措施）</span></li>`,
    )
    .join('\n');
  const reasons = c.reasons.map((r) => `<li>${esc(r.message)}</li>`).join('\n');

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
  @page { size: A4; margin: 25mm 20mm; }
  body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 15px; line-height: 1.8; max-width: 170mm; margin: 0 auto; color: #000; }
  h1 { text-align: center; font-size: 24px; letter-spacing: 4px; margin: 0 0 4px; }
  .no { text-align: center; margin-bottom: 24px; }
  .ref { font-size: 12px; color: #333; }
  .foot { margin-top: 32px; font-size: 12px; border-top: 1px solid #000; padding-top: 8px; word-break: break-all; }
  .sign { text-align: right; margin-top: 40px; }
  @media print { .noprint { display: none; } }
</style></head>
<body>
<h1>${esc(title)}</h1>
<div class="no">编号：${esc(c.checkId)}</div>
<p>${esc(to)}${ident ? `（${esc(ident)}）` : ''}：</p>
<p>本机关在办理${esc(MATTER_TYPES[c.matter.type] ?? c.matter.type)}事项${c.matter.title ? `“${esc(c.matter.title)}”` : ''}（办件号 ${esc(c.matter.reference)}）时，
依照联合奖惩合作备忘录，于 ${esc(beijing(c.checkedAt))} 查询联合奖惩名单${c.asOf ? `（按 ${esc(beijing(c.asOf))} 时点的名单状态）` : ''}，结果为：<b>${esc(VERDICT_TEXT[c.verdict])}</b>。</p>
${c.hits.length ? `<p>经查，存在下列名单记录：</p><ol>${hits}</ol>` : '<p>经查，未发现相关名单记录。</p>'}
${c.measures.length ? `<p>根据上述记录，本机关依法对本事项实施下列措施：</p><ol>${measures}</ol>` : ''}
${reasons ? `<p>说明：</p><ul>${reasons}</ul>` : ''}
${punitive ? `<p>如对上述名单信息有异议，可自收到本告知书之日起向认定部门提出异议申请，核实期间暂不执行相关惩戒措施；
已纠正失信行为的，可依规向认定部门申请信用修复。</p>` : ''}
<div class="sign">${esc(names.get(c.departmentId) ?? '')}<br>${esc(beijing(c.checkedAt).slice(0, 11))}</div>
<div class="foot">查询回执：${esc(c.checkId)}　数据版本：${esc(c.dataVersion)}<br>回执哈希（SHA-256）：${esc(c.receipt.hash)}</div>
</body></html>
`;
}
