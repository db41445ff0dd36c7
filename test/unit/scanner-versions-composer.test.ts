import { describe, expect, it } from 'vitest';
import { compare, isValid, normalize, phpVersionCompare } from '../../src/scanner/matchers/composer.js';
import { describeOracle, expectTable, lcg, run, type Row } from './scanner-oracles.js';

// Each verdict below was produced by Composer 2.5 (Debian 12's `composer` package):
// Comparator::lessThan/greaterThan on VersionParser::normalize()d versions.
const COMPOSER_TABLE: readonly Row[] = [
  ["1.0.0", "1.0", 0],
  ["1.0", "1", 0],
  ["v1.2.3", "1.2.3", 0],
  ["1.2.3", "1.2.3.0", 0],
  ["1.2.3", "1.2.4", -1],
  ["1.2.3.4", "1.2.3.5", -1],
  ["1.9", "1.10", -1],
  ["1.0.0-dev", "1.0.0-alpha1", -1],
  ["1.0.0-alpha1", "1.0.0-alpha2", -1],
  ["1.0.0-alpha2", "1.0.0-beta1", -1],
  ["1.0.0-a1", "1.0.0-alpha1", 0],
  ["1.0.0-beta1", "1.0.0-b2", -1],
  ["1.0.0-beta2", "1.0.0-RC1", -1],
  ["1.0.0-RC1", "1.0.0-rc1", 0],
  ["1.0.0-RC1", "1.0.0", -1],
  ["1.0.0", "1.0.0-patch1", -1],
  ["1.0.0-p1", "1.0.0-pl1", 0],
  ["1.0.0-patch1", "1.0.1", -1],
  ["1.0.0-beta.2", "1.0.0-beta2", 0],
  ["1.0.0beta2", "1.0.0-beta2", 0],
  ["1.0.0-beta1-dev", "1.0.0-beta1", -1],
  ["1.0.0-stable", "1.0.0", 0],
  ["1.0.0+build.1", "1.0.0", 0],
  ["2.4.1", "2.4.10", -1],
  ["10.2.3", "9.99.99", 1],
  ["6.4.0-BETA1", "6.4.0-beta1", 0],
];

// VersionParser::normalize() output for the same versions.
const COMPOSER_NORMALIZED: readonly (readonly [string, string])[] = [
  ["1", "1.0.0.0"],
  ["1.0.0", "1.0.0.0"],
  ["1.0", "1.0.0.0"],
  ["v1.2.3", "1.2.3.0"],
  ["1.2.3", "1.2.3.0"],
  ["1.2.3.0", "1.2.3.0"],
  ["1.2.4", "1.2.4.0"],
  ["1.2.3.4", "1.2.3.4"],
  ["1.2.3.5", "1.2.3.5"],
  ["1.9", "1.9.0.0"],
  ["1.10", "1.10.0.0"],
  ["1.0.0-dev", "1.0.0.0-dev"],
  ["1.0.0-alpha1", "1.0.0.0-alpha1"],
  ["1.0.0-alpha2", "1.0.0.0-alpha2"],
  ["1.0.0-beta1", "1.0.0.0-beta1"],
  ["1.0.0-a1", "1.0.0.0-alpha1"],
  ["1.0.0-b2", "1.0.0.0-beta2"],
  ["1.0.0-beta2", "1.0.0.0-beta2"],
  ["1.0.0-RC1", "1.0.0.0-RC1"],
  ["1.0.0-rc1", "1.0.0.0-RC1"],
  ["1.0.0-patch1", "1.0.0.0-patch1"],
  ["1.0.0-p1", "1.0.0.0-patch1"],
  ["1.0.0-pl1", "1.0.0.0-patch1"],
  ["1.0.1", "1.0.1.0"],
  ["1.0.0-beta.2", "1.0.0.0-beta2"],
  ["1.0.0beta2", "1.0.0.0-beta2"],
  ["1.0.0-beta1-dev", "1.0.0.0-beta1-dev"],
  ["1.0.0-stable", "1.0.0.0"],
  ["1.0.0+build.1", "1.0.0.0"],
  ["2.4.1", "2.4.1.0"],
  ["2.4.10", "2.4.10.0"],
  ["10.2.3", "10.2.3.0"],
  ["9.99.99", "9.99.99.0"],
  ["6.4.0-BETA1", "6.4.0.0-beta1"],
  ["6.4.0-beta1", "6.4.0.0-beta1"],
];

// PHP 8.2's version_compare() on raw strings (each verdict checked with php -r).
const PHP_VERSION_COMPARE: readonly Row[] = [
  ['1.0', '1.0.0', -1],
  ['1.0rc1', '1.0', -1],
  ['1.0-dev', '1.0-alpha', -1],
  ['1.0a', '1.0alpha', 0],
  ['1.0b1', '1.0RC1', -1],
  ['1.0pl1', '1.0', 1],
  ['1.0-patch', '1.0-p', 0],
  ['1.0-foo', '1.0-dev', -1],
  ['1.0.#', '1.0.1', -1],
  ['5.2', '5.10', -1],
  ['1_0', '1.0', 0],
  ['', '0', -1],
];

