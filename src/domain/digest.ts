import { createHash, type Hash } from 'node:crypto';
import { RegistryError } from '../errors/registry-error.js';

/** A content digest `algorithm:encoded`, validated by {@link parseDigest}. */
export type Digest = string & { readonly __brand: 'Digest' };
export type DigestAlgorithm = 'sha256' | 'sha512';

const ENCODED_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
// The spec's general digest grammar; algorithms other than the two registered ones are refused.
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function isDigestSyntax(value: string): boolean {
  return DIGEST_GRAMMAR.test(value);
}

/** Parses and validates a digest; throws DIGEST_INVALID (or DIGEST_UNSUPPORTED) with a reason. */
export function parseDigest(value: string): Digest {
  if (!DIGEST_GRAMMAR.test(value)) throw new RegistryError('DIGEST_INVALID', `invalid digest "${truncate(value)}"`);
  const [algorithm, encoded] = value.split(':', 2) as [string, string];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RegistryError('DIGEST_UNSUPPORTED', `digest algorithm "${truncate(algorithm)}" is not supported`);
  }
  if (encoded.length !== ENCODED_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(encoded)) {
    throw new RegistryError('DIGEST_INVALID', `invalid ${algorithm} digest "${truncate(value)}"`);
  }
  return value as Digest;
}

export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(':')) as DigestAlgorithm;
}

export function digestEncoded(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function createDigester(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` as Digest;
}

export function finishDigest(algorithm: DigestAlgorithm, hash: Hash): Digest {
  return `${algorithm}:${hash.digest('hex')}` as Digest;
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
