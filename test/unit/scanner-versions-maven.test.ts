import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonical, compare, isValid } from '../../src/scanner/matchers/maven.js';
import { describeOracle, expectTable, lcg, run, type Row } from './scanner-oracles.js';

const MAVEN_JAR = '/usr/share/maven/lib/maven-artifact-3.x.jar';
const COMPARABLE_VERSION = 'org.apache.maven.artifact.versioning.ComparableVersion';

// Each verdict below was produced by Maven 3.8.7's own ComparableVersion (Debian 12):
// java -cp maven-artifact.jar org.apache.maven.artifact.versioning.ComparableVersion A B
const MAVEN_TABLE: readonly Row[] = [
  ["1", "1.0", 0],
  ["1", "1.0.0", 0],
  ["1.0", "1.0.1", -1],
  ["1.0.1", "1.1", -1],
  ["1.9", "1.10", -1],
  ["1.0.0.1", "1.0.1", -1],
  ["010", "10", 0],
  ["1.2147483648", "1.2147483647", 1],
  ["1.99999999999999999999", "1.99999999999999999998", 1],
  ["1.0-alpha", "1.0-alpha1", -1],
  ["1.0-alpha1", "1.0-a1", 0],
  ["1.0-alpha-1", "1.0-alpha1", 0],
  ["1.0-alpha", "1.0-beta", -1],
  ["1.0-beta", "1.0-milestone", -1],
  ["1.0-M1", "1.0-milestone-1", 0],
  ["1.0-milestone", "1.0-rc", -1],
  ["1.0-rc1", "1.0-cr1", 0],
  ["1.0-RC1", "1.0-rc1", 0],
  ["1.0-rc", "1.0-SNAPSHOT", -1],
  ["1.0-SNAPSHOT", "1.0", -1],
  ["1.0", "1.0-ga", 0],
  ["1.0", "1.0-final", 0],
  ["1.0", "1.0.Final", 0],
  ["1.0", "1.0-release", 0],
  ["1.0", "1.0-sp", -1],
  ["1.0-sp", "1.0-sp1", -1],
  ["1.0-sp1", "1.0-foo", -1],
  ["1.0-foo", "1.0-bar", 1],
  ["1.0-sp", "1.0-1", -1],
  ["1.0-1", "1.0.1", -1],
  ["1.0-1", "1.0-2", -1],
  ["1-1", "1.0-1", 0],
  ["31.1-jre", "31.1-android", 1],
  ["31.1-jre", "32.0.0-jre", -1],
  ["2.17.1", "2.17.0", 1],
  ["2.0-beta9", "2.0-rc1", -1],
  ["2.0-rc2", "2.0", -1],
  ["5.6.15.Final", "5.6.15", 0],
  ["4.1.94.Final", "4.1.100.Final", -1],
  ["9.4.51.v20230217", "9.4.52.v20230823", -1],
  ["9.4.51.v20230217", "9.4.51", 1],
  ["1.0.1.Final-1", "1.0.1.v20230217", 1],
  ["1.0-0.1", "1-0", 1],
  ["1-0-sp1", "1.0-M3", 1],
  ["1.0.x1", "1.0-x2", -1],
  ["1.0-20231010.123456-1", "1.0-SNAPSHOT", 1],
  ["1.0-20231010.123456-1", "1.0", 1],
  ["1a1", "1-alpha-1", 0],
  ["1a1", "1-a-1", -1],
  ["1.0a", "1.0-a", 0],
  ["1.a.1", "1-a-1", -1],
  ["a1b2", "alpha-1-beta-2", 0],
  ["1.0.RELEASE", "1.0", 0],
  ["1.0.0-RC1", "1.0.0.RC1", 0],
  ["2.0", "2.0-1-SNAPSHOT", -1],
  ["1..1", "1.0.1", 0],
  ["1--1", "1-1", -1],
  [".", "0", 0],
  ["1.0-x-1", "1.0-x", 1],
];

// The canonical forms the same command prints for each version.
const MAVEN_CANONICAL: readonly (readonly [string, string])[] = [
  ["1.0.0", "1"],
  ["1.0-SNAPSHOT", "1-snapshot"],
  ["1.0.0-RC1", "1-rc-1"],
  ["1-0-sp1", "1-sp-1"],
  ["1.0.1.v20230217", "1.0.1-v-20230217"],
  ["1.0.1.Final-1", "1.0.1-1"],
  ["1.0-0.1", "1-0.1"],
  ["a1b2", "alpha-1-beta-2"],
  ["1.0.Final", "1"],
  ["010", "10"],
  ["1.0.0.x", "1-x"],
  ["1.a.1", "1.a.1"],
  ["1--1", "1-1"],
  ["31.1-jre", "31.1-jre"],
];

