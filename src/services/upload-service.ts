import { randomUUID, type Hash } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { createDigester, digestAlgorithm, finishDigest, type Digest } from '../domain/digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { BlobStore } from '../storage/blob/blob-store.js';
import type { MetadataStore, Repository, Upload } from '../storage/metadata/metadata-store.js';
import { HashStates } from './hash-states.js';

export interface UploadServiceOptions {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  /** Largest blob accepted; an upload growing past it fails with SIZE_INVALID. */
  readonly maxBlobBytes: number;
}

export interface Chunk {
  readonly body: AsyncIterable<Uint8Array>;
  /** Where the client says the chunk starts (from Content-Range); must equal the upload's offset. */
  readonly start?: number | undefined;
  /** Bytes the client says it sends (Content-Length), checked against what arrived. */
  readonly length?: number | undefined;
}

const LAST_CHUNK_SIZES_CAPACITY = 10_000;

/**
 * Blob uploads: start, append chunks (hashing as they stream), complete with a digest, cancel.
 * Used by the OCI data plane and, later, by ECR's layer-upload actions.
 */
export class UploadService {
  readonly #hashes = new HashStates();
  /** Uploads with a chunk or commit in flight here: the BlobStore needs calls on one upload not to overlap. */
  readonly #busy = new Set<string>();
  /** Size of the last chunk this process appended to each upload (ECR checks its minimum part size against it); bounded, oldest dropped first. */
  readonly #lastChunkSizes = new Map<string, number>();

  constructor(private readonly options: UploadServiceOptions) {}

  async start(repository: Repository): Promise<Upload> {
    const storeKey = await this.options.blobs.startUpload();
    const id = randomUUID();
    const upload = await this.options.metadata.write((tx) => tx.uploads.create({ id, repositoryId: repository.id, storeKey }, this.options.clock.now()));
    // This process now holds the upload's (empty) hash state, so its chunks need no reconciling.
    this.#hashes.put(id, 0, createDigester('sha256'));
    return upload;
  }

  /** The upload, if it exists and belongs to the repository. */
  async get(repository: Repository, id: string): Promise<Upload> {
    const upload = await this.options.metadata.read((tx) => tx.uploads.get(id));
    if (!upload || upload.repositoryId !== repository.id) throw new RegistryError('BLOB_UPLOAD_UNKNOWN');
    return this.#hashes.has(upload.id, upload.offset) ? upload : this.#reconcile(upload);
  }

  /**
   * An upload this process holds no state for (a restart, another node) may have bytes past its
   * recorded offset: a chunk was being written when the writer died. They arrived in order, so
   * the stored prefix is the client's data: adopt its length, so status and the next chunk agree.
   */
  async #reconcile(upload: Upload): Promise<Upload> {
    if (this.#busy.has(upload.id)) return upload;
    const stored = await this.options.blobs.uploadSize(upload.storeKey);
    if (stored === upload.offset) return upload;
    const now = this.options.clock.now();
    await this.options.metadata.write((tx) => tx.uploads.setOffset(upload.id, stored, now));
    return { ...upload, offset: stored, updatedAt: now };
  }

  /** Streams a chunk into the upload; resolves with the new offset. */
  async append(upload: Upload, chunk: Chunk): Promise<number> {
    return this.#exclusive(upload, () => this.#append(upload, chunk));
  }

  async #exclusive<T>(upload: Upload, fn: () => Promise<T>): Promise<T> {
    if (this.#busy.has(upload.id)) throw new RegistryError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload');
    this.#busy.add(upload.id);
    try {
      return await fn();
    } finally {
      this.#busy.delete(upload.id);
    }
  }

