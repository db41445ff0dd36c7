import { compareDigits, compareStrings } from './version-scheme.js';

/**
 * Alpine package versions, ordered as apk-tools (2.14 / 3.x) orders them:
 *
 *   digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r<revision>}
 *
 * - the first number and every `.number` compare as integers, except that a `.number` with a
 *   leading zero on either side compares as a string (`1.02` < `1.1`, `8.2.0` < `8.2.001`);
 * - one lowercase letter may follow a number (`1.0b` > `1.0a` > `1.0`);
 * - suffixes sort `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` <
 *   `_hg` < `_p`, each with an optional number;
 * - `~hash` (hex digits) compares as a string;
 * - `-rN` is the package revision.
 *
 * When one version runs out of tokens first, the longer one is greater unless its next token is
 * a pre-release suffix. Comparison stops at the first token that breaks the grammar (both sides
 * invalid at the same point compare equal), as apk does.
 */

const enum Kind {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNumber = 4,
  CommitHash = 5,
  Revision = 6,
  End = 7,
  Invalid = 8,
}

/** Suffix ranks; NONE (5) is the pivot between pre-release and post-release suffixes. */
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

interface Token {
  readonly kind: Kind;
  readonly text: string;
  readonly suffix: number;
}

const END: Token = { kind: Kind.End, text: '', suffix: 0 };
const INVALID: Token = { kind: Kind.Invalid, text: '', suffix: 0 };

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
function isLower(c: string | undefined): boolean {
  return c !== undefined && c >= 'a' && c <= 'z';
}
function isHex(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

/** Split a version into tokens, ending with an End or an Invalid token. */
function tokenize(version: string): Token[] {
  const s = version;
  const tokens: Token[] = [];
  let i = 0;
  const run = (pred: (c: string | undefined) => boolean): string => {
    const start = i;
    while (i < s.length && pred(s[i])) i++;
    return s.slice(start, i);
  };

  const first = run(isDigit);
  if (first === '') return [INVALID];
  tokens.push({ kind: Kind.InitialDigit, text: first, suffix: 0 });
  let prev: Kind = Kind.InitialDigit;

  for (;;) {
    if (i >= s.length) {
      tokens.push(END);
      return tokens;
    }
    const c = s[i];
    let next: Token = INVALID;
    if (isLower(c)) {
      if (prev <= Kind.Digit) {
        i++;
        next = { kind: Kind.Letter, text: c ?? '', suffix: 0 };
      }
    } else if (c === '.' || isDigit(c)) {
      const afterDot = c === '.';
      if (afterDot && prev > Kind.Digit) {
        next = INVALID;
      } else {
        if (afterDot) i++;
        const kind = prev <= Kind.Digit ? Kind.Digit : prev === Kind.Suffix ? Kind.SuffixNumber : Kind.Invalid;
        if (kind !== Kind.Invalid) {
          const digits = run(isDigit);
          if (digits !== '') next = { kind, text: digits, suffix: 0 };
        }
      }
    } else if (c === '_') {
      if (prev <= Kind.SuffixNumber) {
        i++;
        const name = run(isLower);
        const rank = Object.hasOwn(SUFFIX_RANK, name) ? SUFFIX_RANK[name] : undefined;
        if (rank !== undefined) next = { kind: Kind.Suffix, text: name, suffix: rank };
      }
    } else if (c === '~') {
      if (prev < Kind.CommitHash) {
        i++;
        const hash = run(isHex);
        if (hash !== '') next = { kind: Kind.CommitHash, text: hash, suffix: 0 };
      }
    } else if (c === '-') {
      if (prev < Kind.Revision && s[i + 1] === 'r') {
        i += 2;
        const digits = run(isDigit);
        if (digits !== '') next = { kind: Kind.Revision, text: digits, suffix: 0 };
      }
    }
    tokens.push(next);
    if (next.kind === Kind.Invalid) return tokens;
    prev = next.kind;
  }
}

function compareToken(a: Token, b: Token): number {
  switch (a.kind) {
    case Kind.Digit:
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareDigits(a.text, b.text);
    case Kind.InitialDigit:
    case Kind.SuffixNumber:
    case Kind.Revision:
      return compareDigits(a.text, b.text);
    case Kind.Suffix:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return compareStrings(a.text, b.text);
  }
}

export function compare(a: string, b: string): number {
  const ta = tokenize(a.trim());
  const tb = tokenize(b.trim());
  let k = 0;
  for (;;) {
    const x = ta[k] ?? END;
    const y = tb[k] ?? END;
    if (x.kind !== y.kind || x.kind >= Kind.End) {
      if (x.kind === y.kind) return 0;
      if (x.kind === Kind.Suffix && x.suffix < SUFFIX_NONE) return -1;
      if (y.kind === Kind.Suffix && y.suffix < SUFFIX_NONE) return 1;
      return x.kind > y.kind ? -1 : 1;
    }
    const r = compareToken(x, y);
    if (r !== 0) return r;
    k++;
  }
}

/** Whether apk would accept the string as a package version. */
export function isValid(version: string): boolean {
  const tokens = tokenize(version);
  return tokens[tokens.length - 1]?.kind === Kind.End;
}
