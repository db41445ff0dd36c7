import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestOf, type Digest } from '../../src/domain/digest.js';
import {
  DEFAULT_REPOSITORY_SETTINGS,
  type CreationTemplate,
  type IamRole,
  type IamUser,
  type MetadataStore,
  type MetadataTx,
  type NewManifest,
  type RepositorySettings,
} from '../../src/storage/metadata/metadata-store.js';
import { migrateMetadataStore, openMetadataStore, type MetadataStoreConfig } from '../../src/storage/metadata/open.js';

/** A fresh, empty database per test; the suite opens (and so migrates) its stores on it. */
export interface MetadataDatabaseFixture {
  readonly config: MetadataStoreConfig;
  /** Raw access to the tables, outside any store, to seed a database at an older version. The caller destroys it. */
  connect(): Kysely<any>;
  /** Removes everything the database kept (file, schema); stores on it are closed by then. */
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
 * The behaviour every MetadataStore must show. `database` makes a fresh, empty database per test.
 */
export function describeMetadataStore(name: string, database: () => Promise<MetadataDatabaseFixture>): void {
  describe(name, () => {
    let fixture: MetadataDatabaseFixture;
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
      fixture = await database();
      store = await openMetadataStore(fixture.config);
    });
    afterEach(async () => {
      await store.close();
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
          storageClass: 'STANDARD',
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

    describe('repository settings and policy', () => {
      const custom: RepositorySettings = {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD', filter: 'latest' },
          { filterType: 'WILDCARD', filter: 'dev-*' },
        ],
        scanOnPush: true,
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/abcd' },
      };

      it('create stores the settings and refuses a name that is taken', async () => {
        const created = await write((tx) => tx.repositories.create('team/app', custom, T0));
        expect(created).toEqual({ id: expect.any(Number), name: 'team/app', createdAt: T0, settings: custom });
        expect(await read((tx) => tx.repositories.get('team/app'))).toEqual(created);
        await expect(write((tx) => tx.repositories.create('team/app', DEFAULT_REPOSITORY_SETTINGS, T1))).rejects.toMatchObject({
          code: 'REPOSITORY_ALREADY_EXISTS',
        });
        await ensure('pushed');
        await expect(write((tx) => tx.repositories.create('pushed', custom, T1))).rejects.toMatchObject({ code: 'REPOSITORY_ALREADY_EXISTS' });
        expect(await read((tx) => tx.repositories.get('team/app'))).toEqual(created);
      });

      it('ensure creates with the settings given and leaves an existing repository as it is', async () => {
        const created = await write((tx) => tx.repositories.ensure('templated', T0, custom));
        expect(created.settings).toEqual(custom);
        await ensure('plain');
        expect(await write((tx) => tx.repositories.ensure('plain', T1, custom))).toMatchObject({ createdAt: T0, settings: DEFAULT_REPOSITORY_SETTINGS });
      });

      it('updateSettings changes only the fields given', async () => {
        const repo = await write((tx) => tx.repositories.create('repo', custom, T0));
        const scanOff = await write((tx) => tx.repositories.updateSettings(repo.id, { scanOnPush: false }));
        expect(scanOff).toEqual({ ...repo, settings: { ...custom, scanOnPush: false } });

        const mutable = await write((tx) =>
          tx.repositories.updateSettings(repo.id, { imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] }),
        );
        expect(mutable.settings).toEqual({ ...custom, scanOnPush: false, imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: [] });

        // Moving off KMS drops the key.
        const aes = await write((tx) => tx.repositories.updateSettings(repo.id, { encryptionConfiguration: { encryptionType: 'AES256' } }));
        expect(aes.settings.encryptionConfiguration).toEqual({ encryptionType: 'AES256' });
        expect(aes.settings.encryptionConfiguration.kmsKey).toBeUndefined();

        expect(await write((tx) => tx.repositories.updateSettings(repo.id, {}))).toEqual(aes);
        expect(await read((tx) => tx.repositories.get('repo'))).toEqual(aes);
        await expect(write((tx) => tx.repositories.updateSettings(repo.id + 1000, { scanOnPush: true }))).rejects.toMatchObject({
          code: 'REPOSITORY_NOT_FOUND',
        });
      });

      it('setPolicy sets, replaces and removes the policy', async () => {
        const repo = await ensure('repo');
        expect(repo.policy).toBeUndefined();
        const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] });
        await write((tx) => tx.repositories.setPolicy(repo.id, policy));
        expect(await read((tx) => tx.repositories.get('repo'))).toEqual({ ...repo, policy });
        await write((tx) => tx.repositories.setPolicy(repo.id, '{"Version":"2012-10-17","Statement":[]}'));
        expect((await read((tx) => tx.repositories.get('repo')))?.policy).toBe('{"Version":"2012-10-17","Statement":[]}');
        await write((tx) => tx.repositories.setPolicy(repo.id, undefined));
        expect((await read((tx) => tx.repositories.get('repo')))?.policy).toBeUndefined();
        await expect(write((tx) => tx.repositories.setPolicy(repo.id + 1000, policy))).rejects.toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
      });
    });

    describe('repository delete and count', () => {
      /** A repository with a layer, an image, an index over it, tags and two uploads. */
      const populate = async (name: string) => {
        const repo = await ensure(name);
        const layer = await linkedBlob(repo.id, 'layer');
        const image = manifest(`image of ${name}`, { references: [{ digest: layer, kind: 'blob' }], imageSize: 5 });
        const index = manifest(`index of ${name}`, { references: [{ digest: image.digest, kind: 'manifest' }] });
        await write(async (tx) => {
          await tx.manifests.put(repo.id, image, T0);
          await tx.manifests.put(repo.id, index, T0);
          await tx.tags.put(repo.id, 'latest', index.digest, T0);
          await tx.tags.put(repo.id, 'v1', image.digest, T0);
          await tx.uploads.create({ id: `${name}-u1`, repositoryId: repo.id, storeKey: `${name}-k1` }, T0);
          await tx.uploads.create({ id: `${name}-u2`, repositoryId: repo.id, storeKey: `${name}-k2` }, T0);
        });
        return { repo, layer, image, index };
      };

      it('delete removes the repository with everything in it, returns its upload keys, and leaves other repositories', async () => {
        const doomed = await populate('doomed');
        const kept = await populate('kept');

        const keys = await write((tx) => tx.repositories.delete(doomed.repo.id));
        expect([...keys].sort()).toEqual(['doomed-k1', 'doomed-k2']);
        await read(async (tx) => {
          expect(await tx.repositories.get('doomed')).toBeUndefined();
          expect(await tx.manifests.get(doomed.repo.id, doomed.image.digest)).toBeUndefined();
          expect(await tx.manifests.get(doomed.repo.id, doomed.index.digest)).toBeUndefined();
          expect(await tx.tags.list(doomed.repo.id, { limit: 10 })).toEqual([]);
          expect(await tx.blobs.getLinked(doomed.repo.id, doomed.layer)).toBeUndefined();
          expect(await tx.blobs.isReferencedInRepository(doomed.repo.id, doomed.layer)).toBe(false);
          expect(await tx.manifests.isReferencedByIndex(doomed.repo.id, doomed.image.digest)).toBe(false);
          expect(await tx.uploads.get('doomed-u1')).toBeUndefined();
          expect(await tx.uploads.hasStoreKey('doomed-k2')).toBe(false);
          expect(await tx.repositories.countImages(doomed.repo.id)).toBe(0);
          // The blob itself stays for GC, which sees it unlinked here but still linked elsewhere.
          expect(await tx.blobs.get(doomed.layer)).toBeDefined();

          expect(await tx.repositories.get('kept')).toEqual(kept.repo);
          expect(await tx.manifests.get(kept.repo.id, kept.image.digest)).toBeDefined();
          expect(await tx.tags.list(kept.repo.id, { limit: 10 })).toEqual(['latest', 'v1']);
          expect(await tx.blobs.getLinked(kept.repo.id, kept.layer)).toBeDefined();
          expect(await tx.blobs.isReferencedInRepository(kept.repo.id, kept.layer)).toBe(true);
          expect(await tx.manifests.isReferencedByIndex(kept.repo.id, kept.image.digest)).toBe(true);
          expect(await tx.uploads.get('kept-u1')).toBeDefined();
          expect(await tx.repositories.countImages(kept.repo.id)).toBe(2);
          expect(await tx.repositories.listNames({ limit: 10 })).toEqual(['kept']);
        });

        expect(await write((tx) => tx.repositories.delete(doomed.repo.id))).toEqual([]);
        // The name is free again, for a new and empty repository.
        const again = await ensure('doomed');
        expect(again.id).not.toBe(doomed.repo.id);
        expect(await read((tx) => tx.manifests.listImages(again.id, { limit: 10 }))).toEqual([]);
      });

      it('countImages counts the manifests of the repository', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        expect(await read((tx) => tx.repositories.countImages(repo.id))).toBe(0);
        await write(async (tx) => {
          for (const label of ['a', 'b', 'c']) await tx.manifests.put(repo.id, manifest(label), T0);
          await tx.manifests.put(other.id, manifest('a'), T0);
        });
        expect(await read((tx) => tx.repositories.countImages(repo.id))).toBe(3);
        await write((tx) => tx.manifests.delete(repo.id, manifest('b').digest));
        expect(await read((tx) => tx.repositories.countImages(repo.id))).toBe(2);
        expect(await read((tx) => tx.repositories.countImages(other.id))).toBe(1);
      });
    });

    describe('images', () => {
      it('listImages pages images in digest order, each with its tags in byte order', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const subject = digest('subject');
        const images = ['a', 'b', 'c', 'd', 'e'].map((label, i) =>
          manifest(label, { imageSize: 1000 * (i + 1), ...(label === 'c' ? { subject, artifactType: 'application/vnd.example.sig' } : {}) }),
        );
        const tagsOf: Record<string, string[]> = { a: ['v1', 'V2', 'latest', 'a_b', 'a-b'], c: ['only'] };
        await write(async (tx) => {
          for (const [i, m] of images.entries()) {
            await tx.manifests.put(repo.id, m, i % 2 ? T1 : T0);
            await tx.manifests.put(other.id, m, T2);
          }
          for (const [label, tags] of Object.entries(tagsOf)) {
            for (const tag of tags) await tx.tags.put(repo.id, tag, manifest(label).digest, T0);
          }
          await tx.tags.put(other.id, 'elsewhere', images[0]!.digest, T2);
        });
        const labels = ['a', 'b', 'c', 'd', 'e'];
        const expected = images
          .map((m, i) => ({
            digest: m.digest,
            mediaType: m.mediaType,
            artifactType: m.artifactType,
            manifestSize: m.content.byteLength,
            imageSize: m.imageSize,
            pushedAt: i % 2 ? T1 : T0,
            storageClass: 'STANDARD',
            lastPulledAt: undefined,
            subject: m.subject,
            tags: [...(tagsOf[labels[i]!] ?? [])].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
          }))
          .sort((x, y) => (x.digest < y.digest ? -1 : 1));
        expect(expected.find((e) => e.digest === images[0]!.digest)?.tags).toEqual(['V2', 'a-b', 'a_b', 'latest', 'v1']);

        const page = (after: Digest | undefined, limit: number) => read((tx) => tx.manifests.listImages(repo.id, { after, limit }));
        expect(await page(undefined, 10)).toEqual(expected);
        const first = await page(undefined, 2);
        expect(first).toEqual(expected.slice(0, 2));
        const second = await page(first[1]!.digest, 2);
        expect(second).toEqual(expected.slice(2, 4));
        expect(await page(second[1]!.digest, 2)).toEqual(expected.slice(4));
        expect(await page(expected[4]!.digest, 2)).toEqual([]);
        const empty = await ensure('empty');
        expect(await read((tx) => tx.manifests.listImages(empty.id, { limit: 10 }))).toEqual([]);
      });

      it('getImage returns one image with its tags', async () => {
        const repo = await ensure('repo');
        const m = manifest('m', { imageSize: 12345 });
        await write(async (tx) => {
          await tx.manifests.put(repo.id, m, T0);
          await tx.tags.put(repo.id, 'b', m.digest, T0);
          await tx.tags.put(repo.id, 'a', m.digest, T0);
        });
        expect(await read((tx) => tx.manifests.getImage(repo.id, m.digest))).toEqual({
          digest: m.digest,
          mediaType: m.mediaType,
          manifestSize: m.content.byteLength,
          imageSize: 12345,
          pushedAt: T0,
          storageClass: 'STANDARD',
          tags: ['a', 'b'],
        });
        await write((tx) => tx.manifests.put(repo.id, manifest('untagged'), T1));
        expect(await read((tx) => tx.manifests.getImage(repo.id, manifest('untagged').digest))).toMatchObject({ tags: [], pushedAt: T1 });
        expect(await read((tx) => tx.manifests.getImage(repo.id, digest('none')))).toBeUndefined();
        const other = await ensure('other');
        expect(await read((tx) => tx.manifests.getImage(other.id, m.digest))).toBeUndefined();
      });

      it('recordPulls keeps the latest pull time and never moves it back', async () => {
        const repo = await ensure('repo');
        const other = await ensure('other');
        const a = manifest('a');
        const b = manifest('b');
        await write(async (tx) => {
          await tx.manifests.put(repo.id, a, T0);
          await tx.manifests.put(repo.id, b, T0);
          await tx.manifests.put(other.id, a, T0);
        });
        const pulledAt = async (repositoryId: number, d: Digest) => (await read((tx) => tx.manifests.getImage(repositoryId, d)))?.lastPulledAt;

        await write((tx) => tx.manifests.recordPulls([{ repositoryId: repo.id, digest: a.digest, at: T1 }]));
        expect(await pulledAt(repo.id, a.digest)).toEqual(T1);
        expect(await pulledAt(repo.id, b.digest)).toBeUndefined();
        expect(await pulledAt(other.id, a.digest)).toBeUndefined();

        await write((tx) => tx.manifests.recordPulls([{ repositoryId: repo.id, digest: a.digest, at: T0 }]));
        expect(await pulledAt(repo.id, a.digest)).toEqual(T1);

        // One batch: several pulls of one image in any order, other images, a manifest that is gone.
        await write((tx) =>
          tx.manifests.recordPulls([
            { repositoryId: repo.id, digest: a.digest, at: T2 },
            { repositoryId: repo.id, digest: a.digest, at: T0 },
            { repositoryId: repo.id, digest: b.digest, at: T0 },
            { repositoryId: repo.id, digest: b.digest, at: T1 },
            { repositoryId: other.id, digest: a.digest, at: T0 },
            { repositoryId: repo.id, digest: digest('gone'), at: T2 },
          ]),
        );
        expect(await pulledAt(repo.id, a.digest)).toEqual(T2);
        expect(await pulledAt(repo.id, b.digest)).toEqual(T1);
        expect(await pulledAt(other.id, a.digest)).toEqual(T0);
        await write((tx) => tx.manifests.recordPulls([]));
        expect(await read((tx) => tx.manifests.listImages(repo.id, { limit: 10 }))).toHaveLength(2);
      });
    });

    describe('resource tags', () => {
      const arn = 'arn:aws:ecr:us-east-1:123456789012:repository/repo';
      const otherArn = 'arn:aws:ecr:us-east-1:123456789012:repository/other';
      const list = (resource: string) => read((tx) => tx.resourceTags.list(resource));

      it('put adds and replaces; list is in key order', async () => {
        expect(await list(arn)).toEqual([]);
        await write((tx) =>
          tx.resourceTags.put(arn, [
            { Key: 'team', Value: 'core' },
            { Key: 'Env', Value: 'prod' },
            { Key: 'env', Value: 'lower-case key' },
          ]),
        );
        await write((tx) => tx.resourceTags.put(otherArn, [{ Key: 'team', Value: 'other' }]));
        expect(await list(arn)).toEqual([
          { Key: 'Env', Value: 'prod' },
          { Key: 'env', Value: 'lower-case key' },
          { Key: 'team', Value: 'core' },
        ]);
        await write((tx) =>
          tx.resourceTags.put(arn, [
            { Key: 'team', Value: 'platform' },
            { Key: 'cost', Value: '1' },
            { Key: 'cost', Value: '2' }, // the last value given wins
            { Key: 'empty', Value: '' },
          ]),
        );
        expect(await list(arn)).toEqual([
          { Key: 'Env', Value: 'prod' },
          { Key: 'cost', Value: '2' },
          { Key: 'empty', Value: '' },
          { Key: 'env', Value: 'lower-case key' },
          { Key: 'team', Value: 'platform' },
        ]);
        await write((tx) => tx.resourceTags.put(arn, []));
        expect(await list(otherArn)).toEqual([{ Key: 'team', Value: 'other' }]);
      });

      it('remove drops the keys given; removeAll drops every tag of the resource', async () => {
        await write(async (tx) => {
          await tx.resourceTags.put(arn, [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
            { Key: 'c', Value: '3' },
          ]);
          await tx.resourceTags.put(otherArn, [{ Key: 'a', Value: 'x' }]);
        });
        await write((tx) => tx.resourceTags.remove(arn, ['a', 'c', 'missing']));
        expect(await list(arn)).toEqual([{ Key: 'b', Value: '2' }]);
        await write((tx) => tx.resourceTags.remove(arn, []));
        expect(await list(arn)).toEqual([{ Key: 'b', Value: '2' }]);
        await write((tx) => tx.resourceTags.removeAll(arn));
        expect(await list(arn)).toEqual([]);
        expect(await list(otherArn)).toEqual([{ Key: 'a', Value: 'x' }]);
      });
    });

    describe('registry documents', () => {
      it('set stores, replaces and (with undefined) removes a document', async () => {
        const get = (key: string) => read((tx) => tx.registry.get(key));
        expect(await get('policy')).toBeUndefined();
        await write((tx) => tx.registry.set('policy', '{"Version":"2012-10-17"}', T0));
        await write((tx) => tx.registry.set('scanningConfiguration', '{"scanType":"BASIC"}', T0));
        expect(await get('policy')).toBe('{"Version":"2012-10-17"}');
        await write((tx) => tx.registry.set('policy', '{"Version":"2012-10-17","Statement":[]}', T1));
        expect(await get('policy')).toBe('{"Version":"2012-10-17","Statement":[]}');
        await write((tx) => tx.registry.set('policy', undefined, T2));
        expect(await get('policy')).toBeUndefined();
        await write((tx) => tx.registry.set('policy', undefined, T2));
        expect(await get('scanningConfiguration')).toBe('{"scanType":"BASIC"}');
      });
    });

    describe('creation templates', () => {
      const full: CreationTemplate = {
        prefix: 'team-a',
        description: 'Team A repositories',
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:us-east-1:123456789012:key/k' },
        resourceTags: [
          { Key: 'team', Value: 'a' },
          { Key: 'cost', Value: '42' },
        ],
        imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
        repositoryPolicy: '{"Version":"2012-10-17","Statement":[]}',
        lifecyclePolicy: '{"rules":[]}',
        appliedFor: ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
        customRoleArn: 'arn:aws:iam::123456789012:role/ecr-templates',
        createdAt: T0,
        updatedAt: T0,
      };
      const minimal = (prefix: string): CreationTemplate => ({
        prefix,
        resourceTags: [],
        imageTagMutability: 'MUTABLE',
        imageTagMutabilityExclusionFilters: [],
        appliedFor: ['REPLICATION'],
        createdAt: T0,
        updatedAt: T0,
      });

      it('create and get round-trip every field; a taken prefix is refused', async () => {
        await write((tx) => tx.templates.create(full));
        await write((tx) => tx.templates.create(minimal('ROOT')));
        expect(await read((tx) => tx.templates.get('team-a'))).toEqual(full);
        const root = await read((tx) => tx.templates.get('ROOT'));
        expect(root).toEqual(minimal('ROOT'));
        expect(root).toMatchObject({ description: undefined, encryptionConfiguration: undefined, customRoleArn: undefined });
        expect(await read((tx) => tx.templates.get('team-b'))).toBeUndefined();
        await expect(write((tx) => tx.templates.create({ ...minimal('team-a'), createdAt: T1 }))).rejects.toMatchObject({
          code: 'TEMPLATE_ALREADY_EXISTS',
        });
        expect(await read((tx) => tx.templates.get('team-a'))).toEqual(full);
      });

      it('update replaces the template but keeps its creation time; delete removes it', async () => {
        await write((tx) => tx.templates.create(full));
        const changed: CreationTemplate = {
          ...minimal('team-a'),
          description: 'changed',
          encryptionConfiguration: { encryptionType: 'AES256' },
          appliedFor: ['CREATE_ON_PUSH'],
          createdAt: T2,
          updatedAt: T1,
        };
        await write((tx) => tx.templates.update(changed));
        expect(await read((tx) => tx.templates.get('team-a'))).toEqual({ ...changed, createdAt: T0 });
        await expect(write((tx) => tx.templates.update(minimal('missing')))).rejects.toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
        expect(await read((tx) => tx.templates.get('missing'))).toBeUndefined();

        expect(await write((tx) => tx.templates.delete('team-a'))).toBe(true);
        expect(await write((tx) => tx.templates.delete('team-a'))).toBe(false);
        expect(await read((tx) => tx.templates.get('team-a'))).toBeUndefined();
        await write((tx) => tx.templates.create(minimal('team-a')));
        expect(await read((tx) => tx.templates.get('team-a'))).toEqual(minimal('team-a'));
      });

      it('list pages templates in prefix (byte) order', async () => {
        for (const prefix of ['team-b', 'ROOT', 'team-a', 'team/a', 'team_a']) await write((tx) => tx.templates.create(minimal(prefix)));
        const page = async (last: string | undefined, limit: number) =>
          (await read((tx) => tx.templates.list({ last, limit }))).map((t) => t.prefix);
        expect(await page(undefined, 10)).toEqual(['ROOT', 'team-a', 'team-b', 'team/a', 'team_a']);
        expect(await page(undefined, 2)).toEqual(['ROOT', 'team-a']);
        expect(await page('team-a', 2)).toEqual(['team-b', 'team/a']);
        expect(await page('team/a', 2)).toEqual(['team_a']);
        expect(await page('team_a', 2)).toEqual([]);
        expect(await read((tx) => tx.templates.list({ limit: 1 }))).toEqual([minimal('ROOT')]);
      });
    });

    describe('IAM', () => {
      const ACCOUNT = '123456789012';
      const OTHER_ACCOUNT = '210987654321';
      const user = (name: string, accountId = ACCOUNT, path = '/'): IamUser => ({
        accountId,
        name,
        path,
        userId: `AIDA${accountId}${name.toUpperCase()}`,
        arn: `arn:aws:iam::${accountId}:user${path}${name}`,
        createdAt: T0,
      });
      const role = (name: string, accountId = ACCOUNT): IamRole => ({
        accountId,
        name,
        path: '/service/',
        roleId: `AROA${accountId}${name.toUpperCase()}`,
        arn: `arn:aws:iam::${accountId}:role/service/${name}`,
        trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] }),
        description: `role ${name}`,
        maxSessionDurationSeconds: 3600,
        createdAt: T0,
      });
      const key = (accessKeyId: string, userName: string | undefined, createdAt = T0, accountId = ACCOUNT) => ({
        accessKeyId,
        accountId,
        userName,
        secretCiphertext: `v1:ciphertext-of-${accessKeyId}`,
        status: 'Active' as const,
        createdAt,
      });

      it('users: create, get, list in name order page by page; a name taken in any case is refused', async () => {
        for (const name of ['carol', 'Bob', 'alice', 'a_b', 'a-b']) await write((tx) => tx.iam.createUser(user(name)));
        await write((tx) => tx.iam.createUser(user('alice', OTHER_ACCOUNT)));
        expect(await read((tx) => tx.iam.getUser(ACCOUNT, 'alice'))).toEqual(user('alice'));
        expect(await read((tx) => tx.iam.getUser(OTHER_ACCOUNT, 'alice'))).toEqual(user('alice', OTHER_ACCOUNT));
        expect(await read((tx) => tx.iam.getUser(ACCOUNT, 'dave'))).toBeUndefined();

        await expect(write((tx) => tx.iam.createUser(user('alice')))).rejects.toMatchObject({ code: 'IAM_ENTITY_EXISTS' });
        await expect(write((tx) => tx.iam.createUser({ ...user('ALICE'), path: '/other/' }))).rejects.toMatchObject({ code: 'IAM_ENTITY_EXISTS' });
        expect(await read((tx) => tx.iam.getUser(ACCOUNT, 'ALICE'))).toBeUndefined();

        const page = async (last: string | undefined, limit: number) =>
          (await read((tx) => tx.iam.listUsers(ACCOUNT, { last, limit }))).map((u) => u.name);
        expect(await page(undefined, 10)).toEqual(['Bob', 'a-b', 'a_b', 'alice', 'carol']);
        expect(await page(undefined, 2)).toEqual(['Bob', 'a-b']);
        expect(await page('a-b', 2)).toEqual(['a_b', 'alice']);
        expect(await page('alice', 2)).toEqual(['carol']);
        expect(await read((tx) => tx.iam.listUsers(OTHER_ACCOUNT, { limit: 10 }))).toEqual([user('alice', OTHER_ACCOUNT)]);
      });

      it('access keys: create, get, list per user and for the root, delete', async () => {
        await write(async (tx) => {
          await tx.iam.createUser(user('alice'));
          await tx.iam.createUser(user('bob'));
          await tx.iam.createAccessKey(key('AKIAALICE2', 'alice', T1));
          await tx.iam.createAccessKey(key('AKIAALICE1', 'alice', T0));
          await tx.iam.createAccessKey(key('AKIABOB', 'bob'));
          await tx.iam.createAccessKey(key('AKIAROOT', undefined));
          await tx.iam.createAccessKey({ ...key('AKIAOTHERROOT', undefined, T0, OTHER_ACCOUNT), status: 'Inactive' });
        });
        expect(await read((tx) => tx.iam.getAccessKey('AKIAALICE1'))).toEqual(key('AKIAALICE1', 'alice'));
        expect(await read((tx) => tx.iam.getAccessKey('AKIAROOT'))).toEqual(key('AKIAROOT', undefined));
        expect(await read((tx) => tx.iam.getAccessKey('AKIAOTHERROOT'))).toMatchObject({ status: 'Inactive', userName: undefined });
        expect(await read((tx) => tx.iam.getAccessKey('AKIANONE'))).toBeUndefined();

        const ids = async (accountId: string, userName: string | undefined) =>
          (await read((tx) => tx.iam.listAccessKeys(accountId, userName))).map((k) => k.accessKeyId);
        expect(await ids(ACCOUNT, 'alice')).toEqual(['AKIAALICE1', 'AKIAALICE2']);
        expect(await ids(ACCOUNT, 'bob')).toEqual(['AKIABOB']);
        expect(await ids(ACCOUNT, undefined)).toEqual(['AKIAROOT']);
        expect(await ids(OTHER_ACCOUNT, undefined)).toEqual(['AKIAOTHERROOT']);
        expect(await ids(ACCOUNT, 'nobody')).toEqual([]);

        expect(await write((tx) => tx.iam.deleteAccessKey('AKIAALICE1'))).toBe(true);
        expect(await write((tx) => tx.iam.deleteAccessKey('AKIAALICE1'))).toBe(false);
        expect(await ids(ACCOUNT, 'alice')).toEqual(['AKIAALICE2']);
      });

      it('deleteUser refuses while the user has access keys or policies', async () => {
        const alice = user('alice');
        await write(async (tx) => {
          await tx.iam.createUser(alice);
          await tx.iam.createAccessKey(key('AKIAALICE', 'alice'));
        });
        const deleteAlice = () => write((tx) => tx.iam.deleteUser(ACCOUNT, 'alice'));
        await expect(deleteAlice()).rejects.toMatchObject({ code: 'IAM_DELETE_CONFLICT' });
        await write((tx) => tx.iam.deleteAccessKey('AKIAALICE'));

        await write((tx) => tx.iam.putInlinePolicy(alice.arn, 'pull', '{}'));
        await expect(deleteAlice()).rejects.toMatchObject({ code: 'IAM_DELETE_CONFLICT' });
        await write((tx) => tx.iam.deleteInlinePolicy(alice.arn, 'pull'));

        await write((tx) => tx.iam.attachPolicy(alice.arn, 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly'));
        await expect(deleteAlice()).rejects.toMatchObject({ code: 'IAM_DELETE_CONFLICT' });
        expect(await read((tx) => tx.iam.getUser(ACCOUNT, 'alice'))).toEqual(alice);
        await write((tx) => tx.iam.detachPolicy(alice.arn, 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly'));

        expect(await deleteAlice()).toBe(true);
        expect(await deleteAlice()).toBe(false);
        expect(await read((tx) => tx.iam.getUser(ACCOUNT, 'alice'))).toBeUndefined();
        // The name is free again.
        await write((tx) => tx.iam.createUser(alice));
      });

      it('roles: create, get, list, conflicts; deleteRole refuses while the role has policies', async () => {
        for (const name of ['pusher', 'Puller', 'admin']) await write((tx) => tx.iam.createRole(role(name)));
        const plain = { ...role('plain', OTHER_ACCOUNT), description: undefined, maxSessionDurationSeconds: 43200 };
        await write((tx) => tx.iam.createRole(plain));
        expect(await read((tx) => tx.iam.getRole(ACCOUNT, 'pusher'))).toEqual(role('pusher'));
        expect(await read((tx) => tx.iam.getRole(OTHER_ACCOUNT, 'plain'))).toEqual(plain);
        expect(await read((tx) => tx.iam.getRole(ACCOUNT, 'plain'))).toBeUndefined();
        await expect(write((tx) => tx.iam.createRole(role('PUSHER')))).rejects.toMatchObject({ code: 'IAM_ENTITY_EXISTS' });

        const names = async (last: string | undefined, limit: number) =>
          (await read((tx) => tx.iam.listRoles(ACCOUNT, { last, limit }))).map((r) => r.name);
        expect(await names(undefined, 10)).toEqual(['Puller', 'admin', 'pusher']);
        expect(await names('Puller', 1)).toEqual(['admin']);

        const pusher = role('pusher');
        await write((tx) => tx.iam.putInlinePolicy(pusher.arn, 'push', '{}'));
        await expect(write((tx) => tx.iam.deleteRole(ACCOUNT, 'pusher'))).rejects.toMatchObject({ code: 'IAM_DELETE_CONFLICT' });
        await write(async (tx) => {
          await tx.iam.deleteInlinePolicy(pusher.arn, 'push');
          await tx.iam.attachPolicy(pusher.arn, 'arn:aws:iam::aws:policy/PowerUser');
        });
        await expect(write((tx) => tx.iam.deleteRole(ACCOUNT, 'pusher'))).rejects.toMatchObject({ code: 'IAM_DELETE_CONFLICT' });
        await write((tx) => tx.iam.detachPolicy(pusher.arn, 'arn:aws:iam::aws:policy/PowerUser'));
        expect(await write((tx) => tx.iam.deleteRole(ACCOUNT, 'pusher'))).toBe(true);
        expect(await write((tx) => tx.iam.deleteRole(ACCOUNT, 'pusher'))).toBe(false);
        expect(await names(undefined, 10)).toEqual(['Puller', 'admin']);
      });

      it('inline and attached policies per principal', async () => {
        const alice = user('alice').arn;
        const pusher = role('pusher').arn;
        await write(async (tx) => {
          await tx.iam.putInlinePolicy(alice, 'zeta', '{"z":1}');
          await tx.iam.putInlinePolicy(alice, 'Alpha', '{"a":1}');
          await tx.iam.putInlinePolicy(alice, 'beta', '{"b":1}');
          await tx.iam.putInlinePolicy(pusher, 'beta', '{"role":1}');
        });
        await write((tx) => tx.iam.putInlinePolicy(alice, 'beta', '{"b":2}'));
        expect(await read((tx) => tx.iam.getInlinePolicy(alice, 'beta'))).toBe('{"b":2}');
        expect(await read((tx) => tx.iam.getInlinePolicy(pusher, 'beta'))).toBe('{"role":1}');
        expect(await read((tx) => tx.iam.getInlinePolicy(alice, 'missing'))).toBeUndefined();
        expect(await read((tx) => tx.iam.listInlinePolicies(alice))).toEqual([
          { name: 'Alpha', document: '{"a":1}' },
          { name: 'beta', document: '{"b":2}' },
          { name: 'zeta', document: '{"z":1}' },
        ]);
        expect(await write((tx) => tx.iam.deleteInlinePolicy(alice, 'zeta'))).toBe(true);
        expect(await write((tx) => tx.iam.deleteInlinePolicy(alice, 'zeta'))).toBe(false);
        expect((await read((tx) => tx.iam.listInlinePolicies(alice))).map((p) => p.name)).toEqual(['Alpha', 'beta']);
        expect(await read((tx) => tx.iam.listInlinePolicies('arn:aws:iam::123456789012:user/nobody'))).toEqual([]);

        const readOnly = 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly';
        const custom = 'arn:aws:iam::123456789012:policy/Custom';
        await write(async (tx) => {
          await tx.iam.attachPolicy(alice, readOnly);
          await tx.iam.attachPolicy(alice, custom);
          await tx.iam.attachPolicy(alice, readOnly); // attaching twice changes nothing
          await tx.iam.attachPolicy(pusher, readOnly);
        });
        expect(await read((tx) => tx.iam.listAttachedPolicies(alice))).toEqual([custom, readOnly]);
        expect(await write((tx) => tx.iam.detachPolicy(alice, readOnly))).toBe(true);
        expect(await write((tx) => tx.iam.detachPolicy(alice, readOnly))).toBe(false);
        expect(await read((tx) => tx.iam.listAttachedPolicies(alice))).toEqual([custom]);
        expect(await read((tx) => tx.iam.listAttachedPolicies(pusher))).toEqual([readOnly]);
      });

      it('sessions: create, get; deleteExpiredSessions removes those expired by then', async () => {
        const session = (accessKeyId: string, expiresAt: Date) => ({
          accessKeyId,
          secretCiphertext: `v1:secret-${accessKeyId}`,
          sessionTokenHash: digestOf(Buffer.from(accessKeyId)).slice('sha256:'.length),
          accountId: ACCOUNT,
          roleArn: role('pusher').arn,
          sessionName: `session-${accessKeyId}`,
          expiresAt,
        });
        await write(async (tx) => {
          await tx.iam.createSession(session('ASIAEARLY', T0));
          await tx.iam.createSession(session('ASIAEDGE', T1));
          await tx.iam.createSession(session('ASIALATE', T2));
        });
        expect(await read((tx) => tx.iam.getSession('ASIALATE'))).toEqual(session('ASIALATE', T2));
        expect(await read((tx) => tx.iam.getSession('ASIANONE'))).toBeUndefined();
        expect(await write((tx) => tx.iam.deleteExpiredSessions(T1))).toBe(2);
        expect(await write((tx) => tx.iam.deleteExpiredSessions(T1))).toBe(0);
        expect(await read((tx) => tx.iam.getSession('ASIAEARLY'))).toBeUndefined();
        expect(await read((tx) => tx.iam.getSession('ASIAEDGE'))).toBeUndefined();
        expect(await read((tx) => tx.iam.getSession('ASIALATE'))).toEqual(session('ASIALATE', T2));
      });
    });

    describe('lifecycle', () => {
      it('stores one policy per repository, keeps lastEvaluatedAt across puts, and lists repositories with one', async () => {
        const a = await ensure('a-repo');
        const b = await ensure('b-repo');
        await ensure('c-repo');
        expect(await read((tx) => tx.lifecycle.getPolicy(a.id))).toBeUndefined();
        await write((tx) => tx.lifecycle.putPolicy(b.id, '{"rules":[]}', T0));
        await write((tx) => tx.lifecycle.putPolicy(a.id, 'first', T0));
        await write((tx) => tx.lifecycle.markEvaluated(a.id, T1));
        await write((tx) => tx.lifecycle.putPolicy(a.id, 'second', T2));
        expect(await read((tx) => tx.lifecycle.getPolicy(a.id))).toEqual({ repositoryId: a.id, text: 'second', lastEvaluatedAt: T1 });
        expect(await read((tx) => tx.lifecycle.listPolicyRepositories())).toEqual(['a-repo', 'b-repo']);
        expect(await write((tx) => tx.lifecycle.deletePolicy(b.id))).toBe(true);
        expect(await write((tx) => tx.lifecycle.deletePolicy(b.id))).toBe(false);
        expect(await read((tx) => tx.lifecycle.listPolicyRepositories())).toEqual(['a-repo']);
        await write((tx) => tx.repositories.delete(a.id));
        expect(await read((tx) => tx.lifecycle.listPolicyRepositories())).toEqual([]);
      });

      it('keeps one current preview per repository', async () => {
        const repo = await ensure('repo');
        expect(await read((tx) => tx.lifecycle.getPreview(repo.id))).toBeUndefined();
        await write((tx) => tx.lifecycle.putPreview({ repositoryId: repo.id, policyText: 'p1', status: 'IN_PROGRESS', createdAt: T0 }));
        expect(await read((tx) => tx.lifecycle.getPreview(repo.id))).toEqual({ repositoryId: repo.id, policyText: 'p1', status: 'IN_PROGRESS', results: undefined, createdAt: T0 });
        const results = { results: [{ imageDigest: 'sha256:x', appliedRulePriority: 2 }], summary: { expiringImageTotalCount: 1 } };
        await write((tx) => tx.lifecycle.putPreview({ repositoryId: repo.id, policyText: 'p2', status: 'COMPLETE', results, createdAt: T1 }));
        expect(await read((tx) => tx.lifecycle.getPreview(repo.id))).toEqual({ repositoryId: repo.id, policyText: 'p2', status: 'COMPLETE', results, createdAt: T1 });
      });

      it('moves images between storage classes, stamping archival and restore times', async () => {
        const repo = await ensure('repo');
        const m = manifest('m');
        await write((tx) => tx.manifests.put(repo.id, m, T0));
        expect(await read((tx) => tx.manifests.getImage(repo.id, m.digest))).toMatchObject({ storageClass: 'STANDARD', lastArchivedAt: undefined, lastActivatedAt: undefined });
        expect(await write((tx) => tx.lifecycle.setStorageClass(repo.id, m.digest, 'ARCHIVE', T1))).toBe(true);
        expect(await write((tx) => tx.lifecycle.setStorageClass(repo.id, m.digest, 'ARCHIVE', T2))).toBe(false);
        expect(await read((tx) => tx.manifests.get(repo.id, m.digest))).toMatchObject({ storageClass: 'ARCHIVE' });
        expect(await read((tx) => tx.manifests.listImages(repo.id, { limit: 10 }))).toMatchObject([{ storageClass: 'ARCHIVE', lastArchivedAt: T1 }]);
        expect(await write((tx) => tx.lifecycle.setStorageClass(repo.id, m.digest, 'STANDARD', T2))).toBe(true);
        expect(await read((tx) => tx.manifests.getImage(repo.id, m.digest))).toMatchObject({ storageClass: 'STANDARD', lastArchivedAt: T1, lastActivatedAt: T2 });
        expect(await write((tx) => tx.lifecycle.setStorageClass(repo.id, digest('missing'), 'ARCHIVE', T2))).toBe(false);
      });

      it('lists which manifests each index of the repository lists', async () => {
        const repo = await ensure('repo');
        const child = manifest('child');
        const index = manifest('index', { mediaType: 'application/vnd.oci.image.index.v1+json', references: [{ digest: child.digest, kind: 'manifest' }] });
        await write(async (tx) => {
          await tx.manifests.put(repo.id, child, T0);
          await tx.manifests.put(repo.id, index, T0);
        });
        expect(await read((tx) => tx.lifecycle.listIndexChildren(repo.id))).toEqual([[index.digest, child.digest]]);
      });
    });

    describe('events', () => {
      it('appends to the audit trail in the transaction of the change and lists in order', async () => {
        const repo = await ensure('repo');
        const m = manifest('m');
        await write((tx) => tx.manifests.put(repo.id, m, T0));
        await write(async (tx) => {
          await tx.manifests.delete(repo.id, m.digest);
          await tx.events.append({ at: T1, type: 'image.deleted', actor: 'lifecycle', repository: 'repo', detail: { digest: m.digest, tags: ['a'] } });
        });
        const failed = write(async (tx) => {
          await tx.events.append({ at: T1, type: 'image.deleted', actor: 'lifecycle', repository: 'repo', detail: {} });
          throw new Error('rolled back');
        });
        await expect(failed).rejects.toThrow('rolled back');
        await write((tx) => tx.events.append({ at: T2, type: 'lifecycle.evaluated', actor: 'lifecycle', repository: 'other', detail: { expired: 1 } }));
        const all = await read((tx) => tx.events.list({ limit: 10 }));
        expect(all.map((e) => [e.type, e.at, e.actor, e.repository, e.detail])).toEqual([
          ['image.deleted', T1, 'lifecycle', 'repo', { digest: m.digest, tags: ['a'] }],
          ['lifecycle.evaluated', T2, 'lifecycle', 'other', { expired: 1 }],
        ]);
        expect(await read((tx) => tx.events.list({ repository: 'other', limit: 10 }))).toHaveLength(1);
        expect(await read((tx) => tx.events.list({ after: all[0]!.id, limit: 10 }))).toEqual([all[1]]);
      });
    });

    describe('migrations', () => {
      it('a database at 0001 migrates to 0002 keeping its data; its repositories get the default settings', async () => {
        const old = await database();
        try {
          expect(await migrateMetadataStore(old.config, { to: '0001-initial' })).toEqual(['0001-initial']);
          const layer = digest('layer');
          const image = manifest('old image', { references: [{ digest: layer, kind: 'blob' }] });
          const content = Buffer.from(image.content);
          const db = old.connect();
          try {
            const { id } = await db.insertInto('repositories').values({ name: 'old/repo', created_at: T0.getTime() }).returning('id').executeTakeFirstOrThrow();
            await db.insertInto('blobs').values({ digest: layer, size: 5, updated_at: T0.getTime() }).execute();
            await db.insertInto('repository_blobs').values({ repository_id: id, digest: layer, updated_at: T0.getTime() }).execute();
            await db
              .insertInto('manifests')
              .values({ repository_id: id, digest: image.digest, media_type: image.mediaType, size: content.length, content, pushed_at: T0.getTime() })
              .execute();
            await db.insertInto('manifest_references').values({ repository_id: id, manifest_digest: image.digest, child_digest: layer, kind: 'blob' }).execute();
            await db.insertInto('tags').values({ repository_id: id, name: 'latest', manifest_digest: image.digest, updated_at: T0.getTime() }).execute();
            await db.insertInto('uploads').values({ id: 'u1', repository_id: id, store_key: 'k1', offset: 7, started_at: T0.getTime(), updated_at: T1.getTime() }).execute();
          } finally {
            await db.destroy();
          }

          // Every later migration applies too; the first pending one is 0002.
          expect((await migrateMetadataStore(old.config))[0]).toBe('0002-ecr-and-iam');
          const migrated = await openMetadataStore(old.config);
          try {
            await migrated.read(async (tx) => {
              const repo = await tx.repositories.get('old/repo');
              expect(repo).toEqual({ id: expect.any(Number), name: 'old/repo', createdAt: T0, settings: DEFAULT_REPOSITORY_SETTINGS });
              const stored = await tx.manifests.get(repo!.id, image.digest);
              expect(Buffer.compare(stored!.content, content)).toBe(0);
              expect(await tx.manifests.listImages(repo!.id, { limit: 10 })).toEqual([
                { digest: image.digest, mediaType: image.mediaType, manifestSize: content.length, imageSize: 0, pushedAt: T0, tags: ['latest'], storageClass: 'STANDARD' },
              ]);
              expect(await tx.blobs.getLinked(repo!.id, layer)).toEqual({ digest: layer, size: 5 });
              expect(await tx.blobs.isReferencedInRepository(repo!.id, layer)).toBe(true);
              expect(await tx.uploads.get('u1')).toEqual({ id: 'u1', repositoryId: repo!.id, storeKey: 'k1', offset: 7, startedAt: T0, updatedAt: T1 });
              expect(await tx.repositories.countImages(repo!.id)).toBe(1);
            });
            // The old rows take the new columns' writes.
            await migrated.write(async (tx) => {
              const repo = (await tx.repositories.get('old/repo'))!;
              await tx.repositories.updateSettings(repo.id, { scanOnPush: true });
              await tx.manifests.recordPulls([{ repositoryId: repo.id, digest: image.digest, at: T2 }]);
            });
            await migrated.read(async (tx) => {
              const repo = (await tx.repositories.get('old/repo'))!;
              expect(repo.settings).toEqual({ ...DEFAULT_REPOSITORY_SETTINGS, scanOnPush: true });
              expect((await tx.manifests.getImage(repo.id, image.digest))?.lastPulledAt).toEqual(T2);
            });
          } finally {
            await migrated.close();
          }
          expect(await migrateMetadataStore(old.config)).toEqual([]);
        } finally {
          await old.cleanup();
        }
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
