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
  readonly resourceTags: ResourceTagRecords;
  readonly registry: RegistryRecords;
  readonly templates: CreationTemplateRecords;
  readonly iam: IamRecords;
  readonly jobs: JobRecords;
  readonly lifecycle: LifecycleRecords;
  readonly events: EventRecords;
  readonly advisories: AdvisoryRecords;
  readonly scans: ScanRecords;
}

export type ImageTagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export interface TagMutabilityExclusionFilter {
  readonly filterType: 'WILDCARD';
  readonly filter: string;
}

export interface EncryptionConfiguration {
  readonly encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE';
  readonly kmsKey?: string | undefined;
}

/** A repository's ECR settings; a repository created by a plain push gets DEFAULT_REPOSITORY_SETTINGS. */
export interface RepositorySettings {
  readonly imageTagMutability: ImageTagMutability;
  readonly imageTagMutabilityExclusionFilters: readonly TagMutabilityExclusionFilter[];
  readonly scanOnPush: boolean;
  readonly encryptionConfiguration: EncryptionConfiguration;
}

export const DEFAULT_REPOSITORY_SETTINGS: RepositorySettings = Object.freeze({
  imageTagMutability: 'MUTABLE' as const,
  imageTagMutabilityExclusionFilters: [],
  scanOnPush: false,
  encryptionConfiguration: { encryptionType: 'AES256' as const },
});

export interface Repository {
  readonly id: number;
  readonly name: string;
  readonly createdAt: Date;
  readonly settings: RepositorySettings;
  /** The repository policy document (JSON text), if one is set. */
  readonly policy?: string | undefined;
}

/** A page request: results strictly after `last` in lexical order, at most `limit`. */
export interface PageRequest {
  readonly last?: string | undefined;
  readonly limit: number;
}

export interface RepositoryRecords {
  get(name: string): Promise<Repository | undefined>;
  /** Returns the repository, creating it first (with `settings`, default DEFAULT_REPOSITORY_SETTINGS) if it does not exist. */
  ensure(name: string, now: Date, settings?: RepositorySettings): Promise<Repository>;
  /** Creates a repository; throws REPOSITORY_ALREADY_EXISTS if the name is taken. */
  create(name: string, settings: RepositorySettings, now: Date): Promise<Repository>;
  /** Changes some settings; returns the updated repository. */
  updateSettings(id: number, patch: Partial<RepositorySettings>): Promise<Repository>;
  /** Sets (or, with undefined, removes) the repository policy. */
  setPolicy(id: number, policy: string | undefined): Promise<void>;
  /**
   * Deletes the repository with all its manifests, tags, references, blob links and upload rows;
   * returns the BlobStore keys of the uploads it removed so the caller can discard their bytes.
   */
  delete(id: number): Promise<string[]>;
  /** Number of manifests (images, indexes, artifacts) stored in the repository. */
  countImages(id: number): Promise<number>;
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
  /** ECR's imageSizeInBytes: the sum of the layer sizes (0 for an index). */
  readonly imageSize: number;
}

