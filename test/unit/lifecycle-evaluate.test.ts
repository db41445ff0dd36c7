import { describe, expect, it } from 'vitest';
import { evaluateLifecycle, type LifecycleImage } from '../../src/lifecycle/evaluate.js';
import { compileTagFilter, tagMatchesPattern } from '../../src/lifecycle/tags.js';
import { DAY_MS, NOW, archiveRule, daysAgo, decided, digestOf, expireRule, img, namer, policyOf } from './lifecycle-fixtures.js';

const namesOf = (images: readonly LifecycleImage[]) => namer(images, images.map((i) => nameByDigest.get(i.digest) ?? '?'));
const nameByDigest = new Map<string, string>();
function image(name: string, spec: Parameters<typeof img>[1]): LifecycleImage {
  nameByDigest.set(digestOf(name), name);
  return img(name, spec);
}
function run(images: readonly LifecycleImage[], ...rules: object[]) {
  const result = evaluateLifecycle(policyOf(...rules), images, NOW);
  return { result, decided: decided(result, namesOf(images)) };
}
const untaggedKeep = (n: number) => ({ tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: n });
const anyKeep = (n: number) => ({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: n });
const olderThan = (tagStatus: string, days: number, extra: object = {}) => ({
  tagStatus,
  countType: 'sinceImagePushed',
  countUnit: 'days',
  countNumber: days,
  ...extra,
});

describe('tag matching', () => {
  it('prefix entries match the start of a tag; pattern entries match the whole tag', () => {
    const prefix = compileTagFilter({ kind: 'prefix', values: ['prod'] });
    expect([['prod'], ['prod1'], ['production-team1'], ['preprod'], [], ['x', 'prod-2']].map(prefix)).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
    expect(tagMatchesPattern('prod', 'prod')).toBe(true);
    expect(tagMatchesPattern('prod1', 'prod')).toBe(false);
    expect(tagMatchesPattern('prod', 'prod*')).toBe(true);
    expect(tagMatchesPattern('production-team1', 'prod*')).toBe(true);
    expect(tagMatchesPattern('repo-production', '*prod*')).toBe(true);
    expect(tagMatchesPattern('repo-production', 'prod*')).toBe(false);
    expect(tagMatchesPattern('v1x2', 'v1.2*')).toBe(false); // `.` is literal
    expect(tagMatchesPattern('v1.2.3', 'v1.2*')).toBe(true);
    expect(tagMatchesPattern('a+b(c)', 'a+b(*)')).toBe(true);
    expect(tagMatchesPattern('test-1-2-3', '*test*1*2*3')).toBe(true);
    expect(tagMatchesPattern('anything', '*')).toBe(true);
  });

  it('multi-entry lists need every entry matched, by the same or different tags', () => {
    const patterns = compileTagFilter({ kind: 'pattern', values: ['alpha*', '*-2'] });
    expect(patterns(['alpha-2'])).toBe(true); // one tag satisfies both entries
    expect(patterns(['alpha-1', 'beta-2'])).toBe(true);
    expect(patterns(['alpha-1', 'beta-3'])).toBe(false);
    expect(patterns([])).toBe(false);
  });
});

describe('evaluateLifecycle: priority and claiming', () => {
  it('a higher-priority rule that keeps an image protects it from every lower rule', () => {
    const images = [
      image('rel-1', { tags: ['release-1'], pushedDaysAgo: 300 }),
      image('rel-2', { tags: ['release-2'], pushedDaysAgo: 200 }),
      image('dev-1', { tags: ['dev-1'], pushedDaysAgo: 100 }),
    ];
    const { decided: d } = run(
      images,
      expireRule(1, { tagStatus: 'tagged', tagPrefixList: ['release'], countType: 'imageCountMoreThan', countNumber: 5 }),
      expireRule(2, olderThan('any', 30)),
    );
    expect(d).toEqual([['dev-1', 'EXPIRE', 2]]);
  });

  it('lower rules still count images marked by higher rules when ranking', () => {
    // Rule 2 (any, keep 2) ranks all four: new-u, new-t, old-u, old-t. old-u is rule 1's; only
    // old-t is rule 2's own candidate.
    const images = [
      image('old-t', { tags: ['t1'], pushedDaysAgo: 10 }),
      image('old-u', { pushedDaysAgo: 9 }),
      image('new-t', { tags: ['t2'], pushedDaysAgo: 2 }),
      image('new-u', { pushedDaysAgo: 1 }),
    ];
    const { decided: d } = run(images, expireRule(1, untaggedKeep(1)), expireRule(2, anyKeep(2)));
    expect(d).toEqual([
      ['old-t', 'EXPIRE', 2],
      ['old-u', 'EXPIRE', 1],
    ]);
  });

  it('an untagged-only policy never touches a tagged image', () => {
    const images = [image('tagged-old', { tags: ['x'], pushedDaysAgo: 500 }), image('untagged-old', { pushedDaysAgo: 500 })];
    expect(run(images, expireRule(1, olderThan('untagged', 1))).decided).toEqual([['untagged-old', 'EXPIRE', 1]]);
  });
});

