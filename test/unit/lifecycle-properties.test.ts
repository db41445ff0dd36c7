/** Property-based tests (fast-check) of the lifecycle engine's invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLifecycle, selector, type LifecycleImage, type LifecycleResult } from '../../src/lifecycle/evaluate.js';
import { parseLifecyclePolicy, type LifecyclePolicy, type LifecycleRule } from '../../src/lifecycle/policy.js';
import { tagMatchesPattern } from '../../src/lifecycle/tags.js';
import { DAY_MS, HOUR_MS, NOW } from './lifecycle-fixtures.js';

const TAGS = ['prod', 'prod-1', 'prod-2', 'beta', 'beta-1', 'beta-2', 'alpha-1', 'alpha-2', 'latest', 'v1', 'v2', 'rel-1', 'x-1'];
const TAG_FILTERS: ReadonlyArray<{ tagPrefixList: string[] } | { tagPatternList: string[] }> = [
  { tagPrefixList: ['prod'] },
  { tagPrefixList: ['beta'] },
  { tagPrefixList: ['alpha'] },
  { tagPrefixList: ['prod', 'beta'] },
  { tagPrefixList: ['v'] },
  { tagPrefixList: ['rel', 'x'] },
  { tagPatternList: ['prod*'] },
  { tagPatternList: ['*-1'] },
  { tagPatternList: ['beta*'] },
  { tagPatternList: ['*a*'] },
  { tagPatternList: ['latest'] },
  { tagPatternList: ['v*', '*2'] },
];

interface CountSpec {
  countType: 'imageCountMoreThan' | 'sinceImagePushed' | 'sinceImagePulled';
  countNumber: number;
  action: 'expire' | 'transition';
  protect: number | undefined;
}

const countSpec: fc.Arbitrary<CountSpec> = fc
  .tuple(
    fc.oneof(
      fc.record({
        countType: fc.constant('imageCountMoreThan' as const),
        countNumber: fc.integer({ min: 1, max: 4 }),
        action: fc.constantFrom('expire' as const, 'transition' as const),
      }),
      fc.record({
        countType: fc.constant('sinceImagePushed' as const),
        countNumber: fc.integer({ min: 1, max: 40 }),
        action: fc.constantFrom('expire' as const, 'transition' as const),
      }),
      fc.record({
        countType: fc.constant('sinceImagePulled' as const),
        countNumber: fc.integer({ min: 1, max: 40 }),
        action: fc.constant('transition' as const),
      }),
    ),
    fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined, freq: 4 }),
  )
  .map(([spec, protect]) => ({ ...spec, protect }));

function selectionOf(spec: CountSpec, base: object): object {
  return {
    ...base,
    countType: spec.countType,
    ...(spec.countType === 'imageCountMoreThan' ? {} : { countUnit: 'days' }),
    countNumber: spec.countNumber,
    ...(spec.protect === undefined ? {} : { wharfProtectPulledWithinDays: spec.protect }),
  };
}

function actionOf(spec: CountSpec): object {
  return spec.action === 'expire' ? { type: 'expire' } : { type: 'transition', targetStorageClass: 'archive' };
}

interface PolicyOptions {
  tagged: boolean;
  any: boolean;
}

/** Valid policies by construction, always parsed from text by the real parser. */
function policyArb({ tagged, any }: PolicyOptions): fc.Arbitrary<LifecyclePolicy> {
  return fc
    .record({
      filters: tagged ? fc.uniqueArray(fc.integer({ min: 0, max: TAG_FILTERS.length - 1 }), { maxLength: 5 }) : fc.constant<number[]>([]),
      counts: fc.array(countSpec, { minLength: 5, maxLength: 5 }),
      untagged: fc.option(countSpec, { nil: undefined }),
      anyRule: any ? fc.option(countSpec, { nil: undefined }) : fc.constant(undefined),
      archive: fc.option(
        fc.record({
          filter: tagged || any
            ? fc.constantFrom<object>({ tagStatus: 'any' }, { tagStatus: 'untagged' }, { tagStatus: 'tagged', tagPrefixList: ['prod'] })
            : fc.constant<object>({ tagStatus: 'untagged' }),
          countNumber: fc.integer({ min: 90, max: 200 }),
        }),
        { nil: undefined },
      ),
      priorities: fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 8, maxLength: 8 }),
    })
    .map(({ filters, counts, untagged, anyRule, archive, priorities }) => {
      const standard: Array<{ selection: object; action: object; isAny: boolean }> = [];
      filters.forEach((f, i) => {
        const spec = counts[i] as CountSpec;
        standard.push({ selection: selectionOf(spec, { tagStatus: 'tagged', ...TAG_FILTERS[f] }), action: actionOf(spec), isAny: false });
      });
      if (untagged) standard.push({ selection: selectionOf(untagged, { tagStatus: 'untagged' }), action: actionOf(untagged), isAny: false });
      if (anyRule) standard.push({ selection: selectionOf(anyRule, { tagStatus: 'any' }), action: actionOf(anyRule), isAny: true });
      const pool = priorities.slice(0, standard.length);
      const highest = Math.max(...pool);
      const rest = pool.filter((p) => p !== highest);
      const rules: object[] = standard.map((r) => ({
        rulePriority: r.isAny ? highest : (rest.shift() ?? highest),
        selection: r.selection,
        action: r.action,
      }));
      if (archive) {
        rules.push({
          rulePriority: priorities[7] as number,
          selection: { ...archive.filter, storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: archive.countNumber },
          action: { type: 'expire' },
        });
      }
      if (rules.length === 0) {
        rules.push({ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } });
      }
      return parseLifecyclePolicy(JSON.stringify({ rules }, null, 1));
    });
}

