import type { Selectable, Updateable } from 'kysely';
import { RegistryError } from '../../../errors/registry-error.js';
import type { StoreDialect } from '../dialect.js';
import { DEFAULT_REPOSITORY_SETTINGS, type Repository, type RepositoryRecords, type RepositorySettings } from '../metadata-store.js';
import type { Db, RepositoriesTable } from '../schema.js';
import { encryptionColumns, filtersColumn, toEncryptionConfiguration, toFilters } from './ecr-settings-columns.js';

export function repositoryRecords(db: Db, dialect: StoreDialect): RepositoryRecords {
  const get = async (name: string) => {
    const row = await db.selectFrom('repositories').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRepository(row);
  };
  const insert = (name: string, settings: RepositorySettings, now: Date) =>
    db
      .insertInto('repositories')
      .values({ name, created_at: now.getTime(), ...settingsColumns(settings) })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
  return {
    get,
    async ensure(name, now, settings = DEFAULT_REPOSITORY_SETTINGS) {
      // Insert-or-nothing, then read: on PostgreSQL a concurrent insert of the same name makes
      // this one wait for it and then do nothing, so both see the same row.
      const created = await insert(name, settings, now);
      return created ? toRepository(created) : (await get(name))!;
    },
    async create(name, settings, now) {
      const created = await insert(name, settings, now);
      if (!created) throw new RegistryError('REPOSITORY_ALREADY_EXISTS', `repository ${name} already exists`);
      return toRepository(created);
    },
    async updateSettings(id, patch) {
      // Only the columns of the fields given, in one statement: a concurrent change to other
      // fields is not overwritten with values read before it.
      const columns = settingsColumns(patch);
      const row =
        Object.keys(columns).length === 0
          ? await db.selectFrom('repositories').selectAll().where('id', '=', id).executeTakeFirst()
          : await db.updateTable('repositories').set(columns).where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw new RegistryError('REPOSITORY_NOT_FOUND');
      return toRepository(row);
    },
    async setPolicy(id, policy) {
      const result = await db.updateTable('repositories').set({ policy: policy ?? null }).where('id', '=', id).executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new RegistryError('REPOSITORY_NOT_FOUND');
    },
    async delete(id) {
      // Lock the repository first: an upload (or manifest, link) being added to it waits on the
      // row for its foreign key check and then fails, so the keys returned are all there were.
      const locked = await db.selectFrom('repositories').select('id').where('id', '=', id).$call(dialect.forUpdate).executeTakeFirst();
      if (!locked) return [];
      const uploads = await db.deleteFrom('uploads').where('repository_id', '=', id).returning('store_key').execute();
      // Manifests (with their references and tags) and blob links go by ON DELETE CASCADE.
      await db.deleteFrom('repositories').where('id', '=', id).execute();
      return uploads.map((u) => u.store_key);
    },
    async countImages(id) {
      const row = await db
        .selectFrom('manifests')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('repository_id', '=', id)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
    async listNames({ last, limit }) {
      let query = db.selectFrom('repositories').select('name').orderBy('name').limit(limit);
      if (last !== undefined) query = query.where('name', '>', last);
      return (await query.execute()).map((r) => r.name);
    },
  };
}

/** The columns of the settings given (all of them for a full RepositorySettings). */
function settingsColumns(settings: Partial<RepositorySettings>): Updateable<RepositoriesTable> {
  const columns: Updateable<RepositoriesTable> = {};
  if (settings.imageTagMutability !== undefined) columns.image_tag_mutability = settings.imageTagMutability;
  if (settings.imageTagMutabilityExclusionFilters !== undefined) {
    columns.image_tag_mutability_exclusion_filters = filtersColumn(settings.imageTagMutabilityExclusionFilters);
  }
  if (settings.scanOnPush !== undefined) columns.scan_on_push = settings.scanOnPush ? 1 : 0;
  if (settings.encryptionConfiguration !== undefined) Object.assign(columns, encryptionColumns(settings.encryptionConfiguration));
  return columns;
}

function toRepository(row: Selectable<RepositoriesTable>): Repository {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at),
    settings: {
      imageTagMutability: row.image_tag_mutability,
      imageTagMutabilityExclusionFilters: toFilters(row.image_tag_mutability_exclusion_filters),
      scanOnPush: row.scan_on_push === 1,
      encryptionConfiguration: toEncryptionConfiguration(row.encryption_type, row.kms_key),
    },
    policy: row.policy ?? undefined,
  };
}
