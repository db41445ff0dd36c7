import { describe, expect, it } from 'vitest';
import { generateAccessKeyId, generateSecretAccessKey, secretsEqual } from '../../src/auth/secrets.js';

describe('secretsEqual', () => {
  it.each([
    ['same', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', true],
    ['both empty', '', '', true],
    ['one character differs', 'secret-a', 'secret-b', false],
    ['a prefix', 'secret', 'secret-longer', false],
    ['longer', 'secret-longer', 'secret', false],
    ['empty against a value', '', 'secret', false],
    ['case differs', 'Secret', 'secret', false],
    ['trailing whitespace', 'secret ', 'secret', false],
    ['non-ASCII', 'clé', 'cle', false],
  ])('%s → %s', (_why, a, b, expected) => {
    expect(secretsEqual(a, b)).toBe(expected);
  });
});

describe('generated credentials', () => {
  it('access key ids look like AWS ones: AKIA and 16 base32 characters', () => {
    const ids = Array.from({ length: 50 }, () => generateAccessKeyId());
    for (const id of ids) expect(id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes another prefix', () => {
    expect(generateAccessKeyId('ASIA')).toMatch(/^ASIA[A-Z2-7]{16}$/);
  });

  it('secrets are 40 alphanumeric characters, different each time', () => {
    const secrets = Array.from({ length: 50 }, () => generateSecretAccessKey());
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});