/** An image as ECR's DescribeImages/ListImages see it: a manifest with its tags. */
export interface ImageSummary {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly artifactType?: string | undefined;
  readonly manifestSize: number;
  readonly imageSize: number;
  readonly pushedAt: Date;
  readonly lastPulledAt?: Date | undefined;
  readonly subject?: Digest | undefined;
  /** Tags in lexical order. */
  readonly tags: readonly string[];
  /** ECR's storage class: ARCHIVE images are kept but not pullable until restored. */
  readonly storageClass: ImageStorageClass;
  readonly lastArchivedAt?: Date | undefined;
  /** When the image was last restored from ARCHIVE (lifecycle ages a restored image from here). */
  readonly lastActivatedAt?: Date | undefined;
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
  readonly storageClass: ImageStorageClass;
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
  /** Images of the repository in digest order, strictly after `after`, at most `limit`. */
  listImages(repositoryId: number, page: { readonly after?: Digest | undefined; readonly limit: number }): Promise<ImageSummary[]>;
  getImage(repositoryId: number, digest: Digest): Promise<ImageSummary | undefined>;
  /** Records pull times (batched off the request path); an older time never replaces a newer one. */
  recordPulls(pulls: readonly { readonly repositoryId: number; readonly digest: Digest; readonly at: Date }[]): Promise<void>;
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

export interface ResourceTag {
  readonly Key: string;
  readonly Value: string;
}

/** Resource tags (TagResource), keyed by the resource's ARN. */
export interface ResourceTagRecords {
  /** Tags in key order. */
  list(arn: string): Promise<ResourceTag[]>;
  /** Adds tags, replacing the values of keys already present. */
  put(arn: string, tags: readonly ResourceTag[]): Promise<void>;
  remove(arn: string, keys: readonly string[]): Promise<void>;
  removeAll(arn: string): Promise<void>;
}

/** Registry-wide documents (JSON text) by key: `policy`, `scanningConfiguration`, `replicationConfiguration`, … */
export interface RegistryRecords {
  get(key: string): Promise<string | undefined>;
  /** Sets the value, or removes it when undefined. */
  set(key: string, value: string | undefined, now: Date): Promise<void>;
}

/** ECR's repository creation template, as its API shapes it. */
export interface CreationTemplate {
  readonly prefix: string;
  readonly description?: string | undefined;
  readonly encryptionConfiguration?: EncryptionConfiguration | undefined;
  readonly resourceTags: readonly ResourceTag[];
  readonly imageTagMutability: ImageTagMutability;
  readonly imageTagMutabilityExclusionFilters: readonly TagMutabilityExclusionFilter[];
  readonly repositoryPolicy?: string | undefined;
  readonly lifecyclePolicy?: string | undefined;
  readonly appliedFor: readonly ('REPLICATION' | 'PULL_THROUGH_CACHE' | 'CREATE_ON_PUSH')[];
  readonly customRoleArn?: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface CreationTemplateRecords {
  /** Throws TEMPLATE_ALREADY_EXISTS if the prefix is taken. */
  create(template: CreationTemplate): Promise<void>;
  get(prefix: string): Promise<CreationTemplate | undefined>;
  /** Templates in prefix order, strictly after `last`. */
  list(page: PageRequest): Promise<CreationTemplate[]>;
  /** Replaces the template; throws TEMPLATE_NOT_FOUND if there is none with that prefix. */
  update(template: CreationTemplate): Promise<void>;
  delete(prefix: string): Promise<boolean>;
}

export interface IamUser {
  readonly accountId: string;
  readonly name: string;
  readonly path: string;
  /** AWS-style unique id, e.g. AIDA…; */
  readonly userId: string;
  readonly arn: string;
  readonly createdAt: Date;
}

export interface IamRole {
  readonly accountId: string;
  readonly name: string;
  readonly path: string;
  /** AWS-style unique id, e.g. AROA… */
  readonly roleId: string;
  readonly arn: string;
  readonly trustPolicy: string;
  readonly description?: string | undefined;
  readonly maxSessionDurationSeconds: number;
  readonly createdAt: Date;
}

/** A long-term access key of a user (or of the account root when `userName` is undefined). */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly accountId: string;
  readonly userName?: string | undefined;
  /** The secret, encrypted with the registry's key (never stored in the clear, never hashed: SigV4 needs it). */
  readonly secretCiphertext: string;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt: Date;
}

/** Temporary credentials issued by STS AssumeRole. */
export interface SessionRecord {
  readonly accessKeyId: string;
  readonly secretCiphertext: string;
  /** sha256 of the session token, hex. */
  readonly sessionTokenHash: string;
  readonly accountId: string;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly expiresAt: Date;
}

export interface IamRecords {
  /** Throws IAM_ENTITY_EXISTS if the name is taken in the account. */
  createUser(user: IamUser): Promise<void>;
  getUser(accountId: string, name: string): Promise<IamUser | undefined>;
  /** Users in name order, strictly after `last`. */
  listUsers(accountId: string, page: PageRequest): Promise<IamUser[]>;
  /** Throws IAM_DELETE_CONFLICT while the user still has access keys or policies, as IAM does. */
  deleteUser(accountId: string, name: string): Promise<boolean>;

  createAccessKey(key: AccessKeyRecord): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]>;
  deleteAccessKey(accessKeyId: string): Promise<boolean>;

