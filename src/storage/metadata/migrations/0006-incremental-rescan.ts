import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Incremental re-matching after an advisory import (ScanService.rescan):
 *
 * - `advisory_changes`: the packages each added or changed advisory named, before and after the
 *   change (a change can drop a package); `version` stays NULL until the import records its
 *   database version.
 * - `sbom_packages`: the packages each SBOM is looked up by (JSON), so a rescan re-matches only
 *   the SBOMs that meet a change without parsing the others. A missing row (SBOMs stored before
 *   this migration) means unknown: that SBOM is re-matched.
 * - `image_scan_findings`: findings move out of `image_scans`, so that marking an unaffected scan
 *   current does not rewrite its findings (SQLite rewrites a whole row, overflow pages included).
 *
 * Which packages the versions before this migration touched is unknown, so scans matched against
 * an older version than the latest forget their version: the next rescan re-matches them.
 */
export function incrementalRescan(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('advisory_changes')
        .addColumn('version', 'integer')
        .addColumn('ecosystem', 'text', (c) => c.notNull())
        .addColumn('package_name', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('advisory_changes_version').on('advisory_changes').column('version').execute();
      await db.schema
        .createTable('sbom_packages')
        .addColumn('digest', 'text', (c) => c.primaryKey().references('image_sboms.digest').onDelete('cascade'))
        .addColumn('packages', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('image_scan_findings')
        .addColumn('repository_id', 'integer', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('findings', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('image_scan_findings_pk', ['repository_id', 'digest'])
        .addForeignKeyConstraint('image_scan_findings_scan', ['repository_id', 'digest'], 'image_scans', ['repository_id', 'digest'], (fk) => fk.onDelete('cascade'))
        .execute();
      await db
        .insertInto('image_scan_findings')
        .columns(['repository_id', 'digest', 'findings'])
        .expression(db.selectFrom('image_scans').select(['repository_id', 'digest', 'findings']).where('findings', 'is not', null))
        .execute();
      await db.schema.alterTable('image_scans').dropColumn('findings').execute();
      await db
        .updateTable('image_scans')
        .set({ vulndb_version: null })
        .where('vulndb_version', '<', sql<number>`(select max(version) from vulndb_versions)`)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('image_scans').addColumn('findings', 'text').execute();
      await db
        .updateTable('image_scans')
        .set({ findings: sql`(select f.findings from image_scan_findings f where f.repository_id = image_scans.repository_id and f.digest = image_scans.digest)` })
        .execute();
      await db.schema.dropTable('image_scan_findings').execute();
      await db.schema.dropTable('sbom_packages').execute();
      await db.schema.dropTable('advisory_changes').execute();
    },
  };
}
