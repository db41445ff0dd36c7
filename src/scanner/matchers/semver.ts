import semver from 'semver';
import { compareNatural, sign } from './version-scheme.js';

/**
 * Semantic Versioning 2.0 as npm, Cargo (crates.io), Hex, Pub and OSV's `SEMVER` ranges use it:
 * numeric major.minor.patch, a pre-release sorts below its release and compares identifier by
 * identifier, build metadata (`+…`) is ignored. A leading `v` is accepted. Strings that are not
 * strict SemVer are parsed loosely (`=1.2.3`, `1.2.3beta`, `01.2.3`), short versions are padded
 * (`1.2` = `1.2.0`), and anything still unparseable falls back to a natural ordering.
 */

const SHORT = /^[vV=]?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:[-+].*)?)$/;

export function parse(version: string): semver.SemVer | null {
  const v = version.trim();
  const strict = semver.parse(v);
  if (strict) return strict;
  const loose = semver.parse(v, { loose: true });
  if (loose) return loose;
  const m = SHORT.exec(v);
  if (!m) return null;
  return semver.parse(`${m[1]}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}`, { loose: true });
}

/** Strict SemVer 2.0 (a leading `v` allowed, as npm and Go both print one). */
export function isValid(version: string): boolean {
  return semver.valid(version.trim()) !== null;
}

export function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x && y) return sign(x.compare(y));
  return compareNatural(a.trim(), b.trim());
}

/**
 * Go: module versions are SemVer with a mandatory `v` (`v1.2.3`, `v2.0.0+incompatible`,
 * pseudo-versions `v0.0.0-20191109021931-daa7c04131f5` and `v1.2.4-0.20191109021931-daa7c04131f5`,
 * which order as pre-releases, by their timestamp). OSV writes them without the `v`. The
 * standard library and toolchain use `go1.21.3`, `go1.20` (= 1.20.0) and `go1.21rc2`
 * (= 1.21.0-rc.2), which are mapped onto SemVer here.
 */
export function normalizeGoVersion(version: string): string {
  const v = version.trim();
  const toolchain = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/.exec(v);
  if (toolchain) {
    const pre = toolchain[4] ? `-${toolchain[4]}.${toolchain[5] ?? '0'}` : '';
    return `${toolchain[1]}.${toolchain[2] ?? '0'}.${toolchain[3] ?? '0'}${pre}`;
  }
  return v.startsWith('v') ? v.slice(1) : v;
}

export function isValidGo(version: string): boolean {
  return semver.valid(normalizeGoVersion(version)) !== null;
}

export function compareGo(a: string, b: string): number {
  return compare(normalizeGoVersion(a), normalizeGoVersion(b));
}
