import type { Principal } from './principal.js';
import type { RootCredentials } from './root-credentials.js';
import { secretsEqual } from './secrets.js';

/**
 * Turns request credentials into a Principal. Today: HTTP Basic with an access key id and its
 * secret. The ECR token (`AWS:<token>`), SigV4 and IAM users plug in here as further schemes.
 */
export interface Authenticator {
  /** Returns the principal, or undefined when the credentials are missing or wrong. */
  authenticateHeader(authorization: string | undefined): Promise<Principal | undefined>;
}

export function createAuthenticator(options: { root: RootCredentials; accountId: string }): Authenticator {
  const rootPrincipal: Principal = {
    kind: 'root',
    accountId: options.accountId,
    arn: `arn:aws:iam::${options.accountId}:root`,
    accessKeyId: options.root.accessKeyId,
  };
  return {
    async authenticateHeader(authorization) {
      const basic = parseBasic(authorization);
      if (!basic) return undefined;
      // Both comparisons always run, so timing does not reveal which part was wrong.
      const idMatches = secretsEqual(basic.username, options.root.accessKeyId);
      const secretMatches = secretsEqual(basic.password, options.root.secretAccessKey);
      return idMatches && secretMatches ? rootPrincipal : undefined;
    },
  };
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
