import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf } from '../../src/domain/digest.js';
import type { MetadataStore, NewAdvisory, ScanOutcome } from '../../src/storage/metadata/metadata-store.js';
import { migrateMetadataStore, openMetadataStore } from '../../src/storage/metadata/open.js';
import type { MetadataDatabaseFixture } from './metadata-store.suite.js';

const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123));
const T1 = new Date(T0.getTime() + 60_000 + 7);

function advisory(id: string, modified: string, packages: { ecosystem: string; name: string }[]): NewAdvisory {
  return { id, modified, document: JSON.stringify({ id, modified }), packages };
}

function outcome(findings: string, version = 1): ScanOutcome {
  return { scanType: 'BASIC', findings, severityCounts: { HIGH: 1 }, vulnDbVersion: version, sourceUpdatedAt: T0 };
}

/** The advisory and scan records every MetadataStore must keep (part of the MetadataStore suite, in its own file). */
export function describeScanningRecords(name: string, database: () => Promise<MetadataDatabaseFixture>): void {
  describe(`${name}: advisories and scans`, () => {
    let fixture: MetadataDatabaseFixture;
    let store: MetadataStore;
    beforeEach(async () => {
      fixture = await database();
      store = await openMetadataStore(fixture.config);
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });

    const image = async (repository = 'repo', label = 'image') => {
      const content = Buffer.from(JSON.stringify({ schemaVersion: 2, label }));
      const digest = digestOf(content);
      const repo = await store.write(async (tx) => {
        const r = await tx.repositories.ensure(repository, T0);
        await tx.manifests.put(r.id, { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', content, references: [], imageSize: 0 }, T0);
        return r;
      });
      return { repositoryId: repo.id, repositoryName: repository, digest };
    };

    it('puts advisories idempotently by modified, and finds them by package', async () => {
      const a = advisory('A-1', '2024-01-01T00:00:00Z', [{ ecosystem: 'Debian:12', name: 'openssl' }, { ecosystem: 'npm', name: 'lodash' }]);
      const b = advisory('B-1', '2024-01-01T00:00:00Z', [{ ecosystem: 'Debian:12', name: 'glibc' }]);
      expect(await store.write((tx) => tx.advisories.put(a, T0))).toBe('added');
      expect(await store.write((tx) => tx.advisories.put(b, T0))).toBe('added');
      expect(await store.write((tx) => tx.advisories.put(a, T1))).toBe('unchanged');
      const a2 = advisory('A-1', '2024-02-01T00:00:00Z', [{ ecosystem: 'Debian:12', name: 'glibc' }]);
      expect(await store.write((tx) => tx.advisories.put(a2, T1))).toBe('updated');
      await store.read(async (tx) => {
        expect(await tx.advisories.count()).toBe(2);
        expect(await tx.advisories.get('A-1')).toEqual({ id: 'A-1', modified: '2024-02-01T00:00:00Z', document: a2.document });
        // The update replaced the package keys: A-1 no longer names openssl or lodash.
        expect((await tx.advisories.forPackages([{ ecosystem: 'Debian:12', name: 'openssl' }, { ecosystem: 'npm', name: 'lodash' }])).map((x) => x.id)).toEqual([]);
        expect((await tx.advisories.forPackages([{ ecosystem: 'Debian:12', name: 'glibc' }, { ecosystem: 'Debian:11', name: 'glibc' }])).map((x) => x.id)).toEqual(['A-1', 'B-1']);
        expect(await tx.advisories.forPackages([])).toEqual([]);
      });
    });

    it('records the packages of added and changed advisories, before and after the change, under the next version', async () => {
      const openssl = { ecosystem: 'Debian:12', name: 'openssl' };
      const glibc = { ecosystem: 'Debian:12', name: 'glibc' };
      const lodash = { ecosystem: 'npm', name: 'lodash' };
      await store.write(async (tx) => {
        await tx.advisories.put(advisory('A-1', '2024-01-01T00:00:00Z', [openssl, lodash, lodash]), T0);
        await tx.advisories.put(advisory('B-1', '2024-01-01T00:00:00Z', [glibc]), T0);
      });
      // Not a version's until the import records one.
      expect(await store.read((tx) => tx.advisories.changedPackages(0, 10))).toEqual([]);
      await store.write((tx) => tx.advisories.recordVersion({ added: 2, updated: 0 }, T0));
      // A-1 drops openssl and names glibc; an unchanged put records nothing.
      await store.write(async (tx) => {
        await tx.advisories.put(advisory('A-1', '2024-02-01T00:00:00Z', [glibc, lodash]), T1);
        await tx.advisories.put(advisory('B-1', '2024-01-01T00:00:00Z', [glibc]), T1);
      });
      await store.write((tx) => tx.advisories.recordVersion({ added: 0, updated: 1 }, T1));
      await store.write((tx) => tx.advisories.put(advisory('C-1', '2024-03-01T00:00:00Z', [{ ecosystem: 'PyPI', name: 'requests' }]), T1));
      const sorted = async (after: number, upTo: number) =>
        (await store.read((tx) => tx.advisories.changedPackages(after, upTo))).sort((a, b) => `${a.ecosystem} ${a.name}`.localeCompare(`${b.ecosystem} ${b.name}`));
      expect(await sorted(0, 1)).toEqual([
        { ...glibc, version: 1 },
        { ...openssl, version: 1 },
        { ...lodash, version: 1 },
      ]);
      expect(await sorted(1, 2)).toEqual([
        { ...glibc, version: 2 },
        { ...openssl, version: 2 },
        { ...lodash, version: 2 },
      ]);
      expect(await sorted(0, 2)).toEqual(await sorted(1, 2));
      expect(await sorted(2, 5)).toEqual([]);
    });

    it('numbers database versions from 1', async () => {
      expect(await store.read((tx) => tx.advisories.currentVersion())).toBeUndefined();
      expect(await store.write((tx) => tx.advisories.recordVersion({ added: 3, updated: 0 }, T0))).toEqual({ version: 1, importedAt: T0, added: 3, updated: 0 });
      await store.write((tx) => tx.advisories.recordVersion({ added: 0, updated: 1 }, T1));
      expect(await store.read((tx) => tx.advisories.currentVersion())).toEqual({ version: 2, importedAt: T1, added: 0, updated: 1 });
    });

    it('keeps one SBOM per digest, read one or many at a time', async () => {
      const digest = digestOf(Buffer.from('x'));
      expect(await store.read((tx) => tx.scans.getSbom(digest))).toBeUndefined();
      await store.write((tx) => tx.scans.putSbom(digest, '{"packages":[]}', [], T0));
      await store.write((tx) => tx.scans.putSbom(digest, '{"packages":[1]}', [{ ecosystem: 'npm', name: 'a' }], T1));
      expect(await store.read((tx) => tx.scans.getSbom(digest))).toBe('{"packages":[1]}');
      expect(await store.read((tx) => tx.scans.getSboms([digest, digestOf(Buffer.from('never cataloged'))]))).toEqual(new Map([[digest, '{"packages":[1]}']]));
    });

    it('tracks a scan from IN_PROGRESS to COMPLETE, counting changed findings, and stamps manual scans', async () => {
      const { repositoryId, digest } = await image();
      await store.write((tx) => tx.scans.begin(repositoryId, digest, T0, { manual: true }));
      expect(await store.read((tx) => tx.scans.get(repositoryId, digest))).toMatchObject({ status: 'IN_PROGRESS', lastManualScanAt: T0, findingsChanges: 0 });
      expect(await store.write((tx) => tx.scans.complete(repositoryId, digest, outcome('["a"]'), T0))).toBe(false);
      expect(await store.write((tx) => tx.scans.complete(repositoryId, digest, outcome('["a"]', 2), T1))).toBe(false);
      expect(await store.write((tx) => tx.scans.complete(repositoryId, digest, outcome('["a","b"]', 3), T1))).toBe(true);
      await store.write((tx) => tx.scans.begin(repositoryId, digest, T1));
      const scan = await store.read((tx) => tx.scans.get(repositoryId, digest));
      expect(scan).toMatchObject({
        status: 'IN_PROGRESS',
        scanType: 'BASIC',
        findings: '["a","b"]',
        severityCounts: { HIGH: 1 },
        vulnDbVersion: 3,
        sourceUpdatedAt: T0,
        completedAt: T1,
        lastManualScanAt: T0,
        findingsChanges: 1,
      });
      const summaries = await store.read((tx) => tx.scans.summaries(repositoryId, [digest, digestOf(Buffer.from('none'))]));
      expect([...summaries.keys()]).toEqual([digest]);
      expect(summaries.get(digest)?.findings).toBeUndefined();
    });

    it('records failures, lists stale completed scans in key order, and drops scans with their image', async () => {
      const one = await image('repo', 'one');
      const two = await image('repo', 'two');
      const three = await image('other', 'three');
      await store.write(async (tx) => {
        await tx.scans.complete(one.repositoryId, one.digest, outcome('[]', 1), T0);
        await tx.scans.complete(two.repositoryId, two.digest, outcome('[]', 2), T0);
        await tx.scans.complete(three.repositoryId, three.digest, outcome('[]', 1), T0);
        const packages = [
          { ecosystem: 'Debian:12', name: 'openssl' },
          { ecosystem: 'npm', name: 'lodash' },
          { ecosystem: 'Debian:12', name: 'glibc' },
        ];
        await tx.scans.putSbom(one.digest, '{}', packages, T0);
      });
      const stale = await store.read((tx) => tx.scans.listStale(2, { limit: 10 }));
      expect(stale).toStrictEqual(
        [
          { ...one, vulnDbVersion: 1, scanType: 'BASIC', packages: { 'Debian:12': ['openssl', 'glibc'], npm: ['lodash'] } },
          { ...three, vulnDbVersion: 1, scanType: 'BASIC', packages: undefined },
        ].sort((a, b) => a.repositoryId - b.repositoryId),
      );
      expect(await store.read((tx) => tx.scans.listStale(2, { after: stale[0], limit: 10 }))).toEqual([stale[1]]);
      await store.write((tx) => tx.scans.fail(two.repositoryId, two.digest, 'UNSUPPORTED_IMAGE', 'not an image', T1));
      expect(await store.read((tx) => tx.scans.get(two.repositoryId, two.digest))).toMatchObject({ status: 'UNSUPPORTED_IMAGE', description: 'not an image' });
      await store.write((tx) => tx.manifests.delete(one.repositoryId, one.digest));
      expect(await store.read((tx) => tx.scans.get(one.repositoryId, one.digest))).toBeUndefined();
    });

    it('records the packages of an SBOM stored without them', async () => {
      const one = await image();
      await store.write(async (tx) => {
        await tx.scans.complete(one.repositoryId, one.digest, outcome('[]', 1), T0);
        await tx.scans.putSbom(one.digest, '{}', [], T0);
      });
      expect((await store.read((tx) => tx.scans.listStale(2, { limit: 10 })))[0]?.packages).toEqual({});
      await store.write((tx) => tx.scans.setSbomPackages(one.digest, [{ ecosystem: 'Go', name: 'golang.org/x/net' }]));
      expect((await store.read((tx) => tx.scans.listStale(2, { limit: 10 })))[0]?.packages).toEqual({ Go: ['golang.org/x/net'] });
    });

    it('marks scans current in bulk, as a completion with the same findings would', async () => {
      const one = await image('repo', 'one');
      const two = await image('repo', 'two');
      const three = await image('other', 'three');
      const T2 = new Date(T1.getTime() + 60_000);
      await store.write(async (tx) => {
        await tx.scans.complete(one.repositoryId, one.digest, outcome('["a"]', 1), T0);
        await tx.scans.complete(one.repositoryId, one.digest, outcome('["a","b"]', 1), T0);
        await tx.scans.complete(two.repositoryId, two.digest, outcome('["c"]', 1), T0);
        await tx.scans.begin(two.repositoryId, two.digest, T0);
        await tx.scans.complete(three.repositoryId, three.digest, outcome('[]', 1), T0);
      });
      await store.write((tx) => tx.scans.markCurrent([one, two], { scanType: 'BASIC', vulnDbVersion: 3, sourceUpdatedAt: T1 }, T2));
      const current = { status: 'COMPLETE', scanType: 'BASIC', vulnDbVersion: 3, sourceUpdatedAt: T1, completedAt: T2, updatedAt: T2 };
      expect(await store.read((tx) => tx.scans.get(one.repositoryId, one.digest))).toMatchObject({ ...current, findings: '["a","b"]', severityCounts: { HIGH: 1 }, findingsChanges: 1 });
      expect(await store.read((tx) => tx.scans.get(two.repositoryId, two.digest))).toMatchObject({ ...current, findings: '["c"]', findingsChanges: 0 });
      expect(await store.read((tx) => tx.scans.get(three.repositoryId, three.digest))).toMatchObject({ vulnDbVersion: 1, completedAt: T0 });
      expect(await store.read((tx) => tx.scans.listStale(3, { limit: 10 }))).toEqual([expect.objectContaining({ digest: three.digest })]);
      await store.write((tx) => tx.scans.markCurrent([], { scanType: 'BASIC', vulnDbVersion: 4 }, T2));
      expect(await store.read((tx) => tx.scans.get(one.repositoryId, one.digest))).toMatchObject({ vulnDbVersion: 3 });
    });

    it('a database at 0005 migrates to 0006 keeping findings; scans older than the latest version forget it, to be re-matched', async () => {
      const old = await database();
      try {
        await migrateMetadataStore(old.config, { to: '0005-scanning' });
        const content = Buffer.from('{"schemaVersion":2}');
        const digest = digestOf(content);
        const other = digestOf(Buffer.from('{"schemaVersion":2,"other":1}'));
        const db = old.connect();
        try {
          const { id } = await db.insertInto('repositories').values({ name: 'old/repo', created_at: T0.getTime() }).returning('id').executeTakeFirstOrThrow();
          const scan = { repository_id: id, status: 'COMPLETE', scan_type: 'ENHANCED', severity_counts: '{}', completed_at: T0.getTime(), updated_at: T0.getTime() };
          for (const d of [digest, other]) {
            await db.insertInto('manifests').values({ repository_id: id, digest: d, media_type: 'application/vnd.oci.image.manifest.v1+json', size: 1, content, pushed_at: T0.getTime() }).execute();
          }
          await db.insertInto('vulndb_versions').values([1, 2].map((version) => ({ version, imported_at: T0.getTime(), added: 1, updated: 0 }))).execute();
          await db.insertInto('image_sboms').values({ digest, sbom: '{}', created_at: T0.getTime() }).execute();
          await db.insertInto('image_scans').values({ ...scan, digest, findings: '["old"]', vulndb_version: 1 }).execute();
          await db.insertInto('image_scans').values({ ...scan, digest: other, findings: '["current"]', vulndb_version: 2 }).execute();
        } finally {
          await db.destroy();
        }
        expect(await migrateMetadataStore(old.config)).toContain('0006-incremental-rescan');
        const migrated = await openMetadataStore(old.config);
        try {
          const repo = (await migrated.read((tx) => tx.repositories.get('old/repo')))!;
          expect(await migrated.read((tx) => tx.scans.get(repo.id, digest))).toMatchObject({ findings: '["old"]', vulnDbVersion: undefined });
          expect(await migrated.read((tx) => tx.scans.get(repo.id, other))).toMatchObject({ findings: '["current"]', vulnDbVersion: 2 });
          expect(await migrated.read((tx) => tx.scans.listStale(2, { limit: 10 }))).toEqual([
            { repositoryId: repo.id, repositoryName: 'old/repo', digest, vulnDbVersion: undefined, scanType: 'ENHANCED', packages: undefined },
          ]);
        } finally {
          await migrated.close();
        }
      } finally {
        await old.cleanup();
      }
    });
  });
}
