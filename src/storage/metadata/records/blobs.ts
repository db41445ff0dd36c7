import { sql, type ExpressionBuilder } from 'kysely';
import { RegistryError } from '../../../errors/registry-error.js';
import type { StoreDialect } from '../dialect.js';
import type { BlobRecords } from '../metadata-store.js';
import type { Database, Db } from '../schema.js';
import { inChunks } from './in-chunks.js';
import { isReferenced } from './references.js';

export function blobRecords(db: Db, dialect: StoreDialect): BlobRecords {
  return {
    async touch(digest, size, now) {
      await db
        .insertInto('blobs')
        .values({ digest, size, updated_at: now.getTime() })
        .onConflict((oc) => oc.column('digest').doUpdateSet({ updated_at: now.getTime() }))
        .execute();
    },
    get: (digest) => db.selectFrom('blobs').select(['digest', 'size']).where('digest', '=', digest).executeTakeFirst(),
    async link(repositoryId, digest, now) {
      // Bumping the blob row first is what stops a concurrent deleteIfUnreferenced: it either
      // waits for this and then sees a fresh row, or has deleted the row and this finds none.
      const bumped = await db.updateTable('blobs').set({ updated_at: now.getTime() }).where('digest', '=', digest).executeTakeFirst();
      if (bumped.numUpdatedRows === 0n) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not known to the registry`);
      await db
        .insertInto('repository_blobs')
        .values({ repository_id: repositoryId, digest, updated_at: now.getTime() })
        .onConflict((oc) => oc.columns(['repository_id', 'digest']).doUpdateSet({ updated_at: now.getTime() }))
        .execute();
    },
    getLinked: (repositoryId, digest) =>
      db
        .selectFrom('repository_blobs as l')
        .innerJoin('blobs as b', 'b.digest', 'l.digest')
        .select(['b.digest', 'b.size'])
        .where('l.repository_id', '=', repositoryId)
        .where('l.digest', '=', digest)
        .executeTakeFirst(),
    async useLinked(repositoryId, digests, now) {
      const found = await inChunks(digests, (chunk) =>
        db
          .updateTable('repository_blobs')
          .set({ updated_at: now.getTime() })
          .where('repository_id', '=', repositoryId)
          .where('digest', 'in', chunk)
          .returning('digest')
          .execute(),
      );
      return new Set(found.map((r) => r.digest));
    },
    async unlink(repositoryId, digest) {
      const result = await db
        .deleteFrom('repository_blobs')
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    isReferencedInRepository: (repositoryId, digest) => isReferenced(db, repositoryId, digest, 'blob'),
    async deleteStaleLinks(cutoff) {
      // The time condition is on the deleted row itself: a DELETE that waits on a link being
      // refreshed re-evaluates it on the new version (PostgreSQL) and leaves the link.
      const result = await db
        .deleteFrom('repository_blobs')
        .where('updated_at', '<', cutoff.getTime())
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('manifest_references as r')
                .select(sql.lit(1).as('one'))
                .whereRef('r.repository_id', '=', 'repository_blobs.repository_id')
                .whereRef('r.child_digest', '=', 'repository_blobs.digest'),
            ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async listUnreferenced(cutoff, limit) {
      const rows = await db
        .selectFrom('blobs')
        .select('digest')
        .where(collectable(cutoff))
        .orderBy('digest')
        .limit(limit)
        .execute();
      return rows.map((r) => r.digest);
    },
    async deleteIfUnreferenced(digest, cutoff) {
      // Lock first so that links wait for this transaction (and the caller's byte delete); then
      // delete in a new statement, whose fresh snapshot sees links committed before the lock.
      const locked = await db
        .selectFrom('blobs')
        .select('digest')
        .where('digest', '=', digest)
        .where(collectable(cutoff))
        .$call(dialect.forUpdate)
        .executeTakeFirst();
      if (!locked) return false;
      const result = await db.deleteFrom('blobs').where('digest', '=', digest).where(collectable(cutoff)).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

/** A blob row GC may delete: untouched since `cutoff`, linked nowhere, referenced by no manifest. */
function collectable(cutoff: Date) {
  return ({ and, not, exists, selectFrom, eb }: ExpressionBuilder<Database, 'blobs'>) =>
    and([
      eb('blobs.updated_at', '<', cutoff.getTime()),
      not(exists(selectFrom('repository_blobs as l').select(sql.lit(1).as('one')).whereRef('l.digest', '=', 'blobs.digest'))),
      not(exists(selectFrom('manifest_references as r').select(sql.lit(1).as('one')).whereRef('r.child_digest', '=', 'blobs.digest'))),
    ]);
}
