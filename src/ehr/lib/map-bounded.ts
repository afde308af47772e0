// Runs an async function over items with at most `concurrency` in flight, keeping input order in
// the output. Several practitioners or locations are searched in parallel, but an EHR that rate
// limits per client (Epic, Cerner) must not see a burst of one request per schedule.

/** Requests in flight per adapter call when several schedules are searched one by one. */
export const DEFAULT_SEARCH_CONCURRENCY = 4;

export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
