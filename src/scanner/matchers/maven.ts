import { compareDigits, compareStrings, sign } from './version-scheme.js';

/**
 * Maven versions, ordered as Maven's `org.apache.maven.artifact.versioning.ComparableVersion`
 * (maven-artifact 3.8.7, the version Debian 12 ships; the scanner test cross-checks against it
 * when a JDK and the jar are installed). Written here rather than taken from the `mvncmp` npm
 * package, which follows an older ComparableVersion and disagrees with 3.8.7 on versions such
 * as `1.0.1.Final-1` vs `1.0.1.v20230217` and `1.0-0.1` vs `1-0`.
 *
 * The version is lower-cased and parsed into nested lists: `.` separates items of one list,
 * `-` and every switch between digits and letters open a sub-list (`1.0-rc-1` is
 * `[1, [rc, [1]]]`); a qualifier after `.` that is followed by digits, or that ends the version,
 * also gets its own sub-list. Null items (0, the empty/release qualifier, empty lists) are
 * trimmed from the end of each list, so `1.0.0` = `1` and `1.0-final` = `1`. Then:
 *
 * - numbers compare numerically, with no size limit;
 * - qualifiers: `alpha` (`a1`) < `beta` (`b1`) < `milestone` (`m1`) < `rc` = `cr` <
 *   `snapshot` < release (``, `ga`, `final`, `release`) < `sp` < anything else (alphabetical);
 * - a number beats a qualifier and a sub-list; a sub-list beats a qualifier
 *   (`1-sp` < `1-1` < `1.1`); a missing item compares like a null one.
 */

type Item =
  | { readonly kind: 'int'; readonly digits: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  return { kind: 'string', value: Object.hasOwn(ALIASES, v) ? (ALIASES[v] ?? v) : v };
}

function parseItem(isDigit: boolean, buf: string): Item {
  return isDigit ? { kind: 'int', digits: buf } : stringItem(buf, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return compareDigits(item.digits, '0') === 0;
  if (item.kind === 'string') return comparableQualifier(item.value) === RELEASE_INDEX;
  return item.items.length === 0;
}

/** Drop null items from the end, looking through trailing sub-lists (which are kept). */
function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (item === undefined) continue;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function isDigitChar(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function parse(version: string): Item {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const openSublist = (): void => {
    const sub: Item[] = [];
    list.push({ kind: 'list', items: sub });
    list = sub;
    stack.push(sub);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i] ?? '';
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', digits: '0' } : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') openSublist();
    } else if (isDigitChar(c)) {
      if (!isDigit && i > start) {
        // `1.0.0.X1` is read like `1.0.0-X1`.
        if (list.length > 0) openSublist();
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        openSublist();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        openSublist();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    // A trailing `.X` qualifier is read like `-X`.
    if (!isDigit && list.length > 0) openSublist();
    list.push(parseItem(isDigit, v.slice(start)));
  }
  for (let i = stack.length - 1; i >= 0; i--) normalize(stack[i] ?? []);
  return { kind: 'list', items: root };
}

function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return isNull(a) ? 0 : 1;
      return b.kind === 'int' ? compareDigits(a.digits, b.digits) : 1;
    case 'string':
      if (b === undefined) return compareStrings(comparableQualifier(a.value), RELEASE_INDEX);
      if (b.kind === 'string') return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
      return -1;
    case 'list': {
      if (b === undefined) {
        for (const item of a.items) {
          const r = compareItem(item, undefined);
          if (r !== 0) return r;
        }
        return 0;
      }
      if (b.kind === 'int') return -1;
      if (b.kind === 'string') return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i];
        const r = b.items[i];
        const result = l === undefined ? (r === undefined ? 0 : -compareItem(r, undefined)) : compareItem(l, r);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}

export function compare(a: string, b: string): number {
  return sign(compareItem(parse(a.trim()), parse(b.trim())));
}

/** Maven accepts any string as a version; reject only the empty string and embedded whitespace. */
export function isValid(version: string): boolean {
  const v = version.trim();
  return v !== '' && !/\s/.test(v);
}

/** Maven's canonical form of a version (`1.0.0-RC1` -> `1-rc-1`), as ComparableVersion prints it. */
export function canonical(version: string): string {
  const render = (items: readonly Item[]): string => {
    let out = '';
    for (const item of items) {
      if (out !== '') out += item.kind === 'list' ? '-' : '.';
      if (item.kind === 'list') out += render(item.items);
      else out += item.kind === 'int' ? item.digits.replace(/^0+(?=.)/, '') : item.value;
    }
    return out;
  };
  const root = parse(version.trim());
  return root.kind === 'list' ? render(root.items) : '';
}
