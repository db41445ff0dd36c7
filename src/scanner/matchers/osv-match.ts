import type { OsvAffected, OsvEvent, OsvRange } from '../advisories/osv.js';
import { SCHEMES, schemeFor, type VersionScheme } from './ecosystems.js';

/**
 * Whether an installed package version falls inside an OSV `affected[]` entry, following the
 * evaluation algorithm of the OSV schema (docs/schema.md, "Evaluation"):
 *
 * - a version listed in `versions` is affected;
 * - for each `ECOSYSTEM` or `SEMVER` range that the version is below a `limit` of (or that has
 *   no `limit`; a limit containing `*` is infinity), walk the events in version order: an
 *   `introduced` at or below the version turns "vulnerable" on (`"0"` is below everything), a
 *   `fixed` at or below it turns it off, a `last_affected` strictly below it turns it off;
 * - `GIT` ranges need a commit graph and are skipped; OSV.dev enumerates their tags in `versions`.
 *
 * `ECOSYSTEM` ranges compare with the scheme of `affected.package.ecosystem` (see ecosystems.ts);
 * `SEMVER` ranges with SemVer (Go's variant for the Go ecosystem). An `ECOSYSTEM` range in an
 * ecosystem without a known scheme cannot be evaluated and matches nothing unless a scheme is
 * passed in `options`.
 *
 * Events at equal versions keep their order in the advisory (OSV recommends sorted arrays), so
 * `introduced X, fixed X` is an empty range while `fixed X, introduced X` re-opens at X.
 */
export interface MatchOptions {
  /** Version scheme for `ECOSYSTEM` ranges, overriding the one chosen from the ecosystem name. */
  readonly scheme?: VersionScheme;
}

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface Event {
  readonly kind: EventKind;
  readonly version: string;
  readonly index: number;
}

function eventOf(evt: OsvEvent, index: number): Event | undefined {
  if (evt.introduced !== undefined) return { kind: 'introduced', version: evt.introduced, index };
  if (evt.fixed !== undefined) return { kind: 'fixed', version: evt.fixed, index };
  if (evt.last_affected !== undefined) return { kind: 'last_affected', version: evt.last_affected, index };
  if (evt.limit !== undefined) return { kind: 'limit', version: evt.limit, index };
  return undefined;
}

function isZero(e: Event): boolean {
  return e.kind === 'introduced' && e.version === '0';
}

function schemeForRange(range: OsvRange, affected: OsvAffected, options: MatchOptions | undefined): VersionScheme | undefined {
  const ecosystemScheme = options?.scheme ?? (affected.package ? schemeFor(affected.package.ecosystem) : undefined);
  if (range.type === 'SEMVER') return ecosystemScheme?.name === 'go' ? SCHEMES.go : SCHEMES.semver;
  if (range.type === 'ECOSYSTEM') return ecosystemScheme;
  return undefined;
}

function sortedEvents(range: OsvRange, scheme: VersionScheme): Event[] {
  const events = range.events.map(eventOf).filter((e): e is Event => e !== undefined && e.kind !== 'limit');
  return events.sort((a, b) => {
    const za = isZero(a);
    const zb = isZero(b);
    if (za || zb) return za && zb ? a.index - b.index : za ? -1 : 1;
    return scheme.compare(a.version, b.version) || a.index - b.index;
  });
}

function beforeLimits(version: string, range: OsvRange, scheme: VersionScheme): boolean {
  const limits = range.events.map((e) => e.limit).filter((l): l is string => l !== undefined);
  if (limits.length === 0) return true;
  return limits.some((limit) => limit.includes('*') || scheme.compare(version, limit) < 0);
}

/** Whether `version` lies in one evaluable range (false for GIT ranges and unknown schemes). */
export function rangeIncludes(version: string, range: OsvRange, scheme: VersionScheme): boolean {
  if (!beforeLimits(version, range, scheme)) return false;
  let vulnerable = false;
  for (const e of sortedEvents(range, scheme)) {
    if (e.kind === 'introduced') {
      if (isZero(e) || scheme.compare(version, e.version) >= 0) vulnerable = true;
    } else if (e.kind === 'fixed') {
      if (scheme.compare(version, e.version) >= 0) vulnerable = false;
    } else if (e.kind === 'last_affected') {
      if (scheme.compare(version, e.version) > 0) vulnerable = false;
    }
  }
  return vulnerable;
}

function inVersions(version: string, affected: OsvAffected, options: MatchOptions | undefined): boolean {
  const listed = affected.versions ?? [];
  if (listed.includes(version)) return true;
  const scheme = options?.scheme ?? (affected.package ? schemeFor(affected.package.ecosystem) : undefined);
  if (!scheme || !scheme.isValid(version)) return false;
  return listed.some((v) => scheme.isValid(v) && scheme.compare(version, v) === 0);
}

export function isAffected(version: string, affected: OsvAffected, options?: MatchOptions): boolean {
  if (inVersions(version, affected, options)) return true;
  for (const range of affected.ranges ?? []) {
    const scheme = schemeForRange(range, affected, options);
    if (scheme && rangeIncludes(version, range, scheme)) return true;
  }
  return false;
}

/**
 * The version to upgrade to: the lowest `fixed` above the installed version among the ranges
 * that contain it (falling back to any range's `fixed` above it when the version is affected
 * only through `versions` or a `last_affected`-only range). Undefined when the version is not
 * affected or no fix is recorded.
 */
export function fixedVersionFor(version: string, affected: OsvAffected, options?: MatchOptions): string | undefined {
  if (!isAffected(version, affected, options)) return undefined;
  const pick = (ranges: readonly OsvRange[]): string | undefined => {
    let best: { version: string; scheme: VersionScheme } | undefined;
    for (const range of ranges) {
      const scheme = schemeForRange(range, affected, options);
      if (!scheme) continue;
      for (const e of range.events) {
        if (e.fixed === undefined || scheme.compare(e.fixed, version) <= 0) continue;
        if (!best || scheme.compare(e.fixed, best.version) < 0) best = { version: e.fixed, scheme };
      }
    }
    return best?.version;
  };
  const ranges = affected.ranges ?? [];
  const containing = ranges.filter((range) => {
    const scheme = schemeForRange(range, affected, options);
    return scheme !== undefined && rangeIncludes(version, range, scheme);
  });
  return pick(containing) ?? pick(ranges);
}
