/**
 * Runs `fn` over `items` in slices, concatenating the results: keeps `IN (…)` lists and
 * multi-row inserts under SQLite's and PostgreSQL's bound-parameter limits, and skips empty
 * lists (`IN ()` is a syntax error).
 */
export async function inChunks<T, R>(items: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 500) results.push(...(await fn(items.slice(i, i + 500))));
  return results;
}