interface ImageSpec {
  tags: string[];
  pushedHoursAgo: number;
  pulledHoursAgo: number | undefined;
  archivedDaysAgo: number | undefined;
  activatedHoursAgo: number | undefined;
}

const imageSpec: fc.Arbitrary<ImageSpec> = fc.record({
  tags: fc.oneof(fc.constant([] as string[]), fc.subarray(TAGS, { minLength: 1, maxLength: 3 })),
  // Whole days half of the time, so that equal ages (ties) are common.
  pushedHoursAgo: fc.oneof(fc.integer({ min: 0, max: 60 }).map((d) => d * 24), fc.integer({ min: 0, max: 60 * 24 })),
  pulledHoursAgo: fc.option(fc.integer({ min: 0, max: 60 * 24 }), { nil: undefined }),
  archivedDaysAgo: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined, freq: 3 }),
  activatedHoursAgo: fc.option(fc.integer({ min: 0, max: 30 * 24 }), { nil: undefined, freq: 6 }),
});

const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR_MS);
const digestAt = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

function toImage(spec: ImageSpec, i: number): LifecycleImage {
  const archived = spec.archivedDaysAgo !== undefined;
  return {
    digest: digestAt(i),
    tags: spec.tags,
    pushedAt: hoursAgo(spec.pushedHoursAgo),
    storageClass: archived ? 'ARCHIVE' : 'STANDARD',
    ...(spec.pulledHoursAgo === undefined ? {} : { lastPulledAt: hoursAgo(spec.pulledHoursAgo) }),
    ...(archived ? { lastArchivedAt: new Date(NOW.getTime() - (spec.archivedDaysAgo as number) * DAY_MS) } : {}),
    ...(spec.activatedHoursAgo === undefined ? {} : { lastActivatedAt: hoursAgo(spec.activatedHoursAgo) }),
  };
}

const imagesArb = fc.array(imageSpec, { maxLength: 40 }).map((specs) => specs.map(toImage));

/**
 * Images with manifest-list parents and referrer subjects among themselves. Like real
 * content-addressed manifests, references only point at "earlier" manifests (a manifest's digest
 * covers the digests it names), so the reference graph is acyclic: image i's subject has a lower
 * index, and its parent indexes higher ones.
 */