const COMPOSER_SCRIPT = `
require '/usr/share/php/Composer/Semver/autoload.php';
$pairs = json_decode(stream_get_contents(STDIN), true);
$p = new Composer\\Semver\\VersionParser();
$out = [];
foreach ($pairs as [$a, $b]) {
  try { $na = $p->normalize($a); $nb = $p->normalize($b); } catch (\\Exception $e) { $out[] = ['cmp' => null, 'raw' => version_compare($a, $b)]; continue; }
  $cmp = Composer\\Semver\\Comparator::lessThan($na, $nb) ? -1 : (Composer\\Semver\\Comparator::greaterThan($na, $nb) ? 1 : 0);
  $out[] = ['cmp' => $cmp, 'raw' => version_compare($a, $b), 'na' => $na, 'nb' => $nb];
}
echo json_encode($out);
`;

describe('Composer (Packagist) versions', () => {
  it('orders pairs exactly as Composer does', () => {
    expectTable(compare, COMPOSER_TABLE);
  });

  it('normalises versions exactly as Composer does', () => {
    expect(COMPOSER_NORMALIZED.filter(([v, n]) => normalize(v) !== n)).toEqual([]);
  });

  it("ports PHP's version_compare", () => {
    expectTable(phpVersionCompare, PHP_VERSION_COMPARE);
  });

  it('sorts branch names below numbered versions and validates', () => {
    expect(compare('dev-main', '0.0.1')).toBe(-1);
    expect(compare('dev-main', 'dev-main')).toBe(0);
    expect(['1.0.0', 'v2.3', '1.0.0-beta1', '1.0.0-RC2', '1.2.3.4', 'dev-main', '1.0.0+build'].map(isValid)).toEqual([true, true, true, true, true, true, true]);
    expect(['', 'latest', '1.0.0-gamma', '^1.0'].map(isValid)).toEqual([false, false, false, false]);
  });
});

function composerAvailable(): boolean {
  try {
    return run('php', ['-r', "require '/usr/share/php/Composer/Semver/autoload.php'; echo 'ok';"]).trim() === 'ok';
  } catch {
    return false;
  }
}

describeOracle('Composer versions against Composer and PHP (live)', { tools: ['php'], required: false, available: composerAvailable }, () => {
  it('agrees on a few thousand generated pairs, normalised and raw', () => {
    const rnd = lcg(82);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const bases = ['1', '1.0', '1.0.0', '1.0.0.0', '1.0.1', '1.1', '2', '10.2.3', 'v1.2.3', 'V2.0', '1.2.3.4', '0.9'];
    const suffixes = ['', '-alpha', '-alpha1', '-a1', '-beta2', '-b2', '-RC1', '-rc1', '-rc.1', 'RC2', '-patch1', '-p1', '-pl2', '-dev', '-beta1-dev', '.beta3', '-stable', 'beta', 'alpha.2', '+build.5'];
    const raw = ['1', '2', '0', '.', '-', '_', '+', 'a', 'b', 'rc', 'RC', 'dev', 'p', 'pl', '#', 'x', 'beta'];
    const randomRaw = (): string => {
      let s = '';
      for (let n = 1 + Math.floor(rnd() * 7); n > 0; n--) s += pick(raw);
      return s;
    };
    const pairs: [string, string][] = [];
    for (let i = 0; i < 2000; i++) pairs.push([pick(bases) + pick(suffixes), pick(bases) + pick(suffixes)]);
    for (let i = 0; i < 2000; i++) pairs.push([randomRaw(), randomRaw()]);
    const php = JSON.parse(run('php', ['-r', COMPOSER_SCRIPT], JSON.stringify(pairs))) as { cmp: number | null; raw: number; na?: string; nb?: string }[];
    expect(php).toHaveLength(pairs.length);
    const mismatches: string[] = [];
    pairs.forEach(([a, b], i) => {
      const r = php[i];
      if (!r) return;
      if (phpVersionCompare(a, b) !== r.raw) mismatches.push(`version_compare(${a}, ${b}): php ${r.raw}, ours ${phpVersionCompare(a, b)}`);
      if (r.cmp === null) return;
      if (compare(a, b) !== r.cmp) mismatches.push(`${a} vs ${b}: composer ${r.cmp}, ours ${compare(a, b)}`);
      if (normalize(a) !== r.na) mismatches.push(`normalize(${a}): composer ${r.na}, ours ${normalize(a)}`);
    });
    expect(mismatches).toEqual([]);
  });
});
