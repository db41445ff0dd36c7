import { RegistryError } from '../../errors/registry-error.js';
import type { PageRequest } from '../../storage/metadata/metadata-store.js';

/**
 * Reads `n` and `last`. Without `n` the registry's page size applies; `n` above it is refused as
 * distribution does (PAGINATION_NUMBER_INVALID) rather than silently truncated.
 */
export function readPage(query: URLSearchParams, maxPageSize: number): PageRequest & { readonly explicit: boolean } {
  const n = query.get('n');
  const last = query.get('last') ?? undefined;
  if (n === null || n === '') return { limit: maxPageSize, last, explicit: false };
  if (!/^\d+$/.test(n) || Number(n) > maxPageSize) {
    throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be an integer from 0 to ${maxPageSize}`);
  }
  return { limit: Number(n), last, explicit: true };
}

/**
 * Fetches one page, asking for one row more than the page holds, so the `Link` header for the
 * next page is sent only when there is one.
 */
export async function fetchPage(
  page: PageRequest,
  path: string,
  fetch: (page: PageRequest) => Promise<string[]>,
): Promise<{ items: string[]; link?: string | undefined }> {
  if (page.limit === 0) return { items: [] };
  const rows = await fetch({ last: page.last, limit: page.limit + 1 });
  if (rows.length <= page.limit) return { items: rows };
  const items = rows.slice(0, page.limit);
  return { items, link: `<${path}?n=${page.limit}&last=${encodeURIComponent(items[items.length - 1]!)}>; rel="next"` };
}
