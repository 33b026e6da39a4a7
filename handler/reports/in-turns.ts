/** Runs `work` on every item, at most `concurrency` at a time (a range can touch hundreds of days). */
export async function inTurns<T>(
  items: readonly T[],
  work: (item: T) => Promise<void>,
  concurrency = 4,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
