import * as pep440 from '@renovatebot/pep440';
import { compareNatural, sign } from './version-scheme.js';

/**
 * Python package versions per PEP 440 (via @renovatebot/pep440, a port of `packaging.version`):
 * epochs (`1!0.5` > `2.0`), dev < pre (`a`/`b`/`rc`, with their spelling variants) < release <
 * post releases, local versions (`+ubuntu1`) above the plain release, trailing zeros ignored
 * (`1.0` = `1.0.0`). Strings that are not PEP 440 (legacy versions `packaging` rejects since
 * 22.0) fall back to a natural ordering and sort below every valid version.
 */

function clean(version: string): string {
  return version.trim();
}

export function isValid(version: string): boolean {
  return pep440.valid(clean(version)) !== null;
}

export function compare(a: string, b: string): number {
  const x = clean(a);
  const y = clean(b);
  const vx = pep440.valid(x) !== null;
  const vy = pep440.valid(y) !== null;
  if (vx && vy) return sign(pep440.compare(x, y));
  if (vx !== vy) return vx ? 1 : -1;
  return compareNatural(x, y);
}

/**
 * PEP 503 project-name normalisation: lower case, every run of `-`, `_` and `.` becomes one
 * `-`. `Foo.Bar`, `foo_bar` and `FOO--bar` all name the project `foo-bar`.
 */
export function normalizePythonName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}
