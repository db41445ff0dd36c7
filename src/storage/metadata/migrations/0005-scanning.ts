import type { Kysely, Migration } from 'kysely';

/**
 * Vulnerability scanning: OSV advisories (the JSON document by id, and which packages each one
 * names, for lookup by ecosystem and package), the vulnerability database's import versions,
 * SBOMs per image digest (the same bytes in two repositories are cataloged once), and the scan
 * state per image of a repository.
 */
export function scanning(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('advisories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('modified', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('advisory_packages')
        .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisories.id').onDelete('cascade'))
        .addColumn('ecosystem', 'text', (c) => c.notNull())
        .addColumn('package_name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('advisory_packages_pk', ['ecosystem', 'package_name', 'advisory_id'])
        .execute();
      await db.schema.createIndex('advisory_packages_advisory').on('advisory_packages').column('advisory_id').execute();
      await db.schema
        .createTable('vulndb_versions')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('imported_at', 'bigint', (c) => c.notNull())
        .addColumn('added', 'integer', (c) => c.notNull())
        .addColumn('updated', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('image_sboms')
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('sbom', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('image_scans')
        .addColumn('repository_id', 'integer', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('scan_type', 'text')
        .addColumn('findings', 'text')
        .addColumn('severity_counts', 'text')
        .addColumn('vulndb_version', 'integer')
        .addColumn('source_updated_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .addColumn('last_manual_scan_at', 'bigint')
        .addColumn('findings_changes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('image_scans_pk', ['repository_id', 'digest'])
        // A scan goes with its image (and the image with its repository).
        .addForeignKeyConstraint('image_scans_manifest', ['repository_id', 'digest'], 'manifests', ['repository_id', 'digest'], (fk) => fk.onDelete('cascade'))
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('image_scans').execute();
      await db.schema.dropTable('image_sboms').execute();
      await db.schema.dropTable('vulndb_versions').execute();
      await db.schema.dropTable('advisory_packages').execute();
      await db.schema.dropTable('advisories').execute();
    },
  };
}
