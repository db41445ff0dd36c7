import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf, type Digest } from '../../src/domain/digest.js';
import { DEFAULT_REPOSITORY_SETTINGS, type MetadataStore, type MetadataTx, type NewManifest } from '../../src/storage/metadata/metadata-store.js';

export interface MetadataStoreFixture {
  readonly store: MetadataStore;
  /** Closes the store and removes everything it kept (file, schema). */
  cleanup(): Promise<void>;
}

// Fixed instants, with milliseconds so that their round trip is checked to the millisecond.
const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123));
const T1 = new Date(T0.getTime() + 60_000 + 7);
const T2 = new Date(T1.getTime() + 60_000 + 7);

const digest = (label: string): Digest => digestOf(Buffer.from(label));

function manifest(label: string, fields: Partial<NewManifest> = {}): NewManifest {
  const content = Buffer.from(JSON.stringify({ schemaVersion: 2, label }));
  return { digest: digestOf(content), mediaType: 'application/vnd.oci.image.manifest.v1+json', content, references: [], imageSize: 0, ...fields };
}

/**
 * The behaviour every MetadataStore must show. `factory` opens a fresh, empty store per test.
 */
export function describeMetadataStore(name: string, factory: () => Promise<MetadataStoreFixture>): void {
  describe(name, () => {
    let fixture: MetadataStoreFixture;
    let store: MetadataStore;
    const write = <T>(fn: (tx: MetadataTx) => Promise<T>) => store.write(fn);
    const read = <T>(fn: (tx: MetadataTx) => Promise<T>) => store.read(fn);
    const ensure = (repository: string) => write((tx) => tx.repositories.ensure(repository, T0));
    /** A blob known to the registry and linked to the repository at `when`. */
    const linkedBlob = async (repositoryId: number, label: string, when = T0) => {
      const blob = digest(label);
      await write(async (tx) => {
        await tx.blobs.touch(blob, label.length, when);
        await tx.blobs.link(repositoryId, blob, when);
      });
      return blob;
    };

    /**
     * Starts a write that runs `fn` and then stays open until `commit` is called, to race another
     * transaction against it. `commit` resolves with the write's outcome.
     */
    const openWrite = async <T>(fn: (tx: MetadataTx) => Promise<T>) => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let ran!: () => void;
      const started = new Promise<void>((resolve) => (ran = resolve));
      const done = write(async (tx) => {
        const result = await fn(tx);
        ran();
        await gate;
        return result;
      });
      await Promise.race([started, done]);
      return { commit: () => (release(), done) };
    };
    // Gives a racing statement time to reach the other transaction's lock (PostgreSQL) before
    // that one commits. Outcomes must be the same however the race goes; this makes the
    // interesting order likely.
    const letItBlock = () => new Promise((resolve) => setTimeout(resolve, 200));

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('repositories', () => {
      it('ensure creates once and then returns the same repository', async () => {
        const created = await ensure('library/alpine');
        expect(created).toEqual({ id: expect.any(Number), name: 'library/alpine', createdAt: T0, settings: DEFAULT_REPOSITORY_SETTINGS });
        const again = await write((tx) => tx.repositories.ensure('library/alpine', T2));
        expect(again).toEqual(created);
        expect(await read((tx) => tx.repositories.get('library/alpine'))).toEqual(created);
        expect(await read((tx) => tx.repositories.get('library/other'))).toBeUndefined();
      });

      it('lists names in byte order, page by page', async () => {
        for (const repository of ['a/b', 'b', 'a-b', 'B', 'a', 'a_b']) await ensure(repository);
        const page = (last: string | undefined, limit: number) => read((tx) => tx.repositories.listNames({ last, limit }));
        expect(await page(undefined, 10)).toEqual(['B', 'a', 'a-b', 'a/b', 'a_b', 'b']);
        expect(await page(undefined, 2)).toEqual(['B', 'a']);
        expect(await page('a', 2)).toEqual(['a-b', 'a/b']);
        expect(await page('a/b', 2)).toEqual(['a_b', 'b']);
        expect(await page('b', 2)).toEqual([]);
      });
    });

    describe('blobs', () => {
      it('touch records a blob; link, getLinked, useLinked and unlink manage its links', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const layer = await linkedBlob(repo.id, 'layer');
        const missing = digest('missing');

        expect(await read((tx) => tx.blobs.get(layer))).toEqual({ digest: layer, size: 5 });
        expect(await read((tx) => tx.blobs.get(missing))).toBeUndefined();
        expect(await read((tx) => tx.blobs.getLinked(repo.id, layer))).toEqual({ digest: layer, size: 5 });
        expect(await read((tx) => tx.blobs.getLinked(other.id, layer))).toBeUndefined();

        const used = await write((tx) => tx.blobs.useLinked(repo.id, [layer, missing], T1));
        expect(used).toEqual(new Set([layer]));
        expect(await write((tx) => tx.blobs.useLinked(repo.id, [], T1))).toEqual(new Set());
        expect(await write((tx) => tx.blobs.useLinked(other.id, [layer], T1))).toEqual(new Set());

        expect(await write((tx) => tx.blobs.unlink(repo.id, layer))).toBe(true);
        expect(await write((tx) => tx.blobs.unlink(repo.id, layer))).toBe(false);
        expect(await read((tx) => tx.blobs.getLinked(repo.id, layer))).toBeUndefined();
        expect(await read((tx) => tx.blobs.get(layer))).toEqual({ digest: layer, size: 5 });
      });

      it('refuses to link a blob the registry does not know', async () => {
        const repo = await ensure('repo');
        await expect(write((tx) => tx.blobs.link(repo.id, digest('missing'), T0))).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
      });
    });

    describe('manifests', () => {
      it('put stores once; get returns the exact bytes and fields', async () => {
        const repo = await ensure('repo');
        const content = Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x80, 0x0a, 0x7d]); // not even UTF-8
        const subject = digest('subject');
        const m = manifest('x', {
          digest: digestOf(content),
          content,
          artifactType: 'application/vnd.example+json',
          subject,
          annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', note: 'ünïcode' },
        });
        expect(await write((tx) => tx.manifests.put(repo.id, m, T0))).toBe(true);
        expect(await write((tx) => tx.manifests.put(repo.id, m, T2))).toBe(false);

        const stored = await read((tx) => tx.manifests.get(repo.id, m.digest));
        expect(stored).toEqual({
          repositoryId: repo.id,
          digest: m.digest,
          mediaType: m.mediaType,
          artifactType: 'application/vnd.example+json',
          size: content.length,
          content,
          subject,
          annotations: m.annotations,
          pushedAt: T0,
        });
        expect(Buffer.compare(stored!.content, content)).toBe(0);

        const plain = manifest('plain');
        await write((tx) => tx.manifests.put(repo.id, plain, T0));
        const storedPlain = await read((tx) => tx.manifests.get(repo.id, plain.digest));
        expect(storedPlain).toMatchObject({ artifactType: undefined, subject: undefined, annotations: undefined });

        const other = await ensure('other');
        expect(await read((tx) => tx.manifests.get(other.id, m.digest))).toBeUndefined();
      });

      it('existing reports which digests are manifests of the repository', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const a = manifest('a');
        const b = manifest('b');
        await write(async (tx) => {
          await tx.manifests.put(repo.id, a, T0);
          await tx.manifests.put(other.id, b, T0);
        });
        expect(await read((tx) => tx.manifests.existing(repo.id, [a.digest, b.digest, digest('none')]))).toEqual(new Set([a.digest]));
        expect(await read((tx) => tx.manifests.existing(repo.id, []))).toEqual(new Set());
      });

      it('delete removes the manifest with its references and tags, and nothing else', async () => {
        const repo = await ensure('repo');
        const layer = await linkedBlob(repo.id, 'layer');
        const child = manifest('child');
        const index = manifest('index', {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          references: [
            { digest: child.digest, kind: 'manifest' },
            { digest: layer, kind: 'blob' },
            { digest: layer, kind: 'blob' }, // listed twice, stored once
          ],
        });
        await write(async (tx) => {
          await tx.manifests.put(repo.id, child, T0);
          await tx.manifests.put(repo.id, index, T0);
          await tx.tags.put(repo.id, 'latest', index.digest, T0);
          await tx.tags.put(repo.id, 'v1', index.digest, T0);
          await tx.tags.put(repo.id, 'child', child.digest, T0);
        });
        expect(await read((tx) => tx.blobs.isReferencedInRepository(repo.id, layer))).toBe(true);

        expect(await write((tx) => tx.manifests.delete(repo.id, index.digest))).toBe(true);
        expect(await write((tx) => tx.manifests.delete(repo.id, index.digest))).toBe(false);
        await read(async (tx) => {
          expect(await tx.manifests.get(repo.id, index.digest)).toBeUndefined();
          expect(await tx.tags.get(repo.id, 'latest')).toBeUndefined();
          expect(await tx.tags.listForManifest(repo.id, index.digest)).toEqual([]);
          expect(await tx.blobs.isReferencedInRepository(repo.id, layer)).toBe(false);
          expect(await tx.manifests.isReferencedByIndex(repo.id, child.digest)).toBe(false);
          expect(await tx.manifests.get(repo.id, child.digest)).toBeDefined();
          expect(await tx.tags.list(repo.id, { limit: 10 })).toEqual(['child']);
          expect(await tx.blobs.getLinked(repo.id, layer)).toBeDefined();
        });
      });

      it('isReferencedByIndex and isReferencedInRepository tell children from blobs, per repository', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const layer = await linkedBlob(repo.id, 'layer');
        const child = manifest('child', { references: [{ digest: layer, kind: 'blob' }] });
        const index = manifest('index', { references: [{ digest: child.digest, kind: 'manifest' }] });
        await write(async (tx) => {
          await tx.manifests.put(repo.id, child, T0);
          await tx.manifests.put(repo.id, index, T0);
        });
        await read(async (tx) => {
          expect(await tx.manifests.isReferencedByIndex(repo.id, child.digest)).toBe(true);
          expect(await tx.manifests.isReferencedByIndex(repo.id, layer)).toBe(false);
          expect(await tx.manifests.isReferencedByIndex(other.id, child.digest)).toBe(false);
          expect(await tx.blobs.isReferencedInRepository(repo.id, layer)).toBe(true);
          expect(await tx.blobs.isReferencedInRepository(repo.id, child.digest)).toBe(false);
          expect(await tx.blobs.isReferencedInRepository(other.id, layer)).toBe(false);
        });
      });

      it('listReferrers lists the manifests whose subject is the digest, optionally by artifact type', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const subject = digest('subject');
        const signature = manifest('sig', { subject, artifactType: 'application/vnd.example.sig', annotations: { 'x.y': 'z' } });
        const sbom = manifest('sbom', { subject, artifactType: 'application/vnd.example.sbom' });
        const elsewhere = manifest('elsewhere', { subject, artifactType: 'application/vnd.example.sig' });
        await write(async (tx) => {
          await tx.manifests.put(repo.id, signature, T0);
          await tx.manifests.put(repo.id, sbom, T0);
          await tx.manifests.put(repo.id, manifest('unrelated'), T0);
          await tx.manifests.put(other.id, elsewhere, T0);
        });
        const descriptor = (m: NewManifest) => ({
          mediaType: m.mediaType,
          digest: m.digest,
          size: m.content.byteLength,
          artifactType: m.artifactType,
          annotations: m.annotations,
        });
        const byDigest = [signature, sbom].sort((a, b) => (a.digest < b.digest ? -1 : 1)).map(descriptor);
        expect(await read((tx) => tx.manifests.listReferrers(repo.id, subject))).toEqual(byDigest);
        expect(await read((tx) => tx.manifests.listReferrers(repo.id, subject, 'application/vnd.example.sig'))).toEqual([
          descriptor(signature),
        ]);
        expect(await read((tx) => tx.manifests.listReferrers(repo.id, subject, 'application/none'))).toEqual([]);
        expect(await read((tx) => tx.manifests.listReferrers(repo.id, digest('other')))).toEqual([]);
      });
    });

    describe('tags', () => {
      it('put returns the previous digest; get and delete', async () => {
        const repo = await ensure('repo');
        const one = manifest('one');
        const two = manifest('two');
        await write(async (tx) => {
          await tx.manifests.put(repo.id, one, T0);
          await tx.manifests.put(repo.id, two, T0);
        });
        expect(await write((tx) => tx.tags.put(repo.id, 'latest', one.digest, T0))).toBeUndefined();
        expect(await write((tx) => tx.tags.put(repo.id, 'latest', two.digest, T1))).toBe(one.digest);
        expect(await write((tx) => tx.tags.put(repo.id, 'latest', two.digest, T2))).toBe(two.digest);
        expect(await read((tx) => tx.tags.get(repo.id, 'latest'))).toBe(two.digest);
        expect(await read((tx) => tx.tags.get(repo.id, 'other'))).toBeUndefined();
        expect(await write((tx) => tx.tags.delete(repo.id, 'latest'))).toBe(true);
        expect(await write((tx) => tx.tags.delete(repo.id, 'latest'))).toBe(false);
        expect(await read((tx) => tx.tags.get(repo.id, 'latest'))).toBeUndefined();
      });

      it('lists tags in byte order, page by page, and per manifest', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const one = manifest('one');
        const two = manifest('two');
        await write(async (tx) => {
          await tx.manifests.put(repo.id, one, T0);
          await tx.manifests.put(repo.id, two, T0);
          await tx.manifests.put(other.id, one, T0);
          for (const tag of ['v1', 'V2', 'latest', '1.0', 'a_b', 'a-b']) {
            await tx.tags.put(repo.id, tag, tag === 'v1' ? two.digest : one.digest, T0);
          }
          await tx.tags.put(other.id, 'elsewhere', one.digest, T0);
        });
        const page = (last: string | undefined, limit: number) => read((tx) => tx.tags.list(repo.id, { last, limit }));
        expect(await page(undefined, 10)).toEqual(['1.0', 'V2', 'a-b', 'a_b', 'latest', 'v1']);
        expect(await page(undefined, 3)).toEqual(['1.0', 'V2', 'a-b']);
        expect(await page('a-b', 3)).toEqual(['a_b', 'latest', 'v1']);
        expect(await page('v1', 3)).toEqual([]);
        expect(await read((tx) => tx.tags.listForManifest(repo.id, one.digest))).toEqual(['1.0', 'V2', 'a-b', 'a_b', 'latest']);
        expect(await read((tx) => tx.tags.listForManifest(repo.id, two.digest))).toEqual(['v1']);
      });
    });

    describe('uploads', () => {
      it('create, get, setOffset, delete', async () => {
        const repo = await ensure('repo');
        const created = await write((tx) => tx.uploads.create({ id: 'u1', repositoryId: repo.id, storeKey: 'key-1' }, T0));
        const expected = { id: 'u1', repositoryId: repo.id, storeKey: 'key-1', offset: 0, startedAt: T0, updatedAt: T0 };
        expect(created).toEqual(expected);
        expect(await read((tx) => tx.uploads.get('u1'))).toEqual(expected);

        const big = 5 * 1024 ** 3 + 1; // past 32 bits
        await write((tx) => tx.uploads.setOffset('u1', big, T1));
        expect(await read((tx) => tx.uploads.get('u1'))).toEqual({ ...expected, offset: big, updatedAt: T1 });
        await expect(write((tx) => tx.uploads.setOffset('u2', 1, T1))).rejects.toMatchObject({ code: 'BLOB_UPLOAD_UNKNOWN' });

        expect(await write((tx) => tx.uploads.delete('u1'))).toBe(true);
        expect(await write((tx) => tx.uploads.delete('u1'))).toBe(false);
        expect(await read((tx) => tx.uploads.get('u1'))).toBeUndefined();
      });

      it('listStale and hasStoreKey', async () => {
        const repo = await ensure('repo');
        await write(async (tx) => {
          await tx.uploads.create({ id: 'old-1', repositoryId: repo.id, storeKey: 'k1' }, T0);
          await tx.uploads.create({ id: 'old-2', repositoryId: repo.id, storeKey: 'k2' }, T0);
          await tx.uploads.create({ id: 'active', repositoryId: repo.id, storeKey: 'k3' }, T0);
          await tx.uploads.setOffset('active', 10, T2);
        });
        const stale = await read((tx) => tx.uploads.listStale(T1, 10));
        expect(stale.map((u) => u.id).sort()).toEqual(['old-1', 'old-2']);
        expect(await read((tx) => tx.uploads.listStale(T1, 1))).toHaveLength(1);
        expect(await read((tx) => tx.uploads.hasStoreKey('k3'))).toBe(true);
        expect(await read((tx) => tx.uploads.hasStoreKey('k4'))).toBe(false);
      });
    });

    describe('garbage collection', () => {
      it('deleteStaleLinks deletes old links no manifest of their repository references', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const referenced = await linkedBlob(repo.id, 'referenced');
        const stale = await linkedBlob(repo.id, 'stale');
        const fresh = await linkedBlob(repo.id, 'fresh', T2);
        const used = await linkedBlob(repo.id, 'used');
        const referencedElsewhere = await linkedBlob(repo.id, 'elsewhere');
        await linkedBlob(other.id, 'elsewhere');
        await write(async (tx) => {
          await tx.manifests.put(repo.id, manifest('m', { references: [{ digest: referenced, kind: 'blob' }] }), T0);
          await tx.manifests.put(other.id, manifest('o', { references: [{ digest: referencedElsewhere, kind: 'blob' }] }), T0);
          await tx.blobs.useLinked(repo.id, [used], T2);
        });

        expect(await write((tx) => tx.blobs.deleteStaleLinks(T1))).toBe(2);
        await read(async (tx) => {
          expect(await tx.blobs.getLinked(repo.id, stale)).toBeUndefined();
          expect(await tx.blobs.getLinked(repo.id, referencedElsewhere)).toBeUndefined();
          expect(await tx.blobs.getLinked(other.id, referencedElsewhere)).toBeDefined();
          for (const kept of [referenced, fresh, used]) expect(await tx.blobs.getLinked(repo.id, kept)).toBeDefined();
        });
        expect(await write((tx) => tx.blobs.deleteStaleLinks(T1))).toBe(0);
      });

      it('listUnreferenced and deleteIfUnreferenced respect the cutoff, links and references', async () => {
        const repo = await ensure('repo');
        const touchOnly = async (label: string, when: Date) => {
          await write((tx) => tx.blobs.touch(digest(label), 1, when));
          return digest(label);
        };
        const orphanA = await touchOnly('orphan-a', T0);
        const orphanB = await touchOnly('orphan-b', T0);
        const fresh = await touchOnly('fresh', T2);
        const retouched = await touchOnly('retouched', T0);
        await write((tx) => tx.blobs.touch(retouched, 1, T2));
        const linked = await linkedBlob(repo.id, 'linked');
        // Linked late, then unlinked: the link refreshed the blob row.
        const relinked = await touchOnly('relinked', T0);
        await write((tx) => tx.blobs.link(repo.id, relinked, T2));
        await write((tx) => tx.blobs.unlink(repo.id, relinked));
        // Referenced by a manifest but no longer linked.
        const referenced = await linkedBlob(repo.id, 'referenced');
        await write(async (tx) => {
          await tx.manifests.put(repo.id, manifest('m', { references: [{ digest: referenced, kind: 'blob' }] }), T0);
          await tx.blobs.unlink(repo.id, referenced);
        });

        const orphans = [orphanA, orphanB].sort();
        expect(await read((tx) => tx.blobs.listUnreferenced(T1, 10))).toEqual(orphans);
        expect(await read((tx) => tx.blobs.listUnreferenced(T1, 1))).toEqual(orphans.slice(0, 1));

        for (const kept of [fresh, retouched, linked, relinked, referenced]) {
          expect(await write((tx) => tx.blobs.deleteIfUnreferenced(kept, T1))).toBe(false);
          expect(await read((tx) => tx.blobs.get(kept))).toBeDefined();
        }
        expect(await write((tx) => tx.blobs.deleteIfUnreferenced(orphanA, T1))).toBe(true);
        expect(await write((tx) => tx.blobs.deleteIfUnreferenced(orphanA, T1))).toBe(false);
        expect(await read((tx) => tx.blobs.get(orphanA))).toBeUndefined();
        expect(await read((tx) => tx.blobs.listUnreferenced(T1, 10))).toEqual([orphanB]);
      });
    });

    describe('garbage collection racing a push', () => {
      it('deleteStaleLinks leaves a link that an open push refreshes and references', async () => {
        const repo = await ensure('repo');
        const layer = await linkedBlob(repo.id, 'layer');
        const pushed = manifest('m', { references: [{ digest: layer, kind: 'blob' }] });
        const push = await openWrite(async (tx) => {
          expect(await tx.blobs.useLinked(repo.id, [layer], T2)).toEqual(new Set([layer]));
          await tx.manifests.put(repo.id, pushed, T2);
        });
        const gc = write((tx) => tx.blobs.deleteStaleLinks(T1));
        await letItBlock();
        await push.commit();
        expect(await gc).toBe(0);
        expect(await read((tx) => tx.blobs.getLinked(repo.id, layer))).toBeDefined();
      });

      it('deleteIfUnreferenced leaves a blob that an open push links', async () => {
        const repo = await ensure('repo');
        const blob = digest('blob');
        await write((tx) => tx.blobs.touch(blob, 4, T0));
        const push = await openWrite((tx) => tx.blobs.link(repo.id, blob, T2));
        const gc = write((tx) => tx.blobs.deleteIfUnreferenced(blob, T1));
        await letItBlock();
        await push.commit();
        expect(await gc).toBe(false);
        expect(await read((tx) => tx.blobs.getLinked(repo.id, blob))).toEqual({ digest: blob, size: 4 });
      });

      it('a push linking a blob that an open GC is deleting fails with BLOB_UNKNOWN', async () => {
        const repo = await ensure('repo');
        const blob = digest('blob');
        await write((tx) => tx.blobs.touch(blob, 4, T0));
        const gc = await openWrite(async (tx) => expect(await tx.blobs.deleteIfUnreferenced(blob, T1)).toBe(true));
        const push = write((tx) => tx.blobs.link(repo.id, blob, T2));
        await letItBlock();
        await gc.commit();
        await expect(push).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
        expect(await read((tx) => tx.blobs.get(blob))).toBeUndefined();
      });
    });

    describe('transactions', () => {
      it('write returns the result of its function and commits', async () => {
        expect(await write(async (tx) => (await tx.repositories.ensure('repo', T0)).name)).toBe('repo');
        expect(await read((tx) => tx.repositories.get('repo'))).toBeDefined();
      });

      it('a throw inside write rolls everything back', async () => {
        const failed = write(async (tx) => {
          const repo = await tx.repositories.ensure('repo', T0);
          await tx.blobs.touch(digest('b'), 1, T0);
          await tx.uploads.create({ id: 'u', repositoryId: repo.id, storeKey: 'k' }, T0);
          throw new Error('boom');
        });
        await expect(failed).rejects.toThrow('boom');
        await read(async (tx) => {
          expect(await tx.repositories.get('repo')).toBeUndefined();
          expect(await tx.blobs.get(digest('b'))).toBeUndefined();
          expect(await tx.uploads.get('u')).toBeUndefined();
        });
        expect((await ensure('repo')).name).toBe('repo');
      });

      it('read refuses to write', async () => {
        await expect(read((tx) => tx.repositories.ensure('repo', T0))).rejects.toThrow();
        expect(await read((tx) => tx.repositories.get('repo'))).toBeUndefined();
      });

      it('concurrent writes all land', async () => {
        const shared = await ensure('shared');
        const m = manifest('m');
        await write((tx) => tx.manifests.put(shared.id, m, T0));
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            write(async (tx) => {
              const repo = await tx.repositories.ensure('shared', T1);
              await tx.repositories.ensure(`repo-${String(i).padStart(2, '0')}`, T1);
              return tx.tags.put(repo.id, `t${String(i).padStart(2, '0')}`, m.digest, T1);
            }),
          ),
        );
        expect(results).toEqual(Array(20).fill(undefined));
        expect(await read((tx) => tx.tags.list(shared.id, { limit: 100 }))).toHaveLength(20);
        const names = await read((tx) => tx.repositories.listNames({ limit: 100 }));
        expect(names).toEqual([...Array.from({ length: 20 }, (_, i) => `repo-${String(i).padStart(2, '0')}`), 'shared']);
      });
    });
  });
}
