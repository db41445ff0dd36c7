import { describe, expect, it } from 'vitest';
import { compare, compareGo, isValid, isValidGo, normalizeGoVersion, parse } from '../../src/scanner/matchers/semver.js';
import { expectTable, type Row } from './scanner-oracles.js';

// SemVer 2.0 section 11 and npm's `semver` package agree on all of these.
const SEMVER_TABLE: readonly Row[] = [
  ['1.0.0', '1.0.0', 0],
  ['1.0.0', '2.0.0', -1],
  ['2.0.0', '2.1.0', -1],
  ['2.1.0', '2.1.1', -1],
  ['1.9.0', '1.10.0', -1],
  ['1.0.0-alpha', '1.0.0', -1],
  // The precedence chain from section 11 of the spec.
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
  ['1.0.0-alpha.beta', '1.0.0-beta', -1],
  ['1.0.0-beta', '1.0.0-beta.2', -1],
  ['1.0.0-beta.2', '1.0.0-beta.11', -1],
  ['1.0.0-beta.11', '1.0.0-rc.1', -1],
  ['1.0.0-rc.1', '1.0.0', -1],
  // Build metadata does not take part.
  ['1.0.0+build.1', '1.0.0+build.2', 0],
  ['1.0.0+20130313144700', '1.0.0', 0],
  ['1.0.0-rc.1+build.1', '1.0.0-rc.1', 0],
  // A leading v, loose forms and short versions.
  ['v1.2.3', '1.2.3', 0],
  ['=1.2.3', '1.2.3', 0],
  ['1.2', '1.2.0', 0],
  ['1', '1.0.0', 0],
  ['1.2', '1.2.1', -1],
  ['1.2.3beta', '1.2.3', -1],
  ['1.2.3-beta', '1.2.3beta', 0],
  // Real npm and crates.io boundaries.
  ['4.17.20', '4.17.21', -1],
  ['0.21.1', '0.21.2', -1],
  ['7.5.1', '7.5.10', -1],
  ['1.0.0-beta.9', '1.0.0', -1],
  ['0.3.0-rc.0', '0.3.0-alpha.5', 1],
  // Unparseable strings fall back to a natural order (numbers as integers).
  ['release-9', 'release-10', -1],
];

// Go module versions, as the Go toolchain (golang.org/x/mod/semver) orders them.
const GO_TABLE: readonly Row[] = [
  ['v1.2.3', 'v1.2.4', -1],
  ['v1.2.3', '1.2.3', 0],
  ['v2.0.0+incompatible', 'v2.0.0', 0],
  ['v2.0.0+incompatible', 'v1.9.9', 1],
  // Pseudo-versions sort as pre-releases of the next version, by commit time.
  ['v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa', -1],
  ['v0.0.0-20191109021931-daa7c04131f5', 'v0.1.0', -1],
  ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.3', 1],
  ['v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', -1],
  ['v1.2.4-pre.0.20191109021931-daa7c04131f5', 'v1.2.4-pre', 1],
  ['v0.17.0', 'v0.0.0-20230321023759-10a507213a29', 1],
  // The standard library and toolchain.
  ['go1.21.3', '1.21.4', -1],
  ['go1.20', '1.20.0', 0],
  ['go1.21rc2', '1.21.0', -1],
  ['go1.21rc2', '1.21.0-rc.2', 0],
  ['go1.22.0', 'go1.21.13', 1],
];

describe('semver versions (npm, crates.io, OSV SEMVER)', () => {
  it('orders pairs by SemVer 2.0 precedence', () => {
    expectTable(compare, SEMVER_TABLE);
  });

  it('sorts the spec example chain into order', () => {
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    expect([...chain].reverse().sort(compare)).toEqual(chain);
  });

  it('parses strictly, then loosely, then pads short versions', () => {
    expect(parse('1.2.3')?.version).toBe('1.2.3');
    expect(parse('v1.2.3-rc.1+b5')?.version).toBe('1.2.3-rc.1');
    expect(parse('1.2')?.version).toBe('1.2.0');
    expect(parse('2')?.version).toBe('2.0.0');
    expect(parse('not a version')).toBeNull();
  });

  it('calls only strict SemVer valid', () => {
    expect(['1.2.3', 'v1.2.3', '1.0.0-rc.1+build.5', '0.0.0-20191109021931-daa7c04131f5'].map(isValid)).toEqual([true, true, true, true]);
    expect(['1.2', '01.2.3', '1.2.3.4', '1.2.3-01', 'latest', ''].map(isValid)).toEqual([false, false, false, false, false, false]);
  });
});

describe('Go module versions', () => {
  it('orders module, pseudo- and toolchain versions as the go command does', () => {
    expectTable(compareGo, GO_TABLE);
  });

  it('normalises Go spellings onto SemVer', () => {
    expect(normalizeGoVersion('v1.2.3')).toBe('1.2.3');
    expect(normalizeGoVersion('go1.21.3')).toBe('1.21.3');
    expect(normalizeGoVersion('go1.20')).toBe('1.20.0');
    expect(normalizeGoVersion('go1.21rc2')).toBe('1.21.0-rc.2');
    expect(normalizeGoVersion('v2.0.0+incompatible')).toBe('2.0.0+incompatible');
  });

  it('accepts module and toolchain versions', () => {
    expect(['v1.2.3', 'v0.0.0-20191109021931-daa7c04131f5', 'v2.0.0+incompatible', 'go1.21.3', 'go1.22rc1'].map(isValidGo)).toEqual([true, true, true, true, true]);
    expect(['v1.2', 'master', ''].map(isValidGo)).toEqual([false, false, false]);
  });
});
