// How a read names its subject: a valid ID number is recorded only as its keyed hash, even when it also passes the
// USCC checksum (about one ID number in 31 does), so the plain number is never stored in entry_read.
import t from 'tap';
import { idCheckChar } from '../../api/src/domain/idcard.js';
import { parseUscc } from '../../api/src/domain/uscc.js';
import { askedFor } from '../../api/src/services/reads.js';

const SECRET = 'unit-test-secret-0123456789abcdef0123';

t.test('an ID number that is also a valid USCC is recorded as an ID number', async (t) => {
  let both: string | undefined;
  for (let seq = 100; seq < 1000 && !both; seq++) {
    const body = `11010519800101${seq}`;
    const candidate = body + idCheckChar(body);
    if (parseUscc(candidate).ok) both = candidate;
  }
  if (!both) throw new Error('no ID number in 900 tries is also a valid USCC');
  const asked = askedFor(both, SECRET);
  t.equal(asked.askedBy, 'id_number');
  t.equal(asked.askedUscc, null);
  t.match(asked.askedIdHash, /^[0-9a-f]{16,}$/);
  t.notOk(JSON.stringify(asked).includes(both), 'the plain number is nowhere in what is stored');
});

t.test('a USCC and a subject id are recorded as such', async (t) => {
  const body = '91230400MA1B2C3D4';
  const { usccCheckChar } = await import('../../api/src/domain/uscc.js');
  const uscc = body + usccCheckChar(body);
  t.match(askedFor(uscc, SECRET), { askedBy: 'uscc', askedUscc: uscc, askedIdHash: null });
  const id = '0b0e2f4c-1d2a-4c3b-8e9f-0a1b2c3d4e5f';
  t.match(askedFor(id.toUpperCase(), SECRET), { askedBy: 'subject_id', subjectId: id });
});
