import { Type } from '@sinclair/typebox';
import type { PageRequest } from '../../storage/metadata/metadata-store.js';
import { decodeListingCursor, encodeNextToken, takePage } from './pagination.js';

/** ECR's MaxResults for the Describe* listings: 1–1000. */
export const MaxResultsSchema = Type.Integer({ minimum: 1, maximum: 1000 });
/** "If this parameter is not used, then … returns up to 100 results and a nextToken value, if applicable." */
export const DEFAULT_MAX_RESULTS = 100;

export interface PagedInput {
  readonly nextToken?: string | undefined;
  readonly maxResults?: number | undefined;
}

/**
 * One page of a listing kept in key order by the MetadataStore (a PageRequest fetch). One row
 * more than the page is fetched, so `nextToken` (the listing's name and the last key returned)
 * appears only when another page exists.
 */
export async function fetchPage<T>(
  listing: string,
  input: PagedInput,
  fetch: (page: PageRequest) => Promise<T[]>,
  keyOf: (item: T) => string,
): Promise<{ items: T[]; nextToken?: string }> {
  const last = input.nextToken === undefined ? undefined : decodeListingCursor(listing, input.nextToken).after;
  const limit = input.maxResults ?? DEFAULT_MAX_RESULTS;
  const { items, more } = await takePage(await fetch({ last, limit: limit + 1 }), limit);
  return more ? { items, nextToken: encodeNextToken({ listing, after: keyOf(items[items.length - 1]!) }) } : { items };
}
