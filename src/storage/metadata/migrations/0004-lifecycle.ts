import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Lifecycle policies (one per repository, with when it was last applied), the current lifecycle
 * preview of each repository, the archive storage class of images (ECR's STANDARD | ARCHIVE with
 * the times of the last archival and restore), and the audit trail (`events`).
 */
export function lifecycle(dialect: StoreDialect): Migration {
  const { identity } = dialect.columns;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('lifecycle_policies')
        .addColumn('repository_id', 'integer', (c) => c.primaryKey().references('repositories.id').onDelete('cascade'))
        .addColumn('policy_text', 'text', (c) => c.notNull())
        .addColumn('last_evaluated_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('lifecycle_previews')
        .addColumn('repository_id', 'integer', (c) => c.primaryKey().references('repositories.id').onDelete('cascade'))
        .addColumn('policy_text', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('results', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // One column per statement: SQLite's ALTER TABLE adds one at a time.
      await db.schema.alterTable('manifests').addColumn('storage_class', 'text', (c) => c.notNull().defaultTo('STANDARD')).execute();
      await db.schema.alterTable('manifests').addColumn('last_archived_at', 'bigint').execute();
      await db.schema.alterTable('manifests').addColumn('last_activated_at', 'bigint').execute();
      // No foreign key to repositories: the audit trail outlives the repositories it names.
      await db.schema
        .createTable('events')
        .addColumn('id', 'integer', identity)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('repository', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_repository').on('events').columns(['repository', 'id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('events').execute();
      await db.schema.alterTable('manifests').dropColumn('last_activated_at').execute();
      await db.schema.alterTable('manifests').dropColumn('last_archived_at').execute();
      await db.schema.alterTable('manifests').dropColumn('storage_class').execute();
      await db.schema.dropTable('lifecycle_previews').execute();
      await db.schema.dropTable('lifecycle_policies').execute();
    },
  };
}
