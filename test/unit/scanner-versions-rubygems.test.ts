import { describe, expect, it } from 'vitest';
import { canonicalSegments, compare, isPrerelease, isValid } from '../../src/scanner/matchers/rubygems.js';
import { describeOracle, expectTable, lcg, run, type Row } from './scanner-oracles.js';

// Each verdict below was produced by Ruby 3.1's RubyGems 3.3 (`Gem::Version#<=>`).
const RUBYGEMS_TABLE: readonly Row[] = [
  ["1", "1.0", 0],
  ["1.0", "1.0.0", 0],
  ["1.0", "1.0.1", -1],
  ["1.0.1", "1.1", -1],
  ["1.9", "1.10", -1],
  ["1.0.a", "1.0", -1],
  ["1.0.a", "1.a", 0],
  ["1.0.0.a", "1.0.a", 0],
  ["1.0.a", "1.0.b", -1],
  ["1.0.pre", "1.0.rc1", -1],
  ["1.0.rc1", "1.0.rc2", -1],
  ["1.0.rc.1", "1.0.rc1", 0],
  ["1.0.rc1", "1.0", -1],
  ["1.0.beta", "1.0.alpha", 1],
  ["1.0-beta", "1.0.pre.beta", 0],
  ["1.0-rc.1", "1.0.rc1", -1],
  ["1.0.a", "1.0.0.1", -1],
  ["1.0.a.1", "1.0.a", 1],
  ["1.0.a.0", "1.0.a", 0],
  ["1.0.A", "1.0.a", -1],
  ["1.0.Z", "1.0.a", -1],
  ["01", "1", 0],
  ["1.01", "1.1", 0],
  ["3.2.1", "3.2.1.1", -1],
  ["7.0.8", "7.1.0.beta1", -1],
  ["2.7.4", "2.7.10", -1],
  ["1.13.10", "1.13.9", 1],
  ["6.1.7.7", "6.1.7.8", -1],
  ["1.0.0.pre1", "1.0.0.pre.1", 0],
  ["", "0", 0],
  [" 1.0 ", "1", 0],
  ["1.0.a1", "1.0.a.1", 0],
  ["1.0.x.y", "1.0.x", -1],
];

const RUBY_SCRIPT = `
require 'json'
pairs = JSON.parse(STDIN.read)
out = pairs.map { |a, b| (Gem::Version.correct?(a) && Gem::Version.correct?(b)) ? (Gem::Version.new(a) <=> Gem::Version.new(b)) : nil }
valid = pairs.flatten.uniq.map { |v| [v, Gem::Version.correct?(v) ? true : false] }.to_h
puts JSON.generate({ 'cmp' => out, 'valid' => valid })
`;

describe('RubyGems versions', () => {
  it('orders pairs exactly as Gem::Version does', () => {
    expectTable(compare, RUBYGEMS_TABLE);
  });

  it('sorts pre-releases below their release and letters below numbers', () => {
    const ladder = ['1.0.a', '1.0.a.1', '1.0.b', '1.0.pre', '1.0.rc1', '1.0.rc2', '1.0', '1.0.0.1', '1.0.1', '1.1.0.beta1', '1.1'];
    expect([...ladder].reverse().sort(compare)).toEqual(ladder);
  });

  it('drops trailing zeros of the release part and of the pre-release part', () => {
    expect(canonicalSegments('1.0.0')).toEqual([1n]);
    expect(canonicalSegments('1.0.a.0')).toEqual([1n, 'a']);
    expect(canonicalSegments('1.2.0-rc.1')).toEqual([1n, 2n, 'pre', 'rc', 1n]);
  });

  it('validates like Gem::Version.correct? and spots pre-releases', () => {
    expect(['1', '1.0.a', '1.0-beta', '', ' 2.0 ', '1.0.0.pre.1'].map(isValid)).toEqual([true, true, true, true, true, true]);
    expect(['1a', 'junk', '.1', '1..2', '1.0-', '1.0 beta'].map(isValid)).toEqual([false, false, false, false, false, false]);
    expect(isPrerelease('1.0.rc1')).toBe(true);
    expect(isPrerelease('1.0.1')).toBe(false);
  });
});

describeOracle('RubyGems versions against Gem::Version (live)', { tools: ['ruby'], required: false }, () => {
  it('agrees on a few thousand generated pairs, and on which strings are versions', () => {
    const rnd = lcg(33);
    const bases = ['0', '1', '1.0', '1.0.0', '1.0.1', '1.1', '2', '10', '1.0.0.0.1', '01', '1.01', '3.2.1'];
    const suffixes = ['', '.a', '.b', '.pre', '.pre1', '.pre.1', '.rc1', '.rc.2', '.alpha', '.beta.3', 'a', 'b1', '.0.a', '.a.0', '-beta', '-rc.1', '-1', '-alpha-1', '.A', '.Z', '.1.a.1', '.x.y'];
    const all = ['', 'junk', '1..2', '.1', '1.0-', ...bases.flatMap((b) => suffixes.map((s) => b + s))];
    const pick = (): string => all[Math.floor(rnd() * all.length)] ?? '0';
    const pairs: [string, string][] = [];
    for (let i = 0; i < 3000; i++) pairs.push([pick(), pick()]);
    const result = JSON.parse(run('ruby', ['-e', RUBY_SCRIPT], JSON.stringify(pairs))) as { cmp: (number | null)[]; valid: Record<string, boolean> };
    const mismatches = pairs
      .map(([a, b], i) => ({ a, b, ruby: result.cmp[i], ours: compare(a, b) }))
      .filter((m) => m.ruby !== null && m.ruby !== undefined && m.ruby !== m.ours)
      .map((m) => `${JSON.stringify(m.a)} vs ${JSON.stringify(m.b)}: ruby ${m.ruby}, ours ${m.ours}`);
    const validity = Object.entries(result.valid)
      .filter(([v, ok]) => isValid(v) !== ok)
      .map(([v, ok]) => `${JSON.stringify(v)}: ruby says ${ok ? 'valid' : 'invalid'}`);
    expect(mismatches).toEqual([]);
    expect(validity).toEqual([]);
  });
});