describe('evaluateLifecycle: ages and times', () => {
  it('"older than N days" is strict: an image pushed exactly N days ago is kept', () => {
    const images = [
      image('exactly-7', { pushedDaysAgo: 7 }),
      { ...image('seven-and-a-bit', { pushedDaysAgo: 7 }), pushedAt: new Date(daysAgo(7).getTime() - 1) },
    ];
    expect(run(images, expireRule(1, olderThan('untagged', 7))).decided).toEqual([['seven-and-a-bit', 'EXPIRE', 1]]);
  });

  it('a restored image is aged from lastActivatedAt for sinceImagePushed and for ranking', () => {
    const images = [
      image('restored', { pushedDaysAgo: 400, activatedDaysAgo: 1 }),
      image('middle', { pushedDaysAgo: 50 }),
      image('newer', { pushedDaysAgo: 20 }),
    ];
    expect(run(images, expireRule(1, olderThan('untagged', 30))).decided).toEqual([['middle', 'EXPIRE', 1]]);
    // Keep 1: the restored image counts as the youngest.
    expect(run(images, expireRule(1, untaggedKeep(1))).decided).toEqual([
      ['middle', 'EXPIRE', 1],
      ['newer', 'EXPIRE', 1],
    ]);
  });

  it('equal ages are ranked by digest, whatever the input order', () => {
    const a = image('tie-a', { pushedDaysAgo: 5 });
    const b = image('tie-b', { pushedDaysAgo: 5 });
    const [younger, older] = [a, b].sort((x, y) => (x.digest < y.digest ? -1 : 1)) as [LifecycleImage, LifecycleImage];
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const result = evaluateLifecycle(policyOf(expireRule(1, untaggedKeep(1))), order, NOW);
      expect(result.decisions.map((d) => d.digest)).toEqual([older.digest]);
      expect(result.decisions.map((d) => d.digest)).not.toContain(younger.digest);
    }
  });

  it('sinceImagePulled archives images not pulled for N days, using pushedAt when never pulled', () => {
    const images = [
      image('pulled-recently', { tags: ['a'], pushedDaysAgo: 200, pulledDaysAgo: 5 }),
      image('pulled-long-ago', { tags: ['b'], pushedDaysAgo: 200, pulledDaysAgo: 100 }),
      image('never-pulled-old', { tags: ['c'], pushedDaysAgo: 95 }),
      image('never-pulled-new', { tags: ['d'], pushedDaysAgo: 10 }),
      image('restored-unpulled', { tags: ['e'], pushedDaysAgo: 300, pulledDaysAgo: 250, activatedDaysAgo: 2 }),
      image('already-archived', { tags: ['f'], pushedDaysAgo: 300, storageClass: 'ARCHIVE', archivedDaysAgo: 10 }),
    ];
    const { result, decided: d } = run(images, archiveRule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }));
    expect(d).toEqual([
      ['pulled-long-ago', 'TRANSITION', 1],
      ['never-pulled-old', 'TRANSITION', 1],
    ]);
    expect(result.decisions.every((x) => x.targetStorageClass === 'ARCHIVE')).toBe(true);
  });

  it('sinceImageTransitioned expires archived images by lastArchivedAt, and only archived ones', () => {
    const images = [
      image('archived-long', { pushedDaysAgo: 400, storageClass: 'ARCHIVE', archivedDaysAgo: 120 }),
      image('archived-recently', { pushedDaysAgo: 400, storageClass: 'ARCHIVE', archivedDaysAgo: 30 }),
      image('archived-unknown-date', { pushedDaysAgo: 400, storageClass: 'ARCHIVE' }),
      image('standard-old', { pushedDaysAgo: 400 }),
    ];
    const { decided: d } = run(images, expireRule(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }));
    expect(d).toEqual([['archived-long', 'EXPIRE', 1]]);
  });

  it('standard rules neither count nor touch ARCHIVE images', () => {
    const images = [
      image('archived-newest', { pushedDaysAgo: 1, storageClass: 'ARCHIVE', archivedDaysAgo: 1 }),
      image('s-old', { pushedDaysAgo: 10 }),
      image('s-new', { pushedDaysAgo: 5 }),
    ];
    expect(run(images, expireRule(1, untaggedKeep(1))).decided).toEqual([['s-old', 'EXPIRE', 1]]);
  });

  it('archive and standard rules combine: archive idle images, expire long-archived ones', () => {
    const images = [
      image('idle', { tags: ['v1'], pushedDaysAgo: 200, pulledDaysAgo: 100 }),
      image('busy', { tags: ['v2'], pushedDaysAgo: 200, pulledDaysAgo: 1 }),
      image('archived-old', { tags: ['v0'], pushedDaysAgo: 500, storageClass: 'ARCHIVE', archivedDaysAgo: 200 }),
    ];
    const { result, decided: d } = run(
      images,
      archiveRule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }),
      expireRule(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 180 }),
    );
    expect(d).toEqual([
      ['archived-old', 'EXPIRE', 2],
      ['idle', 'TRANSITION', 1],
    ]);
    expect(result.decisions[1]).toEqual({
      digest: digestOf('idle'),
      action: 'TRANSITION',
      targetStorageClass: 'ARCHIVE',
      appliedRulePriority: 1,
      cause: 'rule',
    });
  });
});

