/**
 * ECR tag immutability (pure): which tags may move to another image, and the rules for the
 * exclusion filters that carve exceptions out of a repository's mutability setting.
 */
import { RegistryError } from '../errors/registry-error.js';
import type { ImageTagMutability, TagMutabilityExclusionFilter } from '../storage/metadata/metadata-store.js';

/** ECR allows at most five exclusion filters per repository (or creation template). */
export const MAX_EXCLUSION_FILTERS = 5;

/** ECR's ImageTagMutabilityExclusionFilterValue pattern. */
export const EXCLUSION_FILTER_PATTERN = '^[0-9a-zA-Z._*-]{1,128}$';
const FILTER = new RegExp(EXCLUSION_FILTER_PATTERN);

export interface TagMutabilitySettings {
  readonly imageTagMutability: ImageTagMutability;
  readonly imageTagMutabilityExclusionFilters: readonly TagMutabilityExclusionFilter[];
}

/**
 * Whether a WILDCARD filter matches the whole tag: `*` matches any run of characters (also none),
 * everything else itself, case-sensitively. Linear-time backtracking over the last `*`, so a
 * filter full of stars cannot blow up the way the equivalent regular expression can.
 */
export function matchesWildcard(filter: string, tag: string): boolean {
  let f = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < tag.length) {
    if (f < filter.length && filter[f] === '*') {
      star = f++;
      resume = t;
    } else if (f < filter.length && filter[f] === tag[t]) {
      f++;
      t++;
    } else if (star >= 0) {
      f = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (f < filter.length && filter[f] === '*') f++;
  return f === filter.length;
}

/**
 * Whether a tag that already points at an image may not be moved to another one: always under
 * IMMUTABLE, never under MUTABLE; with IMMUTABLE_WITH_EXCLUSION unless a filter matches the tag,
 * with MUTABLE_WITH_EXCLUSION only if one does.
 */
export function isTagImmutable(settings: TagMutabilitySettings, tag: string): boolean {
  const excluded = () => settings.imageTagMutabilityExclusionFilters.some((f) => f.filterType === 'WILDCARD' && matchesWildcard(f.filter, tag));
  switch (settings.imageTagMutability) {
    case 'MUTABLE':
      return false;
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !excluded();
    case 'MUTABLE_WITH_EXCLUSION':
      return excluded();
  }
}

export function usesExclusionFilters(mode: ImageTagMutability): boolean {
  return mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION';
}

/**
 * Checks a mutability setting with its filters as ECR does: the *_WITH_EXCLUSION modes need
 * 1–5 filters, the other modes take none. Returns the filters to store (empty for the plain
 * modes); throws INVALID_PARAMETER otherwise.
 */
export function checkTagMutability(
  mode: ImageTagMutability,
  filters: readonly TagMutabilityExclusionFilter[] | undefined,
): readonly TagMutabilityExclusionFilter[] {
  const given = filters ?? [];
  if (!usesExclusionFilters(mode)) {
    if (given.length > 0) {
      throw new RegistryError('INVALID_PARAMETER', `imageTagMutabilityExclusionFilters can only be specified with imageTagMutability IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION, not ${mode}`);
    }
    return [];
  }
  if (given.length === 0) {
    throw new RegistryError('INVALID_PARAMETER', `imageTagMutabilityExclusionFilters must be specified when imageTagMutability is ${mode}`);
  }
  if (given.length > MAX_EXCLUSION_FILTERS) {
    throw new RegistryError('INVALID_PARAMETER', `imageTagMutabilityExclusionFilters may hold at most ${MAX_EXCLUSION_FILTERS} filters`);
  }
  for (const f of given) {
    if (f.filterType !== 'WILDCARD') throw new RegistryError('INVALID_PARAMETER', `filterType must be WILDCARD, not ${String(f.filterType)}`);
    if (!FILTER.test(f.filter)) {
      throw new RegistryError('INVALID_PARAMETER', `exclusion filter '${f.filter.slice(0, 200)}' must match ${EXCLUSION_FILTER_PATTERN}`);
    }
  }
  return given.map(({ filterType, filter }) => ({ filterType, filter }));
}
