import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { Digest } from '../../src/domain/digest.js';
import { FsBlobStore } from '../../src/storage/blob/fs-blob-store.js';
import { describeBlobStore, expectBytes, expectCode } from '../suites/blob-store.suite.js';

describeBlobStore('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
  return { store: new FsBlobStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('FsBlobStore on disk', () => {
  let root: string;
  let clock: ManualClock;
  let store: FsBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'wharf-blobs-'));
    clock = new ManualClock(new Date('2026-03-01T00:00:00Z'));
    store = new FsBlobStore(root, clock);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const data = randomBytes(5000);
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest;
  const blobFile = () => join(root, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));

  async function upload(): Promise<string> {
    const key = await store.startUpload();
    await store.append(key, 0, Readable.from([data]));
    return key;
  }

  it('writes nothing under blobs/ until commit, then exactly the blob file', async () => {
    const key = await upload();
    expect(await files(join(root, 'blobs'))).toEqual([]);
    expect(await files(join(root, 'uploads'))).toEqual([key]);
    await store.commit(key, digest);
    expect(await files(join(root, 'blobs'))).toEqual([`sha256/${digest.slice(7, 9)}/${digest.slice(7)}`]);
    expect(await files(join(root, 'uploads'))).toEqual([]);
  });

  it('commits a file readable only by the owner, holding the bytes', async () => {
    await store.commit(await upload(), digest);
    expect((await stat(blobFile())).mode & 0o777).toBe(0o600);
    expectBytes(await readFile(blobFile()), data);
  });

  it('stamps commits with the clock, and a re-commit of an existing blob refreshes the stamp', async () => {
    await store.commit(await upload(), digest);
    expect((await store.stat(digest))?.modifiedAt).toEqual(clock.now());
    clock.advance(86_400_000);
    await store.commit(await upload(), digest);
    expect((await store.stat(digest))?.modifiedAt).toEqual(clock.now());
  });

  it('rejects keys that could escape the uploads directory', async () => {
    const key = await upload();
    await mkdir(join(root, 'outside'));
    await writeFile(join(root, 'outside', 'victim'), 'keep');
    for (const bad of ['../outside/victim', `${key}/../../outside/victim`, `../uploads/${key}`, key.toUpperCase()]) {
      await expectCode(store.uploadSize(bad), 'BLOB_UPLOAD_UNKNOWN');
      await expectCode(store.readUpload(bad), 'BLOB_UPLOAD_UNKNOWN');
      await expectCode(store.append(bad, 0, Readable.from([Buffer.from('x')])), 'BLOB_UPLOAD_UNKNOWN');
      await expectCode(store.commit(bad, digest), 'BLOB_UPLOAD_UNKNOWN');
      await expectCode(store.abortUpload(bad), 'BLOB_UPLOAD_UNKNOWN');
    }
    expect(await readFile(join(root, 'outside', 'victim'), 'utf8')).toBe('keep');
    expect(await store.uploadSize(key)).toBe(data.length);
  });

  it('lists only well-formed digest paths and upload keys', async () => {
    await store.commit(await upload(), digest);
    const encoded = digest.slice(7);
    for (const junk of [
      `blobs/sha256/${encoded.slice(0, 2)}/${encoded}.tmp`,
      `blobs/sha256/zz/${encoded}`,
      `blobs/md5/${encoded.slice(0, 2)}/${encoded}`,
      `blobs/sha256/${encoded.slice(0, 2)}/${encoded.slice(0, 63)}`,
      'blobs/stray',
      'uploads/not-a-key',
    ]) {
      await mkdir(join(root, junk, '..'), { recursive: true });
      await writeFile(join(root, junk), 'junk');
    }
    expect((await collect(store.list())).map((b) => b.digest)).toEqual([digest]);
    expect(await collect(store.listUploads())).toEqual([]);
  });
});

/** Files under `dir`, relative, sorted; none if it does not exist. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
