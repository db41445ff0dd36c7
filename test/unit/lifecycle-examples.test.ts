/**
 * The worked examples of the Amazon ECR user guide ("Examples of lifecycle policies"), each with
 * the repository contents, the policy text and the outcome the guide states.
 */
import { describe, expect, it } from 'vitest';
import { evaluateLifecycle } from '../../src/lifecycle/evaluate.js';
import { HOUR_MS, NOW, daysAgo, decided, expireRule, img, namer, policyOf } from './lifecycle-fixtures.js';

describe('ECR user guide: filtering on image age', () => {
  it('expires untagged images older than 14 days (2019 guide)', () => {
    const images = [
      img('old-untagged', { pushedDaysAgo: 20 }),
      img('recent-untagged', { pushedDaysAgo: 13 }),
      img('old-tagged', { tags: ['v1'], pushedDaysAgo: 30 }),
    ];
    const policy = policyOf({
      rulePriority: 1,
      description: 'Expire images older than 14 days',
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    });
    const result = evaluateLifecycle(policy, images, NOW);
    expect(decided(result, namer(images, ['old-untagged', 'recent-untagged', 'old-tagged']))).toEqual([['old-untagged', 'EXPIRE', 1]]);
  });

  it('expires images with a tag matching prod* that are older than 14 days (current guide)', () => {
    const names = ['prod-old', 'production-old', 'preprod-old', 'prod-new', 'dev-old'];
    const images = [
      img('prod-old', { tags: ['prod'], pushedDaysAgo: 15 }),
      img('production-old', { tags: ['production-team1'], pushedDaysAgo: 40 }),
      img('preprod-old', { tags: ['preprod'], pushedDaysAgo: 40 }),
      img('prod-new', { tags: ['prod1'], pushedDaysAgo: 2 }),
      img('dev-old', { tags: ['dev'], pushedDaysAgo: 90 }),
    ];
    const policy = policyOf({
      rulePriority: 1,
      description: 'Expire images older than 14 days',
      selection: { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
      action: { type: 'expire' },
    });
    expect(decided(evaluateLifecycle(policy, images, NOW), namer(images, names))).toEqual([
      ['production-old', 'EXPIRE', 1],
      ['prod-old', 'EXPIRE', 1],
    ]);
  });
});

describe('ECR user guide: filtering on image count', () => {
  it('keeps only one untagged image and expires all others', () => {
    const names = ['u1', 'u2', 'u3', 't1'];
    const images = [
      img('u1', { pushedDaysAgo: 3 }),
      img('u2', { pushedDaysAgo: 2 }),
      img('u3', { pushedDaysAgo: 1 }),
      img('t1', { tags: ['latest'], pushedDaysAgo: 10 }),
    ];
    const policy = policyOf({
      rulePriority: 1,
      description: 'Keep only one untagged image, expire all others',
      selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 },
      action: { type: 'expire' },
    });
    expect(decided(evaluateLifecycle(policy, images, NOW), namer(images, names))).toEqual([
      ['u1', 'EXPIRE', 1],
      ['u2', 'EXPIRE', 1],
    ]);
  });
});

describe('ECR user guide: filtering on multiple rules', () => {
  const names = ['A', 'B', 'C'];
  const images = [
    img('A', { tags: ['beta-1', 'prod-1'], pushedDaysAgo: 10 }),
    img('B', { tags: ['beta-2', 'prod-2'], pushedDaysAgo: 9 }),
    img('C', { tags: ['beta-3'], pushedDaysAgo: 8 }),
  ];
  const keepOne = (tagPrefixList: string[]) => ({ tagStatus: 'tagged', tagPrefixList, countType: 'imageCountMoreThan', countNumber: 1 });
  const keepOnePattern = (tagPatternList: string[]) => ({ tagStatus: 'tagged', tagPatternList, countType: 'imageCountMoreThan', countNumber: 1 });

  it('Example A: prod keep 1, then beta keep 1 -> only image A is expired', () => {
    // Rule 2 would mark A and B, "However, Image A has already been seen by Rule 1 and if Image B
    // were expired it would violate Rule 1 and thus is skipped."
    const result = evaluateLifecycle(policyOf(expireRule(1, keepOne(['prod'])), expireRule(2, keepOne(['beta']))), images, NOW);
    expect(decided(result, namer(images, names))).toEqual([['A', 'EXPIRE', 1]]);
    expect(result.byRule).toEqual({ 1: [images[0]?.digest], 2: [] });
  });

  it('Example B: beta keep 1, then prod keep 1 -> images A and B are expired', () => {
    // Rule 2 "would see no images because all available images were already seen by Rule 1".
    const result = evaluateLifecycle(policyOf(expireRule(1, keepOne(['beta'])), expireRule(2, keepOne(['prod']))), images, NOW);
    expect(decided(result, namer(images, names))).toEqual([
      ['A', 'EXPIRE', 1],
      ['B', 'EXPIRE', 1],
    ]);
  });

  it('the current guide\'s tagPatternList versions (prod*, beta*) give the same outcomes', () => {
    const a = evaluateLifecycle(policyOf(expireRule(1, keepOnePattern(['prod*'])), expireRule(2, keepOnePattern(['beta*']))), images, NOW);
    const b = evaluateLifecycle(policyOf(expireRule(1, keepOnePattern(['beta*'])), expireRule(2, keepOnePattern(['prod*']))), images, NOW);
    expect(decided(a, namer(images, names))).toEqual([['A', 'EXPIRE', 1]]);
    expect(decided(b, namer(images, names))).toEqual([
      ['A', 'EXPIRE', 1],
      ['B', 'EXPIRE', 1],
    ]);
  });
});

