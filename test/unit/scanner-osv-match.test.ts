import { describe, expect, it } from 'vitest';
import type { OsvAffected, OsvRange } from '../../src/scanner/advisories/osv.js';
import { SCHEMES } from '../../src/scanner/matchers/ecosystems.js';
import { fixedVersionFor, isAffected, rangeIncludes } from '../../src/scanner/matchers/osv-match.js';

function affected(ecosystem: string, ranges: OsvRange[], versions?: string[]): OsvAffected {
  return versions ? { package: { ecosystem, name: 'pkg' }, ranges, versions } : { package: { ecosystem, name: 'pkg' }, ranges };
}
const eco = (...events: OsvRange['events']): OsvRange => ({ type: 'ECOSYSTEM', events });
const semver = (...events: OsvRange['events']): OsvRange => ({ type: 'SEMVER', events });

/** Which of `versions` the entry reports affected. */
function affectedOf(entry: OsvAffected, versions: readonly string[]): string[] {
  return versions.filter((v) => isAffected(v, entry));
}

describe('OSV affected ranges', () => {
  it('an npm advisory fixed in 6.5.4 (GHSA-r9p9-mrjm-926w, elliptic)', () => {
    const entry = affected('npm', [eco({ introduced: '0' }, { fixed: '6.5.4' })]);
    expect(affectedOf(entry, ['0.0.1', '6.5.3', '6.5.4-beta.1', '6.5.4', '6.5.5', '7.0.0'])).toEqual(['0.0.1', '6.5.3', '6.5.4-beta.1']);
    expect(fixedVersionFor('6.5.3', entry)).toBe('6.5.4');
    expect(fixedVersionFor('6.5.4', entry)).toBeUndefined();
  });

  it("the schema's multiple-range example: [1.0.0, 1.0.2) and [3.0.0, 3.2.5)", () => {
    const entry = affected('npm', [semver({ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' })]);
    expect(affectedOf(entry, ['0.9.9', '1.0.0', '1.0.1', '1.0.2', '2.0.0', '3.0.0', '3.2.4', '3.2.5', '4.0.0'])).toEqual(['1.0.0', '1.0.1', '3.0.0', '3.2.4']);
    expect(fixedVersionFor('1.0.1', entry)).toBe('1.0.2');
    expect(fixedVersionFor('3.1.0', entry)).toBe('3.2.5');
    expect(fixedVersionFor('2.0.0', entry)).toBeUndefined();
  });

  it('last_affected includes its own version and nothing after; there is no fixed version to offer', () => {
    const entry = affected('Maven', [eco({ introduced: '0' }, { last_affected: '2.1.214' })]);
    expect(affectedOf(entry, ['1.0', '2.1.214', '2.1.214.0', '2.1.215', '2.2'])).toEqual(['1.0', '2.1.214', '2.1.214.0']);
    expect(fixedVersionFor('2.1.0', entry)).toBeUndefined();
  });

  it('Log4Shell in Maven ordering: [2.0-beta9, 2.15.0)', () => {
    const entry = affected('Maven', [eco({ introduced: '2.0-beta9' }, { fixed: '2.15.0' })]);
    expect(affectedOf(entry, ['1.2.17', '2.0-beta8', '2.0-beta9', '2.0-rc1', '2.0', '2.14.1', '2.15.0-rc1', '2.15.0', '2.17.1'])).toEqual(['2.0-beta9', '2.0-rc1', '2.0', '2.14.1', '2.15.0-rc1']);
    expect(fixedVersionFor('2.14.1', entry)).toBe('2.15.0');
  });

  it('Debian ranges compare with dpkg: backports and security updates', () => {
    const entry = affected('Debian:12', [eco({ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' })]);
    expect(affectedOf(entry, ['3.0.9-1', '3.0.11-1~deb12u1', '3.0.11-1~deb12u2', '3.0.11-1', '3.0.13-1~deb12u1', '1:1.0-1'])).toEqual(['3.0.9-1', '3.0.11-1~deb12u1']);
    expect(fixedVersionFor('3.0.11-1~deb12u1', entry)).toBe('3.0.11-1~deb12u2');
  });

  it('Alpine ranges compare with apk: revisions and pre-release suffixes', () => {
    const entry = affected('Alpine:v3.19', [eco({ introduced: '0' }, { fixed: '3.1.4-r1' })]);
    expect(affectedOf(entry, ['3.1.3-r9', '3.1.4_rc1-r0', '3.1.4-r0', '3.1.4-r1', '3.1.4-r10', '3.1.5-r0'])).toEqual(['3.1.3-r9', '3.1.4_rc1-r0', '3.1.4-r0']);
  });

  it('Red Hat ranges compare with rpm, epoch first', () => {
    const entry = affected('Red Hat:enterprise_linux:9::appstream', [eco({ introduced: '0' }, { fixed: '1:3.0.7-24.el9' })]);
    // An installed 3.0.7-25.el9 without the epoch is epoch 0, below the fix's epoch 1.
    expect(affectedOf(entry, ['1:3.0.7-16.el9_2', '1:3.0.7-24.el9', '1:3.0.7-25.el9', '3.0.7-25.el9', '2:1.0-1'])).toEqual(['1:3.0.7-16.el9_2', '3.0.7-25.el9']);
    expect(fixedVersionFor('1:3.0.7-16.el9_2', entry)).toBe('1:3.0.7-24.el9');
  });

  it('PyPI ranges compare with PEP 440, and the versions list matches PEP 440-equal spellings', () => {
    const entry = affected('PyPI', [eco({ introduced: '2.0.0' }, { fixed: '2.31.0' })], ['2.30.0']);
    expect(affectedOf(entry, ['1.9', '2.0.0rc1', '2.0', '2.30.0', '2.31.0rc1', '2.31.0', '2.31.0.post1'])).toEqual(['2.0', '2.30.0', '2.31.0rc1']);
    const listed = affected('PyPI', [], ['1.0', '1.1']);
    expect(affectedOf(listed, ['1.0', '1.0.0', '1.0.post1', 'v1.1', '1.2'])).toEqual(['1.0', '1.0.0', 'v1.1']);
  });

  it("Go: installed v-prefixed and pseudo-versions against OSV's unprefixed ones", () => {
    const entry = affected('Go', [semver({ introduced: '0' }, { fixed: '0.17.0' })]);
    expect(affectedOf(entry, ['v0.0.0-20230321023759-10a507213a29', 'v0.16.0', 'v0.17.0', 'v0.18.0'])).toEqual(['v0.0.0-20230321023759-10a507213a29', 'v0.16.0']);
    expect(fixedVersionFor('v0.16.0', entry)).toBe('0.17.0');
    const stdlib = affected('Go', [semver({ introduced: '1.21.0-0' }, { fixed: '1.21.5' })]);
    expect(affectedOf(stdlib, ['go1.20.12', 'go1.21rc2', 'go1.21.0', 'go1.21.4', 'go1.21.5'])).toEqual(['go1.21rc2', 'go1.21.0', 'go1.21.4']);
  });

  it('RubyGems, NuGet and Packagist ranges use their own orderings', () => {
    const gem = affected('RubyGems', [eco({ introduced: '7.0.0' }, { fixed: '7.0.8.1' })]);
    expect(affectedOf(gem, ['6.1.7', '7.0.0.rc1', '7.0.0', '7.0.8', '7.0.8.1', '7.1.0.beta1'])).toEqual(['7.0.0', '7.0.8']);
    const nuget = affected('NuGet', [eco({ introduced: '0' }, { fixed: '13.0.1' })]);
    expect(affectedOf(nuget, ['12.0.3', '13.0.1-beta1', '13.0.1', '13.0.1.0', '13.0.3'])).toEqual(['12.0.3', '13.0.1-beta1']);
    const composer = affected('Packagist', [eco({ introduced: '0' }, { fixed: '6.4.0' })]);
    expect(affectedOf(composer, ['v6.3.9', '6.4.0-BETA1', '6.4.0-RC1', 'v6.4.0', '6.4.0.0', '6.4.1'])).toEqual(['v6.3.9', '6.4.0-BETA1', '6.4.0-RC1']);
  });

  it('limit events: only versions below some limit count; a limit with * is infinity', () => {
    const limited = affected('npm', [semver({ introduced: '1.0.0' }, { limit: '2.0.0' })]);
    expect(affectedOf(limited, ['0.9.0', '1.0.0', '1.9.9', '2.0.0', '3.0.0'])).toEqual(['1.0.0', '1.9.9']);
    const twoLimits = affected('npm', [semver({ introduced: '1.0.0' }, { limit: '2.0.0' }, { limit: '1.5.0' })]);
    expect(affectedOf(twoLimits, ['1.4.0', '1.7.0', '2.0.0'])).toEqual(['1.4.0', '1.7.0']);
    const star = affected('npm', [semver({ introduced: '1.0.0' }, { limit: '*' })]);
    expect(affectedOf(star, ['0.9.0', '1.0.0', '99.0.0'])).toEqual(['1.0.0', '99.0.0']);
  });

  it('sorts events before walking them, with introduced "0" first', () => {
    const unsorted = affected('npm', [semver({ fixed: '1.5.0' }, { introduced: '1.0.0' }, { fixed: '2.5.0' }, { introduced: '0' }, { introduced: '2.0.0' })]);
    // Per the schema's algorithm, "0" opens at the bottom and 1.0.0 re-opens nothing new, so [0, 1.5.0) and [2.0.0, 2.5.0).
    expect(affectedOf(unsorted, ['0.1.0', '1.2.0', '1.5.0', '1.9.0', '2.0.0', '2.4.0', '2.5.0'])).toEqual(['0.1.0', '1.2.0', '2.0.0', '2.4.0']);
  });

  it('keeps advisory order for events at equal versions', () => {
    const reopened = affected('npm', [semver({ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '1.0.0' }, { fixed: '1.5.0' })]);
    expect(affectedOf(reopened, ['0.5.0', '1.0.0', '1.2.0', '1.5.0'])).toEqual(['0.5.0', '1.0.0', '1.2.0']);
    const empty = affected('npm', [semver({ introduced: '1.0.0' }, { fixed: '1.0.0' })]);
    expect(affectedOf(empty, ['0.5.0', '1.0.0', '1.2.0'])).toEqual([]);
  });

  it('skips GIT ranges and cannot order ECOSYSTEM ranges of unknown ecosystems unless given a scheme', () => {
    const git = affected('npm', [{ type: 'GIT', repo: 'https://github.com/o/r', events: [{ introduced: '0' }, { fixed: 'a'.repeat(40) }] }], ['1.2.3']);
    expect(affectedOf(git, ['1.2.3', '1.2.4'])).toEqual(['1.2.3']);
    const unknown = affected('CRAN', [eco({ introduced: '0' }, { fixed: '1.2.0' })]);
    expect(affectedOf(unknown, ['1.1.0'])).toEqual([]);
    expect(isAffected('1.1.0', unknown, { scheme: SCHEMES.semver })).toBe(true);
    expect(fixedVersionFor('1.1.0', unknown, { scheme: SCHEMES.semver })).toBe('1.2.0');
    // SEMVER ranges need no ecosystem scheme.
    const bare: OsvAffected = { ranges: [semver({ introduced: '0' }, { fixed: '1.2.0' })] };
    expect(affectedOf(bare, ['1.1.0', '1.2.0'])).toEqual(['1.1.0']);
  });

  it('is affected through any one range, and offers the lowest fix of the ranges holding the version', () => {
    const entry = affected('Debian:12', [eco({ introduced: '0' }, { fixed: '1.2.5-1' }), eco({ introduced: '0' }, { fixed: '1.2.3-1' })]);
    expect(affectedOf(entry, ['1.2.0-1', '1.2.4-1', '1.2.5-1'])).toEqual(['1.2.0-1', '1.2.4-1']);
    expect(fixedVersionFor('1.2.0-1', entry)).toBe('1.2.3-1');
    expect(fixedVersionFor('1.2.4-1', entry)).toBe('1.2.5-1');
  });

  it('offers a fix from any range when the version is affected only through the versions list', () => {
    const entry = affected('npm', [eco({ introduced: '2.0.0' }, { fixed: '2.1.0' }), eco({ introduced: '3.0.0' }, { fixed: '3.0.4' })], ['1.9.0']);
    expect(isAffected('1.9.0', entry)).toBe(true);
    expect(fixedVersionFor('1.9.0', entry)).toBe('2.1.0');
  });

  it('ignores events with no recognised field, and an entry with nothing to match affects nothing', () => {
    const odd = affected('npm', [semver({ introduced: '1.0.0' }, {}, { fixed: '2.0.0' })]);
    expect(affectedOf(odd, ['0.1.0', '1.5.0', '2.0.0'])).toEqual(['1.5.0']);
    expect(isAffected('1.0.0', { package: { ecosystem: 'npm', name: 'x' } })).toBe(false);
  });

  it('evaluates a single range directly', () => {
    const range = eco({ introduced: '1.0' }, { fixed: '1.0.1' });
    expect(rangeIncludes('1.0', range, SCHEMES.rpm)).toBe(true);
    expect(rangeIncludes('1.0.1', range, SCHEMES.rpm)).toBe(false);
    expect(rangeIncludes('1.0^git1', range, SCHEMES.rpm)).toBe(true);
  });
});
