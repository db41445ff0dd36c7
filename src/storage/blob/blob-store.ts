import type { Readable } from 'node:stream';
import type { Digest } from '../../domain/digest.js';

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface BlobInfo {
  readonly digest: Digest;
  readonly size: number;
  /** When the bytes were committed (file mtime, object last-modified); the GC grace period uses it. */
  readonly modifiedAt: Date;
}

export interface UploadInfo {
  readonly key: string;
  readonly size: number;
  readonly modifiedAt: Date;
}

/**
 * Content-addressed bytes. Implementations store in-progress uploads under an opaque key and
 * committed blobs by digest. Nothing is readable by digest before `commit` returns, and a blob
 * whose `commit` returned survives a process crash. The store does not hash: the upload
 * service verifies the digest while streaming and only then commits.
 */
export interface BlobStore {
  /** Creates an empty upload and returns its key. */
  startUpload(): Promise<string>;
  /**
   * Streams `body` into the upload at `offset` (which must equal the upload's current size) and
   * resolves with the new size. If the body fails, it rejects; the upload then holds some prefix
   * of the body, which `uploadSize` reports.
   */
  append(key: string, offset: number, body: AsyncIterable<Uint8Array>): Promise<number>;
  /** Bytes stored so far in the upload; throws BLOB_UPLOAD_UNKNOWN if there is no such upload. */
  uploadSize(key: string): Promise<number>;
  /** Reads back an upload's bytes, e.g. to rebuild a hash state another process held. */
  readUpload(key: string, range?: ByteRange): Promise<Readable>;
  /** Makes the upload's bytes durable and readable under `digest`; idempotent if the blob exists. */
  commit(key: string, digest: Digest): Promise<void>;
  /** Discards an upload; no error if it is already gone. */
  abortUpload(key: string): Promise<void>;
  stat(digest: Digest): Promise<BlobInfo | undefined>;
  /** Opens the blob (or a range of it); throws BLOB_UNKNOWN if it does not exist. */
  open(digest: Digest, range?: ByteRange): Promise<Readable>;
  /** Removes a blob; no error if it is already gone. */
  delete(digest: Digest): Promise<void>;
  /** Every committed blob, for the GC sweep. */
  list(): AsyncIterable<BlobInfo>;
  /** Every in-progress upload, for purging abandoned ones. */
  listUploads(): AsyncIterable<UploadInfo>;
}