describe('evaluateLifecycle: wharfProtectPulledWithinDays (Wharf extension)', () => {
  it('keeps recently pulled images but still counts them when ranking', () => {
    const images = [
      image('oldest', { pushedDaysAgo: 30, pulledDaysAgo: 20 }),
      image('old-but-pulled', { pushedDaysAgo: 20, pulledDaysAgo: 1 }),
      image('newest', { pushedDaysAgo: 1 }),
    ];
    const without = run(images, expireRule(1, untaggedKeep(1)));
    expect(without.decided).toEqual([
      ['oldest', 'EXPIRE', 1],
      ['old-but-pulled', 'EXPIRE', 1],
    ]);
    const withProtection = run(images, expireRule(1, { ...untaggedKeep(1), wharfProtectPulledWithinDays: 7 }));
    // old-but-pulled is kept and still ranks second, so nothing younger is expired in its place.
    expect(withProtection.decided).toEqual([['oldest', 'EXPIRE', 1]]);
  });

  it('a protected image stays claimed: a lower rule does not expire it instead', () => {
    const images = [image('pulled', { tags: ['dev-1'], pushedDaysAgo: 50, pulledDaysAgo: 2 })];
    const { decided: d } = run(
      images,
      expireRule(1, olderThan('tagged', 10, { tagPrefixList: ['dev'], wharfProtectPulledWithinDays: 14 })),
      expireRule(2, olderThan('any', 10)),
    );
    expect(d).toEqual([]);
  });
});

