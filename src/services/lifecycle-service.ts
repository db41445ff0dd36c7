import type { Clock } from '../domain/clock.js';
import type { Digest } from '../domain/digest.js';
import { isRegistryError, RegistryError } from '../errors/registry-error.js';
import { evaluateLifecycle, type LifecycleDecision, type LifecycleImage, type LifecycleResult } from '../lifecycle/evaluate.js';
import { parseLifecyclePolicy } from '../lifecycle/policy.js';
import { summarizeLifecycle, toPreviewResults, type LifecyclePreviewResult, type LifecyclePreviewSummary } from '../lifecycle/summary.js';
import type { ImageStorageClass, MetadataStore, MetadataTx, Repository } from '../storage/metadata/metadata-store.js';
import type { ManifestService } from './manifest-service.js';

/** The actor lifecycle runs are recorded under in the audit trail. */
export const LIFECYCLE_ACTOR = 'lifecycle';

/** Images are read in batches of this many (each batch one query for manifests, one for tags). */
const BATCH_SIZE = 1000;

/** A preview IN_PROGRESS for longer than this was interrupted (a crash): a new one may start. */
const STALE_PREVIEW_MS = 10 * 60_000;

/** What a preview stores as its results: `GetLifecyclePolicyPreview` pages over `results`. */
export interface StoredPreviewResults {
  readonly results: readonly LifecyclePreviewResult[];
  readonly summary: LifecyclePreviewSummary;
}

/** One decision of a run, as `wharf lifecycle run` prints it. */
export interface AppliedDecision {
  readonly repository: string;
  readonly digest: Digest;
  readonly tags: readonly string[];
  readonly action: 'EXPIRE' | 'TRANSITION';
  readonly appliedRulePriority: number;
  /** `done`: applied; `dry-run`: would be; `skipped`: the image changed meanwhile (gone, or now listed by an index). */
  readonly outcome: 'done' | 'dry-run' | 'skipped';
}

/**
 * Lifecycle policies at the edges of the pure engine: loads a repository's images, evaluates a
 * policy at the clock's `now`, stores previews, and applies decisions (deletions through
 * ManifestService.deleteImage, the path BatchDeleteImage takes; archival through
 * {@link setStorageClass}), each recorded in the audit trail. Blobs are left to GC.
 */
export class LifecycleService {
  constructor(private readonly options: { metadata: MetadataStore; clock: Clock; manifests: ManifestService }) {}

  /** Parses `policyText`; InvalidParameterException naming the first problem. */
  validate(policyText: string): void {
    parseLifecyclePolicy(policyText);
  }

  /** Evaluates `policyText` over the repository's images now. */
  async evaluate(repository: Repository, policyText: string): Promise<{ images: LifecycleImage[]; result: LifecycleResult }> {
    const policy = parseLifecyclePolicy(policyText);
    const images = await this.options.metadata.read((tx) => loadLifecycleImages(tx, repository.id));
    return { images, result: evaluateLifecycle(policy, images, this.options.clock.now()) };
  }

  /**
   * Runs a preview synchronously: marks it IN_PROGRESS (refusing while another runs), evaluates,
   * and stores it COMPLETE (or FAILED, rethrowing the failure). Returns the final status.
   */
  async preview(repository: Repository, policyText: string): Promise<'COMPLETE'> {
    this.validate(policyText); // before anything is stored
    const { metadata, clock } = this.options;
    const createdAt = clock.now();
    await metadata.write(async (tx) => {
      const current = await tx.lifecycle.getPreview(repository.id);
      if (current?.status === 'IN_PROGRESS' && createdAt.getTime() - current.createdAt.getTime() < STALE_PREVIEW_MS) {
        throw new RegistryError('LIFECYCLE_PREVIEW_IN_PROGRESS', `Previous lifecycle policy preview request has not completed for repository '${repository.name}'`);
      }
      await tx.lifecycle.putPreview({ repositoryId: repository.id, policyText, status: 'IN_PROGRESS', createdAt });
    });
    let stored: { status: 'COMPLETE'; results: StoredPreviewResults };
    try {
      const { images, result } = await this.evaluate(repository, policyText);
      stored = { status: 'COMPLETE', results: { results: toPreviewResults(result, images), summary: summarizeLifecycle(result) } };
    } catch (err) {
      await metadata.write((tx) => tx.lifecycle.putPreview({ repositoryId: repository.id, policyText, createdAt, status: 'FAILED' }));
      throw err;
    }
    await metadata.write((tx) => tx.lifecycle.putPreview({ repositoryId: repository.id, policyText, createdAt, ...stored }));
    return stored.status;
  }

