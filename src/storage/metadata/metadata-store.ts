import type { Digest } from '../../domain/digest.js';

/**
 * Everything but blob bytes lives here. Work happens inside `read` or `write`; a `write`
 * transaction is serialised against other writers (SQLite: BEGIN IMMEDIATE; PostgreSQL: row
 * locks taken by the statements themselves), so check-then-act inside one `write` is safe.
 */
export interface MetadataStore {
  readonly kind: 'sqlite' | 'postgres';
  read<T>(fn: (tx: MetadataTx) => Promise<T>): Promise<T>;
  write<T>(fn: (tx: MetadataTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface MetadataTx {
  readonly repositories: RepositoryRecords;
  readonly blobs: BlobRecords;
  readonly manifests: ManifestRecords;
  readonly tags: TagRecords;
  readonly uploads: UploadRecords;
}

export interface Repository {
  readonly id: number;
  readonly name: string;
  readonly createdAt: Date;
}

/** A page request: results strictly after `last` in lexical order, at most `limit`. */
export interface PageRequest {
  readonly last?: string | undefined;
  readonly limit: number;
}

export interface RepositoryRecords {
  get(name: string): Promise<Repository | undefined>;
  /** Returns the repository, creating it first if it does not exist. */
  ensure(name: string, now: Date): Promise<Repository>;
  /** Names in lexical (byte) order. */
  listNames(page: PageRequest): Promise<string[]>;
}

export interface BlobRecord {
  readonly digest: Digest;
  readonly size: number;
}

/**
 * Blobs known to the registry (`blobs`) and their links to repositories (`repository_blobs`).
 * Every use of a row bumps its timestamp in the same transaction, and GC deletes only rows whose
 * timestamp is older than its cutoff, re-checked by the deleting statement itself: that makes
 * GC safe against concurrent pushes on PostgreSQL (a waiting DELETE re-evaluates its WHERE on the
 * updated row) as well as on SQLite (one writer).
 */
export interface BlobRecords {
  /** Records (or refreshes) a blob about to be committed to the BlobStore. */
  touch(digest: Digest, size: number, now: Date): Promise<void>;
  get(digest: Digest): Promise<BlobRecord | undefined>;
  /** Links a known blob to a repository (or refreshes the link); also refreshes the blob row. */
  link(repositoryId: number, digest: Digest, now: Date): Promise<void>;
  /** The blob if it is linked to the repository. */
  getLinked(repositoryId: number, digest: Digest): Promise<BlobRecord | undefined>;
  /** Of `digests`, those linked to the repository; refreshes each found link (a manifest is about to use them). */
  useLinked(repositoryId: number, digests: readonly Digest[], now: Date): Promise<Set<Digest>>;
  unlink(repositoryId: number, digest: Digest): Promise<boolean>;
  /** Whether any manifest of the repository lists the digest as a config, layer or blob. */
  isReferencedInRepository(repositoryId: number, digest: Digest): Promise<boolean>;
  /** Deletes links older than `cutoff` that no manifest of their repository references; returns how many. */
  deleteStaleLinks(cutoff: Date): Promise<number>;
  /** Digests of blobs older than `cutoff` with no links and no manifest references. */
  listUnreferenced(cutoff: Date, limit: number): Promise<Digest[]>;
  /**
   * Deletes the blob row if it is still unreferenced and older than `cutoff`, locking it first
   * (PostgreSQL: FOR UPDATE) so a concurrent link waits; returns whether it was deleted. The
   * caller deletes the bytes inside the same transaction, before it commits.
   */
  deleteIfUnreferenced(digest: Digest, cutoff: Date): Promise<boolean>;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly artifactType?: string | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface ManifestReference {
  readonly digest: Digest;
  /** `blob`: config, layer or blob; `manifest`: a child of an index. */
  readonly kind: 'blob' | 'manifest';
}

export interface NewManifest {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly artifactType?: string | undefined;
  readonly content: Uint8Array;
  readonly subject?: Digest | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly references: readonly ManifestReference[];
}

export interface StoredManifest {
  readonly repositoryId: number;
  readonly digest: Digest;
  readonly mediaType: string;
  readonly artifactType?: string | undefined;
  readonly size: number;
  readonly content: Buffer;
  readonly subject?: Digest | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  readonly pushedAt: Date;
}

export interface ManifestRecords {
  get(repositoryId: number, digest: Digest): Promise<StoredManifest | undefined>;
  /** Stores the manifest and its references; returns false if it was already there (nothing changed). */
  put(repositoryId: number, manifest: NewManifest, now: Date): Promise<boolean>;
  /** Of `digests`, those stored as manifests in the repository. */
  existing(repositoryId: number, digests: readonly Digest[]): Promise<Set<Digest>>;
  /** Deletes the manifest, its references and every tag pointing at it; returns whether it existed. */
  delete(repositoryId: number, digest: Digest): Promise<boolean>;
  /** Whether an index in the repository lists the digest as a child manifest. */
  isReferencedByIndex(repositoryId: number, digest: Digest): Promise<boolean>;
  /** Manifests of the repository whose `subject` is `subject`, optionally of one artifact type, by digest. */
  listReferrers(repositoryId: number, subject: Digest, artifactType?: string): Promise<Descriptor[]>;
}

export interface TagRecords {
  get(repositoryId: number, tag: string): Promise<Digest | undefined>;
  /** Points the tag at the digest; returns the digest it pointed at before, if any. */
  put(repositoryId: number, tag: string, digest: Digest, now: Date): Promise<Digest | undefined>;
  delete(repositoryId: number, tag: string): Promise<boolean>;
  /** Tag names in lexical (byte) order. */
  list(repositoryId: number, page: PageRequest): Promise<string[]>;
  listForManifest(repositoryId: number, digest: Digest): Promise<string[]>;
}

export interface Upload {
  /** The id clients see in upload URLs. */
  readonly id: string;
  readonly repositoryId: number;
  /** The BlobStore's key for the bytes. */
  readonly storeKey: string;
  /** Bytes received and acknowledged so far. */
  readonly offset: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

export interface UploadRecords {
  create(upload: { id: string; repositoryId: number; storeKey: string }, now: Date): Promise<Upload>;
  get(id: string): Promise<Upload | undefined>;
  setOffset(id: string, offset: number, now: Date): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Uploads not touched since `cutoff`, for the purge job. */
  listStale(cutoff: Date, limit: number): Promise<Upload[]>;
  /** Whether some upload row refers to this BlobStore key (orphan-file sweep). */
  hasStoreKey(storeKey: string): Promise<boolean>;
}