describe('evaluateLifecycle: manifest lists and image indexes', () => {
  const index = (name: string, tags: string[], days: number, parents?: string[]) =>
    image(name, { tags, pushedDaysAgo: days, ...(parents ? { parents } : {}) });
  const child = (name: string, days: number, parents: string[]) => image(name, { pushedDaysAgo: days, parents });

  it('children of an index that stays are withheld, not expired', () => {
    const images = [index('idx', ['v1'], 30), child('amd64', 30, ['idx']), child('arm64', 30, ['idx']), image('loose', { pushedDaysAgo: 30 })];
    const { result, decided: d } = run(images, expireRule(1, olderThan('untagged', 7)));
    expect(d).toEqual([['loose', 'EXPIRE', 1]]);
    expect(result.withheld.map((w) => [nameByDigest.get(w.digest), w.action, w.appliedRulePriority, w.blockedBy])).toEqual(
      expect.arrayContaining([
        ['amd64', 'EXPIRE', 1, [digestOf('idx')]],
        ['arm64', 'EXPIRE', 1, [digestOf('idx')]],
      ]),
    );
    expect(result.withheld).toHaveLength(2);
  });

  it('children are expired in the same result as their index', () => {
    const images = [index('idx', ['v1'], 30), child('amd64', 30, ['idx']), index('idx2', ['v2'], 1), child('arm64-new', 1, ['idx2'])];
    const { decided: d, result } = run(
      images,
      expireRule(1, olderThan('tagged', 7, { tagPrefixList: ['v'] })),
      expireRule(2, olderThan('untagged', 7)),
    );
    expect(d.map(([name, action, p]) => [name, action, p]).sort()).toEqual([
      ['amd64', 'EXPIRE', 2],
      ['idx', 'EXPIRE', 1],
    ]);
    expect(result.withheld).toEqual([]);
  });

  it('a child shared by two indexes goes only when both go', () => {
    const images = [index('old-idx', ['v1'], 30), index('new-idx', ['v2'], 1), child('shared', 30, ['old-idx', 'new-idx'])];
    const { decided: d, result } = run(images, expireRule(1, olderThan('tagged', 7, { tagPrefixList: ['v'] })), expireRule(2, olderThan('untagged', 7)));
    expect(d).toEqual([['old-idx', 'EXPIRE', 1]]);
    expect(result.withheld).toEqual([
      { digest: digestOf('shared'), action: 'EXPIRE', appliedRulePriority: 2, blockedBy: [digestOf('new-idx')] },
    ]);
  });

  it('nested indexes: a kept top-level index protects the whole tree', () => {
    const images = [index('top', ['v1'], 1), child('mid', 30, ['top']), child('leaf', 30, ['mid'])];
    const { decided: d, result } = run(images, expireRule(1, olderThan('untagged', 7)));
    expect(d).toEqual([]);
    expect(result.withheld.map((w) => nameByDigest.get(w.digest)).sort()).toEqual(['leaf', 'mid']);
  });

  it('an index that is only archived lets its children be archived but not expired', () => {
    const images = [index('idx', ['v1'], 200), child('c1', 200, ['idx'])];
    const archived = run(images, archiveRule(1, olderThan('tagged', 30, { tagPrefixList: ['v'] })), archiveRule(2, olderThan('untagged', 30)));
    expect(archived.decided).toEqual([
      // Equal ages: ordered by digest, oldest (larger digest) first.
      ...[
        ['c1', 'TRANSITION', 2],
        ['idx', 'TRANSITION', 1],
      ].sort((x, y) => (digestOf(x[0] as string) < digestOf(y[0] as string) ? 1 : -1)),
    ]);
    const expireChild = run(images, archiveRule(1, olderThan('tagged', 30, { tagPrefixList: ['v'] })), expireRule(2, olderThan('untagged', 30)));
    expect(expireChild.decided).toEqual([['idx', 'TRANSITION', 1]]);
    expect(expireChild.result.withheld.map((w) => nameByDigest.get(w.digest))).toEqual(['c1']);
  });

  it('a child of an index already in ARCHIVE may be archived', () => {
    const images = [
      image('idx', { tags: ['v1'], pushedDaysAgo: 200, storageClass: 'ARCHIVE', archivedDaysAgo: 10 }),
      child('c1', 200, ['idx']),
    ];
    expect(run(images, archiveRule(1, olderThan('untagged', 30))).decided).toEqual([['c1', 'TRANSITION', 1]]);
    expect(run(images, expireRule(1, olderThan('untagged', 30))).decided).toEqual([]);
  });

  it('a parent index missing from the input blocks (it cannot be shown to be going)', () => {
    const images = [child('orphan-ref', 30, ['ghost'])];
    const { decided: d, result } = run(images, expireRule(1, olderThan('untagged', 7)));
    expect(d).toEqual([]);
    expect(result.withheld[0]?.blockedBy).toEqual([digestOf('ghost')]);
  });
});

