// The 告知书 as the window clerk sees it: Debian's Chromium (playwright-core) opens the signed link of a real server,
// prints it to PDF and takes screenshots (saved under test/artefacts/notice/). Asserted: one A4 page for a typical
// punitive notice, the laid-out page count for a long one (20 hits, 40 measures) with no measure split by a page
// break, the document number and QR code present, every character covered by an installed font (no fallback boxes),
// and the QR code decodes to the verify URL, which answers genuine, then "does not match" after one stored column
// changes. Chromium is required: CI installs it (.ci/run), so a missing browser fails here instead of skipping.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import jsQRModule from 'jsqr';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import t from 'tap';
import { checks } from '../../api/src/db/schema.js';
import { appendReceipt } from '../../api/src/services/receipts.js';
import { bearer } from '../helpers/app.js';
import { check, department, publish, uscc, world } from '../helpers/world.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// jsqr is CommonJS: its default export is the function itself or sits on .default, depending on the loader.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;
const ARTEFACTS = fileURLToPath(new URL('../artefacts/notice/', import.meta.url));
const A4_POINTS = { w: 595.28, h: 841.89 };
/** @page margins of the notice (services/notice.ts): 20 mm top, 22 mm bottom */
const PAGE_CONTENT_PX = ((297 - 20 - 22) / 25.4) * 96;

/** Pages of a PDF written by Chromium (Skia writes each page object uncompressed), with their MediaBoxes. */
function pdfPages(pdf: Buffer): Array<{ w: number; h: number }> {
  const text = pdf.toString('latin1');
  const pages = [...text.matchAll(/\/Type\s*\/Page(?![s\w])/g)];
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => ({
    w: Number(m[1]),
    h: Number(m[2]),
  }));
  return pages.map((_, i) => boxes[i] ?? boxes[0] ?? { w: 0, h: 0 });
}

