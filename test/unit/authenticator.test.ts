import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator, parseBasic } from '../../src/auth/authenticator.js';
import { RegistryKey } from '../../src/crypto/registry-key.js';
import { ManualClock } from '../../src/domain/clock.js';
import { RegistryError } from '../../src/errors/registry-error.js';
import { openSqliteMetadataStore } from '../../src/storage/metadata/open.js';
import type { MetadataStore } from '../../src/storage/metadata/metadata-store.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('parseBasic', () => {
  it.each([
    [basic('AKIAEXAMPLE:secret'), { username: 'AKIAEXAMPLE', password: 'secret' }],
    [basic('user:pa:ss:word'), { username: 'user', password: 'pa:ss:word' }], // only the first colon splits
    [basic(':'), { username: '', password: '' }],
    [basic('user:'), { username: 'user', password: '' }],
    [basic(':secret'), { username: '', password: 'secret' }],
    [basic('üser:pässwörd'), { username: 'üser', password: 'pässwörd' }],
    [`basic ${Buffer.from('a:b').toString('base64')}`, { username: 'a', password: 'b' }], // the scheme is case-insensitive
    [`BASIC   ${Buffer.from('a:b').toString('base64')}  `, { username: 'a', password: 'b' }],
    [`Basic ${Buffer.from('a:b').toString('base64').replace(/=+$/, '')}`, { username: 'a', password: 'b' }], // unpadded
  ])('%s → %o', (header, expected) => {
    expect(parseBasic(header)).toEqual(expected);
  });

  it.each([
    ['no header', undefined],
    ['empty', ''],
    ['scheme only', 'Basic'],
    ['scheme and space', 'Basic '],
    ['another scheme', `Bearer ${Buffer.from('a:b').toString('base64')}`],
    ['no space after the scheme', `Basic${Buffer.from('a:b').toString('base64')}`],
    ['no colon in the credentials', basic('justauser')],
    ['characters outside base64', 'Basic a:b'],
    ['base64url alphabet', 'Basic YT-_Yg'],
    ['two tokens', `Basic ${Buffer.from('a:b').toString('base64')} extra`],
    ['leading whitespace', ` ${basic('a:b')}`],
    ['padding only', 'Basic ===='],
  ])('refuses %s', (_why, header) => {
    expect(parseBasic(header)).toBeUndefined();
  });
});

describe('Authenticator.authenticateBasic with the root credentials', () => {
  const root = { accessKeyId: 'AKIAROOTROOTROOT0000', secretAccessKey: 'rootsecretrootsecretrootsecretrootsecret' };
  let dir: string;
  let metadata: MetadataStore;
  let auth: Authenticator;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wharf-auth-'));
    metadata = await openSqliteMetadataStore(path.join(dir, 'wharf.db'));
    auth = new Authenticator({ root, accountId: '123456789012', metadata, registryKey: new RegistryKey(randomBytes(32)), clock: new ManualClock() });
  });
  afterAll(async () => {
    await metadata?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function outcome(header: string | undefined): Promise<string> {
    try {
      return (await auth.authenticateBasic(header)).arn;
    } catch (err) {
      if (err instanceof RegistryError) return err.code;
      throw err;
    }
  }

  it('turns the root id and secret into the root principal', async () => {
    expect(await auth.authenticateBasic(basic(`${root.accessKeyId}:${root.secretAccessKey}`))).toMatchObject({
      type: 'root',
      accountId: '123456789012',
      arn: 'arn:aws:iam::123456789012:root',
      accessKeyId: root.accessKeyId,
    });
  });

  it.each([
    ['no header', undefined],
    ['a wrong secret', basic(`${root.accessKeyId}:wrong`)],
    ['a well-formed but unknown id', basic(`AKIAOTHEROTHEROTHER0:${root.secretAccessKey}`)],
    ['a malformed id', basic(`not-a-key:${root.secretAccessKey}`)],
    ['id and secret swapped', basic(`${root.secretAccessKey}:${root.accessKeyId}`)],
    ['the secret with a suffix', basic(`${root.accessKeyId}:${root.secretAccessKey}x`)],
    ['a prefix of the secret', basic(`${root.accessKeyId}:${root.secretAccessKey.slice(0, -1)}`)],
    ['the id in lower case', basic(`${root.accessKeyId.toLowerCase()}:${root.secretAccessKey}`)],
    ['empty credentials', basic(':')],
    ['the AWS user with a garbage token', basic('AWS:not.a-token')],
    ['a malformed header', 'Basic !!!'],
    ['a bearer token', `Bearer ${root.secretAccessKey}`],
  ])('refuses %s with UNAUTHORIZED', async (_why, header) => {
    expect(await outcome(header)).toBe('UNAUTHORIZED');
  });
});