describe('evaluateLifecycle: referrers follow their subject', () => {
  it('signatures and SBOMs of an expired image are expired with it, under its rule', () => {
    const images = [
      image('app-old', { tags: ['v1'], pushedDaysAgo: 40 }),
      image('sig', { pushedDaysAgo: 39, subject: 'app-old' }),
      image('sbom', { pushedDaysAgo: 39, subject: 'app-old' }),
      image('sbom-sig', { pushedDaysAgo: 38, subject: 'sbom' }),
      image('app-new', { tags: ['v2'], pushedDaysAgo: 1 }),
      image('sig-new', { pushedDaysAgo: 1, subject: 'app-new' }),
    ];
    const { result, decided: d } = run(images, expireRule(3, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 1 }));
    expect(d.map(([name]) => name).sort()).toEqual(['app-old', 'sbom', 'sbom-sig', 'sig']);
    expect(d.every(([, action, p]) => action === 'EXPIRE' && p === 3)).toBe(true);
    const sbomSig = result.decisions.find((x) => x.digest === digestOf('sbom-sig'));
    expect(sbomSig).toEqual({
      digest: digestOf('sbom-sig'),
      action: 'EXPIRE',
      appliedRulePriority: 3,
      cause: 'subject',
      subjectDigest: digestOf('sbom'),
    });
    expect(result.byRule[3]).toHaveLength(4);
  });

  it('a referrer that an untagged rule would keep is still expired with its subject', () => {
    const images = [
      image('app', { tags: ['v1'], pushedDaysAgo: 40 }),
      image('sig', { pushedDaysAgo: 40, subject: 'app' }),
      image('app2', { tags: ['v2'], pushedDaysAgo: 1 }),
    ];
    const { decided: d } = run(
      images,
      expireRule(1, untaggedKeep(10)),
      expireRule(2, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 1 }),
    );
    expect(d.map(([name, , p]) => [name, p]).sort()).toEqual([
      ['app', 2],
      ['sig', 2],
    ]);
  });

  it('referrers of an archived image are archived; an expiring subject upgrades a referrer\'s own transition', () => {
    const images = [
      image('app', { tags: ['v1'], pushedDaysAgo: 100, pulledDaysAgo: 100 }),
      image('sig', { pushedDaysAgo: 100, pulledDaysAgo: 100, subject: 'app' }),
    ];
    const archived = run(images, archiveRule(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }));
    expect(archived.decided.map(([name, action]) => [name, action]).sort()).toEqual([
      ['app', 'TRANSITION'],
      ['sig', 'TRANSITION'],
    ]);
    expect(archived.result.decisions.every((x) => x.cause === 'rule')).toBe(true);

    const mixed = run(
      images,
      archiveRule(1, olderThan('untagged', 30)),
      expireRule(2, olderThan('tagged', 30, { tagPrefixList: ['v'] })),
    );
    expect(mixed.result.decisions.find((x) => x.digest === digestOf('sig'))).toEqual({
      digest: digestOf('sig'),
      action: 'EXPIRE',
      appliedRulePriority: 2,
      cause: 'subject',
      subjectDigest: digestOf('app'),
    });
  });

  it('when the subject is withheld, its referrers stay too', () => {
    const images = [
      image('idx', { tags: ['v1'], pushedDaysAgo: 1 }),
      image('child', { pushedDaysAgo: 40, parents: ['idx'] }),
      image('child-sig', { tags: ['sha256-child.sig'], pushedDaysAgo: 40, subject: 'child' }),
    ];
    const { decided: d, result } = run(images, expireRule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }));
    expect(d).toEqual([]);
    expect(result.withheld.find((w) => w.digest === digestOf('child-sig'))?.blockedBy).toEqual([digestOf('child')]);
  });

  it('a referrer is still an image: a rule that selects it acts on it even while its subject stays', () => {
    // ECR only adds "referrers go with their subject"; it does not shield referrers of kept images.
    const images = [image('app', { tags: ['v1'], pushedDaysAgo: 40 }), image('sig', { pushedDaysAgo: 40, subject: 'app' })];
    const { decided: d } = run(images, expireRule(1, olderThan('untagged', 7)));
    expect(d).toEqual([['sig', 'EXPIRE', 1]]);
  });
});

