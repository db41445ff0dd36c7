// Online garbage collection, driven by a manual clock, observed over HTTP and in the blob store's
// directory: grace period, references, shared blobs, abandoned uploads, and GC racing a push.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { pushBlob } from '../helpers/registry-http.js';
import { expectOciError, testStores, useTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import { OCI_MANIFEST, buildImage, pushBuiltImage, putManifest, sha256, type BuiltImage } from './fixtures.js';

const STORES = await testStores();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Where FsBlobStore keeps a committed blob. */
function blobFile(reg: TestRegistry, digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return join(reg.blobDir, 'blobs', algorithm, hex.slice(0, 2), hex);
}

async function uploadFiles(reg: TestRegistry): Promise<string[]> {
  return readdir(join(reg.blobDir, 'uploads')).catch(() => []);
}

/** The blob is served with its exact bytes and its file is on disk. */
async function expectBlobServed(reg: TestRegistry, repo: string, bytes: Buffer): Promise<void> {
  const digest = sha256(bytes);
  const res = await reg.request('GET', `/v2/${repo}/blobs/${digest}`);
  expect(res.status, `${repo} ${digest}`).toBe(200);
  expect(res.body.equals(bytes)).toBe(true);
  expect(existsSync(blobFile(reg, digest))).toBe(true);
}

/** The manifest and every blob it references are served exactly. */
async function expectImageWhole(reg: TestRegistry, repo: string, image: BuiltImage): Promise<void> {
  const res = await reg.request('GET', `/v2/${repo}/manifests/${image.digest}`);
  expect(res.status).toBe(200);
  expect(res.body.equals(image.manifest)).toBe(true);
  for (const bytes of image.blobs.values()) await expectBlobServed(reg, repo, bytes);
}

for (const store of STORES) {
  describe(`gc with a one-hour grace period [${store}]`, () => {
    let clock: ManualClock;
    const registry = useTestRegistry(() => {
      clock = new ManualClock();
      return { store, clock, config: { gc: { blobGraceSeconds: 3600, uploadTtlSeconds: 24 * 3600 } } };
    });

    it('an unreferenced blob survives inside the grace period and goes after it (bytes gone, HEAD 404)', async () => {
      const reg = registry();
      const bytes = randomBytes(5000);
      const digest = await pushBlob(reg, 'gc/loose', bytes);

      clock.advance(59 * MINUTE);
      expect(await reg.gc.run()).toMatchObject({ blobsDeleted: 0, linksRemoved: 0 });
      await expectBlobServed(reg, 'gc/loose', bytes);

      clock.advance(2 * MINUTE);
      expect(await reg.gc.run()).toMatchObject({ linksRemoved: 1, blobsDeleted: 1, bytesFreed: 5000 });
      expect((await reg.request('HEAD', `/v2/gc/loose/blobs/${digest}`)).status).toBe(404);
      expectOciError(await reg.request('GET', `/v2/gc/loose/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
      expect(existsSync(blobFile(reg, digest))).toBe(false);

      // It can be pushed again and is whole.
      expect(await pushBlob(reg, 'gc/loose', bytes)).toBe(digest);
      await expectBlobServed(reg, 'gc/loose', bytes);
    });

    it('blobs a manifest references stay however old; after the manifest is deleted they go', async () => {
      const reg = registry();
      const image = buildImage({ layers: 3 });
      expect((await pushBuiltImage(reg, 'gc/kept', image, 'v1')).status).toBe(201);
      clock.advance(48 * HOUR);
      expect(await reg.gc.run()).toMatchObject({ blobsDeleted: 0 });
      await expectImageWhole(reg, 'gc/kept', image);

      expect((await reg.request('DELETE', `/v2/gc/kept/manifests/${image.digest}`)).status).toBe(202);
      clock.advance(2 * HOUR);
      expect(await reg.gc.run()).toMatchObject({ blobsDeleted: 4 });
      for (const digest of image.blobs.keys()) {
        expect((await reg.request('HEAD', `/v2/gc/kept/blobs/${digest}`)).status).toBe(404);
        expect(existsSync(blobFile(reg, digest))).toBe(false);
      }
    });

    it('a blob shared by two repositories stays while one of them still links it', async () => {
      const reg = registry();
      const bytes = randomBytes(3000);
      const digest = await pushBlob(reg, 'gc/first', bytes);
      clock.advance(50 * MINUTE);
      const mount = await reg.request('POST', `/v2/gc/second/blobs/uploads/?mount=${digest}&from=gc/first`);
      expect(mount.status).toBe(201);

      clock.advance(20 * MINUTE); // the first link is 70 minutes old, the second 20
      expect(await reg.gc.run()).toMatchObject({ linksRemoved: 1, blobsDeleted: 0 });
      expect((await reg.request('HEAD', `/v2/gc/first/blobs/${digest}`)).status).toBe(404);
      await expectBlobServed(reg, 'gc/second', bytes);

      clock.advance(50 * MINUTE);
      expect(await reg.gc.run()).toMatchObject({ linksRemoved: 1, blobsDeleted: 1 });
      expect((await reg.request('HEAD', `/v2/gc/second/blobs/${digest}`)).status).toBe(404);
      expect(existsSync(blobFile(reg, digest))).toBe(false);
    });

    it('a blob deleted from one repository stays while a manifest of another references it', async () => {
      const reg = registry();
      const image = buildImage();
      await pushBuiltImage(reg, 'gc/user', image, 'v1');
      const layer = image.layers[0]!;
      await pushBlob(reg, 'gc/dropper', layer);
      expect((await reg.request('DELETE', `/v2/gc/dropper/blobs/${sha256(layer)}`)).status).toBe(202);

      clock.advance(5 * HOUR);
      await reg.gc.run();
      expect((await reg.request('HEAD', `/v2/gc/dropper/blobs/${sha256(layer)}`)).status).toBe(404);
      await expectImageWhole(reg, 'gc/user', image);

      expect((await reg.request('DELETE', `/v2/gc/user/manifests/${image.digest}`)).status).toBe(202);
      clock.advance(2 * HOUR);
      await reg.gc.run();
      expect(existsSync(blobFile(reg, sha256(layer)))).toBe(false);
    });

    it('abandoned uploads are purged after the TTL; an upload still being written is not', async () => {
      const reg = registry();
      const start = (await reg.request('POST', '/v2/gc/uploads/blobs/uploads/')).headers.location as string;
      expect((await reg.request('PATCH', start, { body: randomBytes(1000) })).status).toBe(202);
      const active = (await reg.request('POST', '/v2/gc/uploads/blobs/uploads/')).headers.location as string;
      expect(await uploadFiles(reg)).toHaveLength(2);

      clock.advance(23 * HOUR);
      expect(await reg.gc.run()).toMatchObject({ uploadsPurged: 0 });
      expect((await reg.request('GET', start)).headers.range).toBe('0-999');
      // The active upload gets another chunk: its idle time starts again.
      expect((await reg.request('PATCH', active, { body: randomBytes(10) })).status).toBe(202);

      clock.advance(2 * HOUR);
      expect(await reg.gc.run()).toMatchObject({ uploadsPurged: 1 });
      expectOciError(await reg.request('GET', start), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await reg.request('PATCH', start, { body: randomBytes(10) }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expect(await uploadFiles(reg)).toHaveLength(1);
      const status = await reg.request('GET', active);
      expect(status.status).toBe(204);
      expect(status.headers.range).toBe('0-9');

      clock.advance(25 * HOUR);
      expect(await reg.gc.run()).toMatchObject({ uploadsPurged: 1 });
      expect(await uploadFiles(reg)).toHaveLength(0);
      expectOciError(await reg.request('GET', active), 404, 'BLOB_UPLOAD_UNKNOWN');
    });
  });

  describe(`gc with no grace period, racing pushes [${store}]`, () => {
    let clock: ManualClock;
    const registry = useTestRegistry(() => {
      clock = new ManualClock();
      return { store, clock, config: { gc: { blobGraceSeconds: 0 } } };
    });

    it('GC between the blob uploads and the manifest PUT: the PUT fails with MANIFEST_BLOB_UNKNOWN, a retry succeeds whole', async () => {
      const reg = registry();
      const image = buildImage({ layers: 2 });
      for (const bytes of image.blobs.values()) await pushBlob(reg, 'race/seq', bytes);
      clock.advance(1000);
      expect(await reg.gc.run()).toMatchObject({ blobsDeleted: 3 });

      expectOciError(await putManifest(reg, 'race/seq', 'v1', image.manifest, OCI_MANIFEST), 400, 'MANIFEST_BLOB_UNKNOWN');
      expectOciError(await reg.request('GET', '/v2/race/seq/manifests/v1'), 404, 'MANIFEST_UNKNOWN');

      expect((await pushBuiltImage(reg, 'race/seq', image, 'v1')).status).toBe(201);
      await expectImageWhole(reg, 'race/seq', image);
      clock.advance(1000);
      await reg.gc.run();
      await expectImageWhole(reg, 'race/seq', image);
    });

    it('GC running while manifests are pushed: each PUT succeeds whole or fails with MANIFEST_BLOB_UNKNOWN, never half', async () => {
      const reg = registry();
      const outcomes = { created: 0, refused: 0 };
      const created: Array<[string, BuiltImage]> = [];
      const rounds = 24;
      for (let round = 0; round < rounds; round++) {
        const repo = `race/r${round % 3}`;
        const image = buildImage({ layers: 1 + (round % 3) });
        for (const bytes of image.blobs.values()) await pushBlob(reg, repo, bytes);
        clock.advance(1000); // every link is now older than the (zero) grace period
        // Stagger the two by 0-11 ms so that either may start first and they overlap in between.
        const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const put = putManifest(reg, repo, image.digest, image.manifest, OCI_MANIFEST);
        const gc = delay(round % 12).then(() => reg.gc.run());
        const [res] = await Promise.all([put, gc]);
        if (res.status === 201) {
          outcomes.created += 1;
          created.push([repo, image]);
          await expectImageWhole(reg, repo, image);
        } else {
          outcomes.refused += 1;
          expectOciError(res, 400, 'MANIFEST_BLOB_UNKNOWN');
          expectOciError(await reg.request('GET', `/v2/${repo}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
        }
      }
      expect(outcomes.created + outcomes.refused).toBe(rounds);
      // Whatever was accepted stays whole through later collections.
      clock.advance(HOUR);
      await reg.gc.run();
      for (const [repo, image] of created) await expectImageWhole(reg, repo, image);
    });
  });
}
