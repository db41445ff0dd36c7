import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describe, it } from 'vitest';

/** The command-line tools from `tools` that are not on PATH (or, given as absolute paths, not there). */
export function missingTools(tools: readonly string[]): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return tools.filter(
    (tool) =>
      !(isAbsolute(tool) ? [''] : dirs).some((dir) => {
        try {
          accessSync(join(dir, tool), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
}

/**
 * `describe` for tests that drive real client tools. When a tool is missing the block is
 * skipped with a loud message on a developer's machine, and fails under CI=true, where every
 * tool must have been installed by .ci/run.
 */
export function describeWithTools(title: string, tools: readonly string[], body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) {
    describe(title, body);
    return;
  }
  const message = `${title}: missing ${missing.join(', ')} on PATH (install the Debian packages that .ci/run installs)`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('has its client tools installed', () => {
        throw new Error(`${message}; under CI=true a missing tool fails the run`);
      });
    });
    return;
  }
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING ${message}\n${'!'.repeat(100)}\n`);
  describe.skip(title, body);
}
