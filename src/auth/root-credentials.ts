import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { generateAccessKeyId, generateSecretAccessKey } from './secrets.js';

export interface RootCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Where generated credentials were saved, to tell the operator (never the secret itself). */
  readonly file?: string;
}

export const ROOT_CREDENTIALS_FILE = 'root-credentials.json';

/**
 * The root credentials: from config/env when given, else read from (or generated into) a file in
 * the data dir that only the owner can read.
 */
export async function resolveRootCredentials(config: Config): Promise<RootCredentials> {
  const { rootAccessKeyId, rootSecretAccessKey, rootSecretAccessKeyFile } = config.auth;
  const secret = rootSecretAccessKey ?? (rootSecretAccessKeyFile ? (await readFile(rootSecretAccessKeyFile, 'utf8')).trim() : undefined);
  if (rootAccessKeyId && secret) return { accessKeyId: rootAccessKeyId, secretAccessKey: secret };
  if (rootAccessKeyId || secret) {
    throw new Error('set both the root access key id and the root secret access key, or neither');
  }

  const file = path.resolve(config.dataDir, ROOT_CREDENTIALS_FILE);
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { accessKeyId?: unknown; secretAccessKey?: unknown };
    if (typeof saved.accessKeyId === 'string' && typeof saved.secretAccessKey === 'string') {
      return { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey, file };
    }
    throw new Error(`${file} does not hold accessKeyId and secretAccessKey`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const generated = { accessKeyId: generateAccessKeyId(), secretAccessKey: generateSecretAccessKey() };
  await mkdir(path.dirname(file), { recursive: true });
  // `wx`: never overwrite credentials another process wrote meanwhile; 0600 from the first byte.
  await writeFile(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { ...generated, file };
}
