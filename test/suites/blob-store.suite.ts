import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../src/domain/digest.js';
import type { ErrorCode } from '../../src/errors/catalogue.js';
import type { BlobStore } from '../../src/storage/blob/blob-store.js';

export interface BlobStoreHarness {
  readonly store: BlobStore;
  /** Releases whatever the factory made (temp dir, bucket prefix); runs after the leak check. */
  cleanup(): Promise<void>;
}

const MiB = 1024 * 1024;

/**
 * The contract every BlobStore passes, in the spirit of distribution's storage driver suite.
 * `factory` gives each test a fresh, empty store. Each test removes what it made, and a leak check
 * after each test asserts that the store is empty again.
 */
export function describeBlobStore(name: string, factory: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore: ${name}`, () => {
    let harness: BlobStoreHarness;
    let store: BlobStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async (ctx) => {
      try {
        // A failed test leaves things behind by design; reporting them too would only be noise.
        if (ctx.task.result?.state !== 'fail') {
          expect(await collect(store.list()), 'blobs left behind').toEqual([]);
          expect(await collect(store.listUploads()), 'uploads left behind').toEqual([]);
        }
      } finally {
        await harness.cleanup();
      }
    });

    /** Uploads and commits `data`; returns its digest. */
    async function put(data: Buffer): Promise<Digest> {
      const key = await store.startUpload();
      await store.append(key, 0, Readable.from([data]));
      const digest = sha256(data);
      await store.commit(key, digest);
      return digest;
    }

    describe('uploads', () => {
      it('starts empty uploads under distinct keys', async () => {
        const keys = await Promise.all([store.startUpload(), store.startUpload(), store.startUpload()]);
        expect(new Set(keys).size).toBe(3);
        for (const key of keys) expect(await store.uploadSize(key)).toBe(0);
        expectBytes(await readAll(await store.readUpload(keys[0]!)), Buffer.alloc(0));
        for (const key of keys) await store.abortUpload(key);
      });

      it('appends across separate calls and reports the size after each', async () => {
        const parts = [randomBytes(1000), randomBytes(1), randomBytes(70_000)];
        const key = await store.startUpload();
        let offset = 0;
        for (const part of parts) {
          const size = await store.append(key, offset, Readable.from([part]));
          expect(size).toBe(offset + part.length);
          expect(await store.uploadSize(key)).toBe(size);
          offset = size;
        }
        expectBytes(await readAll(await store.readUpload(key)), Buffer.concat(parts));
        await store.abortUpload(key);
      });

      it('appends a body that arrives in many small chunks', async () => {
        const chunks = Array.from({ length: 500 }, (_, i) => randomBytes((i % 7) + 1));
        const data = Buffer.concat(chunks);
        const key = await store.startUpload();
        expect(await store.append(key, 0, Readable.from(chunks))).toBe(data.length);
        await store.commit(key, sha256(data));
        expectBytes(await readAll(await store.open(sha256(data))), data);
        await store.delete(sha256(data));
      });

      it('accepts an empty chunk without changing the upload', async () => {
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([Buffer.from('abc')]));
        expect(await store.append(key, 3, Readable.from([]))).toBe(3);
        expectBytes(await readAll(await store.readUpload(key)), Buffer.from('abc'));
        await store.abortUpload(key);
      });

      it('refuses a chunk that does not start at the end of the upload, keeping the bytes', async () => {
        const data = randomBytes(10);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        await expectCode(store.append(key, 0, Readable.from([randomBytes(5)])), 'UPLOAD_OUT_OF_ORDER');
        await expectCode(store.append(key, 9, Readable.from([randomBytes(5)])), 'UPLOAD_OUT_OF_ORDER');
        await expectCode(store.append(key, 11, Readable.from([randomBytes(5)])), 'UPLOAD_OUT_OF_ORDER');
        expect(await store.uploadSize(key)).toBe(10);
        expectBytes(await readAll(await store.readUpload(key)), data);
        await store.abortUpload(key);
      });

      it('keeps a prefix when the body fails mid-stream (client went away), and resumes from it', async () => {
        const data = randomBytes(8 * MiB);
        const key = await store.startUpload();
        async function* body(): AsyncGenerator<Buffer> {
          for (let at = 0; at < data.length; at += 256 * 1024) {
            if (at === 2 * MiB + 512 * 1024) throw new Error('connection reset');
            yield data.subarray(at, at + 256 * 1024);
          }
        }
        await expect(store.append(key, 0, Readable.from(body()))).rejects.toThrow('connection reset');
        const kept = await expectPrefix(key, data);
        expect(kept).toBeLessThanOrEqual(2 * MiB + 512 * 1024);

        expect(await store.append(key, kept, Readable.from([data.subarray(kept)]))).toBe(data.length);
        await store.commit(key, sha256(data));
        expectBytes(await readAll(await store.open(sha256(data))), data);
        await store.delete(sha256(data));
      });

      it('reads back ranges of an upload', async () => {
        const data = randomBytes(300);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        expectBytes(await readAll(await store.readUpload(key, { start: 0, end: 0 })), data.subarray(0, 1));
        expectBytes(await readAll(await store.readUpload(key, { start: 100, end: 299 })), data.subarray(100));
        await expectCode(store.readUpload(key, { start: 100, end: 300 }), 'RANGE_NOT_SATISFIABLE');
        await store.abortUpload(key);
      });

      it('aborts idempotently, after which the key is unknown', async () => {
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([randomBytes(100)]));
        await store.abortUpload(key);
        await store.abortUpload(key);
        await expectUnknownUpload(key);
      });

      it('answers BLOB_UPLOAD_UNKNOWN for keys it never issued', async () => {
        for (const key of ['', 'nope', '../blobs', '00000000-0000-4000-8000-000000000000']) {
          await expectUnknownUpload(key);
        }
      });
    });

    describe('commit', () => {
      it('publishes the bytes under the digest and removes the upload', async () => {
        const data = randomBytes(4096);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        await store.commit(key, sha256(data));
        await expectUnknownUpload(key);
        const info = await store.stat(sha256(data));
        expect(info?.digest).toBe(sha256(data));
        expect(info?.size).toBe(data.length);
        expect(Number.isNaN(info?.modifiedAt.getTime())).toBe(false);
        expectBytes(await readAll(await store.open(sha256(data))), data);
        await store.delete(sha256(data));
      });

      it('stores an empty blob', async () => {
        const digest = await put(Buffer.alloc(0));
        expect((await store.stat(digest))?.size).toBe(0);
        expectBytes(await readAll(await store.open(digest)), Buffer.alloc(0));
        await store.delete(digest);
      });

      it('stores sha512 blobs alongside sha256 ones', async () => {
        const data = randomBytes(100);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        const digest = `sha512:${createHash('sha512').update(data).digest('hex')}` as Digest;
        await store.commit(key, digest);
        const other = await put(data);
        expectBytes(await readAll(await store.open(digest)), data);
        expect((await collect(store.list())).map((b) => b.digest).sort()).toEqual([digest, other].sort());
        await store.delete(digest);
        await store.delete(other);
      });

      it('makes nothing readable by digest before commit', async () => {
        const data = randomBytes(2048);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        expect(await store.stat(sha256(data))).toBeUndefined();
        await expectCode(store.open(sha256(data)), 'BLOB_UNKNOWN');
        expect(await collect(store.list())).toEqual([]);
        await store.abortUpload(key);
        expect(await store.stat(sha256(data))).toBeUndefined();
      });

      it('succeeds when the blob already exists, discarding the second upload', async () => {
        const data = randomBytes(1000);
        const digest = await put(data);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        await store.commit(key, digest);
        await expectUnknownUpload(key);
        expectBytes(await readAll(await store.open(digest)), data);
        expect((await collect(store.list())).map((b) => b.digest)).toEqual([digest]);
        await store.delete(digest);
      });

      it('succeeds when a commit is retried with the same key', async () => {
        const data = randomBytes(1000);
        const key = await store.startUpload();
        await store.append(key, 0, Readable.from([data]));
        await store.commit(key, sha256(data));
        await store.commit(key, sha256(data));
        expectBytes(await readAll(await store.open(sha256(data))), data);
        await store.delete(sha256(data));
      });

      it('lets concurrent commits of one digest from different uploads all succeed', async () => {
        const data = randomBytes(MiB);
        const keys = await Promise.all(Array.from({ length: 4 }, () => store.startUpload()));
        await Promise.all(keys.map((key) => store.append(key, 0, Readable.from([data]))));
        await Promise.all(keys.map((key) => store.commit(key, sha256(data))));
        for (const key of keys) await expectUnknownUpload(key);
        expectBytes(await readAll(await store.open(sha256(data))), data);
        expect(await collect(store.listUploads())).toEqual([]);
        await store.delete(sha256(data));
      });

      it('refuses to commit an unknown upload', async () => {
        const key = await store.startUpload();
        await store.abortUpload(key);
        await expectCode(store.commit(key, sha256(Buffer.from('x'))), 'BLOB_UPLOAD_UNKNOWN');
        expect(await store.stat(sha256(Buffer.from('x')))).toBeUndefined();
      });
    });

    describe('reads', () => {
      it('serves ranges: first byte, last byte, middle, whole', async () => {
        const data = randomBytes(1000);
        const digest = await put(data);
        const read = async (start: number, end: number) => readAll(await store.open(digest, { start, end }));
        expectBytes(await read(0, 0), data.subarray(0, 1));
        expectBytes(await read(999, 999), data.subarray(999));
        expectBytes(await read(100, 199), data.subarray(100, 200));
        expectBytes(await read(0, 999), data);
        await store.delete(digest);
      });

      it('refuses ranges outside the blob', async () => {
        const digest = await put(randomBytes(1000));
        for (const range of [
          { start: 1000, end: 1000 },
          { start: 500, end: 1000 },
          { start: 5, end: 4 },
          { start: -1, end: 3 },
        ]) {
          await expectCode(store.open(digest, range), 'RANGE_NOT_SATISFIABLE');
        }
        await store.delete(digest);
        const empty = await put(Buffer.alloc(0));
        await expectCode(store.open(empty, { start: 0, end: 0 }), 'RANGE_NOT_SATISFIABLE');
        await store.delete(empty);
      });

      it('serves concurrent readers of one blob', async () => {
        const data = randomBytes(2 * MiB);
        const digest = await put(data);
        const reads = await Promise.all(Array.from({ length: 5 }, async () => readAll(await store.open(digest))));
        for (const bytes of reads) expectBytes(bytes, data);
        await store.delete(digest);
      });

      it('answers missing digests: stat undefined, open BLOB_UNKNOWN, delete a no-op', async () => {
        const digest = sha256(randomBytes(16));
        expect(await store.stat(digest)).toBeUndefined();
        await expectCode(store.open(digest), 'BLOB_UNKNOWN');
        await expectCode(store.open(digest, { start: 0, end: 0 }), 'BLOB_UNKNOWN');
        await store.delete(digest);
      });
    });

    describe('streams', () => {
      it('round-trips a 64 MiB stream with bounded chunks', async () => {
        const size = 64 * MiB;
        const hash = createHash('sha256');
        let tail = Buffer.alloc(0);
        async function* body(): AsyncGenerator<Buffer> {
          for (let at = 0; at < size; at += MiB) {
            const chunk = randomBytes(MiB);
            hash.update(chunk);
            tail = chunk;
            yield chunk;
          }
        }
        const key = await store.startUpload();
        expect(await store.append(key, 0, Readable.from(body()))).toBe(size);
        const digest = `sha256:${hash.digest('hex')}` as Digest;
        await store.commit(key, digest);
        expect((await store.stat(digest))?.size).toBe(size);
        expect(await hashStream(await store.open(digest))).toBe(digest);
        expectBytes(await readAll(await store.open(digest, { start: size - 10, end: size - 1 })), tail.subarray(-10));
        await store.delete(digest);
      });

      it('handles concurrent uploads, each in several chunks', async () => {
        const blobs = Array.from({ length: 8 }, (_, i) => randomBytes((i + 1) * 256 * 1024 + i));
        const digests = await Promise.all(
          blobs.map(async (data) => {
            const key = await store.startUpload();
            const half = Math.floor(data.length / 2);
            await store.append(key, 0, Readable.from([data.subarray(0, half)]));
            await store.append(key, half, Readable.from([data.subarray(half)]));
            await store.commit(key, sha256(data));
            return sha256(data);
          }),
        );
        const reads = await Promise.all(digests.map(async (digest) => readAll(await store.open(digest))));
        reads.forEach((bytes, i) => expectBytes(bytes, blobs[i]!));
        await Promise.all(digests.map((digest) => store.delete(digest)));
      });
    });

    describe('delete and listing', () => {
      it('deletes idempotently', async () => {
        const digest = await put(randomBytes(10));
        await store.delete(digest);
        await store.delete(digest);
        expect(await store.stat(digest)).toBeUndefined();
        await expectCode(store.open(digest), 'BLOB_UNKNOWN');
      });

      it('lists every committed blob and every upload in progress, with sizes', async () => {
        const blobs = [randomBytes(1), randomBytes(200), randomBytes(3000)];
        const digests = await Promise.all(blobs.map(put));
        const keys = [await store.startUpload(), await store.startUpload()];
        await store.append(keys[1]!, 0, Readable.from([randomBytes(77)]));

        const listed = await collect(store.list());
        expect(listed.map(({ digest, size }) => ({ digest, size })).sort(byDigest)).toEqual(
          blobs.map((data, i) => ({ digest: digests[i]!, size: data.length })).sort(byDigest),
        );
        for (const blob of listed) expect(blob.modifiedAt).toBeInstanceOf(Date);
        const uploads = await collect(store.listUploads());
        expect(uploads.map(({ key, size }) => ({ key, size })).sort(byKey)).toEqual(
          [
            { key: keys[0]!, size: 0 },
            { key: keys[1]!, size: 77 },
          ].sort(byKey),
        );

        for (const digest of digests) await store.delete(digest);
        for (const key of keys) await store.abortUpload(key);
      });
    });

    /** Asserts the upload holds a prefix of `data` and returns its length. */
    async function expectPrefix(key: string, data: Buffer): Promise<number> {
      const size = await store.uploadSize(key);
      expect(size).toBeLessThanOrEqual(data.length);
      expectBytes(await readAll(await store.readUpload(key)), data.subarray(0, size));
      return size;
    }

    async function expectUnknownUpload(key: string): Promise<void> {
      await expectCode(store.uploadSize(key), 'BLOB_UPLOAD_UNKNOWN');
      await expectCode(store.readUpload(key), 'BLOB_UPLOAD_UNKNOWN');
      await expectCode(store.append(key, 0, Readable.from([Buffer.from('x')])), 'BLOB_UPLOAD_UNKNOWN');
    }
  });
}

export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'RegistryError', code });
}

/** Byte equality; toEqual compares Buffers element by element, which takes minutes on MiBs. */
export function expectBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length, 'byte count').toBe(expected.length);
  expect(actual.equals(expected), 'bytes differ').toBe(true);
}

function sha256(data: Buffer): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function hashStream(stream: Readable): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}` as Digest;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const byDigest = (a: { digest: string }, b: { digest: string }) => a.digest.localeCompare(b.digest);
const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
