import type { RegistryRecords } from '../metadata-store.js';
import type { Db } from '../schema.js';

export function registryRecords(db: Db): RegistryRecords {
  return {
    async get(key) {
      return (await db.selectFrom('registry_documents').select('value').where('key', '=', key).executeTakeFirst())?.value;
    },
    async set(key, value, now) {
      if (value === undefined) {
        await db.deleteFrom('registry_documents').where('key', '=', key).execute();
        return;
      }
      await db
        .insertInto('registry_documents')
        .values({ key, value, updated_at: now.getTime() })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now.getTime() }))
        .execute();
    },
  };
}
