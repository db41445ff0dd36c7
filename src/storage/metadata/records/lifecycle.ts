import type { LifecycleRecords } from '../metadata-store.js';
import type { Db } from '../schema.js';

export function lifecycleRecords(db: Db): LifecycleRecords {
  return {
    async getPolicy(repositoryId) {
      const row = await db.selectFrom('lifecycle_policies').selectAll().where('repository_id', '=', repositoryId).executeTakeFirst();
      return row && { repositoryId, text: row.policy_text, lastEvaluatedAt: row.last_evaluated_at === null ? undefined : new Date(row.last_evaluated_at) };
    },
    async putPolicy(repositoryId, text, now) {
      await db
        .insertInto('lifecycle_policies')
        .values({ repository_id: repositoryId, policy_text: text, last_evaluated_at: null, updated_at: now.getTime() })
        .onConflict((oc) => oc.column('repository_id').doUpdateSet({ policy_text: text, updated_at: now.getTime() }))
        .execute();
    },
    async deletePolicy(repositoryId) {
      const result = await db.deleteFrom('lifecycle_policies').where('repository_id', '=', repositoryId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async markEvaluated(repositoryId, at) {
      await db.updateTable('lifecycle_policies').set({ last_evaluated_at: at.getTime() }).where('repository_id', '=', repositoryId).execute();
    },
    async listPolicyRepositories() {
      const rows = await db
        .selectFrom('lifecycle_policies')
        .innerJoin('repositories', 'repositories.id', 'lifecycle_policies.repository_id')
        .select('repositories.name')
        .orderBy('repositories.name')
        .execute();
      return rows.map((r) => r.name);
    },
    async getPreview(repositoryId) {
      const row = await db.selectFrom('lifecycle_previews').selectAll().where('repository_id', '=', repositoryId).executeTakeFirst();
      return (
        row && {
          repositoryId,
          policyText: row.policy_text,
          status: row.status,
          results: row.results === null ? undefined : (JSON.parse(row.results) as unknown),
          createdAt: new Date(row.created_at),
        }
      );
    },
    async putPreview(preview) {
      const values = {
        policy_text: preview.policyText,
        status: preview.status,
        results: preview.results === undefined ? null : JSON.stringify(preview.results),
        created_at: preview.createdAt.getTime(),
      };
      await db
        .insertInto('lifecycle_previews')
        .values({ repository_id: preview.repositoryId, ...values })
        .onConflict((oc) => oc.column('repository_id').doUpdateSet(values))
        .execute();
    },
    async listIndexChildren(repositoryId) {
      const rows = await db
        .selectFrom('manifest_references')
        .select(['manifest_digest', 'child_digest'])
        .where('repository_id', '=', repositoryId)
        .where('kind', '=', 'manifest')
        .execute();
      return rows.map((r) => [r.manifest_digest, r.child_digest] as const);
    },
    async setStorageClass(repositoryId, digest, storageClass, now) {
      const stamp = storageClass === 'ARCHIVE' ? { last_archived_at: now.getTime() } : { last_activated_at: now.getTime() };
      const result = await db
        .updateTable('manifests')
        .set({ storage_class: storageClass, ...stamp })
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .where('storage_class', '!=', storageClass)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
