// A check sent while an accept-valid import is running is answered between the import's batches, not after the import,
// over real HTTP with the file streamed. On PGlite this is the case that matters: one connection serves both, and the
// import's batches used to follow one another on promise continuations alone, so a check waited out many of them.
import t from 'tap';
import { bearer, build } from '../helpers/app.js';
import { csv, row } from '../helpers/import.js';
import { department, uscc } from '../helpers/world.js';

const BATCH = 20;
const ROWS = 1_000;

t.test('a check during an accept-valid import waits for at most a few batches', async (t) => {
  const { app, adminKey } = await build(t, { imports: { limit: 4 * 1024 * 1024, batchSize: BATCH } });
  const credit = await department(app, adminKey, 'credit_office', '450100');
  const checker = await department(app, adminKey, 'finance', '230400');
  const base = await app.listen({ host: '127.0.0.1', port: 0 });

  const file = csv(Array.from({ length: ROWS }, () => row({ source: 'interleave' })));
  const imported = fetch(`${base}/v1/imports?mode=accept-valid`, {
    method: 'POST',
    headers: { ...bearer(credit.key), 'content-type': 'text/csv' },
    body: file,
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as { accepted: number; status: string } }));

  type Listed = { imports: Array<{ importId: string; status: string; accepted: number }> };
  const progress = async () => {
    const res = await fetch(`${base}/v1/imports`, { headers: bearer(credit.key) });
    t.equal(res.status, 200);
    return ((await res.json()) as Listed).imports[0];
  };

  // Once the first batches have committed, and while most are still to come, a check goes out.
  const deadline = Date.now() + 120_000;
  let before = await progress();
  while ((!before || before.accepted < 2 * BATCH) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    before = await progress();
  }
  t.ok(before && before.status === 'running', 'the import is running when the check is sent');
  t.ok(before!.accepted < ROWS / 2, `most batches are still to come (${before!.accepted} of ${ROWS} rows in)`);

  const res = await fetch(`${base}/v1/checks`, {
    method: 'POST',
    headers: { ...bearer(checker.key), 'content-type': 'application/json' },
    body: JSON.stringify({ subject: { uscc: uscc() }, matter: { type: 'tax', reference: 'during-import' } }),
  });
  const answer = await res.text();
  t.equal(res.status, 201, answer);
  t.equal((JSON.parse(answer) as { verdict: string }).verdict, 'clear');
  const after = await progress();
  t.equal(after!.importId, before!.importId);
  // Between the two readings of the progress lie the check and the second reading: each may wait for the batch then
  // being written, so a few batches; the import waiting for neither would show it far further on.
  const rowsDuring = after!.accepted - before!.accepted;
  t.ok(rowsDuring <= 8 * BATCH, `the import wrote ${rowsDuring} rows (≤ ${8 * BATCH}) while the check was answered`);
  t.equal(after!.status, 'running', 'the check was answered before the import ended');

  const done = await imported;
  t.equal(done.status, 201);
  t.match(done.body, { status: 'completed', accepted: ROWS });
});
