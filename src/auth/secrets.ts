import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time independent of where they differ. Both sides are hashed first so
 * that differing lengths take the same path too.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An AWS-shaped access key id: a four-letter prefix and 16 base32 characters. */
export function generateAccessKeyId(prefix = 'AKIA'): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const byte of bytes) id += KEY_ID_ALPHABET[byte % 32];
  return id;
}

/** A 40-character secret, as AWS issues. */
export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replaceAll('+', 'A').replaceAll('/', 'B');
}
