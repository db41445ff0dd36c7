import { compareDigits, compareStrings } from './version-scheme.js';

/**
 * NuGet versions (NuGet.Versioning's NuGetVersion and VersionComparer.Default):
 * `Major.Minor[.Patch[.Revision]][-prerelease][+metadata]`. Missing numeric parts are 0
 * (`1.0` = `1.0.0` = `1.0.0.0`), leading zeros are ignored (`1.01` = `1.1`), a pre-release
 * sorts below its release, pre-release labels compare dot-separated identifier by identifier
 * (numbers numerically and below words, words case-insensitively, fewer identifiers first),
 * and build metadata is ignored.
 */

export interface NuGetVersion {
  readonly parts: readonly [string, string, string, string];
  readonly release: readonly string[];
  readonly metadata: string | undefined;
}

const PATTERN = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parse(version: string): NuGetVersion | undefined {
  const m = PATTERN.exec(version.trim());
  if (!m) return undefined;
  return {
    parts: [m[1] ?? '0', m[2] ?? '0', m[3] ?? '0', m[4] ?? '0'],
    release: m[5] ? m[5].split('.') : [],
    metadata: m[6],
  };
}

export function isValid(version: string): boolean {
  return parse(version) !== undefined;
}

function compareLabel(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return compareDigits(a, b);
  if (na) return -1;
  if (nb) return 1;
  return compareStrings(a.toLowerCase(), b.toLowerCase());
}

export function compareParsed(x: NuGetVersion, y: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(x.parts[i] ?? '0', y.parts[i] ?? '0');
    if (r !== 0) return r;
  }
  const px = x.release.length > 0;
  const py = y.release.length > 0;
  if (px !== py) return px ? -1 : 1;
  const n = Math.min(x.release.length, y.release.length);
  for (let i = 0; i < n; i++) {
    const r = compareLabel(x.release[i] ?? '', y.release[i] ?? '');
    if (r !== 0) return r;
  }
  return x.release.length === y.release.length ? 0 : x.release.length < y.release.length ? -1 : 1;
}

export function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x && y) return compareParsed(x, y);
  if (x || y) return x ? 1 : -1;
  return compareStrings(a.trim().toLowerCase(), b.trim().toLowerCase());
}
