import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools.js';

/**
 * Helpers for the version-scheme tests that compare our ordering with the real tool's
 * (dpkg, rpm, Maven, Python's packaging, Ruby's Gem::Version, Composer).
 *
 * `required: true` (dpkg) follows the project's rule for real tools: a missing tool fails
 * under CI=true and is skipped with a loud message elsewhere. The other oracles are not
 * installed by .ci/run; their verdicts are frozen into the tables of each test file, and the
 * live cross-check runs wherever the tool happens to be present.
 */
export function describeOracle(
  title: string,
  opts: { readonly tools: readonly string[]; readonly required: boolean; readonly available?: () => boolean },
  body: () => void,
): void {
  const missing = missingTools(opts.tools);
  const ok = missing.length === 0 && (opts.available?.() ?? true);
  if (ok) {
    describe(title, body);
    return;
  }
  const what = missing.length > 0 ? `missing ${missing.join(', ')} on PATH` : 'the tool is present but not usable';
  const message = `${title}: ${what}`;
  if (opts.required && process.env.CI === 'true') {
    describe(title, () => {
      it('has its oracle installed', () => {
        throw new Error(`${message}; under CI=true a missing oracle fails the run`);
      });
    });
    return;
  }
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING ${message}\n${'!'.repeat(100)}\n`);
  describe.skip(title, body);
}

/** Run a command with stdin, returning stdout; throws with stderr on failure. */
export function run(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { input, maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

/** A small deterministic PRNG (LCG) so sampled oracle pairs are the same on every run. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 1) / 0x80000000;
  };
}

export type Row = readonly [string, string, number];

/**
 * Assert a comparison table, each pair both ways round (antisymmetry), and report every
 * mismatching row at once.
 */
export function expectTable(compare: (a: string, b: string) => number, rows: readonly Row[]): void {
  const wrong: string[] = [];
  for (const [a, b, want] of rows) {
    const got = compare(a, b);
    const back = compare(b, a);
    if (got !== want || back !== -want) wrong.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: want ${want}, got ${got} (reversed ${back})`);
  }
  expect(wrong).toEqual([]);
}
