// 惩戒告知书: the printable notice a window clerk hands over (鹤信用发〔2018〕5号, 000:82–86: every implementing unit
// prints it from the joint system). It is rendered from the stored receipt only, so the paper always says exactly what
// the recorded check said, and carries a QR code to the public page that re-hashes that receipt.
//
// Issuing is an act (POST /v1/checks/{id}/notice): it gives the notice a document number, 鹤市监告〔2026〕第000123号,
// gapless per issuing department and year. The counter row and the notice row are written in one transaction, so a
// failed or raced issue rolls its number back with it and no number is ever skipped.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { checks, departments, noticeCounters, notices } from '../db/schema.js';
import { MATTER_TYPES } from '../domain/codes.js';
import { ApiError } from '../errors.js';
import { type Actor, audit } from './audit.js';
import { type CheckResult, getCheck, toCheckResult } from './checks.js';
import type { AuthContext } from './keys.js';
import { receiptHash, receiptIdIs } from './receipts.js';
import type { IssuedNotice, NoticePrefix } from '../routes/notices/schemas.js';

/** 文号 prefixes are short: 鹤市监告, 哈市财采告 … */
export const NOTICE_PREFIX = /^[\p{Script=Han}A-Za-z0-9]{1,20}$/u;

const esc = (s: string | number | null | undefined) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export const VERDICT_TEXT: Record<CheckResult['verdict'], string> = {
  prohibited: '禁止办理',
  restricted: '限制办理',
  review: '需人工审查',
  incentive: '适用激励措施',
  clear: '未发现须实施的联合奖惩措施',
};

const BEIJING_MS = 8 * 3_600_000;

