import type { Digest } from '../../../domain/digest.js';
import type { Db } from '../schema.js';

/** Whether a manifest of the repository lists `digest` as a child of the given kind. */
export async function isReferenced(db: Db, repositoryId: number, digest: Digest, kind: 'blob' | 'manifest'): Promise<boolean> {
  const row = await db
    .selectFrom('manifest_references')
    .select('kind')
    .where('repository_id', '=', repositoryId)
    .where('child_digest', '=', digest)
    .where('kind', '=', kind)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
