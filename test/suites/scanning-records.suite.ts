import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf } from '../../src/domain/digest.js';
import type { MetadataStore, NewAdvisory, ScanOutcome } from '../../src/storage/metadata/metadata-store.js';
import { openMetadataStore } from '../../src/storage/metadata/open.js';
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

    it('numbers database versions from 1', async () => {
      expect(await store.read((tx) => tx.advisories.currentVersion())).toBeUndefined();
      expect(await store.write((tx) => tx.advisories.recordVersion({ added: 3, updated: 0 }, T0))).toEqual({ version: 1, importedAt: T0, added: 3, updated: 0 });
      await store.write((tx) => tx.advisories.recordVersion({ added: 0, updated: 1 }, T1));
      expect(await store.read((tx) => tx.advisories.currentVersion())).toEqual({ version: 2, importedAt: T1, added: 0, updated: 1 });
    });

    it('keeps one SBOM per digest', async () => {
      const digest = digestOf(Buffer.from('x'));
      expect(await store.read((tx) => tx.scans.getSbom(digest))).toBeUndefined();
      await store.write((tx) => tx.scans.putSbom(digest, '{"packages":[]}', T0));
      await store.write((tx) => tx.scans.putSbom(digest, '{"packages":[1]}', T1));
      expect(await store.read((tx) => tx.scans.getSbom(digest))).toBe('{"packages":[1]}');
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
      });
      const stale = await store.read((tx) => tx.scans.listStale(2, { limit: 10 }));
      expect(stale).toEqual([one, three].sort((a, b) => a.repositoryId - b.repositoryId));
      expect(await store.read((tx) => tx.scans.listStale(2, { after: stale[0], limit: 10 }))).toEqual([stale[1]]);
      await store.write((tx) => tx.scans.fail(two.repositoryId, two.digest, 'UNSUPPORTED_IMAGE', 'not an image', T1));
      expect(await store.read((tx) => tx.scans.get(two.repositoryId, two.digest))).toMatchObject({ status: 'UNSUPPORTED_IMAGE', description: 'not an image' });
      await store.write((tx) => tx.manifests.delete(one.repositoryId, one.digest));
      expect(await store.read((tx) => tx.scans.get(one.repositoryId, one.digest))).toBeUndefined();
    });
  });
}
