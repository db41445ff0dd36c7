/**
 * The contract every ecosystem version scheme implements. `compare` is total: it orders any
 * two strings (malformed ones included) and returns exactly -1, 0 or 1, so range evaluation
 * never throws on an odd advisory. `isValid` says whether the scheme's own tooling would
 * accept the string.
 */
export interface VersionScheme {
  readonly name: SchemeName;
  compare(a: string, b: string): number;
  isValid(version: string): boolean;
}

export type SchemeName = 'dpkg' | 'apk' | 'rpm' | 'semver' | 'go' | 'pep440' | 'maven' | 'rubygems' | 'nuget' | 'composer';

/** Clamp any comparator result to -1, 0 or 1. */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * Compare two strings of ASCII digits as unbounded non-negative integers (no precision loss
 * for the 14-digit timestamps and longer runs that real versions carry). Leading zeros are
 * ignored and the empty string counts as zero.
 */
export function compareDigits(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a.charCodeAt(i) === 48) i++;
  let j = 0;
  while (j < b.length && b.charCodeAt(j) === 48) j++;
  const x = a.slice(i);
  const y = b.slice(j);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Byte-order (code-unit) comparison, as C's strcmp/memcmp does for ASCII. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Last-resort ordering for strings a scheme cannot parse: runs of digits (as integers) and
 * runs of letters (by byte value) in turn, anything else only separates runs; a digit run
 * outranks a letter run, and the string with runs left over is greater. Total and consistent,
 * so a malformed advisory version still sorts somewhere sensible instead of throwing.
 */
export function compareNatural(a: string, b: string): number {
  const ta = a.match(/[0-9]+|[A-Za-z]+/g) ?? [];
  const tb = b.match(/[0-9]+|[A-Za-z]+/g) ?? [];
  const n = Math.min(ta.length, tb.length);
  for (let k = 0; k < n; k++) {
    const x = ta[k] ?? '';
    const y = tb[k] ?? '';
    const dx = /^[0-9]/.test(x);
    const dy = /^[0-9]/.test(y);
    if (dx !== dy) return dx ? 1 : -1;
    const r = dx ? compareDigits(x, y) : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return sign(ta.length - tb.length);
}
