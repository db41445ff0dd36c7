import type { Generated } from 'kysely';
import type { Digest } from '../../domain/digest.js';

/**
 * The tables as Kysely sees them. Times are epoch milliseconds (see dialect.ts); `*_digest` and
 * `digest` columns hold validated digests.
 */
export interface Database {
  repositories: RepositoriesTable;
  blobs: BlobsTable;
  repository_blobs: RepositoryBlobsTable;
  manifests: ManifestsTable;
  manifest_references: ManifestReferencesTable;
  tags: TagsTable;
  uploads: UploadsTable;
}

export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
}

/** Blobs committed (or about to be) to the BlobStore; `updated_at` is bumped on every use. */
export interface BlobsTable {
  digest: Digest;
  size: number;
  updated_at: number;
}

/** Which repository may serve which blob; `updated_at` is bumped on every use. */
export interface RepositoryBlobsTable {
  repository_id: number;
  digest: Digest;
  updated_at: number;
}

export interface ManifestsTable {
  repository_id: number;
  digest: Digest;
  media_type: string;
  artifact_type: string | null;
  size: number;
  content: Buffer;
  subject: Digest | null;
  /** JSON object of strings. */
  annotations: string | null;
  pushed_at: number;
}

export interface ManifestReferencesTable {
  repository_id: number;
  manifest_digest: Digest;
  child_digest: Digest;
  kind: 'blob' | 'manifest';
}

export interface TagsTable {
  repository_id: number;
  name: string;
  manifest_digest: Digest;
  updated_at: number;
}

export interface UploadsTable {
  id: string;
  repository_id: number;
  store_key: string;
  offset: number;
  started_at: number;
  updated_at: number;
}