describe('evaluateLifecycle: result shape', () => {
  it('lists decisions oldest first, keys byRule by every priority, and is JSON-serialisable', () => {
    const images = [image('n1', { pushedDaysAgo: 1 }), image('n3', { pushedDaysAgo: 3 }), image('n2', { pushedDaysAgo: 2 })];
    const { result } = run(images, expireRule(5, untaggedKeep(1)), expireRule(9, anyKeep(100)));
    expect(result.decisions.map((x) => nameByDigest.get(x.digest))).toEqual(['n3', 'n2']);
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      decisions: [
        { digest: digestOf('n3'), action: 'EXPIRE', appliedRulePriority: 5, cause: 'rule' },
        { digest: digestOf('n2'), action: 'EXPIRE', appliedRulePriority: 5, cause: 'rule' },
      ],
      byRule: { 5: [digestOf('n3'), digestOf('n2')], 9: [] },
      withheld: [],
    });
  });

  it('refuses duplicate digests and invalid dates (caller bugs)', () => {
    const one = image('dup', { pushedDaysAgo: 1 });
    expect(() => evaluateLifecycle(policyOf(expireRule(1, untaggedKeep(1))), [one, one], NOW)).toThrow(/duplicate image digest/);
    const bad = { ...one, pushedAt: new Date(Number.NaN) };
    expect(() => evaluateLifecycle(policyOf(expireRule(1, untaggedKeep(1))), [bad], NOW)).toThrow(/pushedAt is not a valid Date/);
  });

  it('is a pure function of now: the same images a day later expire one more', () => {
    const images = [image('d6', { pushedDaysAgo: 6.5 }), image('d7', { pushedDaysAgo: 7.5 })];
    const policy = policyOf(expireRule(1, olderThan('untagged', 7)));
    expect(evaluateLifecycle(policy, images, NOW).decisions.map((x) => nameByDigest.get(x.digest))).toEqual(['d7']);
    const tomorrow = new Date(NOW.getTime() + DAY_MS);
    expect(evaluateLifecycle(policy, images, tomorrow).decisions.map((x) => nameByDigest.get(x.digest))).toEqual(['d7', 'd6']);
  });
});

describe('evaluateLifecycle: malformed references', () => {
  it('subject cycles and self references justify nothing by themselves', () => {
    // Impossible for content-addressed manifests, but the engine must still terminate sanely.
    const images = [
      image('loop-a', { pushedDaysAgo: 40, subject: 'loop-b' }),
      image('loop-b', { pushedDaysAgo: 40, subject: 'loop-a' }),
      image('self', { pushedDaysAgo: 40, subject: 'self', parents: ['self'] }),
    ];
    const keepTagged = expireRule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], countType: 'imageCountMoreThan', countNumber: 1 });
    expect(run(images, keepTagged).decided).toEqual([]);
    // With a real decision in the cycle: the link out of the member with the smaller digest is
    // ignored, so loop-b follows loop-a exactly when loop-a has the smaller digest.
    const tagged = [
      image('loop-a', { tags: ['v1'], pushedDaysAgo: 40, subject: 'loop-b' }),
      image('loop-b', { tags: ['sig'], pushedDaysAgo: 40, subject: 'loop-a' }),
      image('newer', { tags: ['v2'], pushedDaysAgo: 1 }),
      image('self', { pushedDaysAgo: 40, subject: 'self', parents: ['self'] }),
    ];
    const { result } = run(tagged, keepTagged, expireRule(2, olderThan('untagged', 7)));
    const bFollows = digestOf('loop-a') < digestOf('loop-b');
    expect(Object.fromEntries(result.decisions.map((x) => [nameByDigest.get(x.digest), [x.appliedRulePriority, x.cause]]))).toEqual({
      'loop-a': [1, 'rule'],
      ...(bFollows ? { 'loop-b': [1, 'subject'] } : {}),
      self: [2, 'rule'],
    });
  });
});
