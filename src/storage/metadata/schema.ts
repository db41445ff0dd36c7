import type { Generated, Kysely } from 'kysely';
import type { Digest } from '../../domain/digest.js';
import type { EncryptionConfiguration, ImageTagMutability } from './metadata-store.js';

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
  resource_tags: ResourceTagsTable;
  registry_documents: RegistryDocumentsTable;
  creation_templates: CreationTemplatesTable;
  iam_users: IamUsersTable;
  iam_access_keys: IamAccessKeysTable;
  iam_roles: IamRolesTable;
  iam_inline_policies: IamInlinePoliciesTable;
  iam_attached_policies: IamAttachedPoliciesTable;
  iam_sessions: IamSessionsTable;
  jobs: JobsTable;
  lifecycle_policies: LifecyclePoliciesTable;
  lifecycle_previews: LifecyclePreviewsTable;
  events: EventsTable;
  advisories: AdvisoriesTable;
  advisory_packages: AdvisoryPackagesTable;
  vulndb_versions: VulnDbVersionsTable;
  advisory_changes: AdvisoryChangesTable;
  image_sboms: ImageSbomsTable;
  sbom_packages: SbomPackagesTable;
  image_scans: ImageScansTable;
  image_scan_findings: ImageScanFindingsTable;
}

/** The tables, in a transaction or not: what every record group is written against. */
export type Db = Kysely<Database>;

export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
  // The settings have defaults (DEFAULT_REPOSITORY_SETTINGS), which rows older than them got.
  image_tag_mutability: Generated<ImageTagMutability>;
  /** JSON array of TagMutabilityExclusionFilter. */
  image_tag_mutability_exclusion_filters: Generated<string>;
  /** 0 or 1: SQLite has no boolean and better-sqlite3 cannot bind one. */
  scan_on_push: Generated<number>;
  encryption_type: Generated<EncryptionConfiguration['encryptionType']>;
  kms_key: string | null;
  /** The repository policy document (JSON text). */
  policy: string | null;
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
  /** ECR's imageSizeInBytes: the sum of the layer sizes. */
  image_size: number;
  last_pulled_at: number | null;
  storage_class: Generated<'STANDARD' | 'ARCHIVE'>;
  last_archived_at: number | null;
  last_activated_at: number | null;
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

/** Resource tags (TagResource) by the tagged resource's ARN. */
export interface ResourceTagsTable {
  arn: string;
  key: string;
  value: string;
}

/** Registry-wide documents (JSON text) by key. */
export interface RegistryDocumentsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface CreationTemplatesTable {
  prefix: string;
  description: string | null;
  /** Null when the template names no encryption configuration. */
  encryption_type: EncryptionConfiguration['encryptionType'] | null;
  kms_key: string | null;
  /** JSON array of ResourceTag. */
  resource_tags: string;
  image_tag_mutability: ImageTagMutability;
  /** JSON array of TagMutabilityExclusionFilter. */
  image_tag_mutability_exclusion_filters: string;
  repository_policy: string | null;
  lifecycle_policy: string | null;
  /** JSON array of REPLICATION | PULL_THROUGH_CACHE | CREATE_ON_PUSH. */
  applied_for: string;
  custom_role_arn: string | null;
  created_at: number;
  updated_at: number;
}

export interface IamUsersTable {
  account_id: string;
  name: string;
  path: string;
  user_id: string;
  arn: string;
  created_at: number;
}

/** Long-term access keys; `user_name` is null for the account root's keys. */
export interface IamAccessKeysTable {
  access_key_id: string;
  account_id: string;
  user_name: string | null;
  secret_ciphertext: string;
  status: 'Active' | 'Inactive';
  created_at: number;
}

export interface IamRolesTable {
  account_id: string;
  name: string;
  path: string;
  role_id: string;
  arn: string;
  trust_policy: string;
  description: string | null;
  max_session_duration_seconds: number;
  created_at: number;
}

/** Inline policies of users and roles, keyed by the principal's ARN. */
export interface IamInlinePoliciesTable {
  principal_arn: string;
  name: string;
  document: string;
}

/** Managed policies attached to users and roles, keyed by the principal's ARN. */
export interface IamAttachedPoliciesTable {
  principal_arn: string;
  policy_arn: string;
}

/** STS sessions (AssumeRole). */
export interface IamSessionsTable {
  access_key_id: string;
  secret_ciphertext: string;
  session_token_hash: string;
  account_id: string;
  role_arn: string;
  session_name: string;
  expires_at: number;
}

export interface JobsTable {
  id: string;
  queue: string;
  /** JSON text. */
  payload: string;
  state: 'queued' | 'active' | 'completed' | 'failed';
  singleton_key: string | null;
  attempts: number;
  max_attempts: number;
  run_after: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A repository's lifecycle policy (JSON text) and when it was last applied. */
export interface LifecyclePoliciesTable {
  repository_id: number;
  policy_text: string;
  last_evaluated_at: number | null;
  updated_at: number;
}

/** The current lifecycle preview of a repository; `results` is JSON (null while it runs). */
export interface LifecyclePreviewsTable {
  repository_id: number;
  policy_text: string;
  status: 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  results: string | null;
  created_at: number;
}

/** The audit trail; `detail` is JSON. */
export interface EventsTable {
  id: Generated<number>;
  at: number;
  type: string;
  actor: string;
  repository: string | null;
  detail: string;
}

/** OSV advisories by id; `document` is the advisory's JSON as imported. */
export interface AdvisoriesTable {
  id: string;
  /** OSV `modified` (RFC 3339), compared on import: the same value means nothing changed. */
  modified: string;
  document: string;
  updated_at: number;
}

/** The packages an advisory names; `package_name` is normalised per ecosystem (see advisory-keys.ts). */
export interface AdvisoryPackagesTable {
  advisory_id: string;
  ecosystem: string;
  package_name: string;
}

/** One row per import that changed something; the highest version is the database's. */
export interface VulnDbVersionsTable {
  version: number;
  imported_at: number;
  added: number;
  updated: number;
}

/** A package an added or changed advisory named (before or after); `version` is NULL until the import records one. */
export interface AdvisoryChangesTable {
  version: number | null;
  ecosystem: string;
  package_name: string;
}

/** The SBOM (JSON) of an image manifest, by digest. */
export interface ImageSbomsTable {
  digest: Digest;
  sbom: string;
  created_at: number;
}

/** The packages an SBOM is looked up by: JSON, names by ecosystem. No row for SBOMs stored before 0006. */
export interface SbomPackagesTable {
  digest: Digest;
  packages: string;
}

/** The scan state of an image of a repository; `severity_counts` is JSON. */
export interface ImageScansTable {
  repository_id: number;
  digest: Digest;
  status: string;
  description: string | null;
  scan_type: string | null;
  severity_counts: string | null;
  vulndb_version: number | null;
  source_updated_at: number | null;
  completed_at: number | null;
  last_manual_scan_at: number | null;
  findings_changes: Generated<number>;
  updated_at: number;
}

/** The findings (JSON) of an image's last completed scan, apart from its often-updated scan state. */
export interface ImageScanFindingsTable {
  repository_id: number;
  digest: Digest;
  findings: string;
}
