import type { Selectable } from 'kysely';
import { RegistryError } from '../../../errors/registry-error.js';
import type { Upload, UploadRecords } from '../metadata-store.js';
import type { Db, UploadsTable } from '../schema.js';

export function uploadRecords(db: Db): UploadRecords {
  return {
    async create({ id, repositoryId, storeKey }, now) {
      const row = { id, repository_id: repositoryId, store_key: storeKey, offset: 0, started_at: now.getTime(), updated_at: now.getTime() };
      await db.insertInto('uploads').values(row).execute();
      return toUpload(row);
    },
    async get(id) {
      const row = await db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUpload(row);
    },
    async setOffset(id, offset, now) {
      const result = await db.updateTable('uploads').set({ offset, updated_at: now.getTime() }).where('id', '=', id).executeTakeFirst();
      // Purged (or finished) by someone else while this chunk was being received.
      if (result.numUpdatedRows === 0n) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    },
    async delete(id) {
      const result = await db.deleteFrom('uploads').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async listStale(cutoff, limit) {
      const rows = await db
        .selectFrom('uploads')
        .selectAll()
        .where('updated_at', '<', cutoff.getTime())
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toUpload);
    },
    async hasStoreKey(storeKey) {
      const row = await db.selectFrom('uploads').select('id').where('store_key', '=', storeKey).limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}

function toUpload(row: Selectable<UploadsTable>): Upload {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    storeKey: row.store_key,
    offset: row.offset,
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
  };
}
