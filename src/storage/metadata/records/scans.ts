import type { Selectable } from 'kysely';
import type { Digest } from '../../../domain/digest.js';
import type { AdvisoryPackageKey, ImageScan, ImageScanStatus, PackageNames, ScanOutcome, ScanRecords, ScanType } from '../metadata-store.js';
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
  /** A scan's row with its findings (NULL before its first completion). */
  const scanWithFindings = () =>
    db
      .selectFrom('image_scans')
      .leftJoin('image_scan_findings as f', (join) => join.onRef('f.repository_id', '=', 'image_scans.repository_id').onRef('f.digest', '=', 'image_scans.digest'));
  const putPackages = async (digest: Digest, keys: readonly AdvisoryPackageKey[]) => {
    const names: Record<string, string[]> = {};
    for (const { ecosystem, name } of keys) (names[ecosystem] ??= []).push(name);
    const packages = JSON.stringify(names);
    await db
      .insertInto('sbom_packages')
      .values({ digest, packages })
      .onConflict((oc) => oc.column('digest').doUpdateSet({ packages }))
      .execute();
  };
  return {
    async getSbom(digest) {
      return (await db.selectFrom('image_sboms').select('sbom').where('digest', '=', digest).executeTakeFirst())?.sbom;
    },
    async getSboms(digests) {
      const rows = await inChunks(digests, (chunk) => db.selectFrom('image_sboms').select(['digest', 'sbom']).where('digest', 'in', chunk).execute());
      return new Map(rows.map((r) => [r.digest, r.sbom]));
    },
    async putSbom(digest, sbom, packages, now) {
      await db
        .insertInto('image_sboms')
        .values({ digest, sbom, created_at: now.getTime() })
        .onConflict((oc) => oc.column('digest').doUpdateSet({ sbom, created_at: now.getTime() }))
        .execute();
      await putPackages(digest, packages);
    },
    async setSbomPackages(digest, packages) {
      await putPackages(digest, packages);
    },
    async get(repositoryId, digest) {
      const row = await scanWithFindings()
        .selectAll('image_scans')
        .select('f.findings')
        .where('image_scans.repository_id', '=', repositoryId)
        .where('image_scans.digest', '=', digest)
        .executeTakeFirst();
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
    async markCurrent(scans, outcome, now) {
      const byRepository = new Map<number, Digest[]>();
      for (const { repositoryId, digest } of scans) {
        const digests = byRepository.get(repositoryId);
        if (digests) digests.push(digest);
        else byRepository.set(repositoryId, [digest]);
      }
      for (const [repositoryId, digests] of byRepository) {
        await inChunks(digests, (chunk) =>
          db
            .updateTable('image_scans')
            .set({ ...completedColumns(outcome), updated_at: now.getTime(), completed_at: now.getTime() })
            .where('repository_id', '=', repositoryId)
            .where('digest', 'in', chunk)
            .execute(),
        );
      }
    },
    async complete(repositoryId, digest, outcome, now) {
      // Whether findings were stored, not what they say: the comparison happens in the database,
      // so findings (hundreds of KiB for a large image) are not read back on every re-match.
      const before = await scanWithFindings()
        .select(['image_scans.completed_at', 'f.digest as stored'])
        .where('image_scans.repository_id', '=', repositoryId)
        .where('image_scans.digest', '=', digest)
        .executeTakeFirst();
      const columns = { ...completedColumns(outcome), severity_counts: JSON.stringify(outcome.severityCounts), completed_at: now.getTime() };
      if (!before) await upsert(repositoryId, digest, columns, now);
      const written = await db
        .insertInto('image_scan_findings')
        .values({ ...key(repositoryId, digest), findings: outcome.findings })
        .onConflict((oc) =>
          oc
            .columns(['repository_id', 'digest'])
            .doUpdateSet({ findings: outcome.findings })
            .where('image_scan_findings.findings', '<>', outcome.findings),
        )
        .executeTakeFirst();
      const changed = before?.completed_at != null && before.stored !== null && Number(written.numInsertedOrUpdatedRows ?? 0) > 0;
      if (before) {
        await db
          .updateTable('image_scans')
          .set((eb) => ({ ...columns, updated_at: now.getTime(), ...(changed ? { findings_changes: eb('findings_changes', '+', 1) } : {}) }))
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
        .leftJoin('sbom_packages', 'sbom_packages.digest', 'image_scans.digest')
        .select(['image_scans.repository_id', 'image_scans.digest', 'repositories.name', 'image_scans.vulndb_version', 'image_scans.scan_type', 'sbom_packages.packages'])
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
      return (await query.execute()).map((r) => ({
        repositoryId: r.repository_id,
        repositoryName: r.name,
        digest: r.digest,
        vulnDbVersion: r.vulndb_version ?? undefined,
        scanType: (r.scan_type ?? undefined) as ScanType | undefined,
        packages: r.packages === null ? undefined : (JSON.parse(r.packages) as PackageNames),
      }));
    },
  };
}

/** What a completed scan sets besides its findings. */
function completedColumns(outcome: Omit<ScanOutcome, 'findings' | 'severityCounts'>) {
  return {
    status: 'COMPLETE',
    description: 'The scan was completed successfully.',
    scan_type: outcome.scanType,
    vulndb_version: outcome.vulnDbVersion,
    source_updated_at: outcome.sourceUpdatedAt?.getTime() ?? null,
  };
}

function toScan(row: Selectable<ImageScansTable> & { findings: string | null }): ImageScan {
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
