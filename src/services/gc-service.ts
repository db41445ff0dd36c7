import type { Clock } from '../domain/clock.js';
import type { BlobStore } from '../storage/blob/blob-store.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';

export interface GcOptions {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  /** Unreferenced blobs and links younger than this are kept: it covers pushes in flight. */
  readonly blobGraceMs: number;
  /** Uploads idle for longer than this are abandoned. */
  readonly uploadTtlMs: number;
}

export interface GcReport {
  readonly linksRemoved: number;
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
  readonly uploadsPurged: number;
}

const BATCH = 100;

/**
 * Online garbage collection, safe while pushes run: no read-only window. Mark is a query (what
 * manifests and links reference); sweep deletes only rows older than the grace period, re-checked
 * by the deleting statement, and deletes bytes inside the transaction that removes their row.
 */
export class GcService {
  constructor(private readonly options: GcOptions) {}

  async run(): Promise<GcReport> {
    const now = this.options.clock.now().getTime();
    const blobCutoff = new Date(now - this.options.blobGraceMs);
    const linksRemoved = await this.options.metadata.write((tx) => tx.blobs.deleteStaleLinks(blobCutoff));
    const { blobsDeleted, bytesFreed } = await this.#sweepBlobs(blobCutoff);
    const uploadsPurged = await this.#purgeUploads(new Date(now - this.options.uploadTtlMs));
    return { linksRemoved, blobsDeleted, bytesFreed, uploadsPurged };
  }

  async #sweepBlobs(cutoff: Date): Promise<{ blobsDeleted: number; bytesFreed: number }> {
    let blobsDeleted = 0;
    let bytesFreed = 0;
    const skipped = new Set<string>();
    for (;;) {
      const candidates = (await this.options.metadata.read((tx) => tx.blobs.listUnreferenced(cutoff, BATCH + skipped.size))).filter(
        (d) => !skipped.has(d),
      );
      if (candidates.length === 0) break;
      for (const digest of candidates) {
        const size = (await this.options.blobs.stat(digest))?.size ?? 0;
        const deleted = await this.options.metadata.write(async (tx) => {
          if (!(await tx.blobs.deleteIfUnreferenced(digest, cutoff))) return false;
          await this.options.blobs.delete(digest);
          return true;
        });
        if (deleted) {
          blobsDeleted += 1;
          bytesFreed += size;
        } else {
          skipped.add(digest);
        }
      }
    }
    return { blobsDeleted, bytesFreed };
  }

  async #purgeUploads(cutoff: Date): Promise<number> {
    let purged = 0;
    for (;;) {
      const stale = await this.options.metadata.read((tx) => tx.uploads.listStale(cutoff, BATCH));
      if (stale.length === 0) break;
      for (const upload of stale) {
        await this.options.metadata.write((tx) => tx.uploads.delete(upload.id));
        await this.options.blobs.abortUpload(upload.storeKey);
        purged += 1;
      }
    }
    // Upload files with no row: a crash between creating the file and recording the upload.
    for await (const file of this.options.blobs.listUploads()) {
      if (file.modifiedAt >= cutoff) continue;
      if (!(await this.options.metadata.read((tx) => tx.uploads.hasStoreKey(file.key)))) {
        await this.options.blobs.abortUpload(file.key);
        purged += 1;
      }
    }
    return purged;
  }
}
