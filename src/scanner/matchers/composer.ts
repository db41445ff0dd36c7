import { compareDigits } from './version-scheme.js';

/**
 * Composer / Packagist versions. Composer normalises a version (drops a leading `v`, pads the
 * numeric part to four components, spells stability flags as `alpha`, `beta`, `RC`, `patch`
 * and `dev`) and then orders normalised versions with PHP's `version_compare`:
 *
 *   unknown words < `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < numbers < `pl` = `p`
 *
 * so `1.0.0-beta2` < `1.0.0-RC1` < `1.0` = `1.0.0.0` < `1.0.0-p1` (`-patch1`) < `1.0.1`.
 * Branch names (`dev-main`) sort below every numbered version.
 */

const NUMERIC = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?/i;
const MODIFIER = /^[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?$/i;

/** Composer's VersionParser::normalize for numbered versions; anything else is returned trimmed. */
export function normalize(version: string): string {
  // Build metadata (`+…`) is dropped, as Composer does.
  const v = version.trim().replace(/^([^,\s+]+)\+\S+$/, '$1');
  const m = NUMERIC.exec(v);
  if (!m) return v;
  const rest = v.slice(m[0].length);
  const mod = MODIFIER.exec(rest);
  if (!mod) return v;
  let out = [m[1], m[2], m[3], m[4]].map((p) => p ?? '0').join('.');
  const flag = mod[1]?.toLowerCase();
  if (flag && flag !== 'stable') {
    const name = flag === 'a' ? 'alpha' : flag === 'b' ? 'beta' : flag === 'rc' ? 'RC' : flag === 'p' || flag === 'pl' ? 'patch' : flag;
    out += `-${name}${(mod[2] ?? '').replace(/^[.-]/, '')}`;
  }
  if (mod[3]) out += '-dev';
  return out;
}

export function isValid(version: string): boolean {
  const v = version.trim().replace(/^([^,\s+]+)\+\S+$/, '$1');
  if (/^dev-\S+$/i.test(v)) return true;
  const m = NUMERIC.exec(v);
  return m !== null && MODIFIER.test(v.slice(m[0].length));
}

/** PHP's php_canonicalize_version: `-`, `_`, `+` and other punctuation become `.`, and a `.` separates digits from letters. */
function canonicalize(v: string): string {
  if (v === '') return v;
  const isDig = (c: string): boolean => c >= '0' && c <= '9';
  const isNdig = (c: string): boolean => !isDig(c) && c !== '.';
  const isAlnum = (c: string): boolean => /[A-Za-z0-9]/.test(c);
  let out = v[0] ?? '';
  let lp = v[0] ?? '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i] ?? '';
    const lq = out[out.length - 1];
    if (c === '-' || c === '_' || c === '+') {
      if (lq !== '.') out += '.';
    } else if ((isNdig(lp) && isDig(c)) || (isDig(lp) && isNdig(c))) {
      if (lq !== '.') out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (lq !== '.') out += '.';
    } else {
      out += c;
    }
    lp = c;
  }
  return out;
}

const SPECIAL: ReadonlyArray<readonly [string, number]> = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialOrder(form: string): number {
  for (const [name, order] of SPECIAL) if (form.startsWith(name)) return order;
  return -1;
}

function compareForms(a: string, b: string): number {
  const x = specialOrder(a);
  const y = specialOrder(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** PHP's version_compare($a, $b), returning -1, 0 or 1 (a port of ext/standard/versioning.c). */
export function phpVersionCompare(a: string, b: string): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? -1 : 1;
  const v1 = a.startsWith('#') ? a : canonicalize(a);
  const v2 = b.startsWith('#') ? b : canonicalize(b);
  let p1 = 0;
  let p2 = 0;
  let n1: number | undefined = 0;
  let n2: number | undefined = 0;
  let r = 0;
  while (p1 < v1.length && p2 < v2.length && n1 !== undefined && n2 !== undefined) {
    const d1 = v1.indexOf('.', p1);
    const d2 = v2.indexOf('.', p2);
    n1 = d1 < 0 ? undefined : d1;
    n2 = d2 < 0 ? undefined : d2;
    const e1 = v1.slice(p1, n1);
    const e2 = v2.slice(p2, n2);
    if (isDigitAt(e1, 0) && isDigitAt(e2, 0)) r = compareDigits(/^\d+/.exec(e1)?.[0] ?? '', /^\d+/.exec(e2)?.[0] ?? '');
    else if (!isDigitAt(e1, 0) && !isDigitAt(e2, 0)) r = compareForms(e1, e2);
    else r = isDigitAt(e1, 0) ? compareForms('#N#', e2) : compareForms(e1, '#N#');
    if (r !== 0) break;
    if (n1 !== undefined) p1 = n1 + 1;
    if (n2 !== undefined) p2 = n2 + 1;
  }
  if (r === 0) {
    if (n1 !== undefined) r = isDigitAt(v1, p1) ? 1 : phpVersionCompare(v1.slice(p1), '#N#');
    else if (n2 !== undefined) r = isDigitAt(v2, p2) ? -1 : phpVersionCompare('#N#', v2.slice(p2));
  }
  return r;
}

export function compare(a: string, b: string): number {
  const x = normalize(a);
  const y = normalize(b);
  const bx = /^dev-/i.test(x);
  const by = /^dev-/i.test(y);
  if (bx || by) return bx && by ? (x < y ? -1 : x > y ? 1 : 0) : bx ? -1 : 1;
  return phpVersionCompare(x, y);
}
