import { readFileSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, compareFragment, isValid, parse } from '../../src/scanner/matchers/dpkg.js';
import { describeOracle, expectTable, lcg, run, type Row } from './scanner-oracles.js';

// Each verdict below was produced by `dpkg --compare-versions` (dpkg 1.21, Debian 12).
const DPKG_TABLE: readonly Row[] = [
  ["1.0", "1.0", 0],
  ["1.0", "1.1", -1],
  ["1.0", "1.0.1", -1],
  ["1.0", "1.0-0", 0],
  ["1.2.3", "1.2.3-0", 0],
  ["0:1.0", "1.0", 0],
  ["1:1.0", "1.0", 1],
  ["1:1.0", "2.0", 1],
  ["2:1", "10:0", -1],
  ["10:1", "9:2", 1],
  ["1.0~rc1", "1.0", -1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~~", "1.0~", -1],
  ["1.0~~a", "1.0~", -1],
  ["1~", "1", -1],
  ["1.0-1~bpo11+1", "1.0-1", -1],
  ["1:1.2-3", "1:1.2-3~", 1],
  ["1.0", "1.0+b1", -1],
  ["1.0+dfsg-1", "1.0-1", 1],
  ["1.0+dfsg", "1.0.0", -1],
  ["1.0a", "1.0.", -1],
  ["1.0a", "1.0+", -1],
  ["1.0A", "1.0a", -1],
  ["1.0.a", "1.0a", 1],
  ["1.0-a", "1.0-1", 1],
  ["1.0-a1", "1.0-b", -1],
  ["1.0-.", "1.0-a", 1],
  ["1.0-+", "1.0-.", -1],
  ["1.2-3-4", "1.2-3", 1],
  ["0.1", "00.1", 0],
  ["1.0", "1.00", 0],
  ["1.01", "1.1", 0],
  ["1.0.20230101000000000001", "1.0.20230101000000000002", -1],
  ["1.0-1+deb12u1", "1.0-1", 1],
  ["1.0-1+deb12u1", "1.0-1+deb12u2", -1],
  ["1.0-1ubuntu0.22.04.1", "1.0-1ubuntu0.22.04.2", -1],
  ["1.0-1ubuntu0.22.04.10", "1.0-1ubuntu0.22.04.9", 1],
  ["2.36-9+deb12u4", "2.36-9+deb12u10", -1],
  ["3.0.11-1~deb12u2", "3.0.11-1", -1],
  ["3.0.11-1~deb12u2", "3.0.9-1", 1],
  ["1:9.18.19-1~deb12u1", "1:9.18.24-1", -1],
  ["7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1],
  ["252.22-1~deb12u1", "252.30-1~deb12u2", -1],
  ["1.2.13.dfsg-1", "1.2.13-1", 1],
  ["5.2.15-2+b2", "5.2.15-2", 1],
  ["2.6.0", "2.6.0-1", -1],
  ["1.1.2-1", "1.1.2", 1],
  ["6.4", "6.4-4", -1],
];

describe('dpkg versions', () => {
  it('orders pairs exactly as dpkg --compare-versions does', () => {
    expectTable(compare, DPKG_TABLE);
  });

  it('splits epoch, upstream version and revision at the first colon and the last hyphen', () => {
    expect(parse('1:2.3-4-5')).toEqual({ epoch: '1', upstream: '2.3-4', revision: '5' });
    expect(parse('2.36-9+deb12u4')).toEqual({ epoch: '0', upstream: '2.36', revision: '9+deb12u4' });
    expect(parse(' 1.0 ')).toEqual({ epoch: '0', upstream: '1.0', revision: '' });
    expect(parse('a:1.0')).toEqual({ epoch: '0', upstream: 'a:1.0', revision: '' });
  });

  it('compares a fragment with ~ below the end of the string and letters below punctuation', () => {
    expect(compareFragment('1.0~rc1', '1.0')).toBe(-1);
    expect(compareFragment('1.0a', '1.0+')).toBe(-1);
    expect(compareFragment('', '0')).toBe(0);
    expect(compareFragment('9', '10')).toBe(-1);
  });

  it('accepts what dpkg accepts without error or warning, and rejects the rest', () => {
    // Checked with `dpkg --compare-versions V eq V`: the second list draws an error or a warning.
    const valid = ['1.0', '2:3', '1:2:', '1:2:3-4', '1.0-a', '2.36-9+deb12u4', '1.0~rc1-1~bpo11+1', '1:9.18.19-1~deb12u1'];
    const invalid = ['', ' ', 'a1.0', '1:a', '1.0-', '1.0-a-', 'x:1.0', ':1.0', '1 0', '1.0_1', '1:2-3_4', '1:-1', '1.0:1', '1.0-1:1'];
    expect(valid.filter((v) => !isValid(v))).toEqual([]);
    expect(invalid.filter((v) => isValid(v))).toEqual([]);
  });
});

/**
 * Compare many pairs with dpkg in one shell loop (one process per pair inside the shell, one
 * spawn from here) and return dpkg's verdicts.
 */
function dpkgVerdicts(pairs: readonly (readonly [string, string])[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-dpkg-'));
  try {
    const file = join(dir, 'pairs');
    writeFileSync(file, pairs.map(([a, b]) => `${a} ${b}\n`).join(''));
    const script = 'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done < "$1"';
    return run('sh', ['-c', script, 'sh', file]).trim().split('\n').map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeOracle('dpkg versions against dpkg --compare-versions', { tools: ['dpkg', 'sh'], required: true }, () => {
  it('agrees on a few hundred pairs from /var/lib/dpkg/status plus the edge cases', () => {
    const status = existsSync('/var/lib/dpkg/status') ? readFileSync('/var/lib/dpkg/status', 'utf8') : '';
    const installed = [
      ...new Set(
        status
          .split('\n')
          .filter((l) => l.startsWith('Version: '))
          .map((l) => l.slice('Version: '.length).trim()),
      ),
    ].sort();
    expect(installed.length).toBeGreaterThan(50);
    const rnd = lcg(20261125);
    const pick = (): string => installed[Math.floor(rnd() * installed.length)] ?? '0';
    const pairs: [string, string][] = [];
    for (let i = 0; i < 300; i++) pairs.push([pick(), pick()]);
    // Neighbours in sorted order share long prefixes, which is where orderings differ.
    for (let i = 0; i < 100; i++) {
      const k = Math.floor(rnd() * (installed.length - 1));
      pairs.push([installed[k] ?? '0', installed[k + 1] ?? '0']);
    }
    for (const [a, b] of DPKG_TABLE) pairs.push([a, b]);
    const verdicts = dpkgVerdicts(pairs);
    expect(verdicts).toHaveLength(pairs.length);
    const mismatches = pairs
      .map(([a, b], i) => ({ a, b, dpkg: verdicts[i], ours: compare(a, b) }))
      .filter((m) => m.dpkg !== m.ours)
      .map((m) => `${m.a} vs ${m.b}: dpkg ${m.dpkg}, ours ${m.ours}`);
    expect(mismatches).toEqual([]);
  });
});
