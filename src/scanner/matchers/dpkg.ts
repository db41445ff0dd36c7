import { compareDigits, sign } from './version-scheme.js';

/**
 * Debian package versions: `[epoch:]upstream_version[-debian_revision]`, ordered as
 * deb-version(7) and dpkg's `--compare-versions` order them.
 *
 * Written here rather than taken from the `deb-version-compare` npm package: that package
 * disagrees with dpkg on leading zeros (`1.0` vs `1.00` and `0.1` vs `00.1` are equal to dpkg,
 * "less" both ways round to the package) and on revisions that start with a letter
 * (`1.0-a` > `1.0-1` to dpkg, < to the package). The scanner test cross-checks this module
 * against the real `dpkg --compare-versions`.
 */
export interface DpkgVersion {
  readonly epoch: string;
  readonly upstream: string;
  readonly revision: string;
}

const EPOCH = /^(\d+):/;
const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;

/**
 * Split a version into epoch, upstream version and revision the way dpkg does: the epoch is
 * the digits before the first colon, the revision whatever follows the last hyphen. Leading
 * and trailing whitespace is ignored. Never throws: a malformed epoch stays in the upstream part.
 */
export function parse(version: string): DpkgVersion {
  let rest = version.trim();
  let epoch = '0';
  const m = EPOCH.exec(rest);
  if (m) {
    epoch = m[1] ?? '0';
    rest = rest.slice(m[0].length);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

/**
 * Whether dpkg would accept the version without error or warning: numeric epoch, an upstream
 * version that starts with a digit and uses only `A-Za-z0-9.+~-:` (a colon only with an epoch,
 * a hyphen only with a revision), and a non-empty revision of `A-Za-z0-9.+~`.
 */
export function isValid(version: string): boolean {
  const v = version.trim();
  if (v === '' || /\s/.test(v)) return false;
  const colon = v.indexOf(':');
  if (colon >= 0 && !EPOCH.test(v)) return false;
  const { upstream, revision } = parse(v);
  const hasRevision = v.slice(colon + 1).includes('-');
  if (upstream === '' || !/^[0-9]/.test(upstream)) return false;
  if (!UPSTREAM_CHARS.test(upstream)) return false;
  if (colon < 0 && upstream.includes(':')) return false;
  if (hasRevision && (revision === '' || !REVISION_CHARS.test(revision))) return false;
  return true;
}

/** Sort weight of one character in a non-digit run: `~` < end/digit < letters < everything else. */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) return 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === 126) return -1;
  return c + 256;
}

function isDigitAt(s: string, i: number): boolean {
  if (i >= s.length) return false;
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/**
 * Compare one upstream version or revision: alternate runs of non-digits (compared character
 * by character with the weights above) and runs of digits (compared as integers).
 */
export function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigitAt(a, i)) || (j < b.length && !isDigitAt(b, j))) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    const si = i;
    while (isDigitAt(a, i)) i++;
    const sj = j;
    while (isDigitAt(b, j)) j++;
    const r = compareDigits(a.slice(si, i), b.slice(sj, j));
    if (r !== 0) return r;
  }
  return 0;
}

export function compare(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  return compareDigits(x.epoch, y.epoch) || compareFragment(x.upstream, y.upstream) || compareFragment(x.revision, y.revision);
}
