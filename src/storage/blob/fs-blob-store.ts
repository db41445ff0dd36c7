import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '../../domain/clock.js';
import { digestAlgorithm, digestEncoded, parseDigest, type Digest } from '../../domain/digest.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { BlobInfo, BlobStore, ByteRange, UploadInfo } from './blob-store.js';

// The shape randomUUID() produces. Anything else is refused before it reaches a path.
const UPLOAD_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** Bytes gathered before one write: large enough to amortise the syscall, small enough to stay flat. */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Read size for blob GETs (Node's default is 64 KiB): fewer thread-pool round trips per GiB served. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * BlobStore on a local filesystem.
 *
 *   <root>/uploads/<key>                              in-progress uploads (key = random UUID)
 *   <root>/blobs/<algorithm>/<first 2 hex>/<encoded>  committed blobs
 *
 * Commit is fsync + rename + fsync of the directory, so the rename is the publish step and a blob
 * whose commit resolved survives a crash. Uploads are fsynced only at commit: a process crash loses
 * nothing, but a power loss may cut (or, on some filesystems, zero) the tail of recent appends.
 * Operations on one upload must not overlap (the upload service serialises them through the
 * upload row); operations on different uploads and on blobs may run concurrently.
 */
export class FsBlobStore implements BlobStore {
  readonly #uploads: string;
  readonly #blobs: string;
  readonly #clock: Clock;

  /** `clock` stamps committed blobs, so the GC grace period is measured on the clock GC uses. */
  constructor(root: string, clock: Clock = systemClock) {
    this.#uploads = resolve(root, 'uploads');
    this.#blobs = resolve(root, 'blobs');
    this.#clock = clock;
  }

  async startUpload(): Promise<string> {
    const key = randomUUID();
    const create = async (): Promise<void> => (await open(this.#uploadPath(key), 'wx', FILE_MODE)).close();
    // The directory exists after the first upload: make it only when the file cannot be created.
    await create().catch(async (err: unknown) => {
      if (!isNotFound(err)) throw err;
      await mkdir(this.#uploads, { recursive: true, mode: DIR_MODE });
      await create();
    });
    return key;
  }

  async append(key: string, offset: number, body: AsyncIterable<Uint8Array>): Promise<number> {
    // 'r+' rather than 'a': Linux ignores the position for files opened in append mode.
    const file = await this.#openUpload(key, 'r+');
    try {
      const size = (await file.stat()).size;
      if (size !== offset) {
        throw new RegistryError('UPLOAD_OUT_OF_ORDER', `upload holds ${size} bytes; chunk starts at ${offset}`, { detail: { size } });
      }
      // Socket reads arrive as ~64 KiB pieces; writing each one costs a thread-pool round trip
      // and a syscall, which dominated the CPU of a large push. Pieces are gathered into one
      // writev of WRITE_BATCH_BYTES, and the next batch is gathered while that write runs (one
      // write in flight, in order). What is batched but unwritten when the body fails is not
      // stored: the upload holds a prefix of the body, as the seam promises.
      let position = offset;
      let batch: Uint8Array[] = [];
      let batched = 0;
      let writing: Promise<void> = Promise.resolve();
      const flush = async (): Promise<void> => {
        const buffers = batch;
        const at = position;
        position += batched;
        batch = [];
        batched = 0;
        await writing;
        writing = writeFully(file, buffers, at);
        // Observed here so a failure while the next batch is gathered is not an unhandled
        // rejection; it is rethrown where `writing` is awaited.
        writing.catch(() => undefined);
      };
      try {
        for await (const data of body) {
          batch.push(data);
          batched += data.length;
          if (batched >= WRITE_BATCH_BYTES) await flush();
        }
        if (batched > 0) await flush();
        await writing;
      } catch (err) {
        await writing.catch(() => undefined);
        throw err;
      }
      return position;
    } finally {
      await file.close();
    }
  }

  async uploadSize(key: string): Promise<number> {
    try {
      return (await stat(this.#uploadPath(key))).size;
    } catch (err) {
      throw isNotFound(err) ? new RegistryError('BLOB_UPLOAD_UNKNOWN') : err;
    }
  }

  async readUpload(key: string, range?: ByteRange): Promise<Readable> {
    return openRange(await this.#openUpload(key, 'r'), range);
  }

  async commit(key: string, digest: Digest): Promise<void> {
    const source = this.#uploadPath(key);
    const target = this.#blobPath(digest);
    const now = this.#clock.now();
    // Already present (another upload of the same bytes, or a retried commit): refresh its mtime
    // so a GC sweep that is about to judge it unreferenced sees it as new, then drop the upload.
    try {
      await utimes(target, now, now);
      await this.abortUpload(key);
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const file = await this.#openUpload(key, 'r+');
    try {
      await file.utimes(now, now);
      await file.sync();
    } finally {
      await file.close();
    }
    const dir = dirname(target);
    await mkdirDurably(dir);
    // Atomic publish; a concurrent commit of the same digest replaces identical bytes.
    await rename(source, target);
    await syncDir(dir);
  }

  async abortUpload(key: string): Promise<void> {
    await rm(this.#uploadPath(key), { force: true });
  }

  async stat(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const info = await stat(this.#blobPath(digest));
      return { digest, size: info.size, modifiedAt: info.mtime };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async open(digest: Digest, range?: ByteRange): Promise<Readable> {
    let file: FileHandle;
    try {
      file = await open(this.#blobPath(digest), 'r');
    } catch (err) {
      throw isNotFound(err) ? new RegistryError('BLOB_UNKNOWN') : err;
    }
    // Reading through the open handle keeps the bytes readable even if the blob is deleted meanwhile.
    return openRange(file, range);
  }

  async delete(digest: Digest): Promise<void> {
    // Empty fan-out directories stay: removing one could race a commit between mkdir and rename.
    await rm(this.#blobPath(digest), { force: true });
  }

  async *list(): AsyncIterable<BlobInfo> {
    for await (const algorithm of entries(this.#blobs)) {
      if (!algorithm.isDirectory()) continue;
      for await (const prefix of entries(join(this.#blobs, algorithm.name))) {
        if (!prefix.isDirectory()) continue;
        for await (const file of entries(join(this.#blobs, algorithm.name, prefix.name))) {
          const digest = file.isFile() && wellFormedDigest(algorithm.name, prefix.name, file.name);
          if (!digest) continue;
          const info = await this.stat(digest);
          if (info) yield info; // undefined: deleted while listing
        }
      }
    }
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    for await (const entry of entries(this.#uploads)) {
      if (!entry.isFile() || !UPLOAD_KEY.test(entry.name)) continue;
      const info = await stat(join(this.#uploads, entry.name)).catch((err: unknown) => {
        if (isNotFound(err)) return undefined; // aborted or committed while listing
        throw err;
      });
      if (info) yield { key: entry.name, size: info.size, modifiedAt: info.mtime };
    }
  }

  #uploadPath(key: string): string {
    if (!UPLOAD_KEY.test(key)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    return join(this.#uploads, key);
  }

  async #openUpload(key: string, flags: 'r' | 'r+'): Promise<FileHandle> {
    try {
      return await open(this.#uploadPath(key), flags);
    } catch (err) {
      throw isNotFound(err) ? new RegistryError('BLOB_UPLOAD_UNKNOWN') : err;
    }
  }

  #blobPath(digest: Digest): string {
    // Digest is branded, but re-validating keeps anything odd from ever becoming a path.
    parseDigest(digest);
    const encoded = digestEncoded(digest);
    return join(this.#blobs, digestAlgorithm(digest), encoded.slice(0, 2), encoded);
  }
}

/** Streams `range` (inclusive, within the file) of an open file, or all of it; closes the file. */
async function openRange(file: FileHandle, range: ByteRange | undefined): Promise<Readable> {
  if (range) {
    let size: number;
    try {
      size = (await file.stat()).size;
    } catch (err) {
      await file.close();
      throw err;
    }
    const { start, end } = range;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end || end >= size) {
      await file.close();
      throw new RegistryError('RANGE_NOT_SATISFIABLE', undefined, { detail: { size } });
    }
    return file.createReadStream({ start, end, highWaterMark: READ_CHUNK_BYTES });
  }
  return file.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
}

/** Writes all of `buffers` at `position`, continuing after a short write. */
async function writeFully(file: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await file.writev(pending, at);
    at += bytesWritten;
    pending = dropBytes(pending, bytesWritten);
  }
}

/** `buffers` without their first `count` bytes. */
function dropBytes(buffers: Uint8Array[], count: number): Uint8Array[] {
  let skip = count;
  let first = 0;
  while (first < buffers.length && skip >= buffers[first]!.length) skip -= buffers[first++]!.length;
  const rest = buffers.slice(first);
  if (skip > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}

/** Creates `dir` and its missing parents, fsyncing each parent that gained an entry. */
async function mkdirDurably(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: DIR_MODE });
  if (first === undefined) return;
  for (let created = dir; created !== dirname(created); created = dirname(created)) {
    await syncDir(dirname(created));
    if (created === first) return;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Entries of `dir`, streamed; none if it does not exist. */
async function* entries(dir: string): AsyncIterable<Dirent> {
  let handle;
  try {
    handle = await opendir(dir);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  yield* handle;
}

function wellFormedDigest(algorithm: string, prefix: string, encoded: string): Digest | undefined {
  if (!encoded.startsWith(prefix) || prefix.length !== 2) return undefined;
  try {
    return parseDigest(`${algorithm}:${encoded}`);
  } catch {
    return undefined;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
