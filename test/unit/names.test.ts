import { describe, expect, it } from 'vitest';
import {
  MAX_REPOSITORY_NAME_LENGTH,
  assertRepositoryName,
  isValidRepositoryName,
  isValidTag,
  parseReference,
} from '../../src/domain/names.js';
import { codeOf, errorOf } from './support.js';

const SHA256 = `sha256:${'b'.repeat(64)}`;

describe('repository names (OCI Distribution 1.1 grammar)', () => {
  it.each([
    'a',
    'library/ubuntu',
    'a/b/c/d/e',
    '0',
    'my.repo',
    'my_repo',
    'my__repo',
    'my-repo',
    'my---repo',
    'a.b_c__d-e--f',
    'team-1/app.v2/web__ui',
    'blobs',
    'a/manifests/tags/blobs/uploads',
  ])('accepts %s', (name) => {
    expect(isValidRepositoryName(name)).toBe(true);
    expect(assertRepositoryName(name)).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['uppercase', 'Library/ubuntu'],
    ['uppercase in a later component', 'library/Ubuntu'],
    ['double dot', 'a..b'],
    ['dot component', 'a/./b'],
    ['dot-dot component', 'a/../b'],
    ['leading dot-dot', '../a'],
    ['percent-encoded dot', 'a/%2e%2e/b'],
    ['percent-encoded slash', 'a%2fb'],
    ['three underscores', 'a___b'],
    ['dot then dash', 'a.-b'],
    ['underscore then dash', 'a_-b'],
    ['leading separator', '-a'],
    ['leading dot', '.a'],
    ['leading underscore', '_a'],
    ['trailing separator', 'a-'],
    ['trailing dot', 'a.'],
    ['trailing underscore', 'a_'],
    ['leading slash', '/a'],
    ['trailing slash', 'a/'],
    ['empty component', 'a//b'],
    ['separator-only component', 'a/-/b'],
    ['component starting with a separator', 'a/_b'],
    ['space', 'a b'],
    ['colon (tag syntax)', 'a:latest'],
    ['at sign (digest syntax)', 'a@sha256'],
    ['backslash', 'a\\b'],
    ['non-ASCII letter', 'café'],
    ['newline', 'a\nb'],
  ])('refuses %s', (_why, name) => {
    expect(isValidRepositoryName(name)).toBe(false);
    expect(codeOf(() => assertRepositoryName(name))).toBe('NAME_INVALID');
  });

  it(`limits names to ${MAX_REPOSITORY_NAME_LENGTH} characters`, () => {
    expect(MAX_REPOSITORY_NAME_LENGTH).toBe(256);
    const atLimit = `${'a'.repeat(127)}/${'b'.repeat(128)}`;
    expect(atLimit).toHaveLength(256);
    expect(isValidRepositoryName(atLimit)).toBe(true);
    expect(isValidRepositoryName(`${atLimit}c`)).toBe(false);
    expect(codeOf(() => assertRepositoryName('a'.repeat(257)))).toBe('NAME_INVALID');
  });

  it('truncates a huge name in the error message', () => {
    const { message } = errorOf(() => assertRepositoryName('A'.repeat(100_000)));
    expect(message.length).toBeLessThan(400);
  });
});

describe('tags', () => {
  it.each(['latest', 'v1.2.3', '_internal', '1', 'A', 'Release_2024-01-01', 'a'.repeat(128), 'x-y.z__W'])('accepts %s', (tag) => {
    expect(isValidTag(tag)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'a'.repeat(129)],
    ['leading dot', '.hidden'],
    ['leading dash', '-rc1'],
    ['colon', 'v1:2'],
    ['slash', 'v1/2'],
    ['plus', 'v1+build'],
    ['space', 'v 1'],
    ['at sign', 'v1@x'],
    ['non-ASCII', 'ünicode'],
  ])('refuses %s', (_why, tag) => {
    expect(isValidTag(tag)).toBe(false);
  });
});

describe('parseReference', () => {
  it.each([
    ['latest', { kind: 'tag', tag: 'latest' }],
    ['v1.0', { kind: 'tag', tag: 'v1.0' }],
    ['a'.repeat(128), { kind: 'tag', tag: 'a'.repeat(128) }],
    // 64 hex characters without an algorithm are a tag, not a digest.
    ['b'.repeat(64), { kind: 'tag', tag: 'b'.repeat(64) }],
    [SHA256, { kind: 'digest', digest: SHA256 }],
    [`sha512:${'c'.repeat(128)}`, { kind: 'digest', digest: `sha512:${'c'.repeat(128)}` }],
  ])('%s', (value, expected) => {
    expect(parseReference(value)).toEqual(expected);
  });

  it.each([
    ['empty', '', 'REFERENCE_INVALID'],
    ['129-character tag', 'a'.repeat(129), 'REFERENCE_INVALID'],
    ['leading dot', '.x', 'REFERENCE_INVALID'],
    ['slash', 'a/b', 'REFERENCE_INVALID'],
    ['uppercase digest hex', `sha256:${'B'.repeat(64)}`, 'DIGEST_INVALID'],
    ['short digest', 'sha256:abc', 'DIGEST_INVALID'],
    ['unknown algorithm', `md5:${'d'.repeat(32)}`, 'DIGEST_UNSUPPORTED'],
  ])('refuses %s with %s', (_why, value, code) => {
    expect(codeOf(() => parseReference(value))).toBe(code);
  });
});
