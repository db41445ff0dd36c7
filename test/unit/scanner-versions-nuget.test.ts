import { describe, expect, it } from 'vitest';
import { compare, isValid, parse } from '../../src/scanner/matchers/nuget.js';
import { expectTable, type Row } from './scanner-oracles.js';

/**
 * NuGet's documented ordering (learn.microsoft.com, "NuGet package version reference":
 * normalisation, pre-release ordering, SemVer 2.0 support) and NuGet.Versioning's
 * VersionComparer.Default. No .NET runtime exists in Debian to run it, so this is a table.
 */
const NUGET_TABLE: readonly Row[] = [
  // Missing parts are zero; leading zeros do not count.
  ['1.0', '1.0.0', 0],
  ['1.0', '1.0.0.0', 0],
  ['1', '1.0.0', 0],
  ['1.01', '1.1', 0],
  ['1.00.0.00', '1.0', 0],
  // Four-part versions.
  ['1.0.0.1', '1.0.0', 1],
  ['1.0.0.1', '1.0.1', -1],
  ['4.7.2.3', '4.7.2.10', -1],
  ['13.0.1', '13.0.3', -1],
  ['6.0.0', '6.0.11', -1],
  // Pre-releases sort below the release; labels compare case-insensitively.
  ['1.0.0-beta', '1.0.0', -1],
  ['1.0.0-Beta', '1.0.0-beta', 0],
  ['1.0.0-BETA.2', '1.0.0-beta.10', -1],
  ['1.0.0-alpha', '1.0.0-beta', -1],
  ['1.0.0-beta', '1.0.0-rc', -1],
  ['1.0.0-rc.1', '1.0.0-rc.1.1', -1],
  ['1.0.0-alpha', '1.0.0-alpha.1', -1],
  ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
  ['1.0.0-1', '1.0.0-alpha', -1],
  ['1.0.0-2', '1.0.0-10', -1],
  ['1.0.0-beta2', '1.0.0-beta10', 1],
  ['8.0.0-preview.7.23375.6', '8.0.0-rc.1.23419.4', -1],
  ['8.0.0-rc.2.23479.6', '8.0.0', -1],
  ['1.0.0.1-beta', '1.0.0', 1],
  // Build metadata is ignored.
  ['1.0.0+abc', '1.0.0+def', 0],
  ['1.0.0-beta+abc', '1.0.0-beta', 0],
];

describe('NuGet versions', () => {
  it('orders pairs as NuGet.Versioning does', () => {
    expectTable(compare, NUGET_TABLE);
  });

  it('parses up to four numeric parts, release labels and metadata', () => {
    expect(parse('1.2.3.4-rc.1+sha.5')).toEqual({ parts: ['1', '2', '3', '4'], release: ['rc', '1'], metadata: 'sha.5' });
    expect(parse('2.1')).toEqual({ parts: ['2', '1', '0', '0'], release: [], metadata: undefined });
    expect(parse('1.2.3.4.5')).toBeUndefined();
  });

  it('validates NuGet version strings', () => {
    expect(['1.0', '1.0.0', '1.0.0.0', '1.0.0-beta', '1.0.0-beta.1+build', ' 2.0 '].map(isValid)).toEqual([true, true, true, true, true, true]);
    expect(['', 'v1.0', '1.0.0.0.0', '1.0-', '1.0.0-be_ta', '[1.0,2.0)'].map(isValid)).toEqual([false, false, false, false, false, false]);
  });

  it('sorts unparseable strings below every version', () => {
    expect(compare('garbage', '0.0.1')).toBe(-1);
  });
});