t.test('the notice in a real browser', async (t) => {
  t.ok(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk; .ci/run does)`);
  if (!existsSync(CHROMIUM)) return;
  mkdirSync(ARTEFACTS, { recursive: true });

  const { app, database, adminKey } = await world(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const safety = await department(app, adminKey, 'emergency_management', '230800');
  const finance = await department(app, adminKey, 'finance', '230800');
  await app.inject({
    method: 'PUT',
    url: `/v1/admin/departments/${finance.departmentId}/notice-prefix`,
    headers: bearer(adminKey),
    payload: { noticePrefix: '佳市财采告' },
  });
  const firm = uscc();
  const pub = await publish(app, safety.key, {
    list: 'safety.blacklist',
    reason: '发生较大生产安全责任事故，造成三人死亡',
    subject: { kind: 'enterprise', uscc: firm, name: '佳木斯市恒安矿业有限公司' },
  });
  t.equal(pub.statusCode, 201);
  const typical = (
    await check(app, finance.key, { uscc: firm }, 'government_procurement', {
      matter: { type: 'government_procurement', reference: 'JMS-CG-2026-017', title: '第一中学教学楼维修工程' },
    })
  ).json();
  t.equal(typical.verdict, 'restricted', 'a punitive verdict');

  // The long one: the same stored receipt with 20 hits and 40 measures, appended to the chain like any receipt.
  const [row] = await database.db.select().from(checks).where(eq(checks.id, typical.checkId));
  const hits = Array.from({ length: 20 }, (_, i) => ({
    ...(row!.hits as object[])[0],
    entryId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    decisionDocNo: `佳应急罚〔2026〕${i + 1}号`,
    reason: `第${i + 1}起：未按规定开展安全生产教育培训，未如实记录安全生产教育和培训情况，情节严重`,
  }));
  const baseMeasure = (row!.measures as Array<Record<string, unknown>>)[0]!;
  const measures = Array.from({ length: 40 }, (_, i) => ({
    ...baseMeasure,
    measureId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    ordinal: String(i + 1),
    text: `（第${i + 1}项）${String(baseMeasure.text)}，在政府采购活动中依法限制其参与，并在评审中予以审慎考量，相关情况记入信用档案。`,
  }));
  const { id: _id, chain: _c, chainSeq: _s, prevHash: _p, hash: _h, ...body } = row!;
  const long = await appendReceipt(database.db, {
    ...body,
    id: crypto.randomUUID(),
    idempotencyKey: null,
    requestHash: null,
    hits,
    measures,
    matterReference: 'JMS-CG-2026-018',
  });

  const issue = async (checkId: string) => {
    const res = await fetch(`${base}/v1/checks/${checkId}/notice`, { method: 'POST', headers: bearer(finance.key) });
    t.equal(res.status, 201);
    return (await res.json()) as { number: string; url: string };
  };
  const typicalNotice = await issue(typical.checkId);
  const longNotice = await issue(long.id);
  t.ok(typicalNotice.url.startsWith(`${base}/v1/notices/`), 'the signed link points at this server');

  const profile = mkdtempSync(join(tmpdir(), 'yc-chromium-'));
  t.teardown(() => rmSync(profile, { recursive: true, force: true }));
  // A persistent context is what takes a fresh --user-data-dir; the flags keep Chromium off the network.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    deviceScaleFactor: 2,
    viewport: { width: 900, height: 1200 },
    timeout: 60_000,
  });
  t.teardown(() => context.close());
  const page = await context.newPage();

  const open = async (name: string, url: string) => {
    const res = await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    t.equal(res?.status(), 200, `${name}: the signed link opens without a key`);
    await page.evaluate('document.fonts.ready');
    await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(ARTEFACTS, `${name}.pdf`), pdf);
    return pdf;
  };

  t.test('a typical punitive notice: one A4 page, number, QR, fonts', async (t) => {
    const pdf = await open('typical', typicalNotice.url);
    const pages = pdfPages(pdf);
    t.equal(pages.length, 1, 'one page');
    t.ok(
      Math.abs(pages[0]!.w - A4_POINTS.w) < 2 && Math.abs(pages[0]!.h - A4_POINTS.h) < 2,
      `A4 (${pages[0]!.w}×${pages[0]!.h} pt)`,
    );
    t.equal(
      (await page.textContent('#notice-number'))?.trim(),
      typicalNotice.number,
      'the document number is on the page',
    );
    t.ok(await page.isVisible('#qr svg'), 'the QR code is on the page');

    // Font coverage: every character on the page is in one installed font (a missing glyph would print as a box),
    // and Chromium drew the text with the Noto CJK fonts, not a fallback.
    const text = (await page.evaluate<string>('document.body.innerText')).replace(/\s/g, '');
    const codepoints = [...new Set([...text].map((c) => c.codePointAt(0)!.toString(16)))];
    const covering = execFileSync('fc-list', [`:charset=${codepoints.join(' ')}`, 'family'], { encoding: 'utf8' });
    t.match(
      covering,
      /Noto (Serif|Sans) CJK SC/,
      `all ${codepoints.length} distinct characters are covered by Noto CJK SC`,
    );
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
      nodeId: root.nodeId,
      selector: 'h1, p, li, .sign, .foot',
    });
    const families = new Set<string>();
    for (const nodeId of nodeIds)
      for (const f of (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts) families.add(f.familyName);
    t.ok(
      [...families].every((f) => /Noto (Serif|Sans) CJK/.test(f)),
      `drawn with ${[...families].join(', ')}`,
    );

    // The QR code, from a screenshot, decodes to the verify URL.
    const shot = await page.locator('#qr svg').screenshot({ path: join(ARTEFACTS, 'typical-qr.png') });
    const png = PNG.sync.read(shot);
    const qr = jsQR(
      new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length),
      png.width,
      png.height,
    );
    t.equal(qr?.data, `${base}/verify/${typical.receipt.hash}`, 'the QR code is the verify URL');

    const verify = await page.goto(qr!.data);
    t.equal(verify?.status(), 200);
    t.equal(await page.getAttribute('meta[name="yingcha-verification"]', 'content'), 'genuine');
    t.match(await page.textContent('h1'), /核验通过/);
    await page.screenshot({ path: join(ARTEFACTS, 'verify-genuine.png') });

    await database.db.execute(sql`update check_receipt set verdict = 'clear' where id = ${typical.checkId}`);
    await page.goto(qr!.data);
    t.equal(
      await page.getAttribute('meta[name="yingcha-verification"]', 'content'),
      'mismatch',
      'after one stored column changed',
    );
    t.match(await page.textContent('h1'), /核验未通过/);
    await page.screenshot({ path: join(ARTEFACTS, 'verify-mismatch.png') });
  });

  t.test('a long notice paginates without splitting a measure', async (t) => {
    const pdf = await open('long', longNotice.url);
    // The expected count from the print layout itself: lay the blocks out on pages of the @page content height,
    // moving any block that would cross a page boundary (break-inside: avoid) to the next page.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: Math.round((170 / 25.4) * 96), height: 1200 });
    // (A string, evaluated in the page: the test's TypeScript has no DOM types.)
    const blocks = await page.evaluate<Array<{ top: number; height: number; avoid: boolean }>>(`
      [...document.querySelectorAll('h1, .no, p, li, .close, .foot')].map((el) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return { top: r.top + window.scrollY - parseFloat(s.marginTop), height: r.height + parseFloat(s.marginTop) + parseFloat(s.marginBottom), avoid: s.breakInside === 'avoid' };
      })`);
    let pages = 1;
    let offset = 0; // where the current page starts, in layout pixels
    for (const b of blocks) {
      const top = b.top + offset;
      if (top + b.height > pages * PAGE_CONTENT_PX + 0.5) {
        if (b.avoid && b.height <= PAGE_CONTENT_PX) offset += pages * PAGE_CONTENT_PX - top;
        pages++;
      }
    }
    const printed = pdfPages(pdf).length;
    t.ok(printed >= 3, `${printed} pages for 20 hits and 40 measures`);
    t.equal(printed, pages, `the PDF has ${printed} pages; the layout gives ${pages}`);
    t.equal(await page.locator('li.item').count(), 60, '20 hits and 40 measures on the paper');
    const css = await page.evaluate<string>(
      "[...document.styleSheets].flatMap((s) => [...s.cssRules].map((r) => r.cssText)).join('\\n')",
    );
    t.match(css, /counter\(pages\)/, 'the footer counts 第 N 页 共 M 页');
    t.match(css, /break-inside: avoid/);
  });
});
