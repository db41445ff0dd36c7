import { describe, expect, it } from 'vitest';
import {
  createDigester,
  digestAlgorithm,
  digestEncoded,
  digestOf,
  finishDigest,
  isDigestSyntax,
  parseDigest,
  type Digest,
} from '../../src/domain/digest.js';
import { codeOf, errorOf } from './support.js';

const HEX64 = 'a'.repeat(64);
const HEX128 = '0123456789abcdef'.repeat(8);
// sha256("") and sha512("") — the well-known empty-input digests.
const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_SHA512 =
  'sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';

describe('parseDigest', () => {
  it.each([`sha256:${HEX64}`, `sha512:${HEX128}`, EMPTY_SHA256, EMPTY_SHA512])('accepts %s', (value) => {
    expect(parseDigest(value)).toBe(value);
  });

  it.each([
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['mixed-case hex', `sha256:${'a'.repeat(63)}B`],
    ['sha256 too short', `sha256:${'a'.repeat(63)}`],
    ['sha256 too long', `sha256:${'a'.repeat(65)}`],
    ['sha512 with a sha256-length value', `sha512:${HEX64}`],
    ['non-hex letters', `sha256:${'g'.repeat(64)}`],
    ['uppercase algorithm', `SHA256:${HEX64}`],
    ['no colon', `sha256${HEX64}`],
    ['empty encoded part', 'sha256:'],
    ['empty algorithm', `:${HEX64}`],
    ['empty string', ''],
    ['two colons', `sha256:${HEX64}:${HEX64}`],
    ['leading space', ` sha256:${HEX64}`],
    ['trailing newline', `sha256:${HEX64}\n`],
    ['algorithm ending with a separator', `sha256+:${HEX64}`],
    ['encoded part with a slash', `sha256:${'a'.repeat(32)}/${'a'.repeat(31)}`],
  ])('refuses %s as DIGEST_INVALID', (_why, value) => {
    expect(codeOf(() => parseDigest(value))).toBe('DIGEST_INVALID');
  });

  it.each([
    ['md5', 'md5:d41d8cd98f00b204e9800998ecf8427e'],
    ['sha384', `sha384:${'a'.repeat(96)}`],
    ['blake3', `blake3:${HEX64}`],
    ['a grammatical algorithm with separators', 'multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8'],
  ])('refuses %s as DIGEST_UNSUPPORTED', (_why, value) => {
    expect(isDigestSyntax(value)).toBe(true);
    expect(codeOf(() => parseDigest(value))).toBe('DIGEST_UNSUPPORTED');
  });

  it('names the offending value in its message and truncates huge ones', () => {
    const { message } = errorOf(() => parseDigest(`sha256:${'a'.repeat(10_000)}`));
    expect(message).toContain('invalid sha256 digest');
    expect(message.length).toBeLessThan(300);
  });
});

describe('isDigestSyntax', () => {
  it.each([
    [`sha256:${HEX64}`, true],
    ['sha256:ABC', true], // grammatical, though not a valid sha256 value
    ['a+b.c_d-e:x=Y_z-1', true],
    ['sha256', false],
    ['latest', false],
    ['Sha256:abc', false],
    ['sha256:a b', false],
    ['sha256:a:b', false],
  ])('%s → %s', (value, expected) => {
    expect(isDigestSyntax(value)).toBe(expected);
  });
});

describe('digest helpers', () => {
  it('digestOf hashes the exact bytes with sha256 by default and sha512 on request', () => {
    expect(digestOf(new Uint8Array())).toBe(EMPTY_SHA256);
    expect(digestOf(new Uint8Array(), 'sha512')).toBe(EMPTY_SHA512);
    expect(digestOf(Buffer.from('{}'))).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(digestOf(Buffer.from('{ }'))).not.toBe(digestOf(Buffer.from('{}')));
  });

  it('a streaming digester fed in chunks gives the same digest as digestOf', () => {
    const hash = createDigester('sha512');
    hash.update('hello ');
    hash.update('world');
    expect(finishDigest('sha512', hash)).toBe(digestOf(Buffer.from('hello world'), 'sha512'));
  });

  it('splits a digest into algorithm and encoded parts', () => {
    const digest = parseDigest(EMPTY_SHA512);
    expect(digestAlgorithm(digest)).toBe('sha512');
    expect(digestEncoded(digest)).toBe(EMPTY_SHA512.slice('sha512:'.length));
    expect(digestAlgorithm(EMPTY_SHA256 as Digest)).toBe('sha256');
  });
});
