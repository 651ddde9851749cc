// Small waiting helpers for callback-style APIs.
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `cond` until it holds; fail with `what` after timeoutMs. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** A promise with its resolve/reject in hand, failing after timeoutMs. */
export function deferred<T>(what: string, timeoutMs = 10_000): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`timed out waiting for ${what}`)), timeoutMs);
    resolve = (v) => { clearTimeout(t); res(v); };
    reject = (e) => { clearTimeout(t); rej(e); };
  });
  return { promise, resolve, reject };
}