  /** Throws IAM_ENTITY_EXISTS if the name is taken in the account. */
  createRole(role: IamRole): Promise<void>;
  getRole(accountId: string, name: string): Promise<IamRole | undefined>;
  listRoles(accountId: string, page: PageRequest): Promise<IamRole[]>;
  /** Throws IAM_DELETE_CONFLICT while the role still has policies. */
  deleteRole(accountId: string, name: string): Promise<boolean>;

  /** Inline policies of a user or role, keyed by its ARN. */
  putInlinePolicy(principalArn: string, name: string, document: string): Promise<void>;
  getInlinePolicy(principalArn: string, name: string): Promise<string | undefined>;
  deleteInlinePolicy(principalArn: string, name: string): Promise<boolean>;
  /** Name and document of every inline policy, in name order. */
  listInlinePolicies(principalArn: string): Promise<{ name: string; document: string }[]>;

  /** Managed policies attached to a user or role, by policy ARN. */
  attachPolicy(principalArn: string, policyArn: string): Promise<void>;
  detachPolicy(principalArn: string, policyArn: string): Promise<boolean>;
  listAttachedPolicies(principalArn: string): Promise<string[]>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(accessKeyId: string): Promise<SessionRecord | undefined>;
  deleteExpiredSessions(now: Date): Promise<number>;
}

export type JobState = 'queued' | 'active' | 'completed' | 'failed';

export interface Job {
  readonly id: string;
  readonly queue: string;
  /** JSON-serialisable input of the job. */
  readonly payload: unknown;
  readonly state: JobState;
  readonly singletonKey?: string | undefined;
  /** Attempts started so far (a claim starts one). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAfter: Date;
  readonly leaseUntil?: Date | undefined;
  readonly lastError?: string | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewJob {
  /** A chosen id makes enqueueing idempotent (a scheduled run per time slot); default random. */
  readonly id?: string | undefined;
  readonly queue: string;
  readonly payload: unknown;
  /** At most one queued-or-active job per singleton key; enqueueing another is a no-op. */
  readonly singletonKey?: string | undefined;
  readonly runAfter?: Date | undefined;
  readonly maxAttempts?: number | undefined;
}

/**
 * A durable job queue in the same store as everything else, so a job is enqueued in the
 * transaction of the change that causes it (pg-boss's model: states, leases, retries,
 * singletons, run-after). PostgreSQL claims with FOR UPDATE SKIP LOCKED; SQLite has one writer.
 */
export interface JobRecords {
  /** Returns the new job's id, or undefined when the id exists or a job with the same singleton key is queued or active. */
  enqueue(job: NewJob, now: Date): Promise<string | undefined>;
  /**
   * Claims up to `limit` runnable jobs of the queues: queued ones whose run-after has come, and
   * active ones whose lease ran out (a worker died). Claimed jobs are active until `now + leaseMs`.
   */
  claim(queues: readonly string[], now: Date, leaseMs: number, limit: number): Promise<Job[]>;
  complete(id: string, now: Date): Promise<void>;
  /** Records the failure; the job runs again at `retryAt`, or is failed for good when attempts are used up or retryAt is undefined. */
  fail(id: string, error: string, now: Date, retryAt: Date | undefined): Promise<void>;
  get(id: string): Promise<Job | undefined>;
  /** Deletes completed and failed jobs last updated before `cutoff`; returns how many. */
  purgeFinished(cutoff: Date): Promise<number>;
}

export type ImageStorageClass = 'STANDARD' | 'ARCHIVE';

export interface StoredLifecyclePolicy {
  readonly repositoryId: number;
  readonly text: string;
  readonly lastEvaluatedAt?: Date | undefined;
}

export type LifecyclePreviewStatus = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';

/** The current lifecycle preview of a repository (one per repository; a new one replaces it). */
export interface StoredLifecyclePreview {
  readonly repositoryId: number;
  readonly policyText: string;
  readonly status: LifecyclePreviewStatus;
  /** JSON-serialisable results, set when the preview completes. */
  readonly results?: unknown;
  readonly createdAt: Date;
}

