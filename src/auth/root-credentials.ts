import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  const saved = await readSaved(file);
  if (saved) return saved;
  const generated = { accessKeyId: generateAccessKeyId(), secretAccessKey: generateSecretAccessKey() };
  await mkdir(path.dirname(file), { recursive: true });
  // Written whole to a private temporary file (0600 from the first byte), then linked into place:
  // link never overwrites, so when another process got there first its credentials are used, and
  // nobody reads a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await link(temporary, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readSaved(file);
    if (!winner) throw err;
    return winner;
  } finally {
    await rm(temporary, { force: true });
  }
  return { ...generated, file };
}

async function readSaved(file: string): Promise<RootCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const saved = JSON.parse(text) as { accessKeyId?: unknown; secretAccessKey?: unknown };
  if (typeof saved.accessKeyId === 'string' && typeof saved.secretAccessKey === 'string') {
    return { accessKeyId: saved.accessKeyId, secretAccessKey: saved.secretAccessKey, file };
  }
  throw new Error(`${file} does not hold accessKeyId and secretAccessKey`);
}
