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

/** The `Link` header for the next page, when the page came back full. */
export function nextLink(path: string, page: PageRequest, results: readonly string[]): string | undefined {
  if (page.limit === 0 || results.length < page.limit) return undefined;
  const last = results[results.length - 1]!;
  return `<${path}?n=${page.limit}&last=${encodeURIComponent(last)}>; rel="next"`;
}
