// BENCH_RECEIPTS=N: fill the receipt table with N receipts before the check scenarios, to measure whether checks stay
// as fast as the table grows (issue #13: "flat as receipts grow"). The receipts are written by SQL in chunks
// (generate_series), spread evenly over the 12 months before the current one, each ≈1.3 KB like a real receipt with a
// hit and its measures, with time-ordered (v7) ids and 8 chains whose heads are moved to the last of them, so the
// checks that follow append after them as they would in production.
//
// Only for the bench: their hashes are filler, not computed over their content, so `receipts verify` reports them
// broken. Never run against a database whose receipts matter.
import postgres from 'postgres';

const CHUNK = 250_000;
const MONTHS = 12;

// A real-looking hit with two measures (the size of a receipt the service writes for a blacklisted subject).
const HITS = JSON.stringify([
  {
    entryId: '01960000-0000-7000-8000-000000000000',
    list: 'safety.blacklist',
    listName: '安全生产领域失信生产经营单位',
    status: 'active',
    matchedBy: 'uscc',
    decisionDocNo: '佳应急罚〔2026〕第0012号',
    decidedAt: '2026-03-01T00:00:00.000Z',
    validUntil: '2029-03-01T00:00:00.000Z',
    decidingDepartment: '佳木斯市应急管理局',
  },
]);
const MEASURES = JSON.stringify([
  {
    measureId: '01960000-0000-7000-8000-000000000001',
    text: '依法限制参与政府采购活动',
    memorandum: '关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录',
    docNo: '发改财金〔2016〕1001号',
    legalBasis: '《政府采购法》第二十二条',
    implementingDepartment: '财政部',
  },
  {
    measureId: '01960000-0000-7000-8000-000000000002',
    text: '在政府采购评审中予以限制，作为选择合作方的重要参考',
    memorandum: '关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录',
    docNo: '发改财金〔2016〕1001号',
    legalBasis: '《政府采购法实施条例》第十九条',
    implementingDepartment: '财政部',
  },
]);

export async function prefillReceipts(url: string, count: number, log: (s: string) => void): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [dept] = await sql`select id from department order by created_at limit 1`;
    if (!dept) throw new Error('prefillReceipts: no department');
    const [{ existing }] = (await sql`select count(*)::int as existing from check_receipt`) as unknown as [
      { existing: number },
    ];
    if (existing >= count) {
      log(`receipts: ${existing.toLocaleString()} already stored; not filling again`);
      return;
    }
    const started = performance.now();
    const now = new Date();
    const firstMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - MONTHS, 1));
    for (let m = 0; m <= MONTHS; m++) {
      await sql`select yingcha_receipt_partition(${new Date(Date.UTC(firstMonth.getUTCFullYear(), firstMonth.getUTCMonth() + m, 1)).toISOString().slice(0, 10)}::date)`;
    }
    const spanMs = now.getTime() - 86_400_000 - firstMonth.getTime();
    for (let from = 0; from < count; from += CHUNK) {
      const to = Math.min(count, from + CHUNK) - 1;
      // receipt g: checked at an even step through the months, on chain g % 8 after the receipts it already has
      await sql`
        insert into check_receipt (id, department_id, key_id, matter_type, matter_reference, subject_asked, subject_resolved,
          hits, measures, reasons, verdict, data_version, checked_at, chain, chain_seq, prev_hash, hash, part_month)
        select (lpad(to_hex((extract(epoch from at) * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
               ${dept.id}::uuid, ${dept.id}::uuid, 'government_procurement', 'FILL-' || g,
               jsonb_build_object('uscc', '91230800MA' || lpad(g::text, 8, '0')), '[]'::jsonb,
               ${HITS}::jsonb, ${MEASURES}::jsonb, '[]'::jsonb, 'hit', 'c1.e0', at, (g % 8)::int, head.seq + g / 8 + 1,
               md5((g - 8)::text) || md5((g - 8)::text || 'x'), md5(g::text) || md5(g::text || 'x'),
               date_trunc('month', (at at time zone 'UTC') + interval '8 hours')::date
          from (select g, md5(g::text) as h,
                       ${firstMonth.toISOString()}::timestamptz + (g::double precision / ${count}) * ${spanMs} * interval '1 millisecond' as at
                  from generate_series(${from}::bigint, ${to}::bigint) g) s
          join (select chain, seq from check_chain) head on head.chain = (g % 8)::int`;
      log(
        `  receipts: ${(to + 1).toLocaleString()} of ${count.toLocaleString()} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
    await sql`
      update check_chain c set seq = r.chain_seq, hash = r.hash, month = greatest(c.month, r.part_month)
        from (select distinct on (chain) chain, chain_seq, hash, part_month from check_receipt order by chain, chain_seq desc) r
       where c.chain = r.chain`;
    await sql`analyze check_receipt`;
    const [{ size }] =
      (await sql`select pg_size_pretty(sum(pg_total_relation_size(inhrelid))) as size from pg_inherits where inhparent = 'check_receipt'::regclass`) as unknown as [
        { size: string },
      ];
    log(
      `receipts: ${count.toLocaleString()} filled in ${((performance.now() - started) / 1000).toFixed(0)} s; the receipt partitions now take ${size}`,
    );
  } finally {
    await sql.end();
  }
}