  /**
   * `recordOffset: false` is for a final chunk that is committed right after: the row is deleted
   * by the commit, and if the commit fails the stored prefix is adopted on the next access
   * (`#reconcile`), so one write transaction per push is saved.
   */
  async #append(upload: Upload, chunk: Chunk, { recordOffset = true } = {}): Promise<number> {
    if (chunk.start !== undefined && chunk.start !== upload.offset) {
      throw new RegistryError('UPLOAD_OUT_OF_ORDER', `chunk starts at ${chunk.start}; the upload holds ${upload.offset} bytes`, {
        detail: { offset: upload.offset },
      });
    }
    const hash = await this.#hashStateAt(upload);
    let received = 0;
    const maxBytes = this.options.maxBlobBytes - upload.offset;
    // Iterated by hand rather than with for-await: leaving a for-await early destroys the request,
    // and with it the socket the SIZE_INVALID answer has to go out on.
    const source = chunk.body[Symbol.asyncIterator]();
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const next = await source.next();
        if (next.done) return;
        received += next.value.length;
        if (received > maxBytes) throw new RegistryError('SIZE_INVALID', 'blob exceeds the size limit');
        hash.update(next.value);
        yield next.value;
      }
    }
    let offset: number;
    try {
      offset = await this.options.blobs.append(upload.storeKey, upload.offset, hashed());
      if (chunk.length !== undefined && received !== chunk.length) {
        throw new RegistryError('SIZE_INVALID', `received ${received} bytes; Content-Length said ${chunk.length}`);
      }
    } catch (err) {
      // The hash state may be ahead of what was stored: forget it, keep whatever prefix landed.
      this.#hashes.drop(upload.id);
      const stored = await this.options.blobs.uploadSize(upload.storeKey).catch(() => upload.offset);
      await this.options.metadata.write((tx) => tx.uploads.setOffset(upload.id, stored, this.options.clock.now()));
      throw err;
    }
    if (recordOffset) await this.options.metadata.write((tx) => tx.uploads.setOffset(upload.id, offset, this.options.clock.now()));
    this.#hashes.put(upload.id, offset, hash);
    this.#rememberChunkSize(upload.id, received);
    return offset;
  }

  /**
   * The size of the last chunk appended to the upload, if this process appended it and still
   * remembers (another node, a restart or eviction forget it): ECR's layer API refuses a part
   * that follows one smaller than its minimum part size.
   */
  lastChunkSize(uploadId: string): number | undefined {
    return this.#lastChunkSizes.get(uploadId);
  }

  #rememberChunkSize(uploadId: string, size: number): void {
    this.#lastChunkSizes.delete(uploadId);
    this.#lastChunkSizes.set(uploadId, size);
    if (this.#lastChunkSizes.size > LAST_CHUNK_SIZES_CAPACITY) {
      const oldest = this.#lastChunkSizes.keys().next().value;
      if (oldest !== undefined) this.#lastChunkSizes.delete(oldest);
    }
  }

  /**
   * Appends the final chunk (if any), checks the digest and commits. On a digest mismatch the
   * upload is discarded and nothing is stored.
   */
  async complete(repository: Repository, upload: Upload, expected: Digest, finalChunk?: Chunk): Promise<{ digest: Digest; size: number }> {
    return this.#exclusive(upload, async () => {
      const size = finalChunk ? await this.#append(upload, finalChunk, { recordOffset: false }) : upload.offset;
      return this.#commit(repository, { ...upload, offset: size }, expected);
    });
  }

  async #commit(repository: Repository, upload: Upload, expected: Digest): Promise<{ digest: Digest; size: number }> {
    const size = upload.offset;
    const actual = await this.#finalDigest(upload, digestAlgorithm(expected));
    if (actual !== expected) {
      await this.cancel(upload);
      throw new RegistryError('DIGEST_INVALID', `digest ${expected} does not match the uploaded content`, { detail: { expected, actual } });
    }
    const now = this.options.clock.now();
    // Order matters for online GC: the blob row is refreshed before the bytes are published, and
    // the link is made only once they are; a crash in between leaves nothing half-visible.
    await this.options.metadata.write((tx) => tx.blobs.touch(expected, size, now));
    await this.options.blobs.commit(upload.storeKey, expected);
    await this.options.metadata.write(async (tx) => {
      await tx.blobs.link(repository.id, expected, this.options.clock.now());
      await tx.uploads.delete(upload.id);
    });
    this.#hashes.drop(upload.id);
    this.#lastChunkSizes.delete(upload.id);
    return { digest: expected, size };
  }

  async cancel(upload: Upload): Promise<void> {
    this.#hashes.drop(upload.id);
    this.#lastChunkSizes.delete(upload.id);
    await this.options.metadata.write((tx) => tx.uploads.delete(upload.id));
    await this.options.blobs.abortUpload(upload.storeKey);
  }

  async #finalDigest(upload: Upload, algorithm: 'sha256' | 'sha512'): Promise<Digest> {
    if (algorithm === 'sha256') return finishDigest('sha256', await this.#hashStateAt(upload));
    // Chunks are hashed with sha256 as they arrive; the rare sha512 push is hashed at the end.
    return finishDigest(algorithm, await this.#rehash(upload, algorithm));
  }

  async #hashStateAt(upload: Upload): Promise<Hash> {
    return this.#hashes.take(upload.id, upload.offset) ?? this.#rehash(upload, 'sha256');
  }

  async #rehash(upload: Upload, algorithm: 'sha256' | 'sha512'): Promise<Hash> {
    const hash = createDigester(algorithm);
    if (upload.offset === 0) return hash;
    const stored = await this.options.blobs.readUpload(upload.storeKey, { start: 0, end: upload.offset - 1 });
    for await (const data of stored) hash.update(data as Buffer);
    return hash;
  }
}
