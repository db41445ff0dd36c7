import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const REGISTRY_KEY_FILE = 'registry.key';

/**
 * The registry's own secret: 32 random bytes from which purpose-specific keys are derived (HKDF):
 * one encrypts stored credentials, one signs login tokens. Every node of a scale-out deployment
 * must share it (config `auth.registryKeyFile`); the embedded default keeps it in the data dir.
 */
export class RegistryKey {
  readonly #secretsKey: Buffer;
  readonly #tokenKey: Buffer;

  constructor(material: Buffer) {
    if (material.length < 32) throw new Error('the registry key must be at least 32 bytes');
    this.#secretsKey = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'wharf stored secrets v1', 32));
    this.#tokenKey = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'wharf login tokens v1', 32));
  }

  /** AES-256-GCM; the output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#secretsKey, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('unrecognised ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.#secretsKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** HMAC-SHA256 of `payload` with the token key, base64url. */
  sign(payload: string): string {
    return createHmac('sha256', this.#tokenKey).update(payload).digest('base64url');
  }

  verify(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** Reads the key from `file` (config) or `<dataDir>/registry.key`, generating the latter on first start. */
export async function loadRegistryKey(options: { dataDir: string; file?: string | undefined }): Promise<RegistryKey> {
  if (options.file) return new RegistryKey(await readKeyFile(options.file));
  const file = path.resolve(options.dataDir, REGISTRY_KEY_FILE);
  try {
    return new RegistryKey(await readKeyFile(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
  } catch (err) {
    // Another process started at the same moment and wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return new RegistryKey(await readKeyFile(file));
}

async function readKeyFile(file: string): Promise<Buffer> {
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
}
