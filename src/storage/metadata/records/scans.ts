import type { Selectable } from 'kysely';
import type { Digest } from '../../../domain/digest.js';
import type { ImageScan, ImageScanStatus, ScanRecords, ScanType } from '../metadata-store.js';
import type { Db, ImageScansTable } from '../schema.js';
import { inChunks } from './in-chunks.js';

const SUMMARY_COLUMNS = [
  'repository_id',
  'digest',
  'status',
  'description',
  'scan_type',
  'severity_counts',
  'vulndb_version',
  'source_updated_at',
  'completed_at',
  'last_manual_scan_at',
  'findings_changes',
  'updated_at',
] as const;

export function scanRecords(db: Db): ScanRecords {
  const key = (repositoryId: number, digest: Digest) => ({ repository_id: repositoryId, digest });
  const upsert = async (repositoryId: number, digest: Digest, set: Partial<Omit<Selectable<ImageScansTable>, 'repository_id' | 'digest'>>, now: Date) => {
    await db
      .insertInto('image_scans')
      .values({ ...key(repositoryId, digest), status: 'IN_PROGRESS', ...set, updated_at: now.getTime() })
      .onConflict((oc) => oc.columns(['repository_id', 'digest']).doUpdateSet({ ...set, updated_at: now.getTime() }))
      .execute();
  };
  return {
    async getSbom(digest) {
      return (await db.selectFrom('image_sboms').select('sbom').where('digest', '=', digest).executeTakeFirst())?.sbom;
    },
    async putSbom(digest, sbom, now) {
      await db
        .insertInto('image_sboms')
        .values({ digest, sbom, created_at: now.getTime() })
        .onConflict((oc) => oc.column('digest').doUpdateSet({ sbom, created_at: now.getTime() }))
        .execute();
    },
    async get(repositoryId, digest) {
      const row = await db.selectFrom('image_scans').selectAll().where('repository_id', '=', repositoryId).where('digest', '=', digest).executeTakeFirst();
      return row && toScan(row);
    },
    async summaries(repositoryId, digests) {
      const rows = await inChunks(digests, (chunk) =>
        db.selectFrom('image_scans').select(SUMMARY_COLUMNS).where('repository_id', '=', repositoryId).where('digest', 'in', chunk).execute(),
      );
      return new Map(rows.map((r) => [r.digest, toScan({ ...r, findings: null })]));
    },
    async begin(repositoryId, digest, now, options = {}) {
      await upsert(repositoryId, digest, { status: 'IN_PROGRESS', description: null, ...(options.manual ? { last_manual_scan_at: now.getTime() } : {}) }, now);
    },
    async complete(repositoryId, digest, outcome, now) {
      const before = await db
        .selectFrom('image_scans')
        .select(['findings', 'completed_at'])
        .where('repository_id', '=', repositoryId)
        .where('digest', '=', digest)
        .executeTakeFirst();
      const changed = before?.completed_at != null && before.findings !== null && before.findings !== outcome.findings;
      await upsert(
        repositoryId,
        digest,
        {
          status: 'COMPLETE',
          description: 'The scan was completed successfully.',
          scan_type: outcome.scanType,
          findings: outcome.findings,
          severity_counts: JSON.stringify(outcome.severityCounts),
          vulndb_version: outcome.vulnDbVersion,
          source_updated_at: outcome.sourceUpdatedAt?.getTime() ?? null,
          completed_at: now.getTime(),
        },
        now,
      );
      if (changed) {
        await db
          .updateTable('image_scans')
          .set((eb) => ({ findings_changes: eb('findings_changes', '+', 1) }))
          .where('repository_id', '=', repositoryId)
          .where('digest', '=', digest)
          .execute();
      }
      return changed;
    },
    async fail(repositoryId, digest, status, description, now) {
      await upsert(repositoryId, digest, { status, description }, now);
    },
    async listStale(version, { after, limit }) {
      let query = db
        .selectFrom('image_scans')
        .innerJoin('repositories', 'repositories.id', 'image_scans.repository_id')
        .select(['image_scans.repository_id', 'image_scans.digest', 'repositories.name'])
        .where('image_scans.completed_at', 'is not', null)
        .where((eb) => eb.or([eb('image_scans.vulndb_version', 'is', null), eb('image_scans.vulndb_version', '<', version)]))
        .orderBy('image_scans.repository_id')
        .orderBy('image_scans.digest')
        .limit(limit);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('image_scans.repository_id', '>', after.repositoryId),
            eb.and([eb('image_scans.repository_id', '=', after.repositoryId), eb('image_scans.digest', '>', after.digest)]),
          ]),
        );
      }
      return (await query.execute()).map((r) => ({ repositoryId: r.repository_id, repositoryName: r.name, digest: r.digest }));
    },
  };
}

function toScan(row: Selectable<ImageScansTable>): ImageScan {
  const date = (ms: number | null) => (ms === null ? undefined : new Date(ms));
  return {
    repositoryId: row.repository_id,
    digest: row.digest,
    status: row.status as ImageScanStatus,
    description: row.description ?? undefined,
    scanType: (row.scan_type ?? undefined) as ScanType | undefined,
    findings: row.findings ?? undefined,
    severityCounts: row.severity_counts === null ? undefined : (JSON.parse(row.severity_counts) as Record<string, number>),
    vulnDbVersion: row.vulndb_version ?? undefined,
    sourceUpdatedAt: date(row.source_updated_at),
    completedAt: date(row.completed_at),
    lastManualScanAt: date(row.last_manual_scan_at),
    findingsChanges: row.findings_changes,
    updatedAt: new Date(row.updated_at),
  };
}
