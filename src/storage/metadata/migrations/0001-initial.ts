import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Repositories, blobs and their links, manifests with their references, tags and uploads.
 * Deleting a manifest cascades to its references and tags; deleting a repository to everything
 * in it. Migrations see `Kysely<any>`: they must not depend on today's schema types.
 */
export function initial(dialect: StoreDialect): Migration {
  const { identity, bytes, byteOrderText } = dialect.columns;
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('repositories')
        .addColumn('id', 'integer', identity)
        .addColumn('name', byteOrderText, (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('blobs')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('blobs_updated_at').on('blobs').column('updated_at').execute();

      await db.schema
        .createTable('repository_blobs')
        .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
        .addColumn('digest', 'text', (c) => c.notNull().references('blobs.digest'))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('repository_blobs_pk', ['repository_id', 'digest'])
        .execute();
      // For "is this blob linked anywhere" (GC) and the foreign key's checks on blob deletes.
      await db.schema.createIndex('repository_blobs_digest').on('repository_blobs').column('digest').execute();
      await db.schema.createIndex('repository_blobs_updated_at').on('repository_blobs').column('updated_at').execute();

      await db.schema
        .createTable('manifests')
        .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text', (c) => c.notNull())
        .addColumn('artifact_type', 'text')
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('content', bytes, (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('annotations', 'text')
        .addColumn('pushed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('manifests_pk', ['repository_id', 'digest'])
        .execute();
      await db.schema.createIndex('manifests_subject').on('manifests').columns(['repository_id', 'subject']).execute();

      await db.schema
        .createTable('manifest_references')
        .addColumn('repository_id', 'integer', (c) => c.notNull())
        .addColumn('manifest_digest', 'text', (c) => c.notNull())
        .addColumn('child_digest', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('manifest_references_pk', ['repository_id', 'manifest_digest', 'child_digest'])
        .addForeignKeyConstraint(
          'manifest_references_manifest',
          ['repository_id', 'manifest_digest'],
          'manifests',
          ['repository_id', 'digest'],
          (fk) => fk.onDelete('cascade'),
        )
        .addCheckConstraint('manifest_references_kind', sql`kind in ('blob', 'manifest')`)
        .execute();
      // Child first: serves both "referenced in this repository" and "referenced anywhere" (GC).
      await db.schema
        .createIndex('manifest_references_child')
        .on('manifest_references')
        .columns(['child_digest', 'repository_id'])
        .execute();

      await db.schema
        .createTable('tags')
        .addColumn('repository_id', 'integer', (c) => c.notNull())
        .addColumn('name', byteOrderText, (c) => c.notNull())
        .addColumn('manifest_digest', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('tags_pk', ['repository_id', 'name'])
        .addForeignKeyConstraint('tags_manifest', ['repository_id', 'manifest_digest'], 'manifests', ['repository_id', 'digest'], (fk) =>
          fk.onDelete('cascade'),
        )
        .execute();
      await db.schema.createIndex('tags_manifest').on('tags').columns(['repository_id', 'manifest_digest']).execute();

      await db.schema
        .createTable('uploads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id').onDelete('cascade'))
        .addColumn('store_key', 'text', (c) => c.notNull())
        .addColumn('offset', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('uploads_updated_at').on('uploads').column('updated_at').execute();
      await db.schema.createIndex('uploads_store_key').on('uploads').column('store_key').execute();
    },
  };
}
