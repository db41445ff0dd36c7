import { RegistryError } from '../../errors/registry-error.js';

/**
 * ECR's `nextToken`: opaque to clients ("treated as an opaque identifier"), here the base64url
 * JSON of the listing's cursor. A token names where the next page starts, never a snapshot, so
 * it stays valid across restarts and on every node.
 */
export function encodeNextToken(cursor: Readonly<Record<string, string>>): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

/** The cursor inside a token from {@link encodeNextToken}; anything else is InvalidParameterException. */
export function decodeNextToken<K extends string>(token: string, required: readonly K[], optional: readonly string[] = []): Record<K, string> & Record<string, string | undefined> {
  let cursor: unknown;
  try {
    cursor = /^[A-Za-z0-9_-]+$/.test(token) ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) : undefined;
  } catch {
    cursor = undefined;
  }
  const known = new Set<string>([...required, ...optional]);
  const valid =
    typeof cursor === 'object' &&
    cursor !== null &&
    !Array.isArray(cursor) &&
    required.every((key) => key in cursor) &&
    Object.entries(cursor).every(([key, value]) => known.has(key) && typeof value === 'string');
  if (!valid) throw invalidNextToken();
  return cursor as Record<K, string>;
}

/** A cursor `{listing, after, …}` from a token of `listing`; a token of another listing is refused. */
export function decodeListingCursor(listing: string, token: string, optional: readonly string[] = []): Record<'after', string> & Record<string, string | undefined> {
  const cursor = decodeNextToken(token, ['listing', 'after'], optional);
  if (cursor.listing !== listing) throw invalidNextToken();
  return cursor;
}

function invalidNextToken(): RegistryError {
  return new RegistryError('INVALID_PARAMETER', "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'");
}

/**
 * Takes up to `limit` items from `source`, reading one more to learn whether another page
 * exists; the caller turns the last item taken into the next page's cursor.
 */
export async function takePage<T>(source: AsyncIterable<T> | Iterable<T>, limit: number): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  for await (const item of source) {
    if (items.length === limit) return { items, more: true };
    items.push(item);
  }
  return { items, more: false };
}
