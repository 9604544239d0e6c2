// The import's concurrent batch writers (services/imports.ts Writers): a failed batch write is never lost, whether it
// fails while someone waits on it or after it has left the in-flight list; batches sharing a record run in file order.
import t from 'tap';
import { type Batch, newBatch, Writers } from '../../api/src/services/imports.js';

const batch = (...recordKeys: string[]): Batch => {
  const b = newBatch();
  for (const k of recordKeys) b.recordKeys.add(k);
  return b;
};
const progress = { rowsRead: 0, rejected: 0 };
const tick = () => new Promise<void>((r) => setImmediate(r));

t.test('a batch that fails before the next one is submitted: the next submit throws it', async (t) => {
  const writers = new Writers(async (b) => {
    if (b.recordKeys.has('bad')) throw new Error('batch 1 failed');
  }, 2);
  await writers.submit(batch('bad'), progress);
  await tick(); // batch 1 has failed and left the in-flight list; nobody was waiting on it
  await t.rejects(writers.submit(batch('b2'), progress), { message: 'batch 1 failed' });
  await t.rejects(writers.drain(), { message: 'batch 1 failed' }, 'and so does the drain');
});

t.test('the last batch fails after it left the in-flight list: drain throws it', async (t) => {
  const written: string[] = [];
  const writers = new Writers(async (b) => {
    const [k] = [...b.recordKeys];
    if (k === 'last') throw new Error('last batch failed');
    written.push(k!);
  }, 2);
  await writers.submit(batch('a'), progress);
  await writers.submit(batch('last'), progress);
  await tick();
  await t.rejects(writers.drain(), { message: 'last batch failed' });
  t.same(written, ['a']);
});

t.test('no failure: drain resolves; batches sharing a record are written in submit order', async (t) => {
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const writers = new Writers(async (b) => {
    const keys = [...b.recordKeys].join('+');
    if (keys === 'r1') await gate;
    order.push(keys);
  }, 2);
  await writers.submit(batch('r1'), progress);
  const second = writers.submit(batch('r1', 'r2'), progress); // shares r1: waits for the first
  await tick();
  t.same(order, [], 'the second has not started while the first is held');
  release();
  await second;
  await writers.drain();
  t.same(order, ['r1', 'r1+r2']);
});
