import t from 'tap';
import { generateSubjects, iterateSubjects, MAX_SUBJECTS, type DemoSubject } from '../../api/src/demo/generate.js';
import { parseIdNumber } from '../../api/src/domain/idcard.js';
import { parseUscc } from '../../api/src/domain/uscc.js';

// An independent statement of GB 32100-2015, so the generator is not only checked against the code it uses.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function usccValid(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  let w = 1;
  for (let i = 0; i < 17; i++) {
    sum += CHARSET.indexOf(code[i]!) * w;
    w = (w * 3) % 31; // weights are 3^i mod 31: 1, 3, 9, 27, 19, 26, …
  }
  return CHARSET[(31 - (sum % 31)) % 31] === code[17];
}

// Characters 9–17 are a 组织机构代码 (GB 11714): 8 characters and a check character.
function orgCodeValid(code9: string): boolean {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(code9[i]!, 36) * w[i]!;
  const c = 11 - (sum % 11);
  return code9[8] === (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

const ORG_KINDS = new Set(['enterprise', 'individual_business', 'other_org']);
const NOW = new Date('2026-06-01T00:00:00Z');

t.test('every identifier is valid and the shape follows the kind', async (t) => {
  const subjects = generateSubjects(20_000, 42);
  t.equal(subjects.length, 20_000);
  const kinds: Record<string, number> = {};
  let bad = 0;
  let related = 0;
  let withFormer = 0;
  const fail = (what: string, s: DemoSubject) => {
    if (bad++ < 5) t.fail(`${what}: ${JSON.stringify(s)}`);
  };
  for (const s of subjects) {
    kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
    if (!/^\p{Script=Han}[\p{Script=Han}·]+$/u.test(s.name)) fail('name', s);
    if (s.kind === 'person') {
      if (s.uscc !== undefined || s.relatedPersons !== undefined) fail('person shape', s);
      if (!s.idNumber || !parseIdNumber(s.idNumber, NOW).ok) fail('person id', s);
      continue;
    }
    if (!ORG_KINDS.has(s.kind)) fail('kind', s);
    const u = s.uscc ?? '';
    if (!parseUscc(u).ok || !usccValid(u) || !orgCodeValid(u.slice(8, 17))) fail('uscc', s);
    const expectedType = { enterprise: '91', individual_business: '92', other_org: '93' }[s.kind as string];
    if (u.slice(0, 2) !== expectedType) fail('uscc type', s);
    if (s.idNumber !== undefined) fail('org with id number', s);
    if (!s.relatedPersons || s.relatedPersons.length === 0) fail('no related person', s);
    for (const p of s.relatedPersons ?? []) {
      related++;
      if (!parseIdNumber(p.idNumber, NOW).ok) fail('related id', s);
      if (!['legal_representative', 'principal', 'responsible_person'].includes(p.role)) fail('role', s);
    }
    if (s.formerNames) {
      withFormer++;
      if (s.formerNames.length === 0 || s.formerNames.includes(s.name)) fail('former names', s);
      if (s.kind !== 'enterprise') fail('former names on non-enterprise', s);
    }
  }
  t.equal(bad, 0, 'no invalid subject');
  t.comment(`kinds ${JSON.stringify(kinds)}, related persons ${related}, with former names ${withFormer}`);
  t.ok(kinds.person! > 2_000 && kinds.person! < 6_000, 'about a fifth are persons');
  t.ok(kinds.enterprise! > 10_000);
  t.ok(kinds.individual_business! > 0 && kinds.other_org! > 0);
  t.ok(withFormer > 500, 'some enterprises have former names');
});

t.test('identifiers are unique; a shared person keeps one name', async (t) => {
  const usccs = new Set<string>();
  const people = new Map<string, string>();
  let dupUscc = 0;
  let conflicts = 0;
  let shared = 0;
  const see = (id: string, name: string) => {
    const prev = people.get(id);
    if (prev === undefined) people.set(id, name);
    else if (prev !== name) conflicts++;
    else shared++;
  };
  for (const s of iterateSubjects(200_000, 7)) {
    if (s.uscc) {
      if (usccs.has(s.uscc)) dupUscc++;
      usccs.add(s.uscc);
    }
    if (s.idNumber) see(s.idNumber, s.name);
    for (const p of s.relatedPersons ?? []) see(p.idNumber, p.name);
  }
  t.equal(dupUscc, 0, 'no USCC twice');
  t.equal(conflicts, 0, 'one ID number, one name');
  t.ok(shared > 0, `some persons appear in more than one subject (${shared})`);
});

t.test('deterministic for a seed', async (t) => {
  const a = generateSubjects(2_000, 123);
  t.same(generateSubjects(2_000, 123), a, 'same seed, same data');
  t.same(generateSubjects(500, 123), a.slice(0, 500), 'a shorter run is a prefix');
  const b = generateSubjects(2_000, 124);
  t.not(JSON.stringify(b), JSON.stringify(a), 'another seed, other data');
  t.same([...iterateSubjects(0, 1)], []);
  t.throws(() => generateSubjects(-1, 1), RangeError);
  t.throws(() => generateSubjects(MAX_SUBJECTS + 1, 1), RangeError);
});

t.test('throughput', async (t) => {
  const n = 300_000;
  const started = process.hrtime.bigint();
  let count = 0;
  for (const s of iterateSubjects(n, 2026)) if (s.name) count++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  t.equal(count, n);
  t.comment(`generated ${n} subjects in ${seconds.toFixed(2)} s: ${Math.round(n / seconds)} subjects/s`);
});
