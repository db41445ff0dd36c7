import type { ResourceTagRecords } from '../metadata-store.js';
import type { Db } from '../schema.js';
import { inChunks } from './in-chunks.js';

export function resourceTagRecords(db: Db): ResourceTagRecords {
  return {
    async list(arn) {
      const rows = await db.selectFrom('resource_tags').select(['key', 'value']).where('arn', '=', arn).orderBy('key').execute();
      return rows.map((r) => ({ Key: r.key, Value: r.value }));
    },
    async put(arn, tags) {
      // One row per key, the last value given winning (PostgreSQL refuses an upsert that
      // touches one row twice).
      const values = new Map(tags.map((t) => [t.Key, t.Value]));
      const rows = [...values].map(([key, value]) => ({ arn, key, value }));
      await inChunks(rows, (chunk) =>
        db
          .insertInto('resource_tags')
          .values(chunk)
          .onConflict((oc) => oc.columns(['arn', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
          .execute(),
      );
    },
    async remove(arn, keys) {
      await inChunks(keys, (chunk) => db.deleteFrom('resource_tags').where('arn', '=', arn).where('key', 'in', chunk).execute());
    },
    async removeAll(arn) {
      await db.deleteFrom('resource_tags').where('arn', '=', arn).execute();
    },
  };
}
