import { compareDigits, compareStrings } from './version-scheme.js';

/**
 * RPM versions: `[epoch:]version[-release]`, ordered as rpm 4.18 orders them (rpmvercmp on
 * each part, epoch first). Within a part, runs of ASCII letters and runs of digits are compared
 * in turn (digits as integers, letters by byte value, a digit run beats a letter run), every
 * other character only separates runs, `~` sorts before anything (even the end of the string:
 * `1.0~rc1` < `1.0`) and `^` sorts after the end of the string but before anything else
 * (`1.0` < `1.0^git1` < `1.0.1`). A missing epoch is 0; a missing release sorts below any
 * release, even an empty one (`1.0` < `1.0-` < `1.0-1`), as `rpm.vercmp()` in rpm 4.18 does.
 */
export interface Evr {
  readonly epoch: string;
  readonly version: string;
  readonly release: string | undefined;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** Parse `[epoch:]version[-release]` as rpm's parseEVR does: the release follows the last hyphen. */
export function parseEvr(evr: string): Evr {
  const s = evr.trim();
  let i = 0;
  while (isDigit(s[i])) i++;
  let epoch = '0';
  let rest = s;
  if (s[i] === ':') {
    epoch = i === 0 ? '0' : s.slice(0, i);
    rest = s.slice(i + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

/** rpmvercmp: compare one version or release string. */
export function vercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const separator = (c: string | undefined): boolean => c !== undefined && !isAlpha(c) && !isDigit(c) && c !== '~' && c !== '^';
  while (i < a.length || j < b.length) {
    while (separator(a[i])) i++;
    while (separator(b[j])) j++;
    const ca = a[i];
    const cb = b[j];
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '^' || cb === '^') {
      if (ca === undefined) return -1;
      if (cb === undefined) return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === undefined || cb === undefined) break;
    const numeric = isDigit(ca);
    const inRun = numeric ? isDigit : isAlpha;
    const si = i;
    while (inRun(a[i])) i++;
    const sj = j;
    while (inRun(b[j])) j++;
    // The run on `a` is never empty: `ca` is a letter or digit and picked the run kind.
    if (sj === j) return numeric ? 1 : -1;
    const r = numeric ? compareDigits(a.slice(si, i), b.slice(sj, j)) : compareStrings(a.slice(si, i), b.slice(sj, j));
    if (r !== 0) return r;
  }
  const endA = i >= a.length;
  const endB = j >= b.length;
  if (endA && endB) return 0;
  return endA ? -1 : 1;
}

export function compareEvr(a: Evr, b: Evr): number {
  const r = vercmp(a.epoch, b.epoch) || vercmp(a.version, b.version);
  if (r !== 0) return r;
  if (a.release !== undefined && b.release !== undefined) return vercmp(a.release, b.release);
  // A release, even an empty or `~` one, outranks no release at all (rpm 4.18's rpmverCmp).
  return a.release !== undefined ? (b.release !== undefined ? 0 : 1) : b.release !== undefined ? -1 : 0;
}

export function compare(a: string, b: string): number {
  return compareEvr(parseEvr(a), parseEvr(b));
}

const PART = /^[A-Za-z0-9._+~^]*[A-Za-z0-9][A-Za-z0-9._+~^]*$/;

/**
 * Whether the string is a well-formed EVR as rpmbuild would produce it: an optional numeric
 * epoch, a version and an optional release made of `A-Za-z0-9._+~^` (no hyphen in either).
 * `compare` accepts anything; this is for callers that want to reject junk early.
 */
export function isValid(version: string): boolean {
  if (version.indexOf(':') >= 0 && !/^\d+:/.test(version)) return false;
  const evr = parseEvr(version);
  if (!PART.test(evr.version)) return false;
  return evr.release === undefined || PART.test(evr.release);
}
