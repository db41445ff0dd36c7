import { describe, expect, it } from 'vitest';
import { evaluateLifecycle } from '../../src/lifecycle/evaluate.js';
import { filterPreviewResults, summarizeLifecycle, toPreviewResults } from '../../src/lifecycle/summary.js';
import { NOW, archiveRule, digestOf, expireRule, img, policyOf } from './lifecycle-fixtures.js';

describe('lifecycle preview shapes', () => {
  const images = [
    img('idle', { tags: ['v1', 'stable'], pushedDaysAgo: 200, pulledDaysAgo: 100 }),
    img('busy', { tags: ['v2'], pushedDaysAgo: 200, pulledDaysAgo: 1 }),
    img('untagged-old', { pushedDaysAgo: 50 }),
    img('archived-old', { tags: ['v0'], pushedDaysAgo: 500, storageClass: 'ARCHIVE', archivedDaysAgo: 200 }),
  ];
  const policy = policyOf(
    expireRule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }),
    archiveRule(2, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }),
    expireRule(3, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 180 }),
  );
  const result = evaluateLifecycle(policy, images, NOW);

  it('builds previewResults items as GetLifecyclePolicyPreview returns them, oldest first', () => {
    expect(toPreviewResults(result, images)).toEqual([
      {
        imageDigest: digestOf('archived-old'),
        imageTags: ['v0'],
        imagePushedAt: images[3]!.pushedAt.getTime() / 1000,
        action: { type: 'EXPIRE' },
        appliedRulePriority: 3,
        storageClass: 'ARCHIVE',
      },
      {
        imageDigest: digestOf('idle'),
        imageTags: ['v1', 'stable'],
        imagePushedAt: images[0]!.pushedAt.getTime() / 1000,
        action: { type: 'TRANSITION', targetStorageClass: 'ARCHIVE' },
        appliedRulePriority: 2,
        storageClass: 'STANDARD',
      },
      {
        imageDigest: digestOf('untagged-old'),
        imageTags: [],
        imagePushedAt: images[2]!.pushedAt.getTime() / 1000,
        action: { type: 'EXPIRE' },
        appliedRulePriority: 1,
        storageClass: 'STANDARD',
      },
    ]);
    expect(toPreviewResults(result, images)[0]?.imagePushedAt).toBe(Date.parse('2024-10-17T12:00:00.000Z') / 1000);
  });

  it('summarises expiring and transitioning counts', () => {
    expect(summarizeLifecycle(result)).toEqual({
      expiringImageTotalCount: 2,
      transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: 1 }],
    });
    const expireOnly = evaluateLifecycle(policyOf(expireRule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })), images, NOW);
    expect(summarizeLifecycle(expireOnly)).toEqual({ expiringImageTotalCount: 2, transitioningImageTotalCounts: [] });
  });

  it('filters preview results by tag status', () => {
    const results = toPreviewResults(result, images);
    expect(filterPreviewResults(results, 'UNTAGGED').map((r) => r.imageDigest)).toEqual([digestOf('untagged-old')]);
    expect(filterPreviewResults(results, 'TAGGED').map((r) => r.imageDigest)).toEqual([digestOf('archived-old'), digestOf('idle')]);
    expect(filterPreviewResults(results, 'ANY')).toHaveLength(3);
    expect(filterPreviewResults(results, undefined)).toHaveLength(3);
  });

  it('throws when a decided digest is not among the images (a caller bug)', () => {
    expect(() => toPreviewResults(result, images.slice(0, 1))).toThrow(/no image for decided digest/);
  });
});
