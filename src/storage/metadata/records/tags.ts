import type { StoreDialect } from '../dialect.js';
import type { PageRequest, TagRecords } from '../metadata-store.js';
import type { Db } from '../schema.js';

export function tagRecords(db: Db, dialect: StoreDialect): TagRecords {
  const row = (repositoryId: number, tag: string) =>
    db.selectFrom('tags').select('manifest_digest').where('repository_id', '=', repositoryId).where('name', '=', tag);
  const put: TagRecords['put'] = async (repositoryId, tag, digest, now) => {
    const inserted = await db
      .insertInto('tags')
      .values({ repository_id: repositoryId, name: tag, manifest_digest: digest, updated_at: now.getTime() })
      .onConflict((oc) => oc.columns(['repository_id', 'name']).doNothing())
      .returning('name')
      .executeTakeFirst();
    if (inserted) return undefined;
    // The tag exists: lock it so that what we report as its previous digest is what we replace.
    const previous = await row(repositoryId, tag).$call(dialect.forUpdate).executeTakeFirst();
    // Deleted between the two statements (PostgreSQL): start over.
    if (!previous) return put(repositoryId, tag, digest, now);
    await db
      .updateTable('tags')
      .set({ manifest_digest: digest, updated_at: now.getTime() })
      .where('repository_id', '=', repositoryId)
      .where('name', '=', tag)
      .execute();
    return previous.manifest_digest;
  };
  return {
    async get(repositoryId, tag) {
      return (await row(repositoryId, tag).executeTakeFirst())?.manifest_digest;
    },
    put,
    async delete(repositoryId, tag) {
      const result = await db.deleteFrom('tags').where('repository_id', '=', repositoryId).where('name', '=', tag).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async list(repositoryId, { last, limit }: PageRequest) {
      let query = db.selectFrom('tags').select('name').where('repository_id', '=', repositoryId).orderBy('name').limit(limit);
      if (last !== undefined) query = query.where('name', '>', last);
      return (await query.execute()).map((r) => r.name);
    },
    async listForManifest(repositoryId, digest) {
      const rows = await db
        .selectFrom('tags')
        .select('name')
        .where('repository_id', '=', repositoryId)
        .where('manifest_digest', '=', digest)
        .orderBy('name')
        .execute();
      return rows.map((r) => r.name);
    },
  };
}