const graphImagesArb = fc
  .array(
    fc.record({
      spec: imageSpec,
      subject: fc.option(fc.nat(), { nil: undefined, freq: 3 }),
      parents: fc.array(fc.nat(), { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((entries) =>
    entries.map(({ spec, subject, parents }, i) => {
      const n = entries.length;
      const image = toImage(spec, i);
      const later = n - i - 1;
      const parentDigests = later === 0 ? [] : [...new Set(parents.map((p) => i + 1 + (p % later)))].map(digestAt);
      return {
        ...image,
        ...(parentDigests.length > 0 ? { parentIndexes: parentDigests } : {}),
        ...(subject !== undefined && i > 0 ? { subject: digestAt(subject % i) } : {}),
      };
    }),
  );

/** Arbitrary references, cycles included: impossible for real manifests, but must not break anything. */
const tangledImagesArb = fc
  .array(
    fc.record({ spec: imageSpec, subject: fc.option(fc.nat(), { nil: undefined, freq: 2 }), parents: fc.array(fc.nat(), { maxLength: 2 }) }),
    { minLength: 1, maxLength: 30 },
  )
  .map((entries) =>
    entries.map(({ spec, subject, parents }, i) => ({
      ...toImage(spec, i),
      parentIndexes: parents.map((p) => digestAt(p % entries.length)),
      ...(subject === undefined ? {} : { subject: digestAt(subject % entries.length) }),
    })),
  );

const ageOf = (image: LifecycleImage) =>
  Math.max(image.pushedAt.getTime(), image.lastActivatedAt?.getTime() ?? Number.NEGATIVE_INFINITY);

/** A rule's identified images, youngest first with the documented digest tie-break. */
function rankedBy(rule: LifecycleRule, images: readonly LifecycleImage[]): LifecycleImage[] {
  const selects = selector(rule);
  return images
    .filter(selects)
    .sort((a, b) => ageOf(b) - ageOf(a) || (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

function decisionMap(result: LifecycleResult) {
  return new Map(result.decisions.map((d) => [d.digest, d]));
}

const RUNS = { numRuns: 300 };

describe('tag pattern matching (property-based)', () => {
  it('agrees with an anchored regular expression in which `*` is `.*` and all else is literal', () => {
    const text = (chars: string[], maxLength: number) => fc.array(fc.constantFrom(...chars), { maxLength }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text(['a', 'b', '-', '.', '*'], 10), text(['a', 'b', '-', '.'], 12), (pattern, tag) => {
        const escaped = pattern
          .split('*')
          .map((part) => part.replace(/[.\\-]/g, '\\$&'))
          .join('.*');
        expect(tagMatchesPattern(tag, pattern)).toBe(new RegExp(`^${escaped}$`, 's').test(tag));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('lifecycle invariants (property-based)', () => {
  it('each image is decided at most once, and only images that exist are decided', () => {
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), graphImagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const digests = result.decisions.map((d) => d.digest);
        expect(new Set(digests).size).toBe(digests.length);
        const known = new Set(images.map((i) => i.digest));
        expect(digests.every((d) => known.has(d))).toBe(true);
        expect(Object.values(result.byRule).flat().sort()).toEqual([...digests].sort());
      }),
      RUNS,
    );
  });

  it('a rule decision comes from the highest-priority rule whose selection matches the image', () => {
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), graphImagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const byDigest = new Map(images.map((i) => [i.digest, i]));
        for (const decision of result.decisions) {
          if (decision.cause !== 'rule') continue;
          const image = byDigest.get(decision.digest) as LifecycleImage;
          const first = policy.rules.find((rule) => selector(rule)(image));
          expect(first?.rulePriority).toBe(decision.appliedRulePriority);
        }
      }),
      RUNS,
    );
  });

  it('imageCountMoreThan never acts on the countNumber youngest images it identifies', () => {
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), imagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const decisions = decisionMap(result);
        for (const rule of policy.rules) {
          if (rule.selection.countType !== 'imageCountMoreThan') continue;
          const ranked = rankedBy(rule, images);
          const kept = ranked.slice(0, rule.selection.countNumber);
          for (const image of kept) {
            const d = decisions.get(image.digest);
            expect(d === undefined || d.appliedRulePriority !== rule.rulePriority).toBe(true);
          }
          const actedOn = ranked.filter((i) => decisions.get(i.digest)?.appliedRulePriority === rule.rulePriority).length;
          expect(ranked.length - actedOn).toBeGreaterThanOrEqual(Math.min(rule.selection.countNumber, ranked.length));
        }
      }),
      RUNS,
    );
  });

  it('every rule decision meets its rule\'s own criterion, storage class and protection', () => {
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), imagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const byDigest = new Map(images.map((i) => [i.digest, i]));
        for (const d of result.decisions) {
          const image = byDigest.get(d.digest) as LifecycleImage;
          const rule = policy.rules.find((r) => r.rulePriority === d.appliedRulePriority) as LifecycleRule;
          const { countType, countNumber, wharfProtectPulledWithinDays } = rule.selection;
          const cutoff = NOW.getTime() - countNumber * DAY_MS;
          expect(selector(rule)(image)).toBe(true);
          expect(d.action).toBe(rule.action.type === 'expire' ? 'EXPIRE' : 'TRANSITION');
          if (countType === 'sinceImagePushed') expect(ageOf(image)).toBeLessThan(cutoff);
          if (countType === 'sinceImagePulled') {
            expect(Math.max(ageOf(image), image.lastPulledAt?.getTime() ?? 0)).toBeLessThan(cutoff);
          }
          if (countType === 'sinceImageTransitioned') expect(image.lastArchivedAt?.getTime()).toBeLessThan(cutoff);
          if (wharfProtectPulledWithinDays !== undefined && image.lastPulledAt !== undefined) {
            expect(image.lastPulledAt.getTime()).toBeLessThan(NOW.getTime() - wharfProtectPulledWithinDays * DAY_MS);
          }
        }
      }),
      RUNS,
    );
  });

  it('is deterministic and independent of input order', () => {
    const arb = graphImagesArb.chain((images) =>
      fc.tuple(fc.constant(images), fc.shuffledSubarray(images, { minLength: images.length, maxLength: images.length })),
    );
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), arb, (policy, [images, shuffled]) => {
        const a = evaluateLifecycle(policy, images, NOW);
        const b = evaluateLifecycle(policy, shuffled, NOW);
        expect(b).toEqual(a);
        expect(evaluateLifecycle(policy, images, NOW)).toEqual(a);
      }),
      RUNS,
    );
  });

  it('cyclic or self references (impossible for real manifests) still give one order-independent decision per image', () => {
    const arb = tangledImagesArb.chain((images) =>
      fc.tuple(fc.constant(images), fc.shuffledSubarray(images, { minLength: images.length, maxLength: images.length })),
    );
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), arb, (policy, [images, shuffled]) => {
        const a = evaluateLifecycle(policy, images, NOW);
        expect(evaluateLifecycle(policy, shuffled, NOW)).toEqual(a);
        const digests = a.decisions.map((d) => d.digest);
        expect(new Set(digests).size).toBe(digests.length);
        // Every inherited decision leads back, through subjects, to a rule decision of the same rule.
        const decisions = decisionMap(a);
        for (const d of a.decisions) {
          let at = d;
          for (let steps = 0; at.cause === 'subject'; steps++) {
            expect(steps).toBeLessThan(images.length);
            const next = decisions.get(at.subjectDigest as string);
            expect(next?.appliedRulePriority).toBe(d.appliedRulePriority);
            at = next as typeof d;
          }
        }
      }),
      RUNS,
    );
  });

  it('nothing tagged is touched by an untagged-only policy', () => {
    fc.assert(
      fc.property(policyArb({ tagged: false, any: false }), imagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const byDigest = new Map(images.map((i) => [i.digest, i]));
        for (const d of result.decisions) expect(byDigest.get(d.digest)?.tags).toEqual([]);
      }),
      RUNS,
    );
  });

  it('with referrers, an untagged-only policy acts on a tagged image only to follow its subject', () => {
    fc.assert(
      fc.property(policyArb({ tagged: false, any: false }), graphImagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const byDigest = new Map(images.map((i) => [i.digest, i]));
        for (const d of result.decisions) {
          if (d.cause === 'rule') expect(byDigest.get(d.digest)?.tags).toEqual([]);
          else expect(d.subjectDigest).toBe(byDigest.get(d.digest)?.subject);
        }
      }),
      RUNS,
    );
  });

  it('no image leaves while an index referencing it stays', () => {
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), graphImagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const decisions = decisionMap(result);
        const byDigest = new Map(images.map((i) => [i.digest, i]));
        for (const d of result.decisions) {
          for (const parent of byDigest.get(d.digest)?.parentIndexes ?? []) {
            const parentDecision = decisions.get(parent)?.action;
            if (d.action === 'EXPIRE') expect(parentDecision).toBe('EXPIRE');
            else expect(parentDecision !== undefined || byDigest.get(parent)?.storageClass === 'ARCHIVE').toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('referrers go with an expired or archived subject unless an index holds them back', () => {
    fc.assert(
      fc.property(policyArb({ tagged: true, any: true }), graphImagesArb, (policy, images) => {
        const result = evaluateLifecycle(policy, images, NOW);
        const decisions = decisionMap(result);
        const withheld = new Set(result.withheld.map((w) => w.digest));
        for (const image of images) {
          if (image.subject === undefined) continue;
          const subject = decisions.get(image.subject);
          if (subject === undefined) continue;
          const mine = decisions.get(image.digest);
          if (subject.action === 'EXPIRE') {
            expect(mine?.action === 'EXPIRE' || withheld.has(image.digest)).toBe(true);
          } else if (image.storageClass === 'STANDARD') {
            expect(mine !== undefined || withheld.has(image.digest)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });
});
