/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once. */
export async function forEachLimited(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  });
  await Promise.all(workers);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