/** Lifecycle policies, previews, and the images' storage class. */
export interface LifecycleRecords {
  getPolicy(repositoryId: number): Promise<StoredLifecyclePolicy | undefined>;
  /** Sets the policy text (keeping `lastEvaluatedAt`). */
  putPolicy(repositoryId: number, text: string, now: Date): Promise<void>;
  deletePolicy(repositoryId: number): Promise<boolean>;
  markEvaluated(repositoryId: number, at: Date): Promise<void>;
  /** Names of the repositories that have a policy, in name order. */
  listPolicyRepositories(): Promise<string[]>;
  getPreview(repositoryId: number): Promise<StoredLifecyclePreview | undefined>;
  /** Stores the repository's preview, replacing the previous one. */
  putPreview(preview: StoredLifecyclePreview): Promise<void>;
  /** `[index, child]` digest pairs: which manifests of the repository each index lists. */
  listIndexChildren(repositoryId: number): Promise<Array<readonly [Digest, Digest]>>;
  /**
   * Moves the image to `storageClass`, stamping `last_archived_at` (to ARCHIVE) or
   * `last_activated_at` (to STANDARD); returns false when the image is missing or already there.
   */
  setStorageClass(repositoryId: number, digest: Digest, storageClass: ImageStorageClass, now: Date): Promise<boolean>;
}

