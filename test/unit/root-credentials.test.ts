import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT_CREDENTIALS_FILE, resolveRootCredentials } from '../../src/auth/root-credentials.js';
import { loadConfig } from '../../src/config/load.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-root-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ID = 'AKIAENVENVENVENV0000';
const SECRET = 'envsecretenvsecretenvsecretenvsecret1234';

describe('resolveRootCredentials', () => {
  it('generates credentials into a file only the owner can read, and says where', async () => {
    const dataDir = path.join(dir, 'data', 'nested'); // created on demand
    const creds = await resolveRootCredentials(await loadConfig({ env: { WHARF_DATA_DIR: dataDir } }));
    const file = path.join(dataDir, ROOT_CREDENTIALS_FILE);
    expect(creds.file).toBe(file);
    expect(creds.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(creds.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });
  });

  it('reuses the generated file on the next start', async () => {
    const config = await loadConfig({ env: { WHARF_DATA_DIR: dir } });
    const first = await resolveRootCredentials(config);
    const second = await resolveRootCredentials(config);
    expect(second).toEqual(first);
  });

  it('gives concurrent first starts the same credentials', async () => {
    const config = await loadConfig({ env: { WHARF_DATA_DIR: dir } });
    const all = await Promise.all(Array.from({ length: 5 }, () => resolveRootCredentials(config)));
    const saved = JSON.parse(await readFile(path.join(dir, ROOT_CREDENTIALS_FILE), 'utf8')) as unknown;
    for (const creds of all) expect({ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }).toEqual(saved);
    expect(await readdir(dir)).toEqual([ROOT_CREDENTIALS_FILE]); // no temporary files left behind
  });

  it('prefers credentials from env, and writes no file', async () => {
    const creds = await resolveRootCredentials(
      await loadConfig({ env: { WHARF_DATA_DIR: dir, WHARF_ROOT_ACCESS_KEY_ID: ID, WHARF_ROOT_SECRET_ACCESS_KEY: SECRET } }),
    );
    expect(creds).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
    await expect(stat(path.join(dir, ROOT_CREDENTIALS_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prefers credentials from env over a file generated earlier', async () => {
    const generated = await resolveRootCredentials(await loadConfig({ env: { WHARF_DATA_DIR: dir } }));
    const creds = await resolveRootCredentials(
      await loadConfig({ env: { WHARF_DATA_DIR: dir, WHARF_ROOT_ACCESS_KEY_ID: ID, WHARF_ROOT_SECRET_ACCESS_KEY: SECRET } }),
    );
    expect(creds.accessKeyId).toBe(ID);
    expect(creds.accessKeyId).not.toBe(generated.accessKeyId);
  });

  it('reads the secret from rootSecretAccessKeyFile, trimmed', async () => {
    const secretFile = path.join(dir, 'secret');
    await writeFile(secretFile, `${SECRET}\n`);
    const creds = await resolveRootCredentials(
      await loadConfig({ env: { WHARF_DATA_DIR: dir }, flags: { auth: { rootAccessKeyId: ID, rootSecretAccessKeyFile: secretFile } } }),
    );
    expect(creds).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
  });

  it.each([
    ['only the id', { WHARF_ROOT_ACCESS_KEY_ID: ID }],
    ['only the secret', { WHARF_ROOT_SECRET_ACCESS_KEY: SECRET }],
  ])('refuses %s', async (_why, env) => {
    const config = await loadConfig({ env: { WHARF_DATA_DIR: dir, ...env } });
    await expect(resolveRootCredentials(config)).rejects.toThrow(/set both the root access key id and the root secret access key/);
    await expect(stat(path.join(dir, ROOT_CREDENTIALS_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a credentials file without both fields rather than replacing it', async () => {
    const file = path.join(dir, ROOT_CREDENTIALS_FILE);
    await writeFile(file, JSON.stringify({ accessKeyId: ID }));
    await expect(resolveRootCredentials(await loadConfig({ env: { WHARF_DATA_DIR: dir } }))).rejects.toThrow(/does not hold accessKeyId and secretAccessKey/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ accessKeyId: ID });
  });
});
