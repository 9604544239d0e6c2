// The first start's showcase: the 市场监管 demo department with its key, and the DEMO_SHOWCASE records published
// through the ordinary publish path (validation, versions, events), as the demo department's admin key.
import type { Database } from '../db/index.js';
import { SYSTEM_ACTOR } from '../services/audit.js';
import { publishEntry } from '../services/entries.js';
import { type AuthContext, createDepartment, createKey } from '../services/keys.js';
import { DEMO_MARKET_DEPARTMENT, DEMO_SHOWCASE, type ShowcaseRecord } from './generate.js';

export interface Showcase {
  market: { departmentId: string; name: string; key: string };
  records: Array<ShowcaseRecord & { entryId: string }>;
}

export async function loadShowcase(database: Database, secret: string, admin: AuthContext): Promise<Showcase> {
  const db = database.db;
  const dept = await createDepartment(db, SYSTEM_ACTOR, DEMO_MARKET_DEPARTMENT);
  const key = await createKey(db, SYSTEM_ACTOR, {
    departmentId: dept.departmentId,
    scopes: ['check'],
    label: 'demo key (市场监管)',
  });
  const records: Showcase['records'] = [];
  for (const [i, r] of DEMO_SHOWCASE.entries()) {
    const published = await publishEntry(
      db,
      admin,
      {
        list: r.list,
        subject: {
          ...r.subject,
          relatedPersons: r.subject.relatedPersons?.map((p) => ({ role: p.role, name: p.name, idNumber: p.idNumber })),
        },
        decisionDocNo: r.decisionDocNo,
        reason: r.reason,
        decidedAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
        source: 'demo-showcase',
        sourceRecordId: `showcase-${i + 1}`,
      },
      secret,
    );
    records.push({ ...r, entryId: published.entryId });
  }
  return { market: { departmentId: dept.departmentId, name: dept.name, key: key.secret }, records };
}

/** The banner's lines for the showcase: ready-to-paste curl commands that return measures, and the second key. */
export function showcaseBanner(address: string, adminKey: string, s: Showcase): string[] {
  const curl = (key: string, r: ShowcaseRecord, ref: string) =>
    `  curl -s ${address}/v1/checks -H "authorization: Bearer ${key}" -H 'content-type: application/json' ` +
    `-d '${JSON.stringify({ subject: { uscc: r.subject.uscc }, matter: { type: r.matterType, reference: ref } })}'`;
  const mine = s.records.find((r) => r.shownTo === 'demo')!;
  const market = s.records.find((r) => r.shownTo === 'market')!;
  return [
    `Try it: ${mine.subject.name} is on ${mine.list}; this check returns the measures your department must apply, with their memorandum and legal basis:`,
    curl(adminKey, mine, 'DEMO-1'),
    `Second demo key, ${s.market.name} (market_regulation, scope check; shown once): ${s.market.key}`,
    curl(s.market.key, market, 'DEMO-2'),
    `SDK and CLI read the same variables: export YINGCHA_BASE_URL=${address} YINGCHA_API_KEY=${adminKey}`,
  ];
}
