import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, isValid, parseEvr, vercmp } from '../../src/scanner/matchers/rpm.js';
import { describeOracle, expectTable, lcg, run, type Row } from './scanner-oracles.js';

// Each verdict below was produced by rpm 4.18 (Debian 12's `rpm` package):
// rpm --eval '%{lua: print(rpm.vercmp(A, B))}'
const RPM_TABLE: readonly Row[] = [
  ["1.0", "1.0", 0],
  ["1.0", "2.0", -1],
  ["2.0", "1.0", 1],
  ["1.0", "1.0.1", -1],
  ["1.0.1", "1.0", 1],
  ["1.0", "1.0a", -1],
  ["1.0a", "1.0b", -1],
  ["1.0a", "1.0.1", -1],
  ["2.34-60.el9", "2.34-60.el9_2", -1],
  ["2.34-60.el9_2", "2.34-100.el9", -1],
  ["1:1.1.1k-7.el8_6", "1:1.1.1k-9.el8_7", -1],
  ["1:3.0.7-16.el9_2", "3.0.7-16.el9_2", 1],
  ["3.0.7-16.el9_2", "0:3.0.7-16.el9_2", 0],
  ["4.18.0-425.3.1.el8", "4.18.0-425.13.1.el8_7", -1],
  ["5.14.0-284.11.1.el9_2", "5.14.0-284.11.1.el9_2.1", -1],
  ["7.76.1-26.el9", "7.76.1-26.el9_3.2", -1],
  ["1.8.0.382.b05-2.el8", "1.8.0.372.b07-4.el8", 1],
  ["2:1.0-1", "1:9.9-9", 1],
  ["10:1", "9:2", 1],
  ["010:1", "10:1", 0],
  ["1.0~rc1", "1.0", -1],
  ["1.0~rc1", "1.0~rc2", -1],
  ["1.0~rc1-1", "1.0-1", -1],
  ["1.0~~", "1.0~", -1],
  ["1.0~", "1.0", -1],
  ["1.0~a", "1.0~", 1],
  ["1.0^", "1.0", 1],
  ["1.0^git1", "1.0", 1],
  ["1.0^git1", "1.0.1", -1],
  ["1.0^git1", "1.0^git2", -1],
  ["1.0^20230101git1234-1.fc38", "1.0-1.fc38", 1],
  ["1.0^", "1.0~", 1],
  ["1.0~^", "1.0~", 1],
  ["1.0-1", "1.0", 1],
  ["1.0", "1.0-1", -1],
  ["1.0-", "1.0", 1],
  ["1.0-", "1.0-0", -1],
  ["1.0-~1", "1.0", 1],
  ["1.0-1", "1.0-1.1", -1],
  ["1.0-1.el9", "1.0-1.el9.0", -1],
  ["1_0", "1.0", 0],
  ["1..0", "1.0", 0],
  ["1+0", "1.0", 0],
  ["1.0", "1.0.", 0],
  ["010", "10", 0],
  ["1.010", "1.9", 1],
  ["1.00010", "1.10", 0],
  ["1a", "1", 1],
  ["1", "1a", -1],
  ["a", "1", -1],
  ["1.a", "1.1", -1],
  ["A", "a", -1],
  ["1.0ALPHA", "1.0alpha", -1],
  ["1.0alpha", "1.0beta", -1],
  ["1.0rc1", "1.0", 1],
  ["1.0.rc1", "1.0.1", -1],
  ["1e3", "1e", 1],
  ["1.2.3", "1.2.3.0", -1],
  ["2.0.0", "2.0", 1],
  ["12345678901234567890", "12345678901234567891", -1],
  ["1-2-3", "1-2", 1],
  ["1.0-1-2", "1.0-1-3", -1],
  ["a:1", "1", -1],
  [":1.0", "0:1.0", 0],
  ["1:", "0:", 1],
  ["1é", "1", 0],
  ["1.0+git20230101", "1.0+git20221231", 1],
  ["0.9.9-1", "0.10.0-1", -1],
  ["1.2.3-4.el7", "1.2.3-4.el7_9", -1],
  ["1.2.3-4.el7_9", "1.2.3-4.el7_9.1", -1],
  ["6.0.0-0.20230101gitabcdef.fc39", "6.0.0-1.fc39", -1],
  ["1.0-0.rc1.1", "1.0-1", -1],
  ["2.9.13-3.el9_2.1", "2.9.13-3.el9_2", 1],
];

