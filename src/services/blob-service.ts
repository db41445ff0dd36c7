import type { Readable } from 'node:stream';
import type { Clock } from '../domain/clock.js';
import type { Digest } from '../domain/digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { BlobStore, ByteRange } from '../storage/blob/blob-store.js';
import type { BlobRecord, MetadataStore, Repository } from '../storage/metadata/metadata-store.js';

/** Reading, mounting and unlinking committed blobs; a blob is visible in a repository only through its link. */
export class BlobService {
  constructor(private readonly options: { metadata: MetadataStore; blobs: BlobStore; clock: Clock }) {}

  /** The blob's size if it is linked to the repository, else BLOB_UNKNOWN. */
  async stat(repository: Repository, digest: Digest): Promise<BlobRecord> {
    const blob = await this.options.metadata.read((tx) => tx.blobs.getLinked(repository.id, digest));
    if (!blob) throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} unknown to repository ${repository.name}`, { detail: { digest } });
    return blob;
  }

  /** Of `digests`, the blobs linked to the repository, in one read (ECR's BatchCheckLayerAvailability). */
  async findLinked(repository: Repository, digests: readonly Digest[]): Promise<Map<Digest, BlobRecord>> {
    return this.options.metadata.read(async (tx) => {
      const found = new Map<Digest, BlobRecord>();
      for (const digest of new Set(digests)) {
        const blob = await tx.blobs.getLinked(repository.id, digest);
        if (blob) found.set(digest, blob);
      }
      return found;
    });
  }

  /** Whether a manifest of the repository uses the blob (ECR serves only layers that belong to an image). */
  async isReferenced(repository: Repository, digest: Digest): Promise<boolean> {
    return this.options.metadata.read((tx) => tx.blobs.isReferencedInRepository(repository.id, digest));
  }

  async open(digest: Digest, range?: ByteRange): Promise<Readable> {
    return this.options.blobs.open(digest, range);
  }

  /**
   * Links a blob of `source` into `target` without moving bytes. Returns false when the source
   * does not hold the blob, so the caller falls back to an ordinary upload as the spec says.
   */
  async mount(target: Repository, source: Repository, digest: Digest): Promise<BlobRecord | undefined> {
    return this.options.metadata.write(async (tx) => {
      const blob = await tx.blobs.getLinked(source.id, digest);
      if (!blob) return undefined;
      await tx.blobs.link(target.id, digest, this.options.clock.now());
      return blob;
    });
  }

  /** Removes the blob from the repository; its bytes go when GC finds nothing else uses them. */
  async unlink(repository: Repository, digest: Digest): Promise<void> {
    await this.options.metadata.write(async (tx) => {
      if (await tx.blobs.isReferencedInRepository(repository.id, digest)) {
        throw new RegistryError('BLOB_REFERENCED', `blob ${digest} is used by a manifest in ${repository.name}; delete the manifest first`);
      }
      if (!(await tx.blobs.unlink(repository.id, digest))) {
        throw new RegistryError('BLOB_UNKNOWN', `blob ${digest} unknown to repository ${repository.name}`, { detail: { digest } });
      }
    });
  }
}
