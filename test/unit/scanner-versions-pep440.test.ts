import { describe, expect, it } from 'vitest';
import { compare, isValid, normalizePythonName } from '../../src/scanner/matchers/pep440.js';
import { describeOracle, expectTable, lcg, run, type Row } from './scanner-oracles.js';

// Each verdict below was produced by Python's packaging 26.2 (`packaging.version.Version`).
const PEP440_TABLE: readonly Row[] = [
  ["1.0", "1.0.0", 0],
  ["1.0", "1.0.1", -1],
  ["1.0.dev0", "1.0a1", -1],
  ["1.0a1", "1.0a2", -1],
  ["1.0a2", "1.0b1", -1],
  ["1.0b1", "1.0rc1", -1],
  ["1.0rc1", "1.0", -1],
  ["1.0c1", "1.0rc1", 0],
  ["1.0", "1.0.post1", -1],
  ["1.0.post1", "1.0.1", -1],
  ["1.0a1.dev1", "1.0a1", -1],
  ["1.0.post1.dev1", "1.0.post1", -1],
  ["1.0.dev1", "1.0.dev2", -1],
  ["1.0-1", "1.0.post1", 0],
  ["1.0-alpha1", "1.0a1", 0],
  ["1.0.RC1", "1.0rc1", 0],
  ["1.0preview1", "1.0rc1", 0],
  ["1.0", "1.0+local", -1],
  ["1.0+local", "1.0.post1", -1],
  ["1.0+abc.5", "1.0+abc.10", -1],
  ["1.0+5", "1.0+abc", 1],
  ["1!0.5", "2.0", 1],
  ["0!1.0", "1.0", 0],
  ["1!1.0", "1!1.0.post1", -1],
  ["v1.0", "1.0", 0],
  ["01.02", "1.2", 0],
  ["2024.1", "2023.12.1", 1],
  ["1.0.0.0.1", "1.0", 1],
  ["2.31.0", "2.32.0", -1],
  ["3.9.18", "3.10.0", -1],
  ["1.26.18", "1.26.5", 1],
  ["0.0.1", "0.0.1.dev0", 1],
  ["1.0a1.post2.dev3", "1.0a1.post2", -1],
  ["1.0rc1.post1", "1.0rc2", -1],
  ["1.0.post", "1.0.post0", 0],
  ["1.0.dev", "1.0.dev0", 0],
  ["1.0_rc1", "1.0rc1", 0],
  ["1.0.r1", "1.0.post1", 0],
];

const PACKAGING_SCRIPT = `
import json, sys
from packaging.version import Version, InvalidVersion
out = []
for a, b in json.load(sys.stdin):
    try:
        x, y = Version(a), Version(b)
        out.append(-1 if x < y else 1 if x > y else 0)
    except InvalidVersion:
        out.append(None)
print(json.dumps(out))
`;

describe('PEP 440 versions', () => {
  it('orders pairs exactly as packaging.version does', () => {
    expectTable(compare, PEP440_TABLE);
  });

  it('sorts the PEP 440 example ladder into order', () => {
    const ladder = ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1'];
    expect([...ladder].reverse().sort(compare)).toEqual(ladder);
  });

  it('puts strings that are not PEP 440 below every valid version, in natural order', () => {
    expect(isValid('2.0-legacy.junk')).toBe(false);
    expect(compare('2.0-legacy.junk', '0.0.1')).toBe(-1);
    expect(compare('junk-2', 'junk-10')).toBe(-1);
  });

  it('validates with surrounding whitespace ignored', () => {
    expect(['1.0', ' 1.0 ', 'v1.0', '1!2.0.post1.dev3+local.1', '1.0-1'].map(isValid)).toEqual([true, true, true, true, true]);
    expect(['', 'latest', '1.0-legacy.junk', '1..0'].map(isValid)).toEqual([false, false, false, false]);
  });

  it('normalises project names per PEP 503', () => {
    expect(normalizePythonName('Foo.Bar')).toBe('foo-bar');
    expect(normalizePythonName('foo_bar')).toBe('foo-bar');
    expect(normalizePythonName('FOO--bar')).toBe('foo-bar');
    expect(normalizePythonName('zope.interface')).toBe('zope-interface');
    expect(normalizePythonName('Django')).toBe('django');
    expect(normalizePythonName('ruamel.yaml.clib')).toBe('ruamel-yaml-clib');
    expect(normalizePythonName('a._-b')).toBe('a-b');
  });
});

function packagingAvailable(): boolean {
  try {
    return run('python3', ['-c', 'import packaging.version; print("ok")']).trim() === 'ok';
  } catch {
    return false;
  }
}

describeOracle('PEP 440 versions against packaging.version (live)', { tools: ['python3'], required: false, available: packagingAvailable }, () => {
  it('agrees on a few thousand generated pairs', () => {
    const rnd = lcg(440);
    const releases = ['0', '1', '1.0', '1.0.0', '1.0.1', '1.1', '2.0', '10.0', '1!0.5', '1!1.0', '2024.1', '1.0.0.0.1', '01.02', 'v1.0'];
    const suffixes = ['', 'a1', 'alpha.1', '-alpha1', 'b2', 'c1', 'rc1', 'RC1', 'pre1', 'preview1', '.post1', 'post1', '-1', '.post', '.rev1', 'r1', '.dev0', '.dev', '-dev1', 'a1.dev1', 'rc1.post1', '.post1.dev2', '+local', '+ubuntu1', '+local.7', '+abc.5.def', '_rc1', 'a1.post2.dev3'];
    const all = releases.flatMap((r) => suffixes.map((s) => r + s));
    const pick = (): string => all[Math.floor(rnd() * all.length)] ?? '0';
    const pairs: [string, string][] = [];
    for (let i = 0; i < 3000; i++) pairs.push([pick(), pick()]);
    const verdicts = JSON.parse(run('python3', ['-c', PACKAGING_SCRIPT], JSON.stringify(pairs))) as (number | null)[];
    expect(verdicts).toHaveLength(pairs.length);
    const mismatches = pairs
      .map(([a, b], i) => ({ a, b, packaging: verdicts[i], ours: compare(a, b) }))
      .filter((m) => m.packaging !== null && m.packaging !== m.ours)
      .map((m) => `${m.a} vs ${m.b}: packaging ${m.packaging}, ours ${m.ours}`);
    expect(mismatches).toEqual([]);
  });
});