export interface AuditEvent {
  readonly id: number;
  readonly at: Date;
  /** `image.deleted`, `image.archived`, `image.restored`, `lifecycle.evaluated`, … */
  readonly type: string;
  /** The caller's ARN, or `lifecycle` for the lifecycle engine. */
  readonly actor: string;
  readonly repository?: string | undefined;
  readonly detail: unknown;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

/** The audit trail: appended in the transaction of the change it records. */
export interface EventRecords {
  append(event: NewAuditEvent): Promise<void>;
  /** Events in id (append) order, strictly after `after`, optionally of one repository, at most `limit`. */
  list(query: { readonly after?: number | undefined; readonly repository?: string | undefined; readonly limit: number }): Promise<AuditEvent[]>;
}

/** An (ecosystem, package) an advisory names; the name normalised as scanner/advisory-keys.ts does. */
export interface AdvisoryPackageKey {
  readonly ecosystem: string;
  readonly name: string;
}

export interface NewAdvisory {
  readonly id: string;
  /** OSV `modified`: importing an advisory with the stored value changes nothing. */
  readonly modified: string;
  /** The OSV JSON. */
  readonly document: string;
  readonly packages: readonly AdvisoryPackageKey[];
}

export interface StoredAdvisory {
  readonly id: string;
  readonly modified: string;
  readonly document: string;
}

/** A version of the vulnerability database: one per import that changed something. */
export interface VulnDbVersion {
  readonly version: number;
  readonly importedAt: Date;
  readonly added: number;
  readonly updated: number;
}

/** OSV advisories and the vulnerability database's version. */
export interface AdvisoryRecords {
  /** Inserts the advisory or replaces it when `modified` differs; says which happened. */
  put(advisory: NewAdvisory, now: Date): Promise<'added' | 'updated' | 'unchanged'>;
  get(id: string): Promise<StoredAdvisory | undefined>;
  /** The advisories naming any of the packages, each once, in id order. */
  forPackages(keys: readonly AdvisoryPackageKey[]): Promise<StoredAdvisory[]>;
  count(): Promise<number>;
  currentVersion(): Promise<VulnDbVersion | undefined>;
  /**
   * Records an import that changed something as the next version; the packages of the advisories
   * put since the last version (see `changedPackages`) become this version's.
   */
  recordVersion(counts: { readonly added: number; readonly updated: number }, now: Date): Promise<VulnDbVersion>;
  /**
   * The packages named, before or after, by advisories added or changed in the versions after
   * `after` up to `upTo`, each once with the latest of those versions.
   */
  changedPackages(after: number, upTo: number): Promise<AdvisoryChange[]>;
}

export interface AdvisoryChange extends AdvisoryPackageKey {
  readonly version: number;
}

/** ECR's image scan statuses. */
export type ImageScanStatus =
  | 'IN_PROGRESS'
  | 'COMPLETE'
  | 'FAILED'
  | 'UNSUPPORTED_IMAGE'
  | 'ACTIVE'
  | 'PENDING'
  | 'SCAN_ELIGIBILITY_EXPIRED'
  | 'FINDINGS_UNAVAILABLE'
  | 'LIMIT_EXCEEDED';

export type ScanType = 'BASIC' | 'ENHANCED';

export interface ImageScan {
  readonly repositoryId: number;
  readonly digest: Digest;
  readonly status: ImageScanStatus;
  readonly description?: string | undefined;
  /** The mode of the last completed scan. */
  readonly scanType?: ScanType | undefined;
  /** The findings JSON of the last completed scan (absent from `summaries`). */
  readonly findings?: string | undefined;
  readonly severityCounts?: Readonly<Record<string, number>> | undefined;
  readonly vulnDbVersion?: number | undefined;
  /** When the vulnerability database the findings came from was imported. */
  readonly sourceUpdatedAt?: Date | undefined;
  readonly completedAt?: Date | undefined;
  /** The last StartImageScan (ECR allows one per image per 24 hours). */
  readonly lastManualScanAt?: Date | undefined;
  /** How many times a re-match changed the findings of a completed scan. */
  readonly findingsChanges: number;
  readonly updatedAt: Date;
}

export interface ScanOutcome {
  readonly scanType: ScanType;
  /** Findings JSON, deterministic for the same findings (compared to detect a change). */
  readonly findings: string;
  readonly severityCounts: Readonly<Record<string, number>>;
  readonly vulnDbVersion: number;
  readonly sourceUpdatedAt?: Date | undefined;
}

export interface StaleScan {
  readonly repositoryId: number;
  readonly repositoryName: string;
  readonly digest: Digest;
  /** Absent when the version matched against is unknown (scans from before advisory changes were recorded). */
  readonly vulnDbVersion?: number | undefined;
  readonly scanType?: ScanType | undefined;
  /** The packages the image's SBOM is looked up by, when recorded with it. */
  readonly packages?: PackageNames | undefined;
}

/** Package keys (AdvisoryPackageKey) grouped: the names by ecosystem. */
export interface PackageNames {
  readonly [ecosystem: string]: readonly string[];
}

/** SBOMs per image digest and scan state per image of a repository. */
export interface ScanRecords {
  /** The SBOM JSON of an image manifest, if it was cataloged. */
  getSbom(digest: Digest): Promise<string | undefined>;
  /** The SBOM JSON of each of the image manifests that was cataloged. */
  getSboms(digests: readonly Digest[]): Promise<Map<Digest, string>>;
  /** Stores an image's SBOM with the packages it is looked up by (as AdvisoryRecords names them). */
  putSbom(digest: Digest, sbom: string, packages: readonly AdvisoryPackageKey[], now: Date): Promise<void>;
  /** Records the packages of an SBOM stored without them (before they were recorded). */
  setSbomPackages(digest: Digest, packages: readonly AdvisoryPackageKey[]): Promise<void>;
  get(repositoryId: number, digest: Digest): Promise<ImageScan | undefined>;
  /** The scans of the images, without their findings. */
  summaries(repositoryId: number, digests: readonly Digest[]): Promise<Map<Digest, ImageScan>>;
  /** Marks a scan IN_PROGRESS (keeping the last findings); `manual` stamps the manual-scan time. */
  begin(repositoryId: number, digest: Digest, now: Date, options?: { readonly manual?: boolean }): Promise<void>;
  /**
   * Stores a completed scan. Returns true when it replaced the findings of an earlier completed
   * scan with different ones (and counts that in `findingsChanges`).
   */
  complete(repositoryId: number, digest: Digest, outcome: ScanOutcome, now: Date): Promise<boolean>;
  /** Records a scan that could not complete (FAILED, UNSUPPORTED_IMAGE…) with ECR's description. */
  fail(repositoryId: number, digest: Digest, status: ImageScanStatus, description: string, now: Date): Promise<void>;
  /**
   * Marks completed scans as matched against a newer database with the same findings (as
   * `complete` with unchanged findings would), in one statement per repository.
   */
  markCurrent(
    scans: readonly { readonly repositoryId: number; readonly digest: Digest }[],
    outcome: Omit<ScanOutcome, 'findings' | 'severityCounts'>,
    now: Date,
  ): Promise<void>;
  /** Completed scans matched against a database version below `version` (or an unknown one), in key order after `after`. */
  listStale(version: number, page: { readonly after?: { readonly repositoryId: number; readonly digest: Digest } | undefined; readonly limit: number }): Promise<StaleScan[]>;
}