/** Beijing time, as the paper is read in China whatever the server's zone. */
export function beijing(iso: string | Date): string {
  const d = new Date(new Date(iso).getTime() + BEIJING_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
const beijingDay = (iso: string | Date) => beijing(iso).slice(0, 11);
/** The year a notice is numbered in: the issuing day in Asia/Shanghai (China has no DST). */
export const noticeYear = (at: Date) => new Date(at.getTime() + BEIJING_MS).getUTCFullYear();

export const formatNoticeNumber = (prefix: string, year: number, seq: number) =>
  `${prefix}〔${year}〕第${String(seq).padStart(6, '0')}号`;

/** The prefix when none was set: the department's own name, so a number is never ambiguous between departments. */
const prefixOf = (d: { name: string; noticePrefix: string | null }) => d.noticePrefix ?? `${d.name}告`;

export type { IssuedNotice };

const toIssued = (r: typeof notices.$inferSelect): IssuedNotice => ({
  noticeId: r.id,
  checkId: r.checkId,
  number: r.number,
  issuedAt: r.issuedAt.toISOString(),
  issuedByKey: r.issuedByKey,
  issuedByOperator: r.issuedByOperator,
});

/** Thrown inside the issuing transaction when another issue of the same check won: rolls our number back. */
class AlreadyIssued extends Error {}

/**
 * Issues the notice of a check once; later calls return the same number. Only the department that ran the check
 * issues it (another's check is NOT_FOUND, as in GET /v1/checks/{id}).
 */
export async function issueNotice(
  db: Db,
  caller: AuthContext,
  checkId: string,
  operator?: string,
): Promise<{ notice: IssuedNotice; created: boolean }> {
  const check = await getCheck(db, caller, checkId);
  const existing = await findNotice(db, checkId);
  if (existing) return { notice: existing, created: false };
  const deptId = check.departmentId;
  try {
    const notice = await db.transaction(async (tx) => {
      const [dept] = await tx
        .select({ name: departments.name, noticePrefix: departments.noticePrefix })
        .from(departments)
        .where(eq(departments.id, deptId));
      const now = new Date();
      const year = noticeYear(now);
      // The upsert takes the counter row's lock: concurrent issues of one department-year queue here, each sees the
      // previous one's committed number, and a rollback returns its number.
      const [counter] = await tx
        .insert(noticeCounters)
        .values({ departmentId: deptId, year, last: 1 })
        .onConflictDoUpdate({
          target: [noticeCounters.departmentId, noticeCounters.year],
          set: { last: sql`${noticeCounters.last} + 1` },
        })
        .returning({ last: noticeCounters.last });
      const seq = counter!.last;
      const [row] = await tx
        .insert(notices)
        .values({
          checkId,
          departmentId: deptId,
          year,
          seq,
          number: formatNoticeNumber(prefixOf(dept!), year, seq),
          issuedAt: now,
          issuedByKey: caller.keyId,
          issuedByOperator: operator ?? null,
        })
        .onConflictDoNothing({ target: notices.checkId })
        .returning();
      if (!row) throw new AlreadyIssued();
      await audit(
        tx,
        { keyId: caller.keyId, departmentId: caller.department.departmentId },
        'notice.issue',
        { type: 'notice', id: row.id },
        { checkId, number: row.number },
      );
      return toIssued(row);
    });
    return { notice, created: true };
  } catch (err) {
    if (!(err instanceof AlreadyIssued)) throw err;
    return { notice: (await findNotice(db, checkId))!, created: false };
  }
}

export async function findNotice(db: Db, checkId: string): Promise<IssuedNotice | null> {
  const [row] = await db.select().from(notices).where(eq(notices.checkId, checkId));
  return row ? toIssued(row) : null;
}

export async function setNoticePrefix(
  db: Db,
  actor: Actor,
  departmentId: string,
  prefix: string | null,
): Promise<NoticePrefix> {
  if (prefix !== null && !NOTICE_PREFIX.test(prefix)) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'noticePrefix is 1–20 Chinese characters, letters or digits, e.g. 鹤市监告',
      {
        errors: [{ path: '/noticePrefix', message: 'must be 1–20 Chinese characters, letters or digits' }],
      },
    );
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(departments)
      .set({ noticePrefix: prefix })
      .where(eq(departments.id, departmentId))
      .returning();
    if (!row) throw new ApiError('NOT_FOUND', `no department ${departmentId}`);
    await audit(tx, actor, 'department.notice_prefix', { type: 'department', id: row.id }, { noticePrefix: prefix });
    return { departmentId: row.id, name: row.name, noticePrefix: prefix, effectivePrefix: prefixOf(row) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Signed links: HMAC-SHA256 over "<noticeId>.<expires>" with a key derived from the instance secret, so the link key
// cannot be used to forge anything else the secret signs (ID-number hashes).

const linkKey = (secret: string) => createHmac('sha256', secret).update('yingcha notice link v1').digest();
const linkSignature = (secret: string, noticeId: string, expires: number) =>
  createHmac('sha256', linkKey(secret)).update(`${noticeId}.${expires}`).digest('hex');

export function signNoticeLink(
  secret: string,
  noticeId: string,
  ttlSeconds: number,
  now = Date.now(),
): { path: string; expiresAt: string } {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  return {
    path: `/v1/notices/${noticeId}?expires=${expires}&signature=${linkSignature(secret, noticeId, expires)}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

export type LinkCheck = 'ok' | 'expired' | 'invalid';

/** The signature is checked before the expiry, so an altered expiry reads as altered (403), not as expired (410). */
export function checkNoticeLink(
  secret: string,
  noticeId: string,
  expires: string | undefined,
  signature: string | undefined,
  now = Date.now(),
): LinkCheck {
  if (!expires || !/^\d{1,12}$/.test(expires) || !signature || !/^[0-9a-f]{64}$/.test(signature)) return 'invalid';
  const want = Buffer.from(linkSignature(secret, noticeId, Number(expires)), 'hex');
  if (!timingSafeEqual(want, Buffer.from(signature, 'hex'))) return 'invalid';
  return Number(expires) * 1000 <= now ? 'expired' : 'ok';
}

/** The notice a signed link names, with its check, without a caller: the signature is the authority. */
export async function noticeForLink(
  db: Db,
  noticeId: string,
): Promise<{ notice: IssuedNotice; check: CheckResult } | null> {
  const [n] = await db.select().from(notices).where(eq(notices.id, noticeId));
  const [c] = n ? await db.select().from(checks).where(receiptIdIs(n.checkId)) : [];
  return n && c ? { notice: toIssued(n), check: toCheckResult(c) } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Verification by anyone holding the paper

export interface Verification {
  status: 'genuine' | 'mismatch';
  /** the facts the paper shows, as stored (for a mismatch: what the row says now) */
  department: string;
  checkedAt: string;
  matterType: string;
  matterReference: string;
  verdict: CheckResult['verdict'];
  measureDocNos: string[];
  noticeNumber: string | null;
}

export async function verifyReceipt(db: Db, hash: string): Promise<Verification | null> {
  if (!/^[0-9a-f]{64}$/.test(hash)) return null;
  const [row] = await db
    .select({ c: checks, department: departments.name, number: notices.number })
    .from(checks)
    .innerJoin(departments, eq(departments.id, checks.departmentId))
    .leftJoin(notices, eq(notices.checkId, checks.id))
    .where(eq(checks.hash, hash))
    .limit(1);
  if (!row) return null;
  // Recomputed with the receipts' own function, so the page and `yingcha receipts verify` cannot disagree.
  const genuine = receiptHash(row.c, row.c.prevHash) === row.c.hash;
  const measures = (row.c.measures as Array<{ docNo?: string }> | null) ?? [];
  return {
    status: genuine ? 'genuine' : 'mismatch',
    department: row.department,
    checkedAt: row.c.checkedAt.toISOString(),
    matterType: row.c.matterType,
    matterReference: row.c.matterReference,
    verdict: row.c.verdict as CheckResult['verdict'],
    measureDocNos: [...new Set(measures.map((m) => String(m.docNo ?? '')).filter(Boolean))],
    noticeNumber: row.number ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

const PAGE_STYLE = `
  body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "SimSun", "Songti SC", serif; color: #000; }
  .box { max-width: 170mm; margin: 40px auto; font-size: 16px; line-height: 1.8; }
  h1 { font-size: 22px; } .ok { color: #0a6b2d; } .bad { color: #a40000; } .code { font-size: 12px; color: #555; }
  table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: 4px 10px; text-align: left; vertical-align: top; }`;

/** The page a browser route answers instead of problem+json; `code` is the stable code a problem would carry. */
export function errorPage(code: string, heading: string, text: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="yingcha-error-code" content="${esc(code)}"><title>${esc(heading)}</title><style>${PAGE_STYLE}</style></head>
<body><div class="box"><h1 class="bad">${esc(heading)}</h1><p>${esc(text)}</p><p class="code">错误代码：${esc(code)}</p></div></body></html>
`;
}

export function verifyPage(v: Verification): string {
  const ok = v.status === 'genuine';
  const rows: Array<[string, string]> = [
    ['告知书文号', v.noticeNumber ?? '（未出具告知书）'],
    ['查询部门', v.department],
    ['查询时间', beijing(v.checkedAt)],
    ['办理事项', MATTER_TYPES[v.matterType as keyof typeof MATTER_TYPES] ?? v.matterType],
    ['办件号', v.matterReference],
    ['查询结果', VERDICT_TEXT[v.verdict] ?? v.verdict],
    ['措施依据文号', v.measureDocNos.length ? v.measureDocNos.join('、') : '无'],
  ];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="yingcha-verification" content="${ok ? 'genuine' : 'mismatch'}"><title>告知书核验</title><style>${PAGE_STYLE}</style></head>
<body><div class="box"><h1 class="${ok ? 'ok' : 'bad'}">${ok ? '核验通过：查询记录真实，与存档一致' : '核验未通过：查询记录与存档哈希不一致'}</h1>
<p>${ok ? '下列信息与告知书所载一致者，告知书为真实有效。' : '该查询记录已被改动，请勿采信，并联系查询部门核实。'}</p>
<table>${rows.map(([k, val]) => `<tr><th>${esc(k)}</th><td>${esc(val)}</td></tr>`).join('')}</table></div></body></html>
`;
}

/** Chinese only on paper: the reasons' English parenthetical goes, list codes become list names. */
function reasonText(message: string, listNames: Map<string, string>): string {
  let s = message.replace(/\s*\([^()]*\)\s*$/, '');
  for (const [code, name] of listNames) s = s.replaceAll(code, name);
  return s;
}

export interface RenderOptions {
  notice: IssuedNotice | null;
  /** absolute URL of GET /verify/{hash}, for the QR code */
  verifyUrl: string;
}

export async function renderNoticeFor(
  db: Db,
  caller: AuthContext,
  checkId: string,
  verifyUrl: (hash: string) => string,
): Promise<string> {
  const c = await getCheck(db, caller, checkId);
  return renderNotice(db, c, { notice: await findNotice(db, checkId), verifyUrl: verifyUrl(c.receipt.hash) });
}

export async function renderNotice(db: Db, c: CheckResult, opts: RenderOptions): Promise<string> {
  const deptIds = [...new Set([...c.hits.map((h) => h.decidedBy), c.departmentId])];
  const names = new Map(
    (
      await db
        .select({ id: departments.id, name: departments.name })
        .from(departments)
        .where(inArray(departments.id, deptIds))
    ).map((d) => [d.id, d.name]),
  );
  const listNames = new Map(c.hits.map((h) => [h.list.code, h.list.name]));
  const punitive = c.hits.some((h) => h.list.polarity === 'punitive' && !h.suspended);
  const title = punitive
    ? '失信联合惩戒告知书'
    : c.verdict === 'incentive'
      ? '守信联合激励告知书'
      : '联合奖惩查询结果告知书';
  const subject = c.hits[0]?.subject ?? c.subject.resolved[0];
  const to = subject?.name ?? c.subject.asked.name ?? c.subject.asked.uscc ?? c.subject.asked.idNumber ?? '';
  const ident = subject?.uscc ?? subject?.idMasked ?? c.subject.asked.uscc ?? c.subject.asked.idNumber ?? '';
  // qrcode (and its PNG encoder) is loaded by the first notice rather than by every start.
  const QRCode = (await import('qrcode')).default;
  const qr = await QRCode.toString(opts.verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

  const hits = c.hits
    .map(
      (h) =>
        `<li class="item"><b>${esc(h.list.name)}</b>：${esc(h.subject.name)}，认定部门${esc(names.get(h.decidedBy) ?? '')}，认定文书${esc(h.decisionDocNo)}，${h.list.polarity === 'punitive' ? '失信行为' : '认定事由'}：${esc(h.reason)}，认定日期${esc(beijingDay(h.decidedAt))}${h.validUntil ? `，有效期至${esc(beijingDay(h.validUntil))}` : ''}。${h.matchedBy === 'related_person' ? `（系关联人员：${esc(h.matchReason)}）` : ''}${h.suspended ? '<br><b>该记录存在异议，核实期间暂不执行惩戒措施。</b>' : ''}${['name', 'former_name', 'fuzzy_name'].includes(h.matchedBy) ? '<br>（仅名称匹配，须核对统一社会信用代码或身份证号后方可认定。）' : ''}<span class="ref">依据备忘录：${esc(h.memoranda.map((m) => m.docNo).join('、'))}</span></li>`,
    )
    .join('\n');
  const measures = c.measures
    .map(
      (m) =>
        `<li class="item">${esc(m.text)}<br><span class="ref">依据：${esc(m.docNo)} 第${esc(m.ordinal)}项${m.legalBasis ? `；${esc(m.legalBasis)}` : ''}（${m.mandatory ? '强制性' : '推荐性'}措施）</span></li>`,
    )
    .join('\n');
  const reasons = [...new Set(c.reasons.map((r) => reasonText(r.message, listNames)))]
    .map((r) => `<li>${esc(r)}</li>`)
    .join('\n');
  const number = opts.notice ? opts.notice.number : '（草稿：尚未出具，无文号）';
  const dept = names.get(c.departmentId) ?? '';

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>
  @page { size: A4; margin: 20mm 20mm 22mm;
    @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-family: "Noto Serif CJK SC", serif; font-size: 10pt; } }
  body { font-family: "Noto Serif CJK SC", "SimSun", "Songti SC", serif; font-size: 14px; line-height: 1.7; max-width: 170mm; margin: 0 auto; color: #000; }
  h1 { text-align: center; font-size: 24px; letter-spacing: 4px; margin: 0 0 4px; }
  .no { text-align: center; margin-bottom: 14px; }
  p { margin: 6px 0; text-indent: 2em; }
  p.to { text-indent: 0; }
  ol, ul { margin: 4px 0; padding-left: 2.2em; }
  .item { break-inside: avoid; page-break-inside: avoid; margin-bottom: 4px; }
  .ref { display: block; font-size: 12px; color: #222; }
  .close { break-inside: avoid; page-break-inside: avoid; display: flex; justify-content: space-between; align-items: flex-start; margin-top: 18px; }
  .qr { width: 30mm; font-size: 10px; text-align: center; }
  .qr svg { width: 30mm; height: 30mm; display: block; }
  .sign { width: 88mm; text-align: right; }
  .seal { display: inline-block; width: 40mm; height: 40mm; border: 1px dashed #666; border-radius: 50%; line-height: 40mm; text-align: center; color: #666; font-size: 12px; }
  .line { display: inline-block; min-width: 36mm; border-bottom: 1px solid #000; }
  .foot { margin-top: 10px; font-size: 10px; border-top: 1px solid #000; padding-top: 4px; word-break: break-all; break-inside: avoid; }
</style></head>
<body>
<h1>${esc(title)}</h1>
<div class="no" id="notice-number">${esc(number)}</div>
<p class="to">${esc(to)}${ident ? `（${esc(ident)}）` : ''}：</p>
<p>本机关在办理${esc(MATTER_TYPES[c.matter.type] ?? '')}事项${c.matter.title ? `“${esc(c.matter.title)}”` : ''}（办件号${esc(c.matter.reference)}）时，依照联合奖惩合作备忘录，于${esc(beijing(c.checkedAt))}查询联合奖惩名单${c.asOf ? `（按${esc(beijing(c.asOf))}时点的名单状态）` : ''}，结果为：<b>${esc(VERDICT_TEXT[c.verdict])}</b>。</p>
${c.hits.length ? `<p>经查，存在下列名单记录：</p><ol>${hits}</ol>` : '<p>经查，未发现相关名单记录。</p>'}
${c.measures.length ? `<p>根据上述记录，本机关依法对本事项实施下列措施：</p><ol>${measures}</ol>` : ''}
${reasons ? `<p>说明：</p><ul>${reasons}</ul>` : ''}
${punitive ? '<p>如对上述名单信息有异议，可自收到本告知书之日起向认定部门提出异议申请，核实期间暂不执行相关惩戒措施；已纠正失信行为的，可依规向认定部门申请信用修复。</p>' : ''}
<div class="close">
  <div class="qr" id="qr">${qr}扫码核验本告知书</div>
  <div class="sign"><span class="seal">（盖章处）</span><br>经办人签字：<span class="line">&nbsp;</span><br>${esc(dept)}<br>${esc(beijingDay(opts.notice?.issuedAt ?? c.checkedAt))}</div>
</div>
<div class="foot">查询回执：${esc(c.checkId)}\u3000数据版本：${esc(c.dataVersion)}<br>回执哈希（SHA-256）：${esc(c.receipt.hash)}</div>
</body></html>
`;
}