describe('Maven versions', () => {
  it("orders pairs exactly as Maven's ComparableVersion does", () => {
    expectTable(compare, MAVEN_TABLE);
  });

  it('sorts the qualifier ladder alpha < beta < milestone < rc < snapshot < release < sp < other', () => {
    const ladder = ['1.0-alpha-1', '1.0-beta-1', '1.0-milestone-1', '1.0-rc-1', '1.0-SNAPSHOT', '1.0', '1.0-sp-1', '1.0-bar', '1.0-foo', '1.0-1', '1.0.1'];
    expect([...ladder].reverse().sort(compare)).toEqual(ladder);
  });

  it('prints the canonical form Maven prints', () => {
    expect(MAVEN_CANONICAL.filter(([v, c]) => canonical(v) !== c)).toEqual([]);
  });

  it('accepts any non-empty version without whitespace', () => {
    expect(['1.0', '31.1-jre', '9.4.51.v20230217', 'abc'].map(isValid)).toEqual([true, true, true, true]);
    expect(['', '  ', '1.0 beta'].map(isValid)).toEqual([false, false, false]);
  });
});

function javaAvailable(): boolean {
  if (!existsSync(MAVEN_JAR)) return false;
  try {
    return run('java', ['-cp', MAVEN_JAR, COMPARABLE_VERSION, '1', '2']).includes('1 < 2');
  } catch {
    return false;
  }
}

describeOracle("Maven versions against Maven's ComparableVersion (live)", { tools: ['java'], required: false, available: javaAvailable }, () => {
  it('agrees on a few thousand generated versions, pairwise and in canonical form', () => {
    const rnd = lcg(387);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const bases = ['1', '1.0', '1.0.0', '1.0.1', '1.1', '2.0', '10', '1.0.0.1', '1-1', '1.0-1', '1-0', '1.0-0.1', '2.17.1', '9.4.51', '0', '010', '1.99999999999999999999'];
    const quals = ['', '.v20230217', '.Final-1', '-0', '-alpha', '-alpha1', '-a1', '-beta2', '-b2', '-m1', '-rc1', '-RC1', '-cr1', '-SNAPSHOT', '-ga', '-final', '-release', '-sp', '-sp1', '-foo', '-jre', '-android', '-20231010.123456-1', '.Final', '.RELEASE', '-M3', 'a', 'b1', 'rc1', '-1', '.1', '-x-1', '.x', '_beta', '+build', '-.1', '-'];
    const chars = ['0', '1', '9', '.', '-', 'a', 'b', 'm', 'x', 'rc', 'sp', 'final', 'ga'];
    const randomVersion = (): string => {
      let s = '';
      for (let n = 1 + Math.floor(rnd() * 7); n > 0; n--) s += pick(chars);
      return s;
    };
    const versions: string[] = [];
    for (let i = 0; i < 2000; i++) versions.push(rnd() < 0.7 ? pick(bases) + pick(quals) : randomVersion());
    // ComparableVersion compares each argument with the next and prints its canonical form.
    const lines = run('java', ['-cp', MAVEN_JAR, COMPARABLE_VERSION, ...versions]).split('\n');
    let pairs = 0;
    const mismatches: string[] = [];
    for (const line of lines) {
      const cmp = /^ {3}(\S+) (==|<|>) (\S+)$/.exec(line);
      if (cmp) {
        pairs++;
        const [, a = '', op, b = ''] = cmp;
        const want = op === '<' ? -1 : op === '>' ? 1 : 0;
        if (compare(a, b) !== want) mismatches.push(`${a} ${op} ${b}, ours ${compare(a, b)}`);
      }
      const canon = /^\d+\. (\S+) -> (\S*); tokens/.exec(line);
      if (canon && canonical(canon[1] ?? '') !== canon[2]) mismatches.push(`canonical ${canon[1]}: maven ${canon[2]}, ours ${canonical(canon[1] ?? '')}`);
    }
    expect(pairs).toBe(versions.length - 1);
    expect(mismatches).toEqual([]);
  });
});
