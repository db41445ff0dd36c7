import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTagMutability, isTagImmutable, matchesWildcard, MAX_EXCLUSION_FILTERS } from '../../src/domain/tag-mutability.js';
import { RegistryError } from '../../src/errors/registry-error.js';
import type { ImageTagMutability, TagMutabilityExclusionFilter } from '../../src/storage/metadata/metadata-store.js';

const wildcard = (filter: string): TagMutabilityExclusionFilter => ({ filterType: 'WILDCARD', filter });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    return (err as RegistryError).code;
  }
  return undefined;
}

describe('matchesWildcard', () => {
  it.each([
    ['latest', 'latest', true],
    ['latest', 'latest2', false],
    ['latest', 'xlatest', false],
    ['latest*', 'latest', true],
    ['latest*', 'latest-amd64', true],
    ['dev-*', 'dev-', true],
    ['dev-*', 'dev', false],
    ['*', '', true],
    ['*', 'anything.at_all-1', true],
    ['*-rc*', 'v1.2-rc3', true],
    ['*-rc*', 'v1.2-rc', true],
    ['*-rc*', 'v1.2.rc3', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbYcZ', false],
    ['a*b*c', 'acb', false],
    ['**', 'x', true],
    ['v1.*', 'v1x2', false],
    ['Prod', 'prod', false],
  ])('%s against %s → %s', (filter, tag, expected) => {
    expect(matchesWildcard(filter, tag)).toBe(expected);
  });

  it('agrees with an anchored regular expression built from the filter', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '-', '*');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '-'), maxLength: 10 }), (filter, tag) => {
        const source = filter
          .split('*')
          .map((part) => part.replace(/[.\-]/g, '\\$&'))
          .join('.*');
        expect(matchesWildcard(filter, tag)).toBe(new RegExp(`^${source}$`, 's').test(tag));
      }),
    );
  });

  it('stays fast on filters full of stars that make regular expressions backtrack', () => {
    const filter = `${'a*'.repeat(60)}b`;
    const started = performance.now();
    expect(matchesWildcard(filter, 'a'.repeat(128))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('isTagImmutable', () => {
  const settings = (imageTagMutability: ImageTagMutability, filters: string[] = []) => ({
    imageTagMutability,
    imageTagMutabilityExclusionFilters: filters.map(wildcard),
  });

  it('MUTABLE never keeps a tag, IMMUTABLE always does', () => {
    expect(isTagImmutable(settings('MUTABLE'), 'latest')).toBe(false);
    expect(isTagImmutable(settings('IMMUTABLE'), 'latest')).toBe(true);
  });

  it('IMMUTABLE_WITH_EXCLUSION keeps every tag but those a filter matches', () => {
    const s = settings('IMMUTABLE_WITH_EXCLUSION', ['latest', 'dev-*']);
    expect(isTagImmutable(s, 'v1.0.0')).toBe(true);
    expect(isTagImmutable(s, 'latest')).toBe(false);
    expect(isTagImmutable(s, 'dev-42')).toBe(false);
    expect(isTagImmutable(s, 'latest-1')).toBe(true);
  });

  it('MUTABLE_WITH_EXCLUSION keeps only the tags a filter matches', () => {
    const s = settings('MUTABLE_WITH_EXCLUSION', ['release-*']);
    expect(isTagImmutable(s, 'release-1.2')).toBe(true);
    expect(isTagImmutable(s, 'latest')).toBe(false);
  });
});

describe('checkTagMutability', () => {
  it('returns no filters for the plain modes and refuses filters with them', () => {
    expect(checkTagMutability('MUTABLE', undefined)).toEqual([]);
    expect(checkTagMutability('IMMUTABLE', [])).toEqual([]);
    expect(codeOf(() => checkTagMutability('IMMUTABLE', [wildcard('latest')]))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkTagMutability('MUTABLE', [wildcard('latest')]))).toBe('INVALID_PARAMETER');
  });

  it('requires 1 to 5 filters with the *_WITH_EXCLUSION modes', () => {
    for (const mode of ['IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'] as const) {
      expect(codeOf(() => checkTagMutability(mode, undefined))).toBe('INVALID_PARAMETER');
      expect(codeOf(() => checkTagMutability(mode, []))).toBe('INVALID_PARAMETER');
      const five = Array.from({ length: MAX_EXCLUSION_FILTERS }, (_, i) => wildcard(`f${i}*`));
      expect(checkTagMutability(mode, five)).toEqual(five);
      expect(codeOf(() => checkTagMutability(mode, [...five, wildcard('six')]))).toBe('INVALID_PARAMETER');
    }
  });

  it("refuses filters outside ECR's pattern ^[0-9a-zA-Z._*-]{1,128}$", () => {
    const mode = 'IMMUTABLE_WITH_EXCLUSION';
    expect(checkTagMutability(mode, [wildcard('a'.repeat(128))])).toHaveLength(1);
    for (const bad of ['', 'a'.repeat(129), 'has space', 'slash/no', 'ümlaut']) {
      expect(codeOf(() => checkTagMutability(mode, [wildcard(bad)])), bad).toBe('INVALID_PARAMETER');
    }
  });
});