describe('rpm versions', () => {
  it('orders pairs exactly as rpm.vercmp does', () => {
    expectTable(compare, RPM_TABLE);
  });

  it('parses [epoch:]version[-release], the release after the last hyphen', () => {
    expect(parseEvr('1:3.0.7-16.el9_2')).toEqual({ epoch: '1', version: '3.0.7', release: '16.el9_2' });
    expect(parseEvr('3.0.7')).toEqual({ epoch: '0', version: '3.0.7', release: undefined });
    expect(parseEvr(':1.0-1')).toEqual({ epoch: '0', version: '1.0', release: '1' });
    expect(parseEvr('1-2-3')).toEqual({ epoch: '0', version: '1-2', release: '3' });
    expect(parseEvr('a:1')).toEqual({ epoch: '0', version: 'a:1', release: undefined });
  });

  it('compares one part with rpmvercmp: separators ignored, ~ lowest, ^ just above the end', () => {
    expect(vercmp('1.0', '1_0')).toBe(0);
    expect(vercmp('1.0~rc1', '1.0')).toBe(-1);
    expect(vercmp('1.0^1', '1.0')).toBe(1);
    expect(vercmp('1.0^1', '1.0.1')).toBe(-1);
    expect(vercmp('el9_2', 'el9')).toBe(1);
    expect(vercmp('5', 'a')).toBe(1);
  });

  it('accepts well-formed EVRs and rejects junk', () => {
    const valid = ['1.0', '1:3.0.7-16.el9_2', '5.14.0-284.11.1.el9_2', '1.0~rc1-1', '1.0^git1-1.fc38', '0:2.2.5-10.el9_1', '1.8.0.382.b05-2.el8'];
    const invalid = ['', ' ', '1.0-', 'a:1.0', ':1.0', '1 0', '-1', '1.0-1-', '1.0/2', '...'];
    expect(valid.filter((v) => !isValid(v))).toEqual([]);
    expect(invalid.filter((v) => isValid(v))).toEqual([]);
  });
});

function rpmAvailable(): boolean {
  try {
    return run('rpm', ['--eval', '%{lua: print(rpm.vercmp("1.0", "1.0a"))}']).trim() === '-1';
  } catch {
    return false;
  }
}

describeOracle('rpm versions against rpm 4.18 (live)', { tools: ['rpm'], required: false, available: rpmAvailable }, () => {
  it('agrees with rpm.vercmp on a few thousand generated pairs', () => {
    const rnd = lcg(4_18);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const seeds = RPM_TABLE.flatMap(([a, b]) => [a, b]);
    const alphabet = ['0', '1', '2', '9', '00', '01', '10', 'a', 'b', 'z', 'A', 'rc', 'el9', 'git', '.', '.', '_', '+', '-', '~', '^', ':'];
    const randomVersion = (): string => {
      let s = '';
      for (let n = 1 + Math.floor(rnd() * 8); n > 0; n--) s += pick(alphabet);
      return s;
    };
    const mutate = (s: string): string => {
      const i = Math.floor(rnd() * (s.length + 1));
      return s.slice(0, i) + pick(alphabet) + s.slice(i + (rnd() < 0.5 ? 1 : 0));
    };
    const pairs: [string, string][] = [];
    for (let i = 0; i < 1500; i++) pairs.push([randomVersion(), randomVersion()]);
    for (let i = 0; i < 1500; i++) {
      const a = pick(seeds);
      pairs.push([a, mutate(a)]);
    }
    const usable = pairs.filter(([a, b]) => a !== '' && b !== '' && !a.includes(']==]') && !b.includes(']==]'));
    const dir = mkdtempSync(join(tmpdir(), 'wharf-rpm-'));
    try {
      const file = join(dir, 'pairs.lua');
      const body = usable.map(([a, b]) => `{[==[${a}]==],[==[${b}]==]}`).join(',\n');
      writeFileSync(file, `local p = {\n${body}\n}\nlocal r = {}\nfor _, x in ipairs(p) do r[#r + 1] = tostring(rpm.vercmp(x[1], x[2])) end\nprint(table.concat(r, ","))\n`);
      const verdicts = run('rpm', ['--eval', `%{lua: dofile("${file}")}`]).trim().split(',').map(Number);
      expect(verdicts).toHaveLength(usable.length);
      const mismatches = usable
        .map(([a, b], i) => ({ a, b, rpm: verdicts[i], ours: compare(a, b) }))
        .filter((m) => m.rpm !== m.ours)
        .map((m) => `${JSON.stringify(m.a)} vs ${JSON.stringify(m.b)}: rpm ${m.rpm}, ours ${m.ours}`);
      expect(mismatches).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
