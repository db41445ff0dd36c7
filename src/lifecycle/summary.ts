/**
 * Lifecycle preview shapes: a {@link LifecycleResult} plus the images it was computed from, turned
 * into `GetLifecyclePolicyPreview`'s `previewResults` items and `summary` (pure; the HTTP layer
 * adds paging and the envelope).
 */
import type { ImageStorageClass, LifecycleActionType, LifecycleImage, LifecycleResult } from './evaluate.js';

/** One `LifecyclePolicyPreviewResult` as ECR's API returns it. */
export interface LifecyclePreviewResult {
  readonly imageDigest: string;
  readonly imageTags: readonly string[];
  /** Epoch seconds (AWS JSON 1.1 timestamp; milliseconds as the fraction). */
  readonly imagePushedAt: number;
  readonly action: { readonly type: LifecycleActionType; readonly targetStorageClass?: 'ARCHIVE' };
  readonly appliedRulePriority: number;
  /** The image's storage class now, before the action. */
  readonly storageClass: ImageStorageClass;
}

/** `LifecyclePolicyPreviewSummary`. */
export interface LifecyclePreviewSummary {
  readonly expiringImageTotalCount: number;
  /** One entry per target storage class with at least one image transitioning to it. */
  readonly transitioningImageTotalCounts: ReadonlyArray<{ readonly targetStorageClass: 'ARCHIVE'; readonly imageTotalCount: number }>;
}

/** `GetLifecyclePolicyPreview`'s `filter.tagStatus`. */
export type PreviewTagStatusFilter = 'TAGGED' | 'UNTAGGED' | 'ANY';

/**
 * `previewResults` in the result's order (oldest first). Every decided digest must be among
 * `images`; a missing one is a caller bug and throws.
 */
export function toPreviewResults(result: LifecycleResult, images: readonly LifecycleImage[]): LifecyclePreviewResult[] {
  const byDigest = new Map<string, LifecycleImage>();
  for (const image of images) byDigest.set(image.digest, image);
  return result.decisions.map((decision) => {
    const image = byDigest.get(decision.digest);
    if (image === undefined) throw new TypeError(`toPreviewResults: no image for decided digest ${decision.digest}`);
    return {
      imageDigest: decision.digest,
      imageTags: [...image.tags],
      imagePushedAt: image.pushedAt.getTime() / 1000,
      action:
        decision.action === 'TRANSITION'
          ? { type: 'TRANSITION', targetStorageClass: decision.targetStorageClass ?? 'ARCHIVE' }
          : { type: 'EXPIRE' },
      appliedRulePriority: decision.appliedRulePriority,
      storageClass: image.storageClass,
    };
  });
}

/** The preview `summary`: counts over the whole result (not one page of it). */
export function summarizeLifecycle(result: LifecycleResult): LifecyclePreviewSummary {
  let expiring = 0;
  let archiving = 0;
  for (const decision of result.decisions) {
    if (decision.action === 'EXPIRE') expiring++;
    else archiving++;
  }
  return {
    expiringImageTotalCount: expiring,
    transitioningImageTotalCounts: archiving === 0 ? [] : [{ targetStorageClass: 'ARCHIVE', imageTotalCount: archiving }],
  };
}

/** Applies `GetLifecyclePolicyPreview`'s `filter.tagStatus` to preview results. */
export function filterPreviewResults(
  results: readonly LifecyclePreviewResult[],
  tagStatus: PreviewTagStatusFilter | undefined,
): LifecyclePreviewResult[] {
  if (tagStatus === undefined || tagStatus === 'ANY') return [...results];
  const wantTagged = tagStatus === 'TAGGED';
  return results.filter((r) => r.imageTags.length > 0 === wantTagged);
}
