import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { RegistryKey } from '../crypto/registry-key.js';
import { RegistryError } from '../errors/registry-error.js';
import type { MetadataStore } from '../storage/metadata/metadata-store.js';
import { verifyLoginToken } from './login-tokens.js';
import { rootPrincipal, type Principal } from './principal.js';
import type { RootCredentials } from './root-credentials.js';
import { secretsEqual } from './secrets.js';
import { parseSigV4Authorization, verifySigV4, type SignedRequest } from './sigv4.js';

/** An access key and what it stands for. Session keys also carry the hash of their token. */
interface KeyEntry {
  readonly principal: Principal;
  readonly secretAccessKey: string;
  readonly sessionTokenHash?: string | undefined;
  readonly expiresAt?: Date | undefined;
}

/**
 * Turns request credentials into a Principal: HTTP Basic (an access key id and its secret, or
 * `AWS:<login token>`) on the data plane, SigV4 on the AWS-protocol surfaces. Keys come from the
 * root credentials, IAM access keys and STS sessions.
 */
export class Authenticator {
  constructor(
    private readonly options: {
      readonly root: RootCredentials;
      readonly accountId: string;
      readonly metadata: MetadataStore;
      readonly registryKey: RegistryKey;
      readonly clock: Clock;
    },
  ) {}

  /** Data plane: Basic credentials. Throws UNAUTHORIZED (or EXPIRED_TOKEN) when missing or wrong. */
  async authenticateBasic(authorization: string | undefined): Promise<Principal> {
    const basic = parseBasic(authorization);
    if (!basic) throw new RegistryError('UNAUTHORIZED');
    if (basic.username === 'AWS') {
      const check = verifyLoginToken(this.options.registryKey, basic.password, this.options.clock.now());
      if (check.ok) return check.principal;
      if (check.reason === 'expired') throw new RegistryError('UNAUTHORIZED', 'authorization token has expired; log in again');
      throw new RegistryError('UNAUTHORIZED');
    }
    const entry = await this.#lookup(basic.username);
    // Session keys need their token, which Basic cannot carry: they are for SigV4 only.
    const ok = entry !== undefined && entry.sessionTokenHash === undefined && secretsEqual(basic.password, entry.secretAccessKey);
    if (!ok) {
      // Compare anyway so a wrong key id and a wrong secret take the same time.
      secretsEqual(basic.password, this.options.root.secretAccessKey);
      throw new RegistryError('UNAUTHORIZED');
    }
    return entry.principal;
  }

  /** AWS surfaces: SigV4 for `service`. Throws MISSING_AUTHENTICATION, UNRECOGNIZED_CLIENT, EXPIRED_TOKEN, INVALID_SIGNATURE. */
  async authenticateSigV4(request: SignedRequest): Promise<{ principal: Principal; service: string; region: string }> {
    const header = request.headers.authorization;
    if (!header) throw new RegistryError('MISSING_AUTHENTICATION');
    const auth = parseSigV4Authorization(header);
    if (!auth) throw new RegistryError('INVALID_SIGNATURE', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature');
    const entry = await this.#lookup(auth.accessKeyId);
    if (!entry) throw new RegistryError('UNRECOGNIZED_CLIENT');
    const token = request.headers['x-amz-security-token'];
    if (entry.sessionTokenHash !== undefined) {
      if (typeof token !== 'string' || !secretsEqual(sha256(token), entry.sessionTokenHash)) throw new RegistryError('UNRECOGNIZED_CLIENT');
      if (entry.expiresAt && entry.expiresAt <= this.options.clock.now()) throw new RegistryError('EXPIRED_TOKEN');
    } else if (token !== undefined) {
      throw new RegistryError('UNRECOGNIZED_CLIENT');
    }
    await verifySigV4(request, auth, { secretAccessKey: entry.secretAccessKey, sessionToken: typeof token === 'string' ? token : undefined }, this.options.clock.now());
    return { principal: entry.principal, service: auth.service, region: auth.region };
  }

  async #lookup(accessKeyId: string): Promise<KeyEntry | undefined> {
    const { root, accountId, metadata, registryKey } = this.options;
    if (secretsEqual(accessKeyId, root.accessKeyId)) {
      return { principal: rootPrincipal(accountId, root.accessKeyId), secretAccessKey: root.secretAccessKey };
    }
    if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) return undefined;
    if (accessKeyId.startsWith('ASIA')) {
      const session = await metadata.read((tx) => tx.iam.getSession(accessKeyId));
      if (!session) return undefined;
      const [roleName] = session.roleArn.split('/').slice(-1);
      const role = await metadata.read((tx) => tx.iam.getRole(session.accountId, roleName!));
      return {
        principal: {
          type: 'assumed-role',
          accountId: session.accountId,
          arn: `arn:aws:sts::${session.accountId}:assumed-role/${roleName}/${session.sessionName}`,
          policyArn: session.roleArn,
          userId: `${role?.roleId ?? roleName}:${session.sessionName}`,
          accessKeyId,
        },
        secretAccessKey: registryKey.decrypt(session.secretCiphertext),
        sessionTokenHash: session.sessionTokenHash,
        expiresAt: session.expiresAt,
      };
    }
    const key = await metadata.read((tx) => tx.iam.getAccessKey(accessKeyId));
    if (!key || key.status !== 'Active') return undefined;
    if (key.userName === undefined) {
      return { principal: rootPrincipal(key.accountId, accessKeyId), secretAccessKey: registryKey.decrypt(key.secretCiphertext) };
    }
    const user = await metadata.read((tx) => tx.iam.getUser(key.accountId, key.userName!));
    if (!user) return undefined;
    return {
      principal: { type: 'user', accountId: user.accountId, arn: user.arn, policyArn: user.arn, userName: user.name, userId: user.userId, accessKeyId },
      secretAccessKey: registryKey.decrypt(key.secretCiphertext),
    };
  }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