  /** Applies the repository's policy (if it has one); with `dryRun`, only reports. */
  async apply(repository: Repository, options: { readonly dryRun?: boolean } = {}): Promise<AppliedDecision[]> {
    const policy = await this.options.metadata.read((tx) => tx.lifecycle.getPolicy(repository.id));
    if (!policy) return [];
    const { images, result } = await this.evaluate(repository, policy.text);
    const tagsOf = new Map(images.map((i) => [i.digest, i.tags]));
    const report = (decision: LifecycleDecision, outcome: AppliedDecision['outcome']): AppliedDecision => ({
      repository: repository.name,
      digest: decision.digest as Digest,
      tags: tagsOf.get(decision.digest) ?? [],
      action: decision.action,
      appliedRulePriority: decision.appliedRulePriority,
      outcome,
    });
    if (options.dryRun) return result.decisions.map((d) => report(d, 'dry-run'));
    const outcomes = await this.#act(repository, result.decisions);
    const now = this.options.clock.now();
    await this.options.metadata.write(async (tx) => {
      await tx.lifecycle.markEvaluated(repository.id, now);
      const count = (action: string) => result.decisions.filter((d) => d.action === action && outcomes.get(d.digest) === 'done').length;
      await tx.events.append({ at: now, type: 'lifecycle.evaluated', actor: LIFECYCLE_ACTOR, repository: repository.name, detail: { expired: count('EXPIRE'), archived: count('TRANSITION') } });
    });
    return result.decisions.map((d) => report(d, outcomes.get(d.digest) ?? 'skipped'));
  }

  /** Applies every repository's policy (or one's); a repository that fails does not stop the others. */
  async applyAll(options: { readonly repositoryName?: string; readonly dryRun?: boolean } = {}): Promise<AppliedDecision[]> {
    const names = options.repositoryName !== undefined ? [options.repositoryName] : await this.options.metadata.read((tx) => tx.lifecycle.listPolicyRepositories());
    const applied: AppliedDecision[] = [];
    for (const name of names) {
      const repository = await this.options.metadata.read((tx) => tx.repositories.get(name));
      if (!repository) throw new RegistryError('REPOSITORY_NOT_FOUND', `repository ${name} does not exist`);
      applied.push(...(await this.apply(repository, options)));
    }
    return applied;
  }

  /**
   * Moves an image between storage classes and records it (`image.archived` / `image.restored`)
   * in the same transaction; returns false when it was already there. MANIFEST_UNKNOWN if missing.
   */
  async setStorageClass(repository: Repository, digest: Digest, target: ImageStorageClass, actor: string): Promise<boolean> {
    return this.options.metadata.write(async (tx) => {
      const image = await tx.manifests.getImage(repository.id, digest);
      if (!image) throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${digest} unknown to repository ${repository.name}`);
      const now = this.options.clock.now();
      if (!(await tx.lifecycle.setStorageClass(repository.id, digest, target, now))) return false;
      const type = target === 'ARCHIVE' ? 'image.archived' : 'image.restored';
      await tx.events.append({ at: now, type, actor, repository: repository.name, detail: { digest, tags: image.tags } });
      return true;
    });
  }

  /**
   * Acts on decisions oldest first. An image an index still lists cannot go before the index
   * (ECR's manifest-list rule; the engine only expires such a child with its index), so those
   * are retried after the rest until a pass makes no progress.
   */
  async #act(repository: Repository, decisions: readonly LifecycleDecision[]): Promise<Map<string, 'done' | 'skipped'>> {
    const outcomes = new Map<string, 'done' | 'skipped'>();
    let pending = [...decisions];
    while (pending.length > 0) {
      const blocked: LifecycleDecision[] = [];
      for (const decision of pending) {
        const digest = decision.digest as Digest;
        try {
          if (decision.action === 'TRANSITION') await this.setStorageClass(repository, digest, 'ARCHIVE', LIFECYCLE_ACTOR);
          else await this.options.manifests.deleteImage(repository, { kind: 'digest', digest }, undefined, LIFECYCLE_ACTOR);
          outcomes.set(digest, 'done');
        } catch (err) {
          if (!isRegistryError(err)) throw err;
          if (err.code === 'MANIFEST_REFERENCED') blocked.push(decision);
          else outcomes.set(digest, 'skipped'); // gone meanwhile
        }
      }
      if (blocked.length === pending.length) break;
      pending = blocked;
    }
    return outcomes;
  }
}

/** The repository's images as the engine sees them, with their parent indexes and subjects. */
export async function loadLifecycleImages(tx: MetadataTx, repositoryId: number): Promise<LifecycleImage[]> {
  const parents = new Map<string, string[]>();
  for (const [index, child] of await tx.lifecycle.listIndexChildren(repositoryId)) {
    const list = parents.get(child);
    if (list) list.push(index);
    else parents.set(child, [index]);
  }
  const images: LifecycleImage[] = [];
  for (let after: Digest | undefined; ; ) {
    const batch = await tx.manifests.listImages(repositoryId, { after, limit: BATCH_SIZE });
    for (const image of batch) {
      images.push({
        digest: image.digest,
        tags: image.tags,
        pushedAt: image.pushedAt,
        lastPulledAt: image.lastPulledAt,
        storageClass: image.storageClass,
        lastArchivedAt: image.lastArchivedAt,
        lastActivatedAt: image.lastActivatedAt,
        parentIndexes: parents.get(image.digest),
        subject: image.subject,
      });
    }
    if (batch.length < BATCH_SIZE) return images;
    after = batch[batch.length - 1]!.digest;
  }
}
