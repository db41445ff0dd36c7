import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, OCI_SPEC_ERROR_CODES, type ErrorCode, type ErrorEntry } from '../../src/errors/catalogue.js';
import { RegistryError } from '../../src/errors/registry-error.js';

const SPEC_CODES: readonly string[] = OCI_SPEC_ERROR_CODES;
/** Codes outside the spec's table, each on purpose (and explained in docs/errors.md). */
const EXTENSIONS: Record<string, string> = {
  UNKNOWN: 'unexpected failures (500)',
  TAG_INVALID: 'what distribution and ECR send for a tag that may not be overwritten',
};

const entries = Object.entries(ERROR_CATALOGUE) as [ErrorCode, ErrorEntry][];

describe('error catalogue', () => {
  it.each(entries)('%s maps to an OCI code the spec defines', (_code, entry) => {
    expect([...SPEC_CODES, ...Object.keys(EXTENSIONS)]).toContain(entry.oci.code);
  });

  it.each(entries)('%s has a 4xx or 5xx status on every surface', (_code, entry) => {
    expect(entry.oci.status).toBeGreaterThanOrEqual(400);
    expect(entry.oci.status).toBeLessThan(600);
    if (entry.iam) {
      expect(entry.iam.status).toBeGreaterThanOrEqual(400);
      expect(entry.iam.status).toBeLessThan(600);
    }
  });

  it.each(entries)('%s names an ECR exception and, if any, an IAM error code', (_code, entry) => {
    expect(entry.ecr).toMatch(/^[A-Z][A-Za-z]*Exception$/);
    if (entry.iam) expect(entry.iam.code).toMatch(/^[A-Z][A-Za-z]*$/);
  });

  it.each(entries)('%s has a default message, used when none is given', (code, entry) => {
    expect(entry.message.trim()).not.toBe('');
    const error = new RegistryError(code);
    expect(error.message).toBe(entry.message);
    expect(error.code).toBe(code);
  });

  it('keeps codes SCREAMING_SNAKE', () => {
    for (const [code] of entries) expect(code).toMatch(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/);
  });

  it('sends only server failures as 5xx, and INTERNAL as UNKNOWN 500 / ServerException', () => {
    expect(entries.filter(([, e]) => e.oci.status >= 500).map(([c]) => c)).toEqual(['INTERNAL']);
    expect(ERROR_CATALOGUE.INTERNAL).toMatchObject({ oci: { code: 'UNKNOWN', status: 500 }, ecr: 'ServerException' });
  });

  it('uses UNKNOWN for nothing but INTERNAL', () => {
    expect(entries.filter(([, e]) => e.oci.code === 'UNKNOWN').map(([c]) => c)).toEqual(['INTERNAL']);
  });
});

describe('docs/errors.md', () => {
  const markdown = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = markdown
    .split('\n')
    .filter((line) => /^\|\s*`[A-Z0-9_]+`\s*\|/.test(line))
    .map((line) => {
      const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
      const [code, oci, status, ecr, iam, when] = cells as [string, string, string, string, string, string];
      return { code: code.replaceAll('`', ''), oci: oci.replaceAll('`', ''), status: Number(status), ecr: ecr.replaceAll('`', ''), iam, when, cells: cells.length };
    });

  it('has one row per catalogue code, each listed once', () => {
    const documented = rows.map((r) => r.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(entries.map(([code]) => code).sort());
  });

  it.each(entries)('documents %s with the catalogue mappings and when it happens', (code, entry) => {
    const row = rows.find((r) => r.code === code);
    expect(row, `a row for ${code} in docs/errors.md`).toBeDefined();
    expect(row!.cells).toBe(6);
    expect({ oci: row!.oci, status: row!.status, ecr: row!.ecr }).toEqual({ oci: entry.oci.code, status: entry.oci.status, ecr: entry.ecr });
    expect(row!.iam).toBe(entry.iam ? `\`${entry.iam.code}\` (${entry.iam.status})` : '—');
    expect(row!.when.length).toBeGreaterThan(10);
  });

  it('explains every OCI code outside the spec', () => {
    for (const extension of Object.keys(EXTENSIONS)) expect(markdown).toContain(`\`${extension}\``);
  });
});
