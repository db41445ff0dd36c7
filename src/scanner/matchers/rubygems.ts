import { compareStrings } from './version-scheme.js';

/**
 * RubyGems versions, ordered as `Gem::Version#<=>`:
 *
 * - a `-` is read as `.pre.` (`1.0-beta` = `1.0.pre.beta`);
 * - segments are runs of digits (integers) or of letters (strings), `.` only separates;
 * - a version with any letter segment is a pre-release, and a letter segment sorts below any
 *   number in the same position (`1.0.a` < `1.0` < `1.0.0.1`);
 * - trailing zeros of the numeric part and of the part after the first letter segment are
 *   dropped before comparing (`1.0.0` = `1`, `1.0.a` = `1.a`), and missing segments count as 0.
 */

const PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;

type Segment = bigint | string;

/** Whether `Gem::Version.correct?` accepts the string (the empty string is version "0"). */
export function isValid(version: string): boolean {
  return PATTERN.test(version);
}

function segments(version: string): Segment[] {
  const v = version.trim().replace(/-/g, '.pre.');
  return (v.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^[0-9]/.test(s) ? BigInt(s) : s));
}

function dropTrailingZeros(xs: Segment[]): Segment[] {
  let end = xs.length;
  while (end > 0 && xs[end - 1] === 0n) end--;
  return xs.slice(0, end);
}

export function canonicalSegments(version: string): Segment[] {
  const all = segments(version);
  const firstString = all.findIndex((s) => typeof s === 'string');
  const cut = firstString < 0 ? all.length : firstString;
  return [...dropTrailingZeros(all.slice(0, cut)), ...dropTrailingZeros(all.slice(cut))];
}

export function compare(a: string, b: string): number {
  const x = canonicalSegments(a);
  const y = canonicalSegments(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const l = x[i] ?? 0n;
    const r = y[i] ?? 0n;
    if (l === r) continue;
    if (typeof l === 'string' && typeof r !== 'string') return -1;
    if (typeof l !== 'string' && typeof r === 'string') return 1;
    if (typeof l === 'string' && typeof r === 'string') return compareStrings(l, r);
    return l < r ? -1 : 1;
  }
  return 0;
}

/** Whether the version is a pre-release (has any letter), as `Gem::Version#prerelease?`. */
export function isPrerelease(version: string): boolean {
  return /[a-zA-Z]/.test(version);
}