describe('ECR user guide: filtering on multiple tags in a single rule', () => {
  it('Example A: alpha AND beta older than 5 days -> only image C', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    const images = [
      img('A', { tags: ['alpha-1'], pushedDaysAgo: 12 }),
      img('B', { tags: ['beta-1'], pushedDaysAgo: 11 }),
      img('C', { tags: ['alpha-2', 'beta-2'], pushedDaysAgo: 10 }),
      img('D', { tags: ['alpha-3'], pushedDaysAgo: 4 }),
      img('E', { tags: ['beta-3'], pushedDaysAgo: 3 }),
      img('F', { tags: ['alpha-4', 'beta-4'], pushedDaysAgo: 2 }),
    ];
    const policy = policyOf(
      expireRule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countNumber: 5, countUnit: 'days' }),
    );
    expect(decided(evaluateLifecycle(policy, images, NOW), namer(images, names))).toEqual([['C', 'EXPIRE', 1]]);
  });

  it('Example B: tags are not exclusive; alpha AND beta keep 1 -> images A and B', () => {
    const names = ['A', 'B', 'C'];
    const images = [
      img('A', { tags: ['alpha-1', 'beta-1', 'gamma-1'], pushedDaysAgo: 10 }),
      img('B', { tags: ['alpha-2', 'beta-2'], pushedDaysAgo: 9 }),
      img('C', { tags: ['alpha-3', 'beta-3', 'gamma-2'], pushedDaysAgo: 8 }),
    ];
    const policy = policyOf(expireRule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'imageCountMoreThan', countNumber: 1 }));
    expect(decided(evaluateLifecycle(policy, images, NOW), namer(images, names))).toEqual([
      ['A', 'EXPIRE', 1],
      ['B', 'EXPIRE', 1],
    ]);
  });
});

describe('ECR user guide: filtering on all images', () => {
  it('Example A: any keep 1 -> images A, B and C', () => {
    const names = ['A', 'B', 'C', 'D'];
    const images = [
      img('A', { tags: ['alpha-1'], pushedDaysAgo: 4 }),
      img('B', { tags: ['beta-1'], pushedDaysAgo: 3 }),
      img('C', { tags: [], pushedDaysAgo: 2 }),
      img('D', { tags: ['alpha-2'], pushedDaysAgo: 1 }),
    ];
    const policy = policyOf(expireRule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }));
    expect(decided(evaluateLifecycle(policy, images, NOW), namer(images, names))).toEqual([
      ['A', 'EXPIRE', 1],
      ['B', 'EXPIRE', 1],
      ['C', 'EXPIRE', 1],
    ]);
  });

  it('Example B: alpha keep 1, untagged older than 1 day, any keep 1 -> images A, B and D', () => {
    // D and E are both "pushed 1 day ago"; the guide keeps E as the newest, so E is pushed an hour
    // after D here. E (untagged) is not older than one day, so Rule 2 identifies it but keeps it.
    const names = ['A', 'B', 'C', 'D', 'E'];
    const images = [
      img('A', { tags: ['alpha-1', 'beta-1'], pushedDaysAgo: 4 }),
      img('B', { tags: [], pushedDaysAgo: 3 }),
      img('C', { tags: ['alpha-2'], pushedDaysAgo: 2 }),
      { ...img('D', { tags: ['git hash'], pushedDaysAgo: 1 }), pushedAt: new Date(daysAgo(1).getTime() - HOUR_MS) },
      img('E', { tags: [], pushedDaysAgo: 1 }),
    ];
    const policy = policyOf(
      expireRule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha'], countType: 'imageCountMoreThan', countNumber: 1 }),
      expireRule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
      expireRule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
    );
    const result = evaluateLifecycle(policy, images, NOW);
    expect(decided(result, namer(images, names))).toEqual([
      ['A', 'EXPIRE', 1],
      ['B', 'EXPIRE', 2],
      ['D', 'EXPIRE', 3],
    ]);
    const name = namer(images, names);
    expect(Object.fromEntries(Object.entries(result.byRule).map(([p, ds]) => [p, ds.map(name)]))).toEqual({
      1: ['A'],
      2: ['B'],
      3: ['D'],
    });
  });
});
