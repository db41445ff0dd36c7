/**
 * Principal and NotPrincipal matching.
 *
 * A request's principal is evaluated as each of the identities it carries (AWS: "AWS might
 * verify the account first and then the user ... for an assumed-role user, the account, then the
 * role, then the assumed-role user"):
 *   account root   -> { account }
 *   IAM user       -> { account, user }
 *   assumed role   -> { account, role, role session }
 * `Principal` applies when any listed principal names any of those identities, so an account
 * entry (`123456789012` or `arn:aws:iam::123456789012:root`) covers every principal of that
 * account and a role ARN covers the role and its sessions. `NotPrincipal` exempts a request only
 * when every identity is covered, which is why AWS tells you to list the account alongside the
 * user, or the account and the role for a role's sessions.
 */

export type PrincipalType = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';
export const PRINCIPAL_TYPES: readonly PrincipalType[] = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/** `"*"` or a map of principal type to the listed principals. */
export type PrincipalSpec = '*' | Readonly<Partial<Record<PrincipalType, readonly string[]>>>;

export type AwsPrincipalRef =
  | { readonly kind: 'any' }
  | { readonly kind: 'account'; readonly account: string }
  | { readonly kind: 'user'; readonly partition: string; readonly account: string; readonly path: string }
  | { readonly kind: 'role'; readonly partition: string; readonly account: string; readonly name: string }
  | { readonly kind: 'session'; readonly partition: string; readonly account: string; readonly role: string; readonly session: string }
  | { readonly kind: 'federated-user'; readonly partition: string; readonly account: string; readonly name: string };

const ACCOUNT_ID = /^\d{12}$/;
const IAM_ARN = /^arn:([a-z0-9-]+):iam::(\d{12}):(root|user\/.+|role\/.+)$/;
const STS_SESSION_ARN = /^arn:([a-z0-9-]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/;
const STS_FEDERATED_ARN = /^arn:([a-z0-9-]+):sts::(\d{12}):federated-user\/(.+)$/;

/** Parses one value of `{"AWS": ...}`; undefined when it is not a valid AWS principal. */
export function parseAwsPrincipal(value: string): AwsPrincipalRef | undefined {
  if (value === '*') return { kind: 'any' };
  if (ACCOUNT_ID.test(value)) return { kind: 'account', account: value };
  if (value.includes('*')) return undefined; // AWS: no wildcards inside a principal ARN
  const iam = IAM_ARN.exec(value);
  if (iam) {
    const [, partition = '', account = '', resource = ''] = iam;
    if (resource === 'root') return { kind: 'account', account };
    if (resource.startsWith('user/')) return { kind: 'user', partition, account, path: resource.slice('user/'.length) };
    return { kind: 'role', partition, account, name: lastPathComponent(resource.slice('role/'.length)) };
  }
  const session = STS_SESSION_ARN.exec(value);
  if (session) {
    const [, partition = '', account = '', role = '', name = ''] = session;
    return { kind: 'session', partition, account, role, session: name };
  }
  const federated = STS_FEDERATED_ARN.exec(value);
  if (federated) {
    const [, partition = '', account = '', name = ''] = federated;
    return { kind: 'federated-user', partition, account, name };
  }
  return undefined;
}

export interface RequestPrincipal {
  readonly arn: string;
  readonly accountId: string;
  readonly type: 'root' | 'user' | 'assumed-role';
}

type Identity =
  | { readonly kind: 'account'; readonly account: string }
  | { readonly kind: 'user'; readonly partition: string; readonly account: string; readonly path: string }
  | { readonly kind: 'role'; readonly partition: string; readonly account: string; readonly name: string }
  | { readonly kind: 'session'; readonly partition: string; readonly account: string; readonly role: string; readonly session: string };

/** The identities a request principal is evaluated as (see the module comment). */
export function principalIdentities(principal: RequestPrincipal): Identity[] {
  const account: Identity = { kind: 'account', account: principal.accountId };
  const parsed = parseAwsPrincipal(principal.arn);
  if (principal.type === 'user' && parsed?.kind === 'user') return [account, parsed];
  if (principal.type === 'assumed-role' && parsed?.kind === 'session') {
    const role: Identity = { kind: 'role', partition: parsed.partition, account: parsed.account, name: parsed.role };
    return [account, role, parsed];
  }
  return [account];
}

/** How a Principal element matched: through an account entry only, or naming the principal itself. */
export type PrincipalMatch = 'none' | 'account' | 'direct';

export function matchPrincipal(spec: PrincipalSpec, identities: readonly Identity[]): PrincipalMatch {
  const refs = awsRefs(spec);
  let result: PrincipalMatch = 'none';
  for (const ref of refs) {
    if (!identities.some((identity) => refMatches(ref, identity))) continue;
    if (ref.kind !== 'account') return 'direct';
    result = 'account';
  }
  return result;
}

/** NotPrincipal: the statement applies unless every identity of the request is listed. */
export function notPrincipalApplies(spec: PrincipalSpec, identities: readonly Identity[]): boolean {
  const refs = awsRefs(spec);
  return !identities.every((identity) => refs.some((ref) => refMatches(ref, identity)));
}

/** Only `"*"` and the `AWS` entries can name the registry's principals; services never make requests here. */
function awsRefs(spec: PrincipalSpec): AwsPrincipalRef[] {
  if (spec === '*') return [{ kind: 'any' }];
  return (spec.AWS ?? []).map(parseAwsPrincipal).filter((ref): ref is AwsPrincipalRef => ref !== undefined);
}

function refMatches(ref: AwsPrincipalRef, identity: Identity): boolean {
  if (ref.kind === 'any') return true;
  if (ref.account !== identity.account) return false;
  switch (ref.kind) {
    case 'account':
      return identity.kind === 'account';
    case 'user':
      return identity.kind === 'user' && samePartition(ref, identity) && sameName(ref.path, identity.path);
    case 'role':
      return (identity.kind === 'role' || identity.kind === 'session') && samePartition(ref, identity) && sameName(ref.name, roleOf(identity));
    case 'session':
      return (
        identity.kind === 'session' &&
        samePartition(ref, identity) &&
        sameName(ref.role, identity.role) &&
        ref.session === identity.session
      );
    default:
      return false;
  }
}

function roleOf(identity: Identity): string {
  if (identity.kind === 'session') return identity.role;
  return identity.kind === 'role' ? identity.name : '';
}

function samePartition(a: { readonly partition: string }, b: { readonly partition: string }): boolean {
  return a.partition === b.partition;
}

/** IAM user and role names are unique case-insensitively, so a differently cased name is the same entity. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function lastPathComponent(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The role ARN behind an assumed-role session ARN (without the role's path, which the session ARN omits). */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const ref = parseAwsPrincipal(sessionArn);
  return ref?.kind === 'session' ? `arn:${ref.partition}:iam::${ref.account}:role/${ref.role}` : undefined;
}
