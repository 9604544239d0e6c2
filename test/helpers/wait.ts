// Waiting in tests: for a condition, never for a fixed time. On a loaded machine (load 8–15 on 2 cores is common) a
// sleep that is long enough when it is quiet is too short, and one long enough for both wastes every run's time.

export interface WaitOptions {
  /** give up after this long; default 20 s */
  timeoutMs?: number;
  /** and after this many reads; default 10,000 */
  tries?: number;
  /** pause between reads; default 20 ms */
  intervalMs?: number;
}

/**
 * Reads until `ok` holds and answers the value that passed. Throws, naming `what` and the last value read, once the
 * deadline has passed or `tries` reads have failed, whichever comes first.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (v: T) => boolean,
  what = 'the condition',
  o: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 20_000, tries = 10_000, intervalMs = 20 } = o;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `${what}: not met within ${timeoutMs} ms or ${tries} reads; last read ${JSON.stringify(last)?.slice(0, 500)}`,
  );
}

/** Settles like `promise`, or throws naming `what` if it has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
